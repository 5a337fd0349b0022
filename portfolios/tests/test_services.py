import threading
import tracemalloc
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import connection, connections
from django.utils import timezone

from accreditation.errors import Refusal
from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory
from portfolios import selectors, services
from portfolios.models import Application, ApplicationTransition, CriteriaSet, CriterionResponse, EvidenceItem
from schools.models import School
from schools.tests.factories import LeadFactory, MembershipFactory, SchoolFactory

from .factories import EvidenceItemFactory, complete_application, criteria, ensure_criteria, pdf_bytes, pdf_upload

State = Application.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return LeadFactory(school__name="Hillside Primary")


def submit(application, actor):
    return services.application_submit(
        application=application, actor=actor, declaration=True, equality_declaration=True
    )


class TestCriteria:
    def test_the_eight_criteria_are_loaded_with_their_outcomes(self):
        current = CriteriaSet.objects.get(is_current=True)
        loaded = list(current.criteria.order_by("number"))
        assert [c.number for c in loaded] == list(range(1, 9))
        assert loaded[0].short_title == "SLT lead"
        assert loaded[1].short_title == "Governors"
        assert loaded[7].short_title == "Monitoring and evaluation"
        assert "SLT provide leadership in anti-bullying work." in loaded[0].outcomes
        assert len(loaded[5].outcomes) == 3
        assert all(c.outcomes for c in loaded)


class TestEvidence:
    def test_files_are_stored_under_generated_names_with_their_hash(self, lead):
        data = pdf_bytes()
        items = services.evidence_add_files(
            school=lead.school,
            actor=lead.user,
            files=[pdf_upload("Our policy.pdf"), pdf_upload("Minutes.pdf", "Minutes")],
            produced_on=date.today() - timedelta(days=10),
            impact="Everyone knows the policy",
            criteria=criteria()[:2],
        )
        assert len(items) == 2
        first = items[0]
        assert first.title == "Our policy"
        assert first.original_name == "Our policy.pdf"
        assert first.file.name.startswith(f"evidence/{lead.school.pk}/")
        assert "Our policy" not in first.file.name
        assert first.size == len(data)
        import hashlib

        assert first.sha256 == hashlib.sha256(data).hexdigest()
        assert first.content_type == "application/pdf"
        assert first.uploaded_by == lead.user
        assert first.stale_from == first.produced_on + relativedelta(years=3)
        assert [c.number for c in first.criteria.all()] == [1, 2]
        with default_storage.open(first.file.name) as stored:
            assert stored.read() == data
        assert AuditEvent.objects.filter(action="evidence.uploaded").count() == 2

    def test_a_refused_file_in_a_batch_leaves_nothing_behind(self, lead):
        from django.core.files.uploadedfile import SimpleUploadedFile

        with pytest.raises(Refusal, match="is empty"):
            services.evidence_add_files(
                school=lead.school,
                actor=lead.user,
                files=[pdf_upload("good.pdf"), SimpleUploadedFile("empty.pdf", b"")],
                produced_on=date.today(),
                impact="x",
            )
        assert not EvidenceItem.objects.exists()

    def test_evidence_dated_in_the_future_is_refused(self, lead):
        with pytest.raises(Refusal, match="must be today or in the past"):
            services.evidence_add_link(
                school=lead.school,
                actor=lead.user,
                url="https://example.org",
                title="Future",
                produced_on=timezone.localdate() + timedelta(days=1),
                impact="x",
            )
        assert not EvidenceItem.objects.exists()

    def test_someone_from_another_school_cannot_add_evidence(self, lead):
        other = MembershipFactory()
        with pytest.raises(PermissionDenied):
            services.evidence_add_link(
                school=lead.school,
                actor=other.user,
                url="https://e.org",
                title="t",
                produced_on=date.today(),
                impact="x",
            )

    def test_large_uploads_stream_with_flat_memory(self, lead, settings):
        settings.EVIDENCE_MAX_FILE_BYTES = 60 * 1024 * 1024
        upload = TemporaryUploadedFile("big.pdf", "application/pdf", 0, None)
        upload.write(pdf_bytes())
        block = b"%" + b"0" * (1024 * 1024 - 1)
        for _ in range(40):
            upload.write(block)
        upload.size = upload.tell()
        upload.seek(0)
        tracemalloc.start()
        items = services.evidence_add_files(
            school=lead.school, actor=lead.user, files=[upload], produced_on=date.today(), impact="x"
        )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        upload.close()
        assert items[0].size > 40 * 1024 * 1024
        assert peak < 4 * 1024 * 1024, f"peak {peak} bytes while storing a 40 MB file"


