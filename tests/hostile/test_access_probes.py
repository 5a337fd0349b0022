"""Access-control probes: another school's objects, extra form fields, skipped workflow states.

Every probe asserts the answer (404, or a refusal the person can read) and that nothing stored
changed: the rows of every table a probe could reach, the files in storage and the audit trail.
The role-by-URL matrix (tests/access) covers every URL for seven people; here are the attacks.
"""

from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accreditation.models import User
from accreditation.tests.factories import TEST_PASSWORD
from accreditation.tests.helpers import login
from portfolios import services as portfolio_services
from portfolios.models import Application, ApplicationTransition, CriterionResponse, EvidenceItem
from schools.models import Membership, School
from schools.returns.models import IncidentReturn, ReturnCount, ReturnVersion
from tests.access.world import START, build
from validation import services as validation_services
from validation.models import AgendaItem, Award, CriterionJudgement, Decision, Review
from validation.tests.helpers import at

from .helpers import audit_count, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(time_machine):
    time_machine.move_to(START, tick=False)
    return build(time_machine)


def stored():
    """Everything a probe could change, as plain values."""

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values(*fields))

    return {
        "evidence": rows(EvidenceItem),
        "evidence_links": list(EvidenceItem.criteria.through.objects.order_by("pk").values()),
        "applications": rows(Application),
        "transitions": rows(ApplicationTransition, "pk"),
        "responses": rows(CriterionResponse),
        "response_evidence": list(CriterionResponse.evidence.through.objects.order_by("pk").values()),
        "schools": rows(School),
        "memberships": rows(Membership),
        "users": rows(User, "pk", "email", "is_active", "is_hw_admin", "is_superuser", "is_staff"),
        "returns": rows(IncidentReturn) + rows(ReturnVersion) + rows(ReturnCount),
        "agenda": rows(AgendaItem) + rows(Review) + rows(CriterionJudgement),
        "decisions": rows(Decision) + rows(Award),
        "files": stored_files(),
        "audit": audit_count(),
    }


def as_(user):
    return login(Client(), user)


# --- another school's objects -----------------------------------------------------------------

