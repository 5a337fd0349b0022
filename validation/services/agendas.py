"""Agendas: placing submitted applications on meetings and moving them."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accreditation import audit
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
    cut-off was before the submission, and a full one. Its reviewers stay."""
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
    return item
