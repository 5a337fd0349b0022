"""Writes to a school's action plan. Validation calls `actions_add_from_feedback` when it releases
feedback; the school adds, edits and reviews its own actions; the reminder job is set-based."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation.errors import Refusal
from schools.models import School

from ..dates import add_months
from ..models import Criterion, EvidenceItem
from . import permissions, selectors
from .models import NOTES_MAX, WHAT_MAX, Action, PlanReview

# A feedback action is due a year after the decision: "key steps for the next calendar year".
FEEDBACK_ACTION_MONTHS = 12
REVIEW_REMINDER_KIND = "action_plan_review"


def _check_text(*, what: str, lead: str, notes: str) -> list[str]:
    errors = []
    if not what:
        errors.append("Enter what will be done")
    elif len(what) > WHAT_MAX:
        errors.append(f"What will be done must be {WHAT_MAX:,} characters or fewer (it has {len(what):,})")
    if len(lead) > 200:
        errors.append("Who leads it must be 200 characters or fewer")
    if len(notes) > NOTES_MAX:
        errors.append(f"Notes must be {NOTES_MAX:,} characters or fewer (they have {len(notes):,})")
    return errors


def _evidence_of(school, evidence) -> list[EvidenceItem]:
    ids = {getattr(item, "pk", item) for item in evidence or ()}
    items = list(EvidenceItem.objects.filter(school=school, pk__in=ids))
    if len(items) != len(ids):
        raise Refusal("Select evidence from your school's own library. Nothing has been saved.")
    return items


@transaction.atomic
def actions_add_from_feedback(*, application, areas: list[str], decided_on: date, source: str, actor) -> list[Action]:
    """Add one action per area for future consideration to the school's plan (validation calls
    this when it releases feedback). Each is due 12 months after the decision, not started, with
    no lead yet; `source` ("decision:<id>") makes a second call add nothing. Audited; no email
    (the feedback letter is the email)."""
    school = School.objects.select_for_update().get(pk=application.school_id)
    created = []
    for number, area in enumerate(areas, start=1):
        area = area.strip()[:WHAT_MAX]
        if not area:
            continue
        key = f"{source}:{number}"
        action, made = Action.objects.get_or_create(
            school=school,
            source_key=key,
            defaults={
                "application": application,
                "what": area,
                "due_on": add_months(decided_on, FEEDBACK_ACTION_MONTHS),
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        if made:
            created.append(action)
    if created:
        audit.record(
            actor=actor,
            action="action_plan.actions_from_feedback",
            target=application,
            summary=f"{school.name}: {len(created)} areas for future consideration added to the action plan",
            data={"actions": [a.pk for a in created], "source": source},
        )
    return created


@transaction.atomic
def action_save(
    *,
    school,
    actor,
    what: str,
    lead: str,
    due_on: date,
    status: str = Action.Status.NOT_STARTED,
    notes: str = "",
    criterion: Criterion | None = None,
    evidence=(),
    action: Action | None = None,
) -> Action:
    """Add an action to the school's plan, or change one (`action`). A new action, or a changed
    due date, may not be in the past; text has limits; evidence must be the school's own. Marking
    it done records the day. Audited."""
    if not permissions.can_change_plan(actor, school):
        raise PermissionDenied("Only the school's team can change its action plan")
    what, lead, notes = what.strip(), lead.strip(), notes.strip()
    errors = _check_text(what=what, lead=lead, notes=notes)
    today = timezone.localdate()
    if due_on is None:
        errors.append("Enter the date it will be done by")
    elif due_on < today and (action is None or due_on != action.due_on):
        errors.append("The date it will be done by must be today or in the future")
    if status not in Action.Status.values:
        errors.append("Select the action's status")
    if errors:
        raise Refusal(
            [*errors, "Nothing has been saved."] if len(errors) > 1 else f"{errors[0]}. Nothing has been saved."
        )
    items = _evidence_of(school, evidence)
    if action is None:
        action = Action(school=school, created_by=actor)
    else:
        action = Action.objects.select_for_update().get(pk=action.pk, school=school)
    before = {"status": action.status, "due_on": str(action.due_on) if action.pk else None}
    action.what, action.lead, action.due_on, action.status, action.notes = what, lead, due_on, status, notes
    action.criterion = criterion
    if status == Action.Status.DONE and action.completed_on is None:
        action.completed_on = today
    elif status != Action.Status.DONE:
        action.completed_on = None
    action.updated_at = timezone.now()
    created = action.pk is None
    action.save()
    action.evidence.set(items)
    audit.record(
        actor=actor,
        action="action_plan.action_added" if created else "action_plan.action_changed",
        target=action,
        summary=f"{school.name}: {what[:100]}",
        data={"before": before, "after": {"status": status, "due_on": str(due_on)}},
    )
    return action


@transaction.atomic
def plan_review_record(*, school, actor, summary: str, reviewed_on: date | None = None) -> PlanReview:
    """Record the school's review of its whole plan (the six-monthly review). The next review is
    due six months later, and the reminder follows that date. Audited."""
    if not permissions.can_change_plan(actor, school):
        raise PermissionDenied("Only the school's team can review its action plan")
    summary = summary.strip()
    if not summary:
        raise Refusal("Enter what the review found. Nothing has been saved.")
    if len(summary) > NOTES_MAX:
        raise Refusal(f"What the review found must be {NOTES_MAX:,} characters or fewer. Nothing has been saved.")
    School.objects.select_for_update().get(pk=school.pk)
    if not Action.objects.filter(school=school).exists():
        raise Refusal("Add an action to the plan before reviewing it. Nothing has been saved.")
    review = PlanReview.objects.create(
        school=school, reviewed_on=reviewed_on or timezone.localdate(), summary=summary, reviewed_by=actor
    )
    audit.record(actor=actor, action="action_plan.reviewed", target=review, summary=school.name)
    return review


# The six-monthly review reminder ------------------------------------------------------------


def schools_due_a_plan_review(*, as_of: date) -> list[selectors.PlanSummary]:
    """Schools whose plan has open actions and whose next review date has come (set-based: the
    same answer after a missed night)."""
    return [
        summary
        for summary in selectors.plan_summaries(as_of=as_of)
        if summary.open_count and summary.next_review_on is not None and summary.next_review_on <= as_of
    ]


def plan_review_reminder_send(*, summary: selectors.PlanSummary, as_of: date):
    """Email the school's SLT lead that its plan is due a review, once per due date
    (`send_once(kind="action_plan_review", key="<school id>:<due date>")`). A school with no active
    lead gets nothing and nothing is recorded, so the reminder goes once a lead is appointed."""
    from schools.models import Membership

    leads = list(
        Membership.objects.filter(
            school=summary.school, role=Membership.Role.LEAD, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not leads:
        return None
    due = summary.next_review_on
    return notifications.send_once(
        kind=REVIEW_REMINDER_KIND,
        key=f"{summary.school.pk}:{due.isoformat()}",
        to=leads,
        template="action_plan_review_due",
        context={
            "school": summary.school,
            "due_on": due,
            "open_count": summary.open_count,
            "overdue_count": summary.overdue_count,
            "link": settings.SITE_URL + reverse("portfolios:action_plan", args=[summary.school.pk]),
        },
    )


def plan_review_reminders_send(*, as_of: date) -> int:
    """The nightly job: one reminder per school due a review, never twice for the same due date."""
    sent = 0
    for summary in schools_due_a_plan_review(as_of=as_of):
        with transaction.atomic():
            if plan_review_reminder_send(summary=summary, as_of=as_of) is not None:
                sent += 1
    return sent