PROBES = {
    # name: (url name, kwargs from the world, POST data or None for GET only)
    "evidence detail": ("portfolios:evidence_detail", lambda w: {"pk": w.evidence.pk}, None),
    "evidence edit": ("portfolios:evidence_edit", lambda w: {"pk": w.evidence.pk}, {"title": "Ours now"}),
    "evidence delete": ("portfolios:evidence_delete", lambda w: {"pk": w.evidence.pk}, {}),
    "evidence download": ("portfolios:evidence_download", lambda w: {"pk": w.evidence.pk}, None),
    "evidence upload": ("portfolios:evidence_upload", lambda w: {"school_id": w.school.pk}, {"title": "x"}),
    "application": ("portfolios:application", lambda w: {"pk": w.application.pk}, None),
    "criterion": (
        "portfolios:criterion",
        lambda w: {"pk": w.draft.pk, "number": 1},
        {"self_evaluation": "Defaced"},
    ),
    "submit": ("portfolios:submit", lambda w: {"pk": w.draft.pk}, {"declaration": "on", "equality_declaration": "on"}),
    "withdraw": ("portfolios:withdraw", lambda w: {"pk": w.draft.pk}, {"reason": "Not us"}),
    "portfolio PDF": ("portfolios:export_pdf", lambda w: {"pk": w.application.pk}, None),
    "evidence ZIP": ("portfolios:export_zip", lambda w: {"pk": w.application.pk}, None),
    "return": ("schools:return_detail", lambda w: {"pk": w["return"].pk}, None),
    "return correction": ("schools:return_correct", lambda w: {"pk": w["return"].pk}, {"reason": "Wrong"}),
    "school details": ("schools:school_edit", lambda w: {"urn": w.school.urn}, {"head_teacher": "Mallory"}),
    "team invite": (
        "schools:team_invite",
        lambda w: {"urn": w.school.urn},
        {"first_name": "M", "last_name": "X", "email": "mallory@b.example.org"},
    ),
    "team deactivate": (
        "schools:team_deactivate",
        lambda w: {"urn": w.school.urn, "membership_id": w.colleague_membership.pk},
        {},
    ),
    "feedback letter": ("validation:feedback_letter", lambda w: {"pk": w.decision.pk}, None),
    "certificate": ("validation:certificate", lambda w: {"pk": w.award.pk}, None),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_another_schools_objects_answer_404_and_nothing_changes(world, probe):
    url_name, kwargs, data = PROBES[probe]
    address = reverse(url_name, kwargs=kwargs(world))
    client = as_(world.users["other_lead"])
    before = stored()
    assert client.get(address).status_code == 404
    assert client.post(address, data or {}).status_code == 404
    assert stored() == before


def test_linking_another_schools_evidence_by_id_is_refused(client, world):
    login(client, world.users["lead"])
    before = stored()
    address = reverse("portfolios:criterion", args=[world.draft.pk, 1])
    response = client.post(address, {"self_evaluation": "Theirs", "evidence": [str(world.other_evidence.pk)]})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert stored() == before


# --- raising one's own role or award fields through extra form fields ---------------------------

RAISE = {
    "role": "lead",
    "is_hw_admin": "on",
    "is_superuser": "on",
    "is_staff": "on",
    "is_active": "on",
    "state": "accredited",
    "status": "current",
    "eligibility": "overridden",
    "expires_on": "2099-12-31",
    "awarded_on": "2026-01-01",
    "released_at": "2026-01-01T00:00:00Z",
    "outcome": "accredited",
}


def test_team_invite_ignores_role_admin_and_school_fields(client, world):
    login(client, world.users["lead"])
    data = {"first_name": "Ann", "last_name": "Other", "job_title": "", "email": "ann@a.example.org"}
    client.post(
        reverse("schools:team_invite", args=[world.school.urn]), data | RAISE | {"school": world.other_school.pk}
    )
    invited = User.objects.get(email="ann@a.example.org")
    assert (invited.is_hw_admin, invited.is_superuser, invited.is_staff) == (False, False, False)
    membership = Membership.objects.get(user=invited)
    assert (membership.school, membership.role) == (world.school, Membership.Role.CONTRIBUTOR)
    assert (
        Membership.objects.get(school=world.school, role=Membership.Role.LEAD, is_active=True).user
        == world.users["lead"]
    )
    assert not Membership.objects.filter(school=world.other_school, user=invited).exists()


def test_school_details_change_only_the_two_details(client, world):
    login(client, world.users["lead"])
    before = School.objects.filter(pk=world.school.pk).values().get()
    extra = RAISE | {"urn": "999999", "name": "Renamed", "la_code": "999", "eligibility_reason": "Forged"}
    client.post(
        reverse("schools:school_edit", args=[world.school.urn]),
        {"head_teacher": "Ms New Head", "governor_name": "Mr Governor"} | extra,
    )
    after = School.objects.filter(pk=world.school.pk).values().get()
    assert (after["head_teacher"], after["governor_name"]) == ("Ms New Head", "Mr Governor")
    changed = {k for k in after if after[k] != before[k]}
    assert changed <= {"head_teacher", "governor_name", "updated_at"}


def test_email_change_ignores_privilege_fields(client, world):
    lead = world.users["lead"]
    login(client, lead)
    client.post(
        reverse("accounts:email_change"), {"email": "lead2@a.example.org", "current_password": TEST_PASSWORD} | RAISE
    )
    lead.refresh_from_db()
    assert lead.email == "lead2@a.example.org"
    assert (lead.is_hw_admin, lead.is_superuser, lead.is_staff) == (False, False, False)
    assert Membership.objects.get(user=lead).role == Membership.Role.LEAD


def test_a_colleagues_criterion_form_cannot_move_the_application_or_the_school(client, world):
    login(client, world.users["colleague"])
    extra = RAISE | {"school": world.other_school.pk, "application": world.other_application.pk}
    client.post(
        reverse("portfolios:criterion", args=[world.draft.pk, 1]),
        {"self_evaluation": "We do this well.", "evidence": [str(world.evidence.pk)]} | extra,
    )
    draft = Application.objects.get(pk=world.draft.pk)
    assert (draft.state, draft.school_id) == (Application.State.DRAFT, world.school.pk)
    assert draft.responses.get(criterion__number=1).self_evaluation == "We do this well."
    assert Application.objects.get(pk=world.other_application.pk).responses.filter(self_evaluation__gt="").count() == 0
    assert not Award.objects.filter(application=draft).exists()


def test_review_form_ignores_member_and_submission_fields(client, placed):
    review = placed["item"].reviews.select_related("member__user").first()
    other_member = next(m for m in placed["members"] if m.pk != review.member_id)
    login(client, review.member.user)
    data = {"judgement_1": "met", "save_draft": "1"} | RAISE
    data |= {"member": other_member.pk, "is_submitted": "on", "submitted_at": "2026-01-01", "agenda_item": 999}
    client.post(reverse("validation:review", args=[review.pk]), data)
    review.refresh_from_db()
    assert review.member_id != other_member.pk and review.submitted_at is None
    assert review.agenda_item_id == placed["item"].pk
    assert Application.objects.get(pk=placed["item"].application_id).state != Application.State.ACCREDITED


def test_decision_and_letter_forms_cannot_set_award_dates_or_release(
    client, placed, django_capture_on_commit_callbacks
):
    item, admin = placed["item"], placed["admin"]
    placed["clock"].move_to(at(date(2026, 10, 7)), tick=False)
    validation_services.attendance_record(meeting=item.meeting, members=placed["members"], by=admin)
    login(client, admin)
    decision_data = {"outcome": "accredited", "strengths": "Pupil voice", "areas_for_future": "Parents"}
    client.post(reverse("validation:decision", args=[item.pk]), decision_data | RAISE | {"outcome": "accredited"})
    decision = Decision.objects.get()
    assert decision.released_at is None and not Award.objects.exists()
    letter = {"letter_opening": "Dear school", "strengths": "S", "areas_for_future": "A", "letter_closing": "Regards"}
    client.post(reverse("validation:feedback", args=[decision.pk]), letter | RAISE | {"outcome": "not_accredited"})
    decision.refresh_from_db()
    assert decision.outcome == "accredited" and decision.released_at is None and not Award.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("validation:feedback_release", args=[decision.pk]), RAISE)
    award = Award.objects.get()
    assert award.expires_on == validation_services.award_expiry(award.awarded_on) != date(2099, 12, 31)
    assert award.awarded_on == item.meeting.date


