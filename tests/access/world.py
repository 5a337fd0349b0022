"""One small, complete world for the access matrix: two schools, every role, and one of every
object a URL can name (an application reviewed, decided, accredited; evidence; a return...)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accreditation import services as account_services
from accreditation.models import Invitation
from accreditation.tests.factories import AdminFactory, UserFactory
from portfolios import services as portfolio_services
from portfolios.models import Application, PortfolioExport
from portfolios.tests.factories import EvidenceItemFactory, complete_application, pdf_upload
from schools.models import InspectionCorrection, Registration, WelcomePackResource
from schools.returns import services as returns_services
from schools.returns.models import Term
from schools.returns.tests.factories import ensure_incident_types, figures, make_term
from schools.tests.factories import LeadFactory, MembershipFactory, RegistrationFactory
from validation import services as validation_services
from validation.models import Award, Decision, Team
from validation.tests.factories import ConflictFactory, GroupMemberFactory, MeetingFactory

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 9, 1, 10, tzinfo=LONDON)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def __getitem__(self, name):
        return self.objects[name]


def _survey_window(lead):
    """School A's pupil survey, open today (the questionnaires come from their data migration)."""
    from django.utils import timezone

    from portfolios.surveys import services as survey_services

    today = timezone.localdate()
    return survey_services.window_open(
        school=lead.school, actor=lead.user, audience="primary_pupil", title="Pupil survey",
        opens_on=today, closes_on=today, year_groups=["Y5", "Y6"],
    )  # fmt: skip


