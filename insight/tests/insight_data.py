"""Decided applications, awards and stored evidence for the dashboard, export and retention tests."""

import datetime
import hashlib
import secrets

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from portfolios.models import Application, CriteriaSet, CriterionResponse, EvidenceItem
from portfolios.tests.factories import ensure_criteria
from schools.tests.factories import SchoolFactory
from validation.models import AgendaItem, Award, Decision, Meeting
from validation.tests.factories import MeetingFactory


def criteria_set():
    if not CriteriaSet.objects.filter(is_current=True).exists():
        ensure_criteria()
    return CriteriaSet.objects.get(is_current=True)


def meeting_on(day: datetime.date, **kwargs) -> Meeting:
    return Meeting.objects.filter(date=day).first() or MeetingFactory(date=day, **kwargs)


def application(school, state=Application.State.DRAFT) -> Application:
    app = Application.objects.create(school=school, criteria_set=criteria_set(), state=state)
    for criterion in app.criteria_set.criteria.all():
        CriterionResponse.objects.create(application=app, criterion=criterion)
    return app


def decided(
    school=None,
    *,
    meeting_date: datetime.date,
    outcome=Decision.Outcome.ACCREDITED,
    criteria=(),
    submitted_days_before=30,
    award_status=Award.Status.CURRENT,
):
    """An application decided at a meeting on `meeting_date`, with its award when accredited."""
    school = school or SchoolFactory()
    states = {
        Decision.Outcome.ACCREDITED: Application.State.ACCREDITED,
        Decision.Outcome.NOT_ACCREDITED: Application.State.NOT_ACCREDITED,
        Decision.Outcome.FURTHER_INFORMATION: Application.State.FURTHER_INFORMATION,
    }
    app = application(school, states[outcome])
    app.decided_on = meeting_date
    app.save(update_fields=["decided_on"])
    meeting = meeting_on(meeting_date)
    submitted = timezone.make_aware(
        datetime.datetime.combine(meeting_date - datetime.timedelta(days=submitted_days_before), datetime.time(12))
    )
    item = AgendaItem.objects.create(meeting=meeting, application=app, submitted_at=submitted)
    extra = {}
    if outcome == Decision.Outcome.FURTHER_INFORMATION:
        extra = {"information_needed": "More on peer support", "information_due_on": meeting_date}
    decision = Decision.objects.create(
        agenda_item=item,
        meeting=meeting,
        application=app,
        outcome=outcome,
        criteria_numbers=list(criteria),
        strengths="Clear policy",
        areas_for_future="Pupil voice",
        **extra,
    )
    award = None
    if outcome == Decision.Outcome.ACCREDITED:
        award = Award.objects.create(
            school=school,
            application=app,
            decision=decision,
            awarded_on=meeting_date,
            expires_on=meeting_date + relativedelta(years=3),
            status=award_status,
            verification_code=secrets.token_urlsafe(18),
        )
    return app, decision, award


def stored_evidence(school, *, applications=(), content=b"%PDF-1.4 evidence", title="Policy") -> EvidenceItem:
    """A file evidence item really stored, linked to criterion 1 of each application given."""
    name = default_storage.save(f"evidence/{school.pk}/{secrets.token_hex(8)}.pdf", ContentFile(content))
    item = EvidenceItem.objects.create(
        school=school,
        kind=EvidenceItem.Kind.FILE,
        title=title,
        produced_on=timezone.localdate() - datetime.timedelta(days=400),
        impact="Fewer incidents",
        file=name,
        original_name="policy.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="application/pdf",
        scan_state=EvidenceItem.Scan.CLEAN,
    )
    for app in applications:
        app.responses.get(criterion__number=1).evidence.add(item)
    return item