# --- skipping workflow states ------------------------------------------------------------------

DECLARED = {"declaration": "on", "equality_declaration": "on"}


def test_submitting_a_withdrawn_application_is_refused(client, world):
    lead = world.users["lead"]
    portfolio_services.application_withdraw(application=world.draft, actor=lead, reason="Not ready")
    login(client, lead)
    before = stored()
    response = client.post(reverse("portfolios:submit", args=[world.draft.pk]), DECLARED, follow=True)
    assert "This application is withdrawn, so it cannot be" in response.content.decode()
    assert stored() == before


def test_submitting_an_already_submitted_application_is_refused(client, placed):
    login(client, placed["lead"].user)
    application = placed["item"].application
    before = stored()
    mail.outbox.clear()
    response = client.post(reverse("portfolios:submit", args=[application.pk]), DECLARED, follow=True)
    assert "This application is listed for a meeting, so it cannot be submitted again" in response.content.decode()
    assert stored() == before and mail.outbox == []


def test_resubmitting_a_decided_application_without_reopened_criteria_is_refused(client, world):
    login(client, world.users["lead"])
    before = stored()
    response = client.post(reverse("portfolios:submit", args=[world.application.pk]), DECLARED, follow=True)
    assert "This application is accredited, so it cannot be" in response.content.decode()
    edit = client.post(
        reverse("portfolios:criterion", args=[world.application.pk, 1]), {"self_evaluation": "Changed afterwards"}
    )
    assert "This application has been accredited, so it cannot be changed" in edit.content.decode()
    assert stored() == before


def test_only_reopened_criteria_change_after_a_request_for_further_information(
    client,
    placed,
    django_capture_on_commit_callbacks,
):
    item, admin, lead = placed["item"], placed["admin"], placed["lead"]
    placed["clock"].move_to(at(date(2026, 10, 7)), tick=False)
    validation_services.attendance_record(meeting=item.meeting, members=placed["members"], by=admin)
    decision = validation_services.decision_record(
        item=item,
        by=admin,
        outcome="further_information",
        criteria_numbers=[3],
        information_needed="Pupil survey",
        information_due_on=date(2026, 11, 1),
        strengths="S",
        areas_for_future="A",
    )
    with django_capture_on_commit_callbacks(execute=True):
        validation_services.decision_release(decision=decision, by=admin)
    login(client, lead.user)
    before = stored()
    client.post(reverse("portfolios:criterion", args=[item.application_id, 1]), {"self_evaluation": "Rewritten"})
    assert stored() == before
    client.post(reverse("portfolios:criterion", args=[item.application_id, 3]), {"self_evaluation": "Survey added"})
    responses = CriterionResponse.objects.filter(application_id=item.application_id)
    assert responses.get(criterion__number=3).self_evaluation == "Survey added"
    assert responses.get(criterion__number=1).self_evaluation == "We meet criterion 1."


def test_a_decision_for_an_application_taken_off_the_agenda_is_refused(client, placed):
    item, admin = placed["item"], placed["admin"]
    placed["clock"].move_to(at(date(2026, 10, 7)), tick=False)
    validation_services.attendance_record(meeting=item.meeting, members=placed["members"], by=admin)
    portfolio_services.application_withdraw(application=item.application, actor=placed["lead"].user, reason="Closing")
    login(client, admin)
    before = stored()
    data = {"outcome": "accredited", "strengths": "S", "areas_for_future": "A"}
    response = client.post(reverse("validation:decision", args=[item.pk]), data)
    assert "application is withdrawn, so the group cannot decide it" in response.content.decode()
    assert stored() == before
    missing = client.post(reverse("validation:decision", args=[AgendaItem.objects.order_by("-pk")[0].pk + 99]), data)
    assert missing.status_code == 404 and stored() == before


def test_releasing_feedback_twice_is_refused(client, world, django_capture_on_commit_callbacks):
    login(client, world.users["admin"])
    before = stored()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("validation:feedback_release", args=[world.decision.pk]), follow=True)
    assert "This feedback was released on" in response.content.decode()
    assert stored() == before and mail.outbox == []


def test_a_submitted_review_cannot_be_changed(client, world):
    review = world.review
    login(client, review.member.user)
    before = stored()
    data = {f"judgement_{n}": "not_yet_met" for n in range(1, 9)} | {f"comment_{n}": "Changed" for n in range(1, 9)}
    response = client.post(reverse("validation:review", args=[review.pk]), data | {"submit_review": "1"})
    assert "You submitted this review on 1 September 2026. It cannot be changed." in response.content.decode()
    assert stored() == before