def build(clock) -> World:
    """`clock` is time-machine's fixture: the world is built through the services, over two meetings."""
    world = World()
    team = lambda slug: Team.objects.get(slug=slug)  # noqa: E731
    admin = AdminFactory(email="admin@council.example.org")
    lead = LeadFactory(user__email="lead@a.example.org", school__name="School A")
    colleague = MembershipFactory(school=lead.school, user__email="colleague@a.example.org")
    other = LeadFactory(user__email="lead@b.example.org", school__name="School B")
    # In both teams (School A first by name), working as School B through the session's switcher.
    two_schools = MembershipFactory(school=other.school, user__email="two@ab.example.org")
    MembershipFactory(school=lead.school, user=two_schools.user)
    validator = GroupMemberFactory(team=team("health-wellbeing"), user__email="validator@council.example.org")
    second = GroupMemberFactory(team=team("send"), user__email="second@council.example.org")
    third = GroupMemberFactory(team=team("school-governance"), user__email="third@council.example.org")
    conflicted = GroupMemberFactory(team=team("bme-achievement"), user__email="conflicted@council.example.org")
    ConflictFactory(member=conflicted, school=lead.school)
    world.users = {
        "anonymous": None,
        "lead": lead.user,
        "colleague": colleague.user,
        "other_lead": other.user,
        "validator": validator.user,
        "conflicted": conflicted.user,
        "admin": admin,
        "two_schools": two_schools.user,
    }
    school = lead.school
    first = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
    MeetingFactory(date=date(2026, 11, 25), submission_cutoff=date(2026, 11, 4))

    # School A: a portfolio submitted, reviewed by the validator, accredited and released.
    linked_file = portfolio_services.evidence_add_files(
        school=lead.school,
        actor=lead.user,
        files=[pdf_upload("anti-bullying-policy.pdf")],
        produced_on=date(2026, 6, 1),
        impact="Pupils know whom to tell.",
        criteria=[],
    )[0]
    application = complete_application(lead, evidence=linked_file)
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    item = validation_services.agenda_place(application=application, by=admin)
    reviewers = {review.member_id: review for review in item.reviews.all()}
    if validator.pk not in reviewers:  # the matrix's validator must be one of the two reviewers
        validation_services.review_assign(
            item=item, member=validator, by=admin, replacing=next(iter(reviewers.values()))
        )
    item.refresh_from_db()
    for review in item.reviews.select_related("member__user"):
        validation_services.review_save(
            review=review,
            by=review.member.user,
            judgements={r.criterion_id: ("met", "") for r in application.responses.all()},
            recommendation="accredit",
            comment="Strong work",
            submit=True,
        )
    clock.move_to(datetime(2026, 10, 7, 15, tzinfo=LONDON), tick=False)
    validation_services.attendance_record(meeting=first, members=[validator, second, third], by=admin)
    decision = validation_services.decision_record(
        item=item, by=admin, outcome="accredited", strengths="Pupils are heard.", areas_for_future="Parents."
    )
    validation_services.decision_release(decision=decision, by=admin)
    award = Award.objects.get(application=application)

    evidence = EvidenceItemFactory(school=school, title="A's policy")
    uploaded = portfolio_services.evidence_add_files(
        school=school,
        actor=lead.user,
        files=[pdf_upload("a-policy.pdf")],
        title="",
        description="",
        produced_on=date(2026, 6, 1),
        impact="Fewer incidents.",
        criteria=[],
    )[0]
    # The renewal in progress (its window is opened early here: the world needs one on the award's day).
    with override_settings(RENEWAL_WINDOW_MONTHS=36):
        draft = portfolio_services.application_start(school=school, actor=lead.user)

    # School B: its own evidence and draft, which nobody from A may reach.
    other_evidence = EvidenceItemFactory(school=other.school, title="B's policy")
    other_application = portfolio_services.application_start(school=other.school, actor=other.user)

    registration = RegistrationFactory()
    correction = InspectionCorrection.objects.create(school=school, requested_by=lead.user, reason="Wrong date")
    resource = WelcomePackResource.objects.create(title="Guide", url="https://example.org/guide", position=1)
    file_resource = WelcomePackResource.objects.create(
        title="Toolkit",
        file=ContentFile(b"%PDF-1.4 toolkit", name="toolkit.pdf"),
        file_name="toolkit.pdf",
        content_type="application/pdf",
        size=16,
        position=2,
    )

    ensure_incident_types()
    term = make_term(ended_days_ago=5, due_in_days=20)
    school_return = returns_services.return_submit(school=school, term=term, actor=lead.user, figures=figures())
    other_return = returns_services.return_submit(school=other.school, term=term, actor=other.user, figures=figures())

    invited = UserFactory(email="invited@a.example.org", password="")
    account_services.invitation_send(user=invited, created_by=admin)
    invitation_token = "matrix-invitation-token"
    Invitation.objects.filter(user=invited).update(token_hash=Invitation.hash_token(invitation_token))
    calendar_token = validation_services.calendar_feed_renew(user=validator.user)
    survey = _survey_window(lead)

    # A background portfolio PDF (issue 20), made, so its download answers for those allowed.
    pdf_export = PortfolioExport.objects.create(
        application=application,
        requested_by=lead.user,
        status=PortfolioExport.Status.DONE,
        stage=PortfolioExport.Stage.FINISHED,
        file=default_storage.save("portfolio-exports/matrix.pdf", ContentFile(b"%PDF-1.4 matrix")),
        size=15,
    )

    exemplar, advice_comment = _good_practice_and_advice(application, draft, lead, admin)
    training = _training_records(admin, lead, school)
    strategy = _strategy_records(admin)

    world.objects = {
        **training,
        **strategy,
        "exemplar": exemplar,
        "advice_request": advice_comment.request,
        "advice_comment": advice_comment,
        "school": school,
        "other_school": other.school,
        "colleague_membership": colleague,
        "other_membership": other,
        "meeting": first,
        "item": item,
        "review": item.reviews.get(member=validator),
        "decision": decision,
        "award": award,
        "application": application,
        "pdf_export": pdf_export,
        "draft": draft,
        "other_application": other_application,
        "evidence": uploaded,
        "tagged_evidence": evidence,
        "other_evidence": other_evidence,
        "registration": registration,
        "correction": correction,
        "resource": resource,
        "file_resource": file_resource,
        "linked_evidence": linked_file,
        "term": term,
        "return": school_return,
        "other_return": other_return,
        "validator_member": validator,
        "conflicted_member": conflicted,
        "conflict": conflicted.conflicts.get(),
        "team": team("send"),
        "invitation_token": invitation_token,
        "calendar_token": calendar_token,
        "plan_action": application.plan_actions.first(),
        "reset_uid": urlsafe_base64_encode(force_bytes(lead.user.pk)),
        "reset_token": default_token_generator.make_token(lead.user),
        "rule": __import__("schools.models", fromlist=["EligibilityRule"]).EligibilityRule.objects.first(),
        "incident_type": __import__("schools.returns.models", fromlist=["IncidentType"]).IncidentType.objects.first(),
        "survey": survey,
        "survey_question": survey.questionnaire.questions.first(),
    }
    assert Application.objects.get(pk=application.pk).state == Application.State.ACCREDITED
    assert Decision.objects.filter(pk=decision.pk, released_at__isnull=False).exists()
    assert Registration.objects.filter(pk=registration.pk).exists() and Term.objects.filter(pk=term.pk).exists()
    return world


