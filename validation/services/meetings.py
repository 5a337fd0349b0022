"""Meetings: the year's schedule, changes to a meeting, calendar subscriptions."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.models import User
from portfolios.models import Application

from .. import permissions, term_dates
from ..models import (
    CalendarFeed,
    Meeting,
)

# Meetings ------------------------------------------------------------------------------------


@dataclass
class ProposedMeeting:
    """One row of a proposal: the half term, and either the meeting to create or the one there."""

    half_term: term_dates.HalfTerm
    meeting: Meeting
    exists: bool


def meeting_defaults() -> dict:
    return {
        "starts_at": time.fromisoformat(settings.MEETING_DEFAULT_START),
        "location": settings.MEETING_DEFAULT_LOCATION,
        "capacity": settings.MEETING_DEFAULT_CAPACITY,
    }


def default_cutoff(meeting_date: date) -> date:
    """MEETING_CUTOFF_DAYS before the meeting, moved back to a working day."""
    return term_dates.previous_working_day(meeting_date - timedelta(days=settings.MEETING_CUTOFF_DAYS))


def meetings_propose(*, academic_year: str) -> list[ProposedMeeting]:
    """Propose six meetings for `academic_year` ("2026-27"), one per half term, without saving:
    a half term that already has its meeting shows that one instead. Raises
    term_dates.AcademicYearError for a malformed year."""
    first_year = term_dates.parse_academic_year(academic_year)
    academic_year = term_dates.academic_year_label(first_year)
    existing = {m.half_term: m for m in Meeting.objects.filter(academic_year=academic_year).exclude(half_term="")}
    half_terms = term_dates.half_terms(first_year)
    taken = set(
        Meeting.objects.filter(date__range=(half_terms[0].starts, half_terms[-1].ends)).values_list("date", flat=True)
    )
    proposals = []
    for half_term in half_terms:
        if half_term.key in existing:
            proposals.append(ProposedMeeting(half_term, existing[half_term.key], exists=True))
            continue
        day = term_dates.meeting_day_in(half_term, taken)
        taken.add(day)
        meeting = Meeting(
            academic_year=academic_year,
            half_term=half_term.key,
            date=day,
            submission_cutoff=default_cutoff(day),
            **meeting_defaults(),
        )
        proposals.append(ProposedMeeting(half_term, meeting, exists=False))
    return proposals


@transaction.atomic
def meetings_schedule(*, academic_year: str, by: User | None) -> list[Meeting]:
    """Create the proposed meetings of `academic_year` that do not exist yet and return the new
    ones. Idempotent: running it again for the same year creates nothing. All or nothing."""
    if by is not None and not permissions.can_manage_meetings(by):
        raise PermissionDenied
    first_year = term_dates.parse_academic_year(academic_year)
    # Serialise schedulers of the same year: lock the year's meetings (or nothing) plus a retry on
    # the unique constraints below.
    list(Meeting.objects.select_for_update().filter(academic_year=term_dates.academic_year_label(first_year)))
    created = []
    for proposal in meetings_propose(academic_year=academic_year):
        if proposal.exists:
            continue
        meeting = proposal.meeting
        try:
            with transaction.atomic():
                meeting.save()
        except IntegrityError:
            continue  # someone scheduled it a moment ago
        created.append(meeting)
        audit.record(
            actor=by,
            action="meeting.scheduled",
            target=meeting,
            summary=f"{proposal.half_term.label} {meeting.academic_year}",
            data={"date": meeting.date.isoformat(), "cutoff": meeting.submission_cutoff.isoformat()},
        )
    return created


MEETING_EDITABLE = ["date", "starts_at", "location", "online_link", "submission_cutoff", "capacity", "status", "notes"]


def check_meeting(*, meeting_date: date, cutoff: date | None, capacity: int | None, academic_year: str) -> dict:
    """The rules for a meeting's fields, as {field: message}; shared by the form and the service."""
    errors = {}
    if cutoff and meeting_date and cutoff >= meeting_date:
        errors["submission_cutoff"] = "The submission cut-off must be before the meeting date"
    if capacity is not None and capacity < 1:
        errors["capacity"] = "Capacity must be 1 application or more"
    if meeting_date and academic_year:
        try:
            first_year = term_dates.parse_academic_year(academic_year)
        except term_dates.AcademicYearError as error:
            errors["academic_year"] = str(error)
        else:
            starts, ends = term_dates.academic_year_bounds(first_year)
            if not starts <= meeting_date <= ends:
                errors["date"] = (
                    f"The meeting date must be in the academic year {academic_year} "
                    f"(1 September {first_year} to 31 August {first_year + 1})"
                )
    return errors


