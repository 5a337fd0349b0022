"""From award to renewal (issue 17): action plans from feedback, renewal continuity, no months
lost, a kite mark that stays true. Built through the real services, on pinned dates."""

import re
from datetime import date
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.models import AuditEvent, SentNotice
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios import services as portfolio_services
from portfolios.action_plans import services as plan_services
from portfolios.models import Action, Application, PlanReview
from schools.tests.factories import LeadFactory
from validation import selectors, services
from validation.awards_jobs import awards_lapse
from validation.models import Award, Team
from validation.tests.helpers import academic_year, add_evidence, at, fill

from .factories import GroupMemberFactory, MeetingFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TWO_AREAS = "Involve parents in reviewing the policy\n- Train lunchtime supervisors in responding to bullying"


def meeting_on(day, cutoff):
    return MeetingFactory(date=day, submission_cutoff=cutoff, academic_year=academic_year(day))


@pytest.fixture
def people():
    teams = {t.slug: t for t in Team.objects.all()}
    members = [
        GroupMemberFactory(team=teams["health-wellbeing"]),
        GroupMemberFactory(team=teams["send"]),
        GroupMemberFactory(team=teams["school-governance"]),
    ]
    return {"admin": AdminFactory(), "members": members, "lead": LeadFactory(school__name="Hillside Primary")}


def hear(clock, application, people, meeting, areas=TWO_AREAS, comment=""):
    """Submit, place, review (accredit), attend, decide and release at `meeting`."""
    lead, admin = people["lead"], people["admin"]
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    item = services.agenda_place(application=application, by=admin)
    for review in item.reviews.select_related("member__user"):
        services.review_save(
            review=review,
            by=review.member.user,
            judgements={r.criterion_id: ("met", comment) for r in application.responses.all()},
            recommendation="accredit",
            comment="Strong",
            submit=True,
        )
    clock.move_to(at(meeting.date, 15), tick=False)
    services.attendance_record(meeting=meeting, members=people["members"], by=admin)
    decision = services.decision_record(
        item=item, by=admin, outcome="accredited", strengths="Pupils are heard.", areas_for_future=areas
    )
    services.decision_release(decision=decision, by=admin)
    return decision


@pytest.fixture
def accredited(time_machine, people, django_capture_on_commit_callbacks):
    """Hillside accredited at the meeting of 7 October 2026 with two areas for future consideration."""
    time_machine.move_to(at(date(2026, 9, 1)), tick=False)
    meeting = meeting_on(date(2026, 10, 7), date(2026, 9, 16))
    lead = people["lead"]
    old = add_evidence(lead, "Old survey", date(2026, 6, 15))  # 3 years old on 15 June 2029
    newer = add_evidence(lead, "Policy", date(2026, 8, 25))  # 3 years old on 25 August 2029
    application = portfolio_services.application_start(school=lead.school, actor=lead.user)
    fill(application, lead, [old, newer])
    with django_capture_on_commit_callbacks(execute=True):
        decision = hear(time_machine, application, people, meeting, comment="Clear policy")
    return {"decision": decision, "award": Award.objects.get(application=application), "old": old, "newer": newer}


# --- the action plan ------------------------------------------------------------------------


def test_each_area_in_the_decision_becomes_an_action_once(accredited, people):
    decision = accredited["decision"]
    assert decision.future_areas == [
        "Involve parents in reviewing the policy",
        "Train lunchtime supervisors in responding to bullying",
    ]
    actions = list(Action.objects.filter(school=people["lead"].school).order_by("source_key"))
    assert [a.what for a in actions] == decision.future_areas
    assert {a.due_on for a in actions} == {date(2027, 10, 7)}
    assert all(a.status == "not_started" and a.from_feedback for a in actions)
    # Releasing twice (a retried call) adds nothing.
    again = plan_services.actions_add_from_feedback(
        application=decision.application,
        areas=decision.future_areas,
        decided_on=decision.meeting.date,
        source=f"decision:{decision.pk}",
        actor=people["admin"],
    )
    assert again == [] and Action.objects.count() == 2


