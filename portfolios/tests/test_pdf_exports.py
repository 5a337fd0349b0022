"""The portfolio PDF (issue 20): laid out in parts with progress, and made in the background when
the portfolio is large (more evidence links than PORTFOLIO_PDF_INLINE_MAX_ITEMS)."""

import io
from datetime import timedelta

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios import exports, pdf_exports, services
from portfolios.models import PortfolioExport
from schools.tests.factories import LeadFactory
from validation.tests.factories import GroupMemberFactory

from .factories import EvidenceItemFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> list[str]:
    """Each page's text, with line breaks and runs of spaces as single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def lead():
    return LeadFactory(school__name="Hillside Primary")


@pytest.fixture
def application(lead):
    """A draft whose 8 criteria each list 2 of the school's items (16 evidence links)."""
    application = services.application_start(school=lead.school, actor=lead.user)
    for response in application.responses.select_related("criterion"):
        number = response.criterion.number
        items = [
            EvidenceItemFactory(
                school=lead.school,
                title=f"Criterion {number} item {n}",
                impact=f"Impact {number}.{n}",
                produced_on=timezone.localdate() - timedelta(days=40 + n),
                criteria=[response.criterion],
            )
            for n in (1, 2)
        ]
        services.response_update(
            response=response, actor=lead.user, self_evaluation=f"How we meet {number}.", evidence=items
        )
    return application


@pytest.fixture
def large(settings):
    """Portfolios of more than 4 evidence links count as large in these tests."""
    settings.PORTFOLIO_PDF_INLINE_MAX_ITEMS = 4


def request_and_run(application, actor, capture):
    """Ask for the PDF and let the (eager) task run when the request's transaction commits."""
    with capture(execute=True):
        export = pdf_exports.portfolio_export_request(application=application, actor=actor)
    export.refresh_from_db()
    return export


class TestLayingOutInParts:
    def test_parts_report_progress_per_criterion_and_match_the_one_pass_pdf(self, application):
        events = []

        in_parts = exports.portfolio_pdf(application, on_progress=lambda **progress: events.append(progress))
        at_once = exports.portfolio_pdf(application)

        assert [(e["stage"], e["items_done"], e["criteria_done"]) for e in events] == [
            *[("laying_out", 2 * n, n) for n in range(1, 9)],
            ("writing", 16, 8),
        ]
        assert {(e["items_total"], e["criteria_total"]) for e in events} == {(16, 8)}
        parts, whole = pdf_text(in_parts), pdf_text(at_once)
        assert len(parts) == len(whole)
        # Page numbers run on across the parts, and every criterion and item is there with its dates.
        assert [f"Page {n}" in text for n, text in enumerate(parts, start=1)] == [True] * len(parts)
        joined = " ".join(parts)
        for number in range(1, 9):
            assert f"Criterion {number} item 2" in joined and f"Impact {number}.2" in joined
        produced = (timezone.localdate() - timedelta(days=41)).strftime("%-d %B %Y")
        assert f"Produced {produced}" in joined
        assert "Hillside Primary" in parts[0] and "16 evidence links across 8 criteria" in parts[0]
        # Both carry the language and the bookmarks: the cover's title, the school details, each criterion.
        for data in (in_parts, at_once):
            reader = PdfReader(io.BytesIO(data))
            assert reader.trailer["/Root"]["/Lang"] == "en-GB"
            titles = [entry.title for entry in reader.outline[1] if not isinstance(entry, list)]
            assert titles == [
                "School details",
                *[
                    f"Criterion {c.criterion.number}: {c.criterion.short_title}"
                    for c in application.responses.order_by("criterion__number")
                ],
            ]