class TestApplications:
    def test_first_application_has_a_response_per_criterion(self, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        assert application.kind == Application.Kind.FIRST
        assert application.state == State.DRAFT
        assert application.responses.count() == 8

    def test_only_one_open_application_per_school(self, lead):
        services.application_start(school=lead.school, actor=lead.user)
        with pytest.raises(Refusal, match="already has an application in progress"):
            services.application_start(school=lead.school, actor=lead.user)

    def test_linking_another_schools_evidence_by_id_is_refused(self, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        theirs = EvidenceItemFactory(school=SchoolFactory())
        response = application.responses.first()
        with pytest.raises(Refusal, match="your school's own library"):
            services.response_update(response=response, actor=lead.user, self_evaluation="x", evidence=[theirs.pk])
        response.refresh_from_db()
        assert response.self_evaluation == ""
        assert not response.evidence.exists()


class TestSubmissionRules:
    def problems(self, application, user):
        return [p.message for p in selectors.submission_problems(application, user=user)]

    def test_a_complete_portfolio_submits_freezes_and_emails(self, lead, django_capture_on_commit_callbacks):
        application = complete_application(lead)
        with django_capture_on_commit_callbacks(execute=True):
            submitted = submit(application, lead.user)
        assert submitted.state == State.SUBMITTED
        assert submitted.submitted_by == lead.user
        assert submitted.submitted_at and submitted.first_submitted_at
        assert set(submitted.responses.values_list("status", flat=True)) == {CriterionResponse.Status.FROZEN}
        assert ApplicationTransition.objects.get(application=application).to_state == State.SUBMITTED
        assert AuditEvent.objects.filter(action="application.submitted", target_id=str(application.pk)).exists()
        recipients = sorted(address for message in mail.outbox for address in message.to)
        assert recipients == sorted([lead.user.email, "healthandwellbeing@example.org"])
        assert "Application submitted: Hillside Primary" in [m.subject for m in mail.outbox]

    def test_only_the_slt_lead_submits(self, lead):
        application = complete_application(lead)
        colleague = MembershipFactory(school=lead.school)
        assert "Only your school's SLT lead can submit the application" in self.problems(application, colleague.user)
        with pytest.raises(PermissionDenied):
            submit(application, colleague.user)
        application.refresh_from_db()
        assert application.state == State.DRAFT

    def test_declarations_are_required(self, lead):
        application = complete_application(lead)
        with pytest.raises(services.SubmissionBlocked) as caught:
            services.application_submit(
                application=application, actor=lead.user, declaration=False, equality_declaration=False
            )
        assert "Confirm the declaration" in caught.value.messages
        assert "Confirm the equality declaration" in caught.value.messages
        application.refresh_from_db()
        assert application.state == State.DRAFT

    def test_every_criterion_needs_a_self_evaluation_and_evidence(self, lead):
        application = complete_application(lead)
        response = application.responses.get(criterion__number=4)
        services.response_update(response=response, actor=lead.user, self_evaluation="", evidence=[])
        problems = self.problems(application, lead.user)
        assert "Write a self-evaluation for criterion 4" in problems
        assert "Link at least one piece of evidence to criterion 4" in problems
        with pytest.raises(services.SubmissionBlocked):
            submit(application, lead.user)

    def test_no_linked_evidence_may_be_three_years_old(self, lead):
        old = EvidenceItemFactory(school=lead.school, produced_on=timezone.localdate().replace(year=2020))
        application = complete_application(lead)
        response = application.responses.get(criterion__number=2)
        services.response_update(response=response, actor=lead.user, self_evaluation="Yes", evidence=[old])
        assert "Criterion 2 has evidence more than 3 years old: remove it or link newer evidence" in self.problems(
            application, lead.user
        )
        with pytest.raises(services.SubmissionBlocked):
            submit(application, lead.user)

    def test_evidence_three_years_old_today_is_already_stale(self, lead):
        today = timezone.localdate()
        # Three calendar years ago (on 29 February: 28 February, whose stale date is today's 28th).
        produced = today - relativedelta(years=3)
        item = EvidenceItemFactory(school=lead.school, produced_on=produced)
        application = complete_application(lead, evidence=item)
        assert any("more than 3 years old" in p for p in self.problems(application, lead.user))

    def test_eligibility_must_be_met_or_overridden(self, lead):
        application = complete_application(lead)
        School.objects.filter(pk=lead.school.pk).update(
            eligibility=School.Eligibility.NOT_MET, eligibility_reason="Grade 3"
        )
        application.school.refresh_from_db()
        assert "Your school does not yet meet the Ofsted eligibility rule: Grade 3" in self.problems(
            application, lead.user
        )
        with pytest.raises(services.SubmissionBlocked):
            submit(application, lead.user)
        School.objects.filter(pk=lead.school.pk).update(eligibility=School.Eligibility.OVERRIDDEN)
        assert submit(application, lead.user).state == State.SUBMITTED

    def test_two_clicks_give_one_submission(self, lead):
        application = complete_application(lead)
        submit(application, lead.user)
        with pytest.raises(services.TransitionNotAllowed):
            submit(application, lead.user)
        assert ApplicationTransition.objects.filter(to_state=State.SUBMITTED).count() == 1


class TestFrozenPortfolio:
    def test_linked_evidence_cannot_be_edited_or_deleted_after_submission(self, lead):
        item = EvidenceItemFactory(school=lead.school, title="Policy")
        application = complete_application(lead, evidence=item)
        submit(application, lead.user)
        with pytest.raises(services.PortfolioFrozen, match="part of a submitted portfolio"):
            services.evidence_update(
                item=item,
                actor=lead.user,
                title="Changed",
                description="",
                produced_on=date.today(),
                impact="x",
                criteria=[],
            )
        with pytest.raises(services.PortfolioFrozen):
            services.evidence_delete(item=item, actor=lead.user)
        item.refresh_from_db()
        assert item.title == "Policy"

    def test_new_evidence_can_still_be_added_and_edited(self, lead):
        application = complete_application(lead)
        submit(application, lead.user)
        new = EvidenceItemFactory(school=lead.school)
        services.evidence_update(
            item=new,
            actor=lead.user,
            title="New title",
            description="",
            produced_on=date.today(),
            impact="x",
            criteria=[],
        )
        new.refresh_from_db()
        assert new.title == "New title"

    def test_self_evaluations_are_frozen(self, lead):
        application = complete_application(lead)
        submit(application, lead.user)
        response = application.responses.get(criterion__number=1)
        with pytest.raises(services.PortfolioFrozen):
            services.response_update(response=response, actor=lead.user, self_evaluation="Sneaky", evidence=[])
        response.refresh_from_db()
        assert response.self_evaluation == "We meet criterion 1."


class TestStateMachine:
    def test_transition_table_refuses_skipping_states(self, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        with pytest.raises(services.TransitionNotAllowed, match="cannot be moved"):
            services.application_transition(application=application, to_state=State.ACCREDITED, actor=lead.user)
        application.refresh_from_db()
        assert application.state == State.DRAFT

    def test_validation_lists_reviews_and_accredits(self, lead):
        admin = AdminFactory()
        application = complete_application(lead)
        submit(application, lead.user)
        meeting = timezone.localdate() + timedelta(days=40)
        services.application_list_for_meeting(application=application, meeting_date=meeting, actor=admin)
        application.refresh_from_db()
        assert (application.state, application.meeting_date) == (State.SCHEDULED, meeting)
        decided = services.application_record_outcome(
            application=application, outcome=State.ACCREDITED, actor=admin, areas_for_future="Pupil voice"
        )
        assert decided.state == State.ACCREDITED
        assert decided.review_started_at and decided.decided_at
        assert decided.areas_for_future == "Pupil voice"
        states = list(application.transitions.values_list("to_state", flat=True))
        assert states == [State.SUBMITTED, State.SCHEDULED, State.UNDER_REVIEW, State.ACCREDITED]

    def test_meeting_warning_for_evidence_that_will_be_stale_by_then(self, lead):
        today = timezone.localdate()
        # Fresh today, stale about 20 days from now (whatever today is: month ends, 29 February).
        produced = today - relativedelta(years=3) + timedelta(days=20)
        item = EvidenceItemFactory(school=lead.school, produced_on=produced)
        assert today < item.stale_from
        application = complete_application(lead, evidence=item)
        submit(application, lead.user)
        services.application_list_for_meeting(
            application=application, meeting_date=item.stale_from + timedelta(days=5), actor=AdminFactory()
        )
        application.refresh_from_db()
        rows = selectors.task_list(application, as_of=today)
        assert all(row.stale_by_meeting_count == 1 and row.stale_count == 0 for row in rows)

    def test_further_information_reopens_only_the_named_criteria(self, lead):
        admin = AdminFactory()
        item = EvidenceItemFactory(school=lead.school)
        application = complete_application(lead, evidence=item)
        submit(application, lead.user)
        services.application_start_review(application=application, actor=admin)
        services.application_record_outcome(
            application=application, outcome=State.FURTHER_INFORMATION, actor=admin, reopened_criteria=[3, 6]
        )
        application.refresh_from_db()
        reopened = set(application.responses.filter(status="reopened").values_list("criterion__number", flat=True))
        assert reopened == {3, 6}
        extra = EvidenceItemFactory(school=lead.school)
        services.response_update(
            response=application.responses.get(criterion__number=3),
            actor=lead.user,
            self_evaluation="More",
            evidence=[item, extra],
        )
        with pytest.raises(services.PortfolioFrozen):
            services.response_update(
                response=application.responses.get(criterion__number=1),
                actor=lead.user,
                self_evaluation="x",
                evidence=[item],
            )
        # The item is still linked to frozen criteria, so it stays frozen too.
        assert selectors.evidence_is_frozen(item)
        resubmitted = submit(application, lead.user)
        assert resubmitted.state == State.SUBMITTED
        assert set(resubmitted.responses.values_list("status", flat=True)) == {"frozen"}
        assert application.responses.get(criterion__number=3).self_evaluation == "More"

    def test_further_information_needs_named_criteria(self, lead):
        application = complete_application(lead)
        submit(application, lead.user)
        with pytest.raises(Refusal, match="Select the criteria"):
            services.application_record_outcome(
                application=application, outcome=State.FURTHER_INFORMATION, actor=AdminFactory()
            )

    def test_withdrawn_application_frees_its_evidence(self, lead):
        item = EvidenceItemFactory(school=lead.school)
        application = complete_application(lead, evidence=item)
        submit(application, lead.user)
        services.application_withdraw(application=application, actor=lead.user, reason="Not ready")
        assert not selectors.evidence_is_frozen(item)
        assert selectors.open_application(lead.school) is None


class TestRenewal:
    def test_renewal_carries_in_date_evidence_and_previous_feedback(self, lead):
        admin = AdminFactory()
        fresh = EvidenceItemFactory(school=lead.school, title="Fresh")
        application = complete_application(lead, evidence=fresh)
        old = EvidenceItemFactory(school=lead.school, produced_on=date(2019, 1, 1))
        CriterionResponse.evidence.through.objects.create(
            criterionresponse=application.responses.get(criterion__number=1), evidenceitem=old
        )
        Application.objects.filter(pk=application.pk).update(state=State.UNDER_REVIEW)
        services.application_record_outcome(
            application=application, outcome=State.ACCREDITED, actor=admin, areas_for_future="Develop peer mentors"
        )
        # The renewal window opens 12 months before the award ends: 2 years after it was made.
        with pytest.raises(Refusal, match="Your school's renewal opens on"):
            services.application_start(school=lead.school, actor=lead.user)
        from portfolios.dates import add_years

        Application.objects.filter(pk=application.pk).update(decided_on=add_years(timezone.localdate(), -2))
        renewal = services.application_start(school=lead.school, actor=lead.user)
        assert renewal.kind == Application.Kind.RENEWAL
        assert renewal.previous == application
        assert renewal.previous.areas_for_future == "Develop peer mentors"
        first = renewal.responses.get(criterion__number=1)
        assert list(first.evidence.all()) == [fresh]
        problems = [p.message for p in selectors.submission_problems(renewal, user=lead.user)]
        assert "Enter your chosen development area" in problems
        assert "Enter the progress made on your development area" in problems


class TestHardCopy:
    def test_admin_records_a_paper_portfolio_that_follows_the_same_path(self, lead):
        admin = AdminFactory()
        application = services.application_start(
            school=lead.school, actor=admin, hard_copy_received_on=timezone.localdate()
        )
        assert application.is_hard_copy
        item = services.evidence_add_hard_copy(
            school=lead.school,
            actor=admin,
            title="Paper folder section 1",
            produced_on=timezone.localdate() - timedelta(days=60),
            received_on=timezone.localdate(),
            impact="Shown in the folder",
            criteria=criteria(),
            scan=pdf_upload("scan.pdf"),
        )
        assert item.kind == EvidenceItem.Kind.HARD_COPY and item.file and item.sha256
        for response in application.responses.all():
            services.response_update(response=response, actor=admin, self_evaluation="From paper", evidence=[item])
        submitted = submit(application, admin)
        assert submitted.state == State.SUBMITTED

    def test_a_school_user_cannot_record_a_paper_portfolio(self, lead):
        with pytest.raises(PermissionDenied):
            services.application_start(school=lead.school, actor=lead.user, hard_copy_received_on=date.today())


@pytest.mark.django_db(transaction=True)
def test_two_colleagues_submitting_at_once_give_one_submission():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs this on PostgreSQL")
    ensure_criteria()
    lead = LeadFactory()
    application = complete_application(lead)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            submit(Application.objects.get(pk=application.pk), lead.user)
            outcomes.append("submitted")
        except services.TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "submitted"]
    assert ApplicationTransition.objects.filter(application=application, to_state=State.SUBMITTED).count() == 1
    assert AuditEvent.objects.filter(action="application.submitted").count() == 1