def test_the_school_adds_an_action_and_bad_input_is_refused_with_nothing_saved(accredited, people, client):
    lead = people["lead"]
    login(client, lead.user)
    url = reverse("portfolios:action_add", args=[lead.school.pk])
    base = {"what": "Peer mentors in every class", "lead": "PSHE lead", "status": "not_started"}
    before = (Action.objects.count(), AuditEvent.objects.count())
    past = client.post(url, base | {"due_on_0": "1", "due_on_1": "8", "due_on_2": "2026"})
    assert past.status_code == 400
    assert "The date it will be done by must be today or in the future" in past.content.decode()
    huge = client.post(url, base | {"what": "x" * 20000, "due_on_0": "1", "due_on_1": "3", "due_on_2": "2027"})
    assert huge.status_code == 400
    assert "What will be done must be 2,000 characters or fewer" in huge.content.decode()
    assert (Action.objects.count(), AuditEvent.objects.count()) == before
    ok = client.post(url, base | {"due_on_0": "1", "due_on_1": "3", "due_on_2": "2027", "criterion": ""})
    assert ok.status_code == 302
    page = client.get(reverse("portfolios:action_plan", args=[lead.school.pk])).content.decode()
    assert "Peer mentors in every class" in page and "Involve parents in reviewing the policy" in page
    pdf = client.get(reverse("portfolios:action_plan_pdf", args=[lead.school.pk]))
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Disposition"].startswith("attachment")


def test_another_schools_action_is_a_404(accredited, people, client):
    other = LeadFactory(school__name="Other School")
    login(client, other.user)
    action = Action.objects.first()
    assert client.get(reverse("portfolios:action_plan", args=[people["lead"].school.pk])).status_code == 404
    own = reverse("portfolios:action_edit", args=[other.school.pk, action.pk])
    assert client.get(own).status_code == 404


def test_six_monthly_review_reminder_goes_once_per_due_date(accredited, people, time_machine):
    school = people["lead"].school
    mail.outbox.clear()
    assert plan_services.plan_review_reminders_send(as_of=date(2027, 4, 6)) == 0
    assert plan_services.plan_review_reminders_send(as_of=date(2027, 4, 7)) == 1
    assert plan_services.plan_review_reminders_send(as_of=date(2027, 4, 9)) == 0  # never twice
    assert SentNotice.objects.filter(kind="action_plan_review", key=f"{school.pk}:2027-04-07").exists()
    time_machine.move_to(at(date(2027, 4, 20)), tick=False)
    plan_services.plan_review_record(school=school, actor=people["lead"].user, summary="Parents met twice.")
    assert plan_services.plan_review_reminders_send(as_of=date(2027, 10, 19)) == 0
    assert plan_services.plan_review_reminders_send(as_of=date(2027, 10, 20)) == 1
    with pytest.raises(Refusal, match="Enter what the review found"):
        plan_services.plan_review_record(school=school, actor=people["lead"].user, summary="  ")
    assert PlanReview.objects.count() == 1


def test_hw_team_sees_every_plan_overdue_actions_and_recurring_themes(accredited, people, client, time_machine):
    second = LeadFactory(school__name="Brook School")
    application = Application.objects.create(
        school=second.school, criteria_set=accredited["decision"].application.criteria_set, state="accredited"
    )
    plan_services.actions_add_from_feedback(
        application=application,
        areas=["Involve parents in assemblies"],
        decided_on=date(2026, 10, 7),
        source="decision:x",
        actor=None,
    )
    time_machine.move_to(at(date(2027, 11, 1)), tick=False)
    login(client, people["admin"])
    page = client.get(reverse("portfolios:all_plans")).content.decode()
    assert "Hillside Primary" in page and "Brook School" in page
    assert "Involve parents in reviewing the policy" in page  # overdue since 7 October 2027
    themes = re.search(r"Words in the feedback.*?</table>", page, re.S).group(0)
    assert "parents" in themes and "lunchtime" not in themes


# --- renewal continuity and no months lost ----------------------------------------------------


@pytest.fixture
def renewal_meeting(accredited, time_machine):
    time_machine.move_to(at(date(2029, 5, 1)), tick=False)
    return meeting_on(date(2029, 6, 20), date(2029, 5, 30))


