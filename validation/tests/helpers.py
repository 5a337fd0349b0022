"""Helpers the validation tests share (fixtures are in conftest.py): times in London, the
decision steps, meeting form data, and a submitted portfolio placed on a meeting."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accreditation.tests.factories import AdminFactory
from portfolios import services as portfolio_services
from portfolios.models import Application, CriteriaSet, Criterion
from portfolios.tests.factories import complete_application, pdf_upload
from schools.tests.factories import LeadFactory
from validation import services
from validation.models import AgendaItem, Award, Decision, Team

from .factories import GroupMemberFactory, MeetingFactory

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def team(slug):
    return Team.objects.get(slug=slug)


def review_all(item, recommendation="further_information"):
    for review in item.reviews.select_related("member__user"):
        criteria = {r.criterion_id: ("met", "") for r in item.application.responses.all()}
        services.review_save(
            review=review,
            by=review.member.user,
            judgements=criteria,
            recommendation=recommendation,
            comment="Good work",
            submit=True,
        )


def decide(item, by, outcome="further_information", **kwargs):
    defaults = {"strengths": "Pupils are heard.", "areas_for_future": "Involve parents more."}
    if outcome == "further_information":
        defaults |= {
            "criteria_numbers": [3],
            "information_needed": "Evidence of staff training in the last year.",
            "information_due_on": date(2026, 11, 1),
        }
    return services.decision_record(item=item, by=by, outcome=outcome, **(defaults | kwargs))


def date_parts(name, value):
    """A date as the GOV.UK date input posts it: day, month and year boxes ("2026-10-08" or a date)."""
    year, month, day = str(value).split("-")
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def meeting_data(meeting, **changes):
    data = {
        "starts_at": "13:30",
        "location": meeting.location,
        "online_link": "",
        "capacity": str(meeting.capacity),
        "status": meeting.status,
        "notes": "",
    }
    data |= date_parts("date", changes.pop("date", meeting.date))
    data |= date_parts("submission_cutoff", changes.pop("submission_cutoff", meeting.submission_cutoff))
    return data | changes


def placed_world(time_machine, django_capture_on_commit_callbacks):
    """A submitted portfolio with one uploaded file, placed on a meeting with two reviewers."""
    time_machine.move_to(at(date(2026, 9, 1)), tick=False)
    teams = {t.slug: t for t in Team.objects.all()}
    members = [
        GroupMemberFactory(team=teams["health-wellbeing"]),
        GroupMemberFactory(team=teams["send"]),
        GroupMemberFactory(team=teams["school-governance"]),
    ]
    admin = AdminFactory()
    meeting = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
    lead = LeadFactory(school__name="Hillside Primary")
    [item_file] = portfolio_services.evidence_add_files(
        school=lead.school,
        actor=lead.user,
        files=[pdf_upload("policy.pdf")],
        title="Policy",
        produced_on=timezone.localdate() - timedelta(days=10),
        impact="Fewer incidents",
        criteria=list(Criterion.objects.filter(criteria_set__is_current=True)),
    )
    application = complete_application(lead, evidence=item_file)
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = services.agenda_place(application=application, by=None)
    return {
        "admin": admin,
        "members": members,
        "meeting": meeting,
        "lead": lead,
        "item": item,
        "file": item_file,
        "clock": time_machine,
    }


def submitted(name="Hillside Primary"):
    lead = LeadFactory(school__name=name, school__town="Hitchin")
    application = complete_application(lead)
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    application.refresh_from_db()
    return lead, application


def meeting(day: date, **kwargs):
    return MeetingFactory(date=day, submission_cutoff=kwargs.pop("cutoff", date(2026, 9, 16)), **kwargs)


def academic_year(day):
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{str(start + 1)[2:]}"


def add_evidence(lead, title, produced_on):
    [item] = portfolio_services.evidence_add_files(
        school=lead.school,
        actor=lead.user,
        files=[pdf_upload(f"{title}.pdf")],
        title=title,
        produced_on=produced_on,
        impact="Fewer incidents",
        criteria=[],
    )
    return item


def fill(application, lead, items):
    for response in application.responses.select_related("criterion"):
        linked = list(response.evidence.all()) or items
        portfolio_services.response_update(
            response=response,
            actor=lead.user,
            self_evaluation=f"We meet criterion {response.criterion.number}.",
            evidence=linked,
        )
    if application.is_renewal:
        portfolio_services.application_update_renewal(
            application=application,
            actor=lead.user,
            development_area=application.development_area or "Parents",
            development_progress="Parents now sit on the action group.",
        )


def grant(school, awarded_on: date) -> Award:
    """An accredited decision at a meeting on `awarded_on`, and its award made by award_grant."""
    application = Application.objects.create(
        school=school, criteria_set=CriteriaSet.objects.get(is_current=True), state=Application.State.ACCREDITED
    )
    meeting = MeetingFactory(date=awarded_on, submission_cutoff=awarded_on - timedelta(days=21))
    item = AgendaItem.objects.create(meeting=meeting, application=application, submitted_at=timezone.now())
    decision = Decision.objects.create(
        agenda_item=item,
        meeting=meeting,
        application=application,
        outcome=Decision.Outcome.ACCREDITED,
        strengths="Pupils are heard.",
        areas_for_future="Involve parents more.",
    )
    return services.award_grant(decision=decision, by=None)
