"""Journey 3 (issue 8): time travels to 6 months before an award expires (the reminder email
arrives and its link takes the lead to the portfolio) and past expiry (the school leaves the public
register and its certificate no longer verifies as current). Every page passes axe."""

import importlib
import re
from datetime import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.access.world import LONDON, START, build
from validation.models import Award

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AWARD_EXPIRY = importlib.import_module("validation.migrations.0008_schedule_award_expiry_and_agenda_packs").AWARD_EXPIRY


def run_nightly_award_job():
    call_command("run_periodic_jobs", AWARD_EXPIRY, stdout=open("/dev/null", "w"))  # noqa: SIM115


def search_register(page, school_name):
    page.goto("/accredited-schools/")
    page.get_by_label("School name, town or URN").fill(school_name)
    page.get_by_role("button", name="Search").click()


def test_expiry_reminder_then_lapse(page, time_machine):
    time_machine.move_to(START, tick=False)
    world = build(time_machine)
    award = world.award
    assert (award.awarded_on.isoformat(), award.expires_on.isoformat()) == ("2026-10-07", "2029-10-07")

    time_machine.move_to(datetime(2026, 10, 8, 9, tzinfo=LONDON), tick=True)
    search_register(page, "School A")
    expect(page.get_by_role("cell", name="School A")).to_be_visible()
    assert_accessible(page)

    # Six months before expiry the nightly job sends the reminder, once.
    time_machine.move_to(datetime(2029, 4, 7, 2, tzinfo=LONDON), tick=True)
    mail.outbox.clear()
    run_nightly_award_job()
    run_nightly_award_job()
    reminders = [m for m in mail.outbox if m.to == [world.users["lead"].email]]
    assert len(reminders) == 1
    assert "7 October 2029" in reminders[0].body
    link = re.search(r"http://testserver(/\S+)", reminders[0].body).group(1)

    time_machine.move_to(datetime(2029, 4, 7, 9, tzinfo=LONDON), tick=True)
    page.goto(link)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, world.users["lead"].email)
    page.goto(link)
    # The reminder links straight into the renewal (issue 17); this school already has a draft.
    expect(page.get_by_role("heading", name="Start a renewal")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the application")).to_be_visible()
    assert_accessible(page)

    # After the expiry date the award lapses: off the register, and the certificate is not current.
    time_machine.move_to(datetime(2029, 10, 8, 2, tzinfo=LONDON), tick=True)
    run_nightly_award_job()
    award.refresh_from_db()
    assert award.status == Award.Status.LAPSED
    search_register(page, "School A")
    expect(page.get_by_role("cell", name="School A")).to_have_count(0)
    assert_accessible(page)
    page.goto(f"/verify/{award.verification_code}/")
    expect(page.get_by_text("This accreditation is no longer current.")).to_be_visible()
    expect(page.get_by_text("It expired on 7 October 2029.")).to_be_visible()
    assert_accessible(page)