def _term_containing(day: date) -> term_dates.HalfTerm | None:
    first_year = day.year if day.month >= 9 else day.year - 1
    return next((h for h in term_dates.half_terms(first_year) if h.starts <= day <= h.ends), None)


def _names(items) -> str:
    names = [item.application.school.name for item in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User, **changes) -> Meeting:
    """Change a meeting's date, time, place, cut-off, capacity, status or notes.

    Refuses, naming the rule (and the applications concerned), and saving nothing: a cut-off on or
    after the meeting, a capacity below 1, a date outside its academic year, a date another meeting
    has; a new date in the past, outside every term, or before the submission of an application on
    its agenda; marking it held while an application on it is undecided. A cut-off moved before an
    item's submission moves that item to the next planned meeting with room (listed on
    `meeting.moved_items` as (item, from, to) so the page can say so; refused when none has room).

    A new date is copied, in this transaction, onto every undecided application on the agenda
    (agenda_sync_listings) and emailed to those schools' leads and their reviewers, with any
    evidence that will be more than 3 years old by the new date."""
    from .agendas import agenda_move_off_for_cutoff, agenda_sync_listings, meeting_moved_notify

    if not permissions.can_manage_meetings(by):
        raise PermissionDenied
    unknown = set(changes) - set(MEETING_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {field: getattr(meeting, field) for field in MEETING_EDITABLE}
    for field, value in changes.items():
        setattr(meeting, field, value)
    errors = check_meeting(
        meeting_date=meeting.date,
        cutoff=meeting.submission_cutoff,
        capacity=meeting.capacity,
        academic_year=meeting.academic_year,
    )
    if Meeting.objects.filter(date=meeting.date).exclude(pk=meeting.pk).exists():
        errors["date"] = "Another meeting is already on this date"
    undecided = list(
        meeting.agenda_items.filter(decision__isnull=True)
        .exclude(application__state__in=[*Application.CLOSED_STATES, Application.State.DRAFT])
        .select_related("application__school")
    )
    date_moved = meeting.date != before["date"]
    if date_moved and "date" not in errors:
        if meeting.date < timezone.localdate():
            errors["date"] = "A meeting cannot be moved to a date in the past"
        elif _term_containing(meeting.date) is None:
            errors["date"] = f"{meeting.date:%-d %B %Y} is outside every school term. Choose a date in term time"
        else:
            early = [i for i in undecided if timezone.localtime(i.submitted_at).date() > meeting.date]
            if early:
                errors["date"] = (
                    f"A meeting cannot be before the submission of an application on its agenda: "
                    f"{_names(early)} submitted after {meeting.date:%-d %B %Y}"
                )
    if meeting.status == Meeting.Status.HELD and before["status"] != Meeting.Status.HELD and undecided:
        errors["status"] = (
            f"A meeting cannot be marked held while an application on it is undecided: record a decision on "
            f"{_names(undecided)} or move it to another meeting first"
        )
    if errors:
        raise Refusal(" ".join(errors.values()))
    changed = {
        f: [str(before[f]), str(getattr(meeting, f))] for f in MEETING_EDITABLE if before[f] != getattr(meeting, f)
    }
    meeting.moved_items = []
    if not changed:
        return meeting
    meeting.updated_at = timezone.now()
    meeting.save()
    audit.record(
        actor=by,
        action="meeting.cancelled" if changed.get("status", [None, None])[1] == "cancelled" else "meeting.updated",
        target=meeting,
        summary="Changed " + ", ".join(f.replace("_", " ") for f in changed),
        data=changed,
    )
    if meeting.submission_cutoff != before["submission_cutoff"]:
        late = [i for i in undecided if timezone.localtime(i.submitted_at).date() > meeting.submission_cutoff]
        meeting.moved_items = agenda_move_off_for_cutoff(items=late, meeting=meeting, by=by)
    if date_moved:
        agenda_sync_listings(meeting=meeting, by=by)
        meeting_moved_notify(meeting=meeting, previous=before["date"])
    return meeting


def meeting_starts(meeting: Meeting) -> datetime:
    return datetime.combine(meeting.date, meeting.starts_at, tzinfo=timezone.get_current_timezone())


# Calendar subscriptions ----------------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, user: User) -> str:
    """Give `user` a new private calendar token and return it (it is shown once; only its hash is
    kept). Any earlier link stops working."""
    if not permissions.is_validator(user):
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token_hash": CalendarFeed.hash_token(token)}
    )
    if not created:
        feed.token_hash = CalendarFeed.hash_token(token)
        feed.created_at = timezone.now()
        feed.last_fetched_at = None
        feed.save(update_fields=["token_hash", "created_at", "last_fetched_at"])
    audit.record(actor=user, action="calendar_feed.created" if created else "calendar_feed.renewed", target=feed)
    return token