class TestBuild:
    def test_stores_a_pdf_and_reaches_done(self, application, lead, django_capture_on_commit_callbacks):
        export = request_and_run(application, lead.user, django_capture_on_commit_callbacks)

        assert export.status == PortfolioExport.Status.DONE
        assert export.stage == PortfolioExport.Stage.FINISHED
        assert (export.items_done, export.items_total, export.criteria_done, export.criteria_total) == (16, 16, 8, 8)
        assert export.percent == 100
        assert export.started_at <= export.finished_at
        assert export.file.name.startswith(f"portfolio-exports/{application.pk}/")
        with default_storage.open(export.file.name, "rb") as stored:
            data = stored.read()
        assert data.startswith(b"%PDF") and len(data) == export.size
        assert "Criterion 8 item 2" in " ".join(pdf_text(data))

    def test_a_failing_render_marks_it_failed_and_keeps_no_file(
        self, application, lead, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broken(*args, **kwargs):
            raise RuntimeError("layout went wrong")

        monkeypatch.setattr(weasyprint.HTML, "render", broken)
        # The storage outlives each test's database, and another test's application may have had
        # this id: compare the folder before and after rather than expect it missing.
        folder = f"portfolio-exports/{application.pk}"
        stored_before = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()

        export = request_and_run(application, lead.user, django_capture_on_commit_callbacks)

        assert export.status == PortfolioExport.Status.FAILED
        assert export.error == "RuntimeError: layout went wrong"
        assert export.file.name == "" and export.finished_at is not None
        stored_after = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()
        assert stored_after == stored_before

        monkeypatch.undo()
        again = request_and_run(application, lead.user, django_capture_on_commit_callbacks)
        assert again.pk != export.pk and again.status == PortfolioExport.Status.DONE

    def test_runs_once_however_often_the_task_is_delivered(self, application, lead, django_capture_on_commit_callbacks):
        export = request_and_run(application, lead.user, django_capture_on_commit_callbacks)
        file_name = export.file.name

        assert pdf_exports.portfolio_export_build(export_id=export.pk) is False

        export.refresh_from_db()
        assert export.status == PortfolioExport.Status.DONE and export.file.name == file_name


class TestReuse:
    def test_a_repeated_request_reuses_the_export_still_waiting_or_running(self, application, lead):
        first = pdf_exports.portfolio_export_request(application=application, actor=lead.user)
        assert first.status == PortfolioExport.Status.QUEUED and first.items_total == 16

        again = pdf_exports.portfolio_export_request(application=application, actor=AdminFactory())
        PortfolioExport.objects.filter(pk=first.pk).update(
            status=PortfolioExport.Status.RUNNING, started_at=timezone.now()
        )
        while_running = pdf_exports.portfolio_export_request(application=application, actor=lead.user)

        assert again.pk == while_running.pk == first.pk
        assert PortfolioExport.objects.count() == 1

    def test_the_database_refuses_a_second_active_export(self, application, lead):
        PortfolioExport.objects.create(application=application, requested_by=lead.user)
        with pytest.raises(IntegrityError):
            PortfolioExport.objects.create(
                application=application, requested_by=lead.user, status=PortfolioExport.Status.RUNNING
            )

    def test_an_export_whose_worker_died_is_marked_failed_and_replaced(self, application, lead, time_machine):
        time_machine.move_to(timezone.now(), tick=False)
        dead = pdf_exports.portfolio_export_request(application=application, actor=lead.user)
        PortfolioExport.objects.filter(pk=dead.pk).update(
            status=PortfolioExport.Status.RUNNING, started_at=timezone.now()
        )
        time_machine.shift(timedelta(minutes=9))
        assert pdf_exports.portfolio_export_request(application=application, actor=lead.user).pk == dead.pk

        time_machine.shift(timedelta(minutes=2))
        fresh = pdf_exports.portfolio_export_request(application=application, actor=lead.user)

        dead.refresh_from_db()
        assert fresh.pk != dead.pk and fresh.status == PortfolioExport.Status.QUEUED
        assert dead.status == PortfolioExport.Status.FAILED and dead.error == pdf_exports.STOPPED
        # The dead job's task arriving late does nothing.
        assert pdf_exports.portfolio_export_build(export_id=dead.pk) is False

    def test_a_request_the_queue_refuses_is_marked_failed_at_once(
        self, application, lead, use_broker, django_capture_on_commit_callbacks
    ):
        use_broker("redis://127.0.0.1:9/0")  # nothing listens there

        export = request_and_run(application, lead.user, django_capture_on_commit_callbacks)

        assert export.status == PortfolioExport.Status.FAILED and export.error == pdf_exports.NOT_QUEUED


class TestRetention:
    def test_the_purge_deletes_old_exports_and_their_files_and_can_run_twice(self, application):
        old = PortfolioExport.objects.create(
            application=application,
            status=PortfolioExport.Status.DONE,
            file=default_storage.save(f"portfolio-exports/{application.pk}/old.pdf", ContentFile(b"%PDF-1.7 old")),
            created_at=timezone.now() - timedelta(days=8),
        )
        failed = PortfolioExport.objects.create(
            application=application, status=PortfolioExport.Status.FAILED, created_at=timezone.now() - timedelta(days=9)
        )
        recent = PortfolioExport.objects.create(
            application=application,
            status=PortfolioExport.Status.DONE,
            file=default_storage.save(f"portfolio-exports/{application.pk}/new.pdf", ContentFile(b"%PDF-1.7 new")),
            created_at=timezone.now() - timedelta(days=6),
        )
        cutoff = timezone.now() - timedelta(days=7)

        assert set(pdf_exports.portfolio_exports_older_than(cutoff)) == {old, failed}
        assert pdf_exports.portfolio_exports_purge(cutoff=cutoff) == 2
        assert pdf_exports.portfolio_exports_purge(cutoff=cutoff) == 0

        assert list(PortfolioExport.objects.all()) == [recent]
        assert not default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)