def test_renewal_starts_prefilled_and_lists_what_to_replace(accredited, renewal_meeting, people, client):
    lead = people["lead"]
    login(client, lead.user)
    url = reverse("portfolios:renewal_start", args=[lead.school.pk])
    page = client.get(url).content.decode()
    assert "Involve parents in reviewing the policy" in page and "Another area" in page
    assert "Criterion 1: Old survey" in page  # 3 years old before the June meeting
    assert "from 7 October 2029 to 7 October 2032" in page
    response = client.post(url, {"area": "1"})
    application = Application.objects.get(school=lead.school, state="draft")
    assert response.url == reverse("portfolios:application", args=[application.pk])
    assert application.development_area == "Train lunchtime supervisors in responding to bullying"
    linked = {item.title for r in application.responses.all() for item in r.evidence.all()}
    assert linked == {"Policy"}
    # A second renewal while this one is in draft is refused; nothing new is made.
    again = client.post(url, {"area": "other", "other_area": "Cyberbullying"})
    assert again.status_code in (200, 400) and Application.objects.filter(school=lead.school).count() == 2
    # "Another area" needs words.
    application.delete()
    empty = client.post(url, {"area": "other", "other_area": ""})
    assert empty.status_code == 400 and "Enter your development area" in empty.content.decode()