def _good_practice_and_advice(accredited, draft, lead, admin):
    """Issue 16: an exemplar from School A's accredited portfolio (with consent and a file), and an
    adviser's comment, sent, on School A's draft."""
    from portfolios.advice import services as advice_services
    from portfolios.exemplars import services as exemplar_services

    exemplar_services.consent_record(application=accredited, actor=lead.user, may_share=True, may_name=False)
    exemplar = exemplar_services.exemplar_publish(
        actor=admin,
        application=accredited,
        criterion=accredited.responses.get(criterion__number=3).criterion,
        title="A policy pupils wrote with staff",
        extract="Pupils drafted the child-friendly version.",
        why_it_worked="Pupils own it.",
        upload=pdf_upload("pupil-policy.pdf"),
    )
    request = advice_services.advice_request(application=draft, actor=lead.user, note="Is criterion 1 enough?")
    comment = advice_services.advice_comment_add(
        request=request, criterion=draft.responses.get(criterion__number=1).criterion, actor=admin, body="Add minutes."
    )
    advice_services.advice_complete(request=request, actor=admin)
    return exemplar, comment


def _training_records(admin, lead, school):
    """Issue 19: a course that has run (with School A's attendance and a previewed sheet), a Training
    the Trainers course, and one to come with School A's booking."""
    from portfolios.training import services as training_services
    from portfolios.training.models import Attendance, Course

    today = __import__("django.utils.timezone", fromlist=["localdate"]).localdate()
    ran = Course.objects.create(title="Restorative approaches", runs_on=today, venue="Hall", capacity=10, trainer="T")
    trainers = Course.objects.create(
        title="Training the Trainers",
        runs_on=today,
        is_online=True,
        capacity=10,
        trainer="T",
        is_training_the_trainers=True,
    )
    coming = Course.objects.create(
        title="Cyberbullying", runs_on=date(2027, 6, 1), is_online=True, capacity=5, trainer="T"
    )
    attendance = Attendance.objects.create(course=ran, school=school, attendee_name="Ann", source="admin")
    trained = Attendance.objects.create(course=trainers, school=school, attendee_name="Bob", source="admin")
    booking = training_services.booking_make(
        course=coming, school=school, actor=lead.user, attendee_name="Cat", attendee_email="cat@a.example.org"
    )
    sheet = ContentFile(f"URN,Name\n{school.urn},Dan\n".encode(), name="sheet.csv")
    attendance_import = training_services.attendance_import_preview(course=ran, actor=admin, upload=sheet)
    return {
        "course": ran,
        "coming_course": coming,
        "attendance": attendance,
        "trained_attendance": trained,
        "booking": booking,
        "attendance_import": attendance_import,
    }


def _strategy_records(admin):
    """Issue 19: an indicator with a target, and a board report produced."""
    from decimal import Decimal

    from insight.board_report import services as report_services
    from insight.board_report.models import BoardReport
    from insight.indicators import services as indicator_services

    indicator = indicator_services.indicator_save(
        actor=admin, name="Schools accredited", description="", source="accredited", parameter="", unit="percentage",
        higher_is_better=True, baseline_value=Decimal(10), baseline_year=2025, lead_officer="",
    )  # fmt: skip
    indicator_services.indicator_target_set(indicator=indicator, actor=admin, year=2026, value=Decimal(20))
    report = BoardReport.objects.create(period_start=date(2026, 1, 1), period_end=date(2026, 9, 30), requested_by=admin)
    report_services.board_report_build(report_id=report.pk)
    return {"indicator": indicator, "board_report": report}
