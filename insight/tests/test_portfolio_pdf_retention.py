"""Portfolio PDFs made in the background (issue 20) are a kind of record on the retention schedule:
the nightly sweep deletes them, files included, a week after they were asked for by default."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accreditation.errors import Refusal
from accreditation.tests.factories import AdminFactory
from insight.privacy import schedule
from portfolios import services
from portfolios.models import PortfolioExport
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 15, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def export(application, days_ago, status=PortfolioExport.Status.DONE):
    name = default_storage.save(f"portfolio-exports/{application.pk}/{days_ago}.pdf", ContentFile(b"%PDF-1.7 x"))
    return PortfolioExport.objects.create(
        application=application,
        status=status,
        file=name if status == PortfolioExport.Status.DONE else "",
        created_at=NOW - datetime.timedelta(days=days_ago),
    )


def test_the_nightly_sweep_deletes_portfolio_pdfs_a_week_old_and_their_files(clock):
    lead = LeadFactory()
    application = services.application_start(school=lead.school, actor=lead.user)
    old = export(application, 8)
    dead = export(application, 30, PortfolioExport.Status.RUNNING)  # a job that never finished
    young = export(application, 6)

    due = {row["kind"].key: row["count"] for row in schedule.preview()}
    run = schedule.sweep()
    again = schedule.sweep()

    assert due["portfolio-pdfs"] == 2
    assert run.counts["portfolio-pdfs"] == 2 and again.counts["portfolio-pdfs"] == 0
    assert list(PortfolioExport.objects.all()) == [young]
    assert not default_storage.exists(old.file.name) and default_storage.exists(young.file.name)
    assert not PortfolioExport.objects.filter(pk=dead.pk).exists()
    assert schedule.KINDS_BY_KEY["portfolio-pdfs"].describe(7) == "7 days after it was asked for"


def test_an_admin_may_keep_them_from_a_day_to_90_days(clock):
    admin = AdminFactory()
    schedule.period_update(kind_key="portfolio-pdfs", amount=1, by=admin)
    assert schedule.periods()["portfolio-pdfs"] == 1
    with pytest.raises(Refusal, match="at most 90 days"):
        schedule.period_update(kind_key="portfolio-pdfs", amount=91, by=admin)
    with pytest.raises(Refusal, match="the next morning"):
        schedule.period_update(kind_key="portfolio-pdfs", amount=0, by=admin)
