"""Agendas: placing submitted applications on meetings and moving them."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation.errors import Refusal
from accreditation.models import User
from portfolios import services as portfolio_services
from portfolios.models import Application

from .. import permissions, selectors
from ..models import (
    AgendaItem,
    Decision,
    Meeting,
)
from .reviews import reviewers_assign

# Agendas -------------------------------------------------------------------------------------
#
# Portfolios cannot call validation, so a submitted application waits in state "submitted" until
# validation places it: the periodic job `validation.tasks.place_submitted_applications` (every 5
# minutes) and the admin's "Place submitted applications" button both call agenda_place_waiting.


def _submitted_on(submitted_at) -> date:
    return timezone.localtime(submitted_at).date()


def _meeting_is_full(meeting: Meeting) -> bool:
    return AgendaItem.objects.filter(meeting=meeting).count() >= meeting.capacity


def agenda_place(*, application, by: User | None = None) -> AgendaItem | None:
    """Put a submitted application on the next planned meeting whose cut-off its submission met
    and which has room, tell portfolios the meeting date and assign two reviewers (who are
    emailed). Returns None, changing nothing, when no meeting can take it yet."""
    if by is not None and not permissions.can_manage_agendas(by):
        raise PermissionDenied
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("school").get(pk=application.pk)
        )
        if application.state != Application.State.SUBMITTED:
            raise Refusal(
                f"{application.school.name}'s application is {application.get_state_display().lower()}, "
                "so it is not waiting for a meeting."
            )
        submitted_on = _submitted_on(application.submitted_at)
        # Lock the candidate meetings in date order, so two placements cannot both take the last place.
        candidates = list(
            Meeting.objects.select_for_update()
            .filter(
                status=Meeting.Status.PLANNED,
                date__gte=timezone.localdate(),
                submission_cutoff__gte=submitted_on,
            )
            .exclude(agenda_items__application=application)
            .order_by("date")
        )
        meeting = next((m for m in candidates if not _meeting_is_full(m)), None)
        if meeting is None:
            return None
        item = AgendaItem.objects.create(
            meeting=meeting, application=application, submitted_at=application.submitted_at, placed_by=by
        )
        portfolio_services.application_list_for_meeting(application=application, meeting_date=meeting.date, actor=by)
        audit.record(
            actor=by,
            action="agenda.placed",
            target=item,
            summary=f"{application.school.name} listed for {meeting}",
            data={"application": application.pk, "meeting": meeting.date.isoformat()},
        )
        reviewers_assign(item=item, by=by)
    return item


def agenda_place_waiting(*, by: User | None = None) -> tuple[list[AgendaItem], list]:
    """Place every submitted application not yet on an agenda, first submitted first. Returns the
    items placed and the applications no meeting could take. Safe to run at any time, twice."""
    placed, waiting = [], []
    for application in selectors.applications_waiting_for_meeting():
        try:
            item = agenda_place(application=application, by=by)
        except Refusal:
            continue  # its state changed since we listed it (withdrawn, placed by someone else)
        (placed if item else waiting).append(item or application)
    return placed, waiting


@transaction.atomic
def agenda_move(*, item: AgendaItem, meeting: Meeting, by: User) -> AgendaItem:
    """Move an undecided item to another meeting. Refuses a cancelled or past meeting, one whose
    cut-off was before the submission, and a full one. Its reviewers stay. The application's
    meeting date is updated in this transaction; its school's leads and its reviewers are emailed
    the new date (with any evidence that will be more than 3 years old by then)."""
    if not permissions.can_manage_agendas(by):
        raise PermissionDenied
    item = AgendaItem.objects.select_for_update().select_related("application__school", "meeting").get(pk=item.pk)
    if Decision.objects.filter(agenda_item=item).exists():
        raise Refusal("The group has already decided this application, so it cannot be moved.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    submitted_on = _submitted_on(item.submitted_at)
    if meeting.pk == item.meeting_id:
        raise Refusal(f"The application is already on the agenda of the {meeting}.")
    if meeting.is_cancelled:
        raise Refusal(f"The {meeting} is cancelled. Choose another meeting.")
    if meeting.status == Meeting.Status.HELD or meeting.date < timezone.localdate():
        raise Refusal(f"The {meeting} has already taken place. Choose a later meeting.")
    if meeting.submission_cutoff < submitted_on:
        raise Refusal(
            f"The cut-off for the {meeting} was {meeting.submission_cutoff:%-d %B %Y}, before the application "
            f"was submitted on {submitted_on:%-d %B %Y}. Choose a later meeting."
        )
    if _meeting_is_full(meeting):
        raise Refusal(
            f"The {meeting} is full: its agenda has {meeting.capacity} applications. Choose another meeting or "
            "raise its capacity."
        )
    if AgendaItem.objects.filter(meeting=meeting, application=item.application).exists():
        raise Refusal(f"The application has already been heard at the {meeting}.")
    previous = item.meeting
    item.meeting = meeting
    item.save(update_fields=["meeting"])
    portfolio_services.application_list_for_meeting(application=item.application, meeting_date=meeting.date, actor=by)
    audit.record(
        actor=by,
        action="agenda.moved",
        target=item,
        summary=f"{item.application.school.name} moved from {previous} to {meeting}",
        data={"from": previous.date.isoformat(), "to": meeting.date.isoformat()},
    )
    listing_moved_notify(item=item, previous=previous.date)
    return item


# One truth for a meeting's date --------------------------------------------------------------
#
# The meeting row is the truth. Portfolios keeps a copy (Application.meeting_date) for its own
# evidence-age rules; these are its only writers, called in the transaction that changes a
# meeting's date or an application's listing (agenda_place, agenda_move, meeting_update).


def undecided_items(meeting: Meeting):
    """The meeting's agenda items the group has not decided, whose application is still open."""
    return (
        AgendaItem.objects.filter(meeting=meeting, decision__isnull=True)
        .exclude(application__state__in=[*Application.CLOSED_STATES, Application.State.DRAFT])
        .select_related("application__school", "meeting")
    )