def test_panel_sees_the_previous_round_and_the_new_award_runs_from_the_day_the_old_one_ends(
    accredited, renewal_meeting, people, client, time_machine, django_capture_on_commit_callbacks
):
    lead = people["lead"]
    application = portfolio_services.application_start(school=lead.school, actor=lead.user, development_area="Parents")
    fill(application, lead, [add_evidence(lead, "New survey", date(2029, 4, 1))])
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    item = services.agenda_place(application=application, by=people["admin"])
    review = item.reviews.select_related("member__user").first()
    login(client, review.member.user)
    page = client.get(reverse("validation:review", args=[review.pk])).content.decode()
    assert "The previous round" in page and "Last round (7 October 2026)" in page
    assert "Met</strong>. Clear policy" in page
    assert "Train lunchtime supervisors in responding to bullying" in page
    for other in item.reviews.select_related("member__user"):
        services.review_save(
            review=other,
            by=other.member.user,
            judgements={r.criterion_id: ("met", "") for r in application.responses.all()},
            recommendation="accredit",
            comment="",
            submit=True,
        )
    time_machine.move_to(at(renewal_meeting.date, 15), tick=False)
    services.attendance_record(meeting=renewal_meeting, members=people["members"], by=people["admin"])
    decision = services.decision_record(
        item=item, by=people["admin"], outcome="accredited", strengths="s", areas_for_future="Governors"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_release(decision=decision, by=people["admin"])
    new = Award.objects.get(application=application)
    old = accredited["award"]
    assert (new.awarded_on, new.expires_on) == (old.expires_on, date(2032, 10, 7))
    old.refresh_from_db()
    assert old.status == Award.Status.CURRENT  # runs to its own end
    assert list(selectors.accredited_schools(date(2029, 10, 6))) == [old]
    assert list(selectors.accredited_schools(date(2029, 10, 7))) == [new]
    # The old certificate's page and badge follow the renewal: still a true kite mark.
    assert selectors.award_public_status(old, date(2029, 10, 7)).state == "current"


def test_a_renewal_decided_after_the_lapse_starts_on_the_decision_date():
    from portfolios.dates import award_start

    assert award_start(decided_on=date(2029, 11, 25), previous_expires_on=date(2029, 10, 7)) == date(2029, 11, 25)
    assert award_start(decided_on=date(2029, 10, 7), previous_expires_on=date(2029, 10, 7)) == date(2029, 10, 7)
    assert award_start(decided_on=date(2029, 6, 20), previous_expires_on=date(2029, 10, 7)) == date(2029, 10, 7)
    assert award_start(decided_on=date(2026, 10, 7), previous_expires_on=None) == date(2026, 10, 7)


# --- a kite mark that stays true --------------------------------------------------------------


def public_views(client, award):
    verify = client.get(reverse("validation:verify", args=[award.verification_code])).content.decode()
    svg = client.get(reverse("validation:badge_svg", args=[award.verification_code])).content.decode()
    register = client.get(reverse("validation:register")).content.decode()
    return verify, svg, award.school.name in register


@pytest.mark.parametrize(
    "day, state",
    [(date(2029, 10, 6), "current"), (date(2029, 10, 7), "expired"), (date(2029, 10, 8), "expired")],
)
def test_register_badge_and_verification_agree_by_date(accredited, client, time_machine, day, state):
    award = accredited["award"]
    time_machine.move_to(at(day), tick=False)
    if day > date(2029, 10, 7):
        awards_lapse(as_of=day)
    verify, svg, on_register = public_views(client, award)
    assert selectors.award_public_status(award).state == state
    if state == "current":
        assert "Accreditation current" in verify and "Current to 6 Oct 2029" in svg and on_register
    else:
        assert "Expired" in verify and "Expired 7 Oct 2029" in svg and not on_register


def test_badges_have_alt_text_link_and_safe_headers(accredited, client):
    award = accredited["award"]
    verify = client.get(reverse("validation:verify", args=[award.verification_code])).content.decode()
    assert "badge.svg" in verify and 'alt="' in verify and "Show this badge on the school" in verify
    svg = client.get(reverse("validation:badge_svg", args=[award.verification_code]))
    assert svg["Content-Type"] == "image/svg+xml" and svg["X-Content-Type-Options"] == "nosniff"
    assert "<title" in svg.content.decode() and "Hillside Primary" in svg.content.decode()
    png = client.get(reverse("validation:badge_png", args=[award.verification_code]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_a_badge_for_a_code_never_issued_is_a_bare_404(client):
    for name in ("validation:badge_svg", "validation:badge_png"):
        response = client.get(reverse(name, args=["never-issued-code"]))
        assert response.status_code == 404
        assert b"Hillside" not in response.content


def test_withdrawal_needs_a_reason_then_every_public_view_says_withdrawn(accredited, people, client):
    award = accredited["award"]
    login(client, people["admin"])
    url = reverse("validation:award_withdraw", args=[award.pk])
    before = AuditEvent.objects.count()
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400 and "Enter the reason for withdrawing" in response.content.decode()
    award.refresh_from_db()
    assert award.status == Award.Status.CURRENT and AuditEvent.objects.count() == before
    client.post(url, {"reason": "Serious safeguarding concerns found by Ofsted."})
    award.refresh_from_db()
    assert award.status == Award.Status.WITHDRAWN and award.withdrawn_reason.startswith("Serious")
    client.logout()
    verify, svg, on_register = public_views(client, award)
    assert "Withdrawn" in verify and "Withdrawn by the council" in svg and not on_register
    assert "Serious safeguarding" not in verify
    with pytest.raises(Refusal, match="already withdrawn"):
        services.award_withdraw(award=award, by=people["admin"], reason="again")


def png_bytes():
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_certificate_carries_council_signatory_and_qr(accredited, people, client):
    login(client, people["admin"])
    url = reverse("validation:certificate_settings")
    bad = client.post(
        url,
        {
            "council_name": "Hertfordshire County Council",
            "signatory_name": "A Director",
            "logo": SimpleUploadedFile("logo.png", b"not an image", content_type="image/png"),
        },
    )
    assert bad.status_code == 400 and "The logo must be a PNG or JPEG image" in bad.content.decode()
    assert services.certificate_settings().signatory_name == ""
    client.post(
        url,
        {
            "council_name": "Hertfordshire County Council",
            "signatory_name": "A Director",
            "signatory_role": "Director of Children's Services",
            "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
            "signature": SimpleUploadedFile("sig.png", png_bytes(), content_type="image/png"),
        },
    )
    row = services.certificate_settings()
    assert row.signatory_name == "A Director" and row.logo and row.signature
    award = accredited["award"]
    html_context = {}

    from accreditation import pdf as pdf_module

    original = pdf_module.render_to_string

    def capture(template, context):
        html_context.update(context)
        return original(template, context)

    pdf_module.render_to_string = capture
    try:
        pdf = services.certificate_pdf(award)
    finally:
        pdf_module.render_to_string = original
    assert pdf.startswith(b"%PDF")
    assert html_context["council_name"] == "Hertfordshire County Council"
    assert html_context["logo_url"].startswith("data:image/png;base64,")
    assert html_context["qr_url"].startswith("data:image/svg+xml")
    assert html_context["verify_url"].endswith(f"/verify/{award.verification_code}/")