class TestViews:
    def test_a_small_portfolio_still_downloads_at_once(self, client, application, lead):
        client.force_login(lead.user)
        response = client.get(reverse("portfolios:export_pdf", args=[application.pk]))

        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
        assert not PortfolioExport.objects.exists()
        page = client.get(reverse("portfolios:application", args=[application.pk])).content.decode()
        assert "Download the portfolio (PDF)" in page

    def test_a_large_one_is_made_in_the_background_then_downloaded(
        self, client, application, lead, large, django_capture_on_commit_callbacks
    ):
        client.force_login(lead.user)
        page = client.get(reverse("portfolios:application", args=[application.pk])).content.decode()
        make = reverse("portfolios:export_pdf", args=[application.pk])
        assert f'<a class="govuk-link" href="{make}">Make the portfolio PDF</a>' in page

        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(make)

        export = PortfolioExport.objects.get()
        status_url = reverse("portfolios:pdf_export", args=[application.pk, export.pk])
        assert response.status_code == 302 and response["Location"] == status_url
        status = client.get(status_url).content.decode()
        assert "Your PDF is ready" in status and "16 evidence links across 8 criteria" in status
        assert 'http-equiv="refresh"' not in status
        download = client.get(reverse("portfolios:pdf_export_download", args=[application.pk, export.pk]))
        body = b"".join(download.streaming_content)
        assert body.startswith(b"%PDF") and len(body) == export.size
        assert download["X-Content-Type-Options"] == "nosniff"
        assert f'filename="{exports.export_name(application, "pdf")}"' in download["Content-Disposition"]
        page = client.get(reverse("portfolios:application", args=[application.pk])).content.decode()
        assert "Download the portfolio (PDF made" in page and "Make a new portfolio PDF" in page

    def test_while_it_is_made_the_page_shows_progress_refreshes_and_offers_no_file(
        self, client, application, lead, large
    ):
        client.force_login(lead.user)
        response = client.get(reverse("portfolios:export_pdf", args=[application.pk]))
        export = PortfolioExport.objects.get()
        PortfolioExport.objects.filter(pk=export.pk).update(
            status=PortfolioExport.Status.RUNNING,
            stage=PortfolioExport.Stage.LAYING_OUT,
            items_done=6,
            criteria_done=3,
        )

        page = client.get(response["Location"]).content.decode()

        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
        assert "Laying out the criteria and their evidence" in page
        assert "6 of 16 evidence links laid out (3 of 8 criteria)" in page
        assert 'value="36"' in page  # 5 + 85 * 6 / 16
        download = reverse("portfolios:pdf_export_download", args=[application.pk, export.pk])
        assert client.get(download).status_code == 404
        # Clicking the link again brings the same export's page.
        assert client.get(reverse("portfolios:export_pdf", args=[application.pk]))["Location"] == response["Location"]
        application_page = client.get(reverse("portfolios:application", args=[application.pk])).content.decode()
        assert "The portfolio PDF is being made: see how far it has got" in application_page

    def test_a_failed_export_says_so_and_can_be_tried_again(
        self, client, application, lead, large, django_capture_on_commit_callbacks
    ):
        client.force_login(lead.user)
        failed = PortfolioExport.objects.create(
            application=application,
            requested_by=lead.user,
            status=PortfolioExport.Status.FAILED,
            error=pdf_exports.STOPPED,
        )
        url = reverse("portfolios:pdf_export", args=[application.pk, failed.pk])

        page = client.get(url).content.decode()
        assert "The PDF could not be made" in page and pdf_exports.STOPPED in page and "Try again" in page

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portfolios:pdf_export_again", args=[application.pk, failed.pk]))
        again = PortfolioExport.objects.exclude(pk=failed.pk).get()
        assert response["Location"] == reverse("portfolios:pdf_export", args=[application.pk, again.pk])
        assert again.status == PortfolioExport.Status.DONE

    def test_a_stalled_export_shows_as_failed_and_trying_again_replaces_it(
        self, client, application, lead, large, time_machine
    ):
        time_machine.move_to(timezone.now(), tick=False)
        client.force_login(lead.user)
        stalled = PortfolioExport.objects.create(
            application=application, status=PortfolioExport.Status.RUNNING, started_at=timezone.now()
        )
        url = reverse("portfolios:pdf_export", args=[application.pk, stalled.pk])
        assert 'http-equiv="refresh"' in client.get(url).content.decode()

        time_machine.shift(PortfolioExport.RUNNING_TOO_LONG + timedelta(seconds=1))
        page = client.get(url).content.decode()

        assert 'http-equiv="refresh"' not in page and "data-refresh-seconds" not in page
        assert "The PDF could not be made" in page and PortfolioExport.STOPPED in page
        response = client.post(reverse("portfolios:pdf_export_again", args=[application.pk, stalled.pk]))
        stalled.refresh_from_db()
        fresh = PortfolioExport.objects.exclude(pk=stalled.pk).get()
        assert stalled.status == PortfolioExport.Status.FAILED and fresh.status == PortfolioExport.Status.QUEUED
        assert response["Location"] == reverse("portfolios:pdf_export", args=[application.pk, fresh.pk])

    def test_only_the_schools_team_and_admins_reach_an_export(self, client, application, lead, large):
        export = PortfolioExport.objects.create(
            application=application,
            status=PortfolioExport.Status.DONE,
            file=default_storage.save("portfolio-exports/x.pdf", ContentFile(b"%PDF-1.7 x")),
        )
        urls = [
            reverse("portfolios:pdf_export", args=[application.pk, export.pk]),
            reverse("portfolios:pdf_export_download", args=[application.pk, export.pk]),
        ]
        again = reverse("portfolios:pdf_export_again", args=[application.pk, export.pk])
        other_school = LeadFactory()
        other_application = services.application_start(school=other_school.school, actor=other_school.user)
        for outsider in (other_school.user, GroupMemberFactory().user):
            login(client, outsider)
            assert [client.get(url).status_code for url in urls] == [404, 404]
            assert client.post(again).status_code == 404
            assert client.get(reverse("portfolios:export_pdf", args=[application.pk])).status_code == 404
        # Another application's id in the address does not reach this export either.
        client.force_login(other_school.user)
        wrong = reverse("portfolios:pdf_export", args=[other_application.pk, export.pk])
        assert client.get(wrong).status_code == 404
        assert PortfolioExport.objects.count() == 1

        login(client, AdminFactory())
        assert [client.get(url).status_code for url in urls] == [200, 200]
