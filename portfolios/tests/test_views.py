import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios import services
from portfolios.models import Application, EvidenceItem
from schools.tests.factories import LeadFactory, MembershipFactory

from .factories import EvidenceItemFactory, complete_application, pdf_bytes, pdf_upload, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client):
    membership = LeadFactory(school__name="Hillside Primary")
    client.force_login(membership.user)
    return membership


def date_fields(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def upload_data(files, **extra):
    return {
        "files": files,
        "title": "",
        "description": "Our policy",
        "impact": "Pupils know who to tell",
        "criteria": ["1"],
        **date_fields("produced_on", timezone.localdate() - timedelta(days=5)),
        **extra,
    }


def criterion_pks(numbers):
    from portfolios.models import Criterion

    return [
        str(pk)
        for pk in Criterion.objects.filter(number__in=numbers, criteria_set__is_current=True).values_list(
            "pk", flat=True
        )
    ]


class TestUpload:
    def url(self, lead):
        return reverse("portfolios:evidence_upload", args=[lead.school.pk])

    def test_several_files_at_once(self, client, lead):
        data = upload_data(
            [pdf_upload("a.pdf"), SimpleUploadedFile("b.png", png_bytes())], criteria=criterion_pks([1, 3])
        )
        response = client.post(self.url(lead), data, follow=True)
        assert "2 files added to your evidence library" in response.content.decode()
        items = EvidenceItem.objects.filter(school=lead.school).order_by("original_name")
        assert [i.original_name for i in items] == ["a.pdf", "b.png"]
        assert [i.content_type for i in items] == ["application/pdf", "image/png"]
        assert sorted(c.number for c in items[0].criteria.all()) == [1, 3]

    def test_xhr_upload_answers_json_with_where_to_go(self, client, lead):
        response = client.post(
            self.url(lead), upload_data([pdf_upload()], criteria=[]), headers={"X-Requested-With": "XMLHttpRequest"}
        )
        assert response.json() == {"redirect": reverse("portfolios:evidence_library", args=[lead.school.pk])}

    def test_xhr_upload_with_errors_answers_the_page_with_status_400(self, client, lead):
        response = client.post(
            self.url(lead),
            upload_data([SimpleUploadedFile("run.pdf", b"MZ\x90\x00" + b"\x00" * 300)], criteria=[]),
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
        assert response.status_code == 400
        assert "is a program, not a PDF" in response.content.decode()

    @pytest.mark.parametrize(
        "name, data, message",
        [
            ("photo.pdf", png_bytes(), "The content of “photo.pdf” is not a PDF"),
            ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 300, "is a program, not a PDF"),
            ("empty.pdf", b"", "The submitted file is empty"),
            ("files.zip", b"PK\x03\x04" + b"\x00" * 100, "is an archive"),
        ],
    )
    def test_bad_files_are_refused_with_a_clear_message_and_nothing_stored(self, client, lead, name, data, message):
        existing = EvidenceItemFactory(school=lead.school, title="Kept")
        response = client.post(self.url(lead), upload_data([SimpleUploadedFile(name, data)], criteria=[]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert message in page
        assert list(EvidenceItem.objects.filter(school=lead.school)) == [existing]

    @pytest.mark.parametrize("raw, kept", [("../../etc/passwd.pdf", "passwd.pdf"), ("tab\x01le.pdf", "table.pdf")])
    def test_path_parts_and_control_characters_never_reach_storage(self, client, lead, raw, kept):
        """Django strips them before the portal sees the name (portfolios.uploads refuses any left)."""
        client.post(self.url(lead), upload_data([SimpleUploadedFile(raw, pdf_bytes())], criteria=[]))
        item = EvidenceItem.objects.get(school=lead.school)
        assert item.original_name == kept
        assert item.file.name.startswith(f"evidence/{lead.school.pk}/") and kept not in item.file.name

    def test_a_file_over_the_limit(self, client, lead, settings):
        settings.EVIDENCE_MAX_FILE_BYTES = 1024
        response = client.post(
            self.url(lead),
            upload_data([pdf_upload()], criteria=[])
            | {"files": [SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" * 2048)]},
        )
        assert "must be smaller than 1 KB" in response.content.decode()
        assert not EvidenceItem.objects.exists()

    def test_evidence_dated_in_the_future(self, client, lead):
        data = upload_data([pdf_upload()], criteria=[]) | date_fields(
            "produced_on", timezone.localdate() + timedelta(days=2)
        )
        response = client.post(self.url(lead), data)
        assert "The date the evidence was produced must be today or in the past" in response.content.decode()
        assert not EvidenceItem.objects.exists()

    def test_every_field_says_what_to_enter(self, client, lead):
        response = client.post(self.url(lead), {})
        page = response.content.decode()
        assert "Select one or more files to upload" in page
        assert "Enter the date the evidence was produced" in page
        assert "Enter the impact this evidence shows" in page


class TestScoping:
    def test_another_schools_objects_answer_404(self, client, lead):
        other = LeadFactory()
        theirs = EvidenceItemFactory(school=other.school)
        application = services.application_start(school=other.school, actor=other.user)
        for url in [
            reverse("portfolios:school", args=[other.school.pk]),
            reverse("portfolios:evidence_library", args=[other.school.pk]),
            reverse("portfolios:evidence_upload", args=[other.school.pk]),
            reverse("portfolios:evidence_detail", args=[theirs.pk]),
            reverse("portfolios:evidence_edit", args=[theirs.pk]),
            reverse("portfolios:evidence_download", args=[theirs.pk]),
            reverse("portfolios:application", args=[application.pk]),
            reverse("portfolios:criterion", args=[application.pk, 1]),
            reverse("portfolios:export_pdf", args=[application.pk]),
            reverse("portfolios:export_zip", args=[application.pk]),
        ]:
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("portfolios:evidence_delete", args=[theirs.pk])).status_code == 404
        assert EvidenceItem.objects.filter(pk=theirs.pk).exists()

    def test_linking_another_schools_evidence_by_id_in_the_form(self, client, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        theirs = EvidenceItemFactory()
        url = reverse("portfolios:criterion", args=[application.pk, 2])
        response = client.post(url, {"self_evaluation": "Ours", "evidence": [str(theirs.pk)]})
        assert "Select evidence from your school&#x27;s own library" in response.content.decode()
        assert application.responses.get(criterion__number=2).self_evaluation == ""

    def test_starting_an_application_refuses_get(self, client, lead):
        response = client.get(reverse("portfolios:application_start", args=[lead.school.pk]))
        assert response.status_code == 405
        assert not Application.objects.exists()


class TestDownload:
    def test_file_streams_as_an_attachment_with_nosniff(self, client, lead):
        item = services.evidence_add_files(
            school=lead.school,
            actor=lead.user,
            files=[pdf_upload("Our policy.pdf")],
            produced_on=timezone.localdate(),
            impact="x",
        )[0]
        response = client.get(reverse("portfolios:evidence_download", args=[item.pk]))
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Our policy.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == pdf_bytes()

    def test_admin_may_download_a_school_member_of_another_may_not(self, client, lead):
        item = services.evidence_add_files(
            school=lead.school, actor=lead.user, files=[pdf_upload()], produced_on=timezone.localdate(), impact="x"
        )[0]
        login(client, AdminFactory())
        assert client.get(reverse("portfolios:evidence_download", args=[item.pk])).status_code == 200
        client.force_login(MembershipFactory().user)
        assert client.get(reverse("portfolios:evidence_download", args=[item.pk])).status_code == 404


class TestSubmitJourney:
    def test_task_list_shows_states_counts_and_warnings(self, client, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        nearly = EvidenceItemFactory(
            school=lead.school, produced_on=timezone.localdate() - timedelta(days=3 * 365 - 30)
        )
        services.response_update(
            response=application.responses.get(criterion__number=1),
            actor=lead.user,
            self_evaluation="Yes",
            evidence=[nearly],
        )
        page = client.get(reverse("portfolios:application", args=[application.pk])).content.decode()
        assert "govuk-task-list" in page
        assert "1 evidence item; 1 nearly 3 years old" in page
        assert page.count("Not started") == 7
        assert "Write a self-evaluation for criterion 2" in page
        assert reverse("portfolios:criterion", args=[application.pk, 2]) in page

    def test_lead_submits_and_emails_go_after_commit(self, client, lead, django_capture_on_commit_callbacks):
        application = complete_application(lead)
        url = reverse("portfolios:submit", args=[application.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"declaration": "on", "equality_declaration": "on"}, follow=True)
        assert "Application submitted" in response.content.decode()
        application.refresh_from_db()
        assert application.state == Application.State.SUBMITTED
        assert {m.subject for m in mail.outbox} == {
            "Application submitted: Hillside Primary",
            f"New application to list for a meeting: Hillside Primary ({lead.school.urn})",
        }

    def test_submit_without_declarations_lists_them(self, client, lead):
        application = complete_application(lead)
        response = client.post(reverse("portfolios:submit", args=[application.pk]), {})
        page = response.content.decode()
        assert "Confirm the declaration" in page and "Confirm the equality declaration" in page
        application.refresh_from_db()
        assert application.state == Application.State.DRAFT

    def test_a_colleague_cannot_submit(self, client, lead):
        application = complete_application(lead)
        client.force_login(MembershipFactory(school=lead.school).user)
        response = client.post(
            reverse("portfolios:submit", args=[application.pk]), {"declaration": "on", "equality_declaration": "on"}
        )
        assert "Only your school&#x27;s SLT lead can submit the application" in response.content.decode()
        application.refresh_from_db()
        assert application.state == Application.State.DRAFT

    def test_replaying_an_old_form_after_submission_is_refused(self, client, lead):
        item = EvidenceItemFactory(school=lead.school, title="Policy")
        application = complete_application(lead, evidence=item)
        criterion_url = reverse("portfolios:criterion", args=[application.pk, 1])
        edit_url = reverse("portfolios:evidence_edit", args=[item.pk])
        services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )

        response = client.post(criterion_url, {"self_evaluation": "Replayed", "evidence": [str(item.pk)]})
        assert "cannot be changed. Nothing has been saved." in response.content.decode()
        assert application.responses.get(criterion__number=1).self_evaluation == "We meet criterion 1."

        replay = {
            "title": "Replayed",
            "url": "https://www.example.sch.uk/changed",
            "description": "",
            "impact": "x",
            **date_fields("produced_on", timezone.localdate()),
        }
        response = client.post(edit_url, replay)
        assert "part of a submitted portfolio, so it cannot be changed or deleted" in response.content.decode()
        item.refresh_from_db()
        assert item.title == "Policy"

        response = client.post(reverse("portfolios:evidence_delete", args=[item.pk]))
        assert "cannot be changed or deleted" in response.content.decode()
        assert EvidenceItem.objects.filter(pk=item.pk).exists()


class TestExports:
    def test_pdf_export(self, client, lead):
        application = complete_application(lead)
        response = client.get(reverse("portfolios:export_pdf", args=[application.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
        assert len(response.content) > 5000

    def test_zip_export_has_an_index_and_every_file(self, client, lead):
        files = services.evidence_add_files(
            school=lead.school,
            actor=lead.user,
            files=[pdf_upload("Policy.pdf"), pdf_upload("Minutes.pdf", "m")],
            produced_on=timezone.localdate(),
            impact="Fewer incidents",
        )
        link = EvidenceItemFactory(school=lead.school, title="Website page")
        application = services.application_start(school=lead.school, actor=lead.user)
        services.response_update(
            response=application.responses.get(criterion__number=1),
            actor=lead.user,
            self_evaluation="x",
            evidence=[*files, link],
        )
        response = client.get(reverse("portfolios:export_zip", args=[application.pk]))
        assert response["X-Content-Type-Options"] == "nosniff"
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        names = archive.namelist()
        assert names[0] == "index.csv"
        assert f"evidence/{files[0].pk:06d}-Policy.pdf" in names
        assert archive.read(f"evidence/{files[0].pk:06d}-Policy.pdf") == pdf_bytes()
        index = archive.read("index.csv").decode()
        assert "Website page" in index and "Fewer incidents" in index and files[1].sha256 in index


class TestHardCopyPages:
    def test_admin_records_a_paper_portfolio_and_its_evidence(self, client):
        school_lead = LeadFactory()
        login(client, AdminFactory())
        today = timezone.localdate()
        response = client.post(
            reverse("portfolios:application_start_hard_copy", args=[school_lead.school.pk]),
            date_fields("received_on", today),
            follow=True,
        )
        assert "Paper portfolio started" in response.content.decode()
        application = Application.objects.get(school=school_lead.school)
        assert application.is_hard_copy and application.hard_copy_received_on == today

        data = {
            "title": "Folder section 4: CPD log",
            "description": "",
            "impact": "All staff trained",
            "criteria": criterion_pks([4]),
            "scan": pdf_upload("scan.pdf"),
            **date_fields("produced_on", today - timedelta(days=100)),
            **date_fields("received_on", today),
        }
        response = client.post(reverse("portfolios:evidence_add_hard_copy", args=[school_lead.school.pk]), data)
        item = EvidenceItem.objects.get(school=school_lead.school)
        assert item.kind == EvidenceItem.Kind.HARD_COPY
        assert item.received_on == today and item.original_name == "scan.pdf"
        assert [c.number for c in item.criteria.all()] == [4]

    def test_a_school_user_cannot_open_the_paper_portfolio_page(self, client, lead):
        response = client.get(reverse("portfolios:application_start_hard_copy", args=[lead.school.pk]))
        assert response.status_code == 403
        assert not Application.objects.exists()