def agenda_sync_listings(*, meeting: Meeting, by: User | None) -> int:
    """Copy the meeting's date onto every undecided application on its agenda; returns how many
    copies changed. Idempotent."""
    changed = 0
    for item in undecided_items(meeting):
        if item.application.meeting_date != meeting.date:
            portfolio_services.application_list_for_meeting(
                application=item.application, meeting_date=meeting.date, actor=by
            )
            changed += 1
    return changed


def _next_meeting_with_room(*, after: Meeting, submitted_on: date) -> Meeting | None:
    candidates = (
        Meeting.objects.select_for_update()
        .filter(
            status=Meeting.Status.PLANNED,
            date__gt=max(after.date, timezone.localdate() - timedelta(days=1)),
            submission_cutoff__gte=submitted_on,
        )
        .exclude(pk=after.pk)
        .order_by("date")
    )
    return next((m for m in candidates if not _meeting_is_full(m)), None)


def agenda_move_off_for_cutoff(*, items, meeting: Meeting, by: User) -> list[tuple]:
    """A meeting's cut-off moved before these items' submissions: move each to the next planned
    meeting with room whose cut-off its submission met, updating its listing and emailing its
    school and reviewers. Returns [(item, from_meeting, to_meeting)]. Refuses (the caller's
    transaction rolls back) naming the applications no meeting can take."""
    moved, stuck = [], []
    for item in items:
        target = _next_meeting_with_room(after=meeting, submitted_on=_submitted_on(item.submitted_at))
        if target is None:
            stuck.append(item)
            continue
        item.meeting = target
        item.save(update_fields=["meeting"])
        portfolio_services.application_list_for_meeting(
            application=item.application, meeting_date=target.date, actor=by
        )
        audit.record(
            actor=by,
            action="agenda.moved",
            target=item,
            summary=f"{item.application.school.name} moved from {meeting} to {target}: submitted after the new cut-off",
            data={"from": meeting.date.isoformat(), "to": target.date.isoformat(), "reason": "cutoff"},
        )
        listing_moved_notify(item=item, previous=meeting.date)
        moved.append((item, meeting, target))
    if stuck:
        names = ", ".join(i.application.school.name for i in stuck)
        raise Refusal(
            f"The cut-off cannot move before the submission of {names}: no later planned meeting has room for "
            "it. Schedule a meeting or raise a meeting's capacity first. Nothing has been changed."
        )
    return moved


def listing_moved_notify(*, item: AgendaItem, previous: date | None) -> None:
    """Email the school's leads and the item's reviewers the application's (new) meeting date,
    with the school's evidence that will be more than 3 years old by then."""
    from portfolios import selectors as portfolio_selectors
    from schools.models import Membership

    from ..models import Review

    application, meeting = item.application, item.meeting
    leads = list(
        Membership.objects.filter(
            school=application.school, role=Membership.Role.LEAD, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    reviewers = list(
        Review.objects.filter(agenda_item=item, member__user__is_active=True).values_list(
            "member__user__email", flat=True
        )
    )
    context = {
        "school": application.school,
        "meeting": meeting,
        "previous": previous,
        "stale": portfolio_selectors.evidence_stale_by(application=application, day=meeting.date),
        "link": settings.SITE_URL + reverse("portfolios:application", args=[application.pk]),
    }
    if leads:
        notifications.send(to=leads, template="meeting_moved", context={**context, "for_school": True})
    if reviewers:
        notifications.send(to=reviewers, template="meeting_moved", context={**context, "for_school": False})


def meeting_moved_notify(*, meeting: Meeting, previous: date) -> None:
    """Tell every school on the moved meeting's agenda (and its reviewers) the new date."""
    for item in undecided_items(meeting):
        listing_moved_notify(item=item, previous=previous)
