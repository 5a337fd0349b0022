"""Writes with rules for the validating group: members, teams, conflicts, meetings, calendars."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accreditation import audit, notifications
from accreditation.models import User
from accreditation.services import invitation_send

from . import permissions, term_dates
from .models import CalendarFeed, Conflict, GroupMember, Meeting, Team


class ValidationError(Exception):
    """A request the rules refuse; the message says why, for the person who asked."""


# The group -----------------------------------------------------------------------------------


@transaction.atomic
def member_invite(
    *, email: str, first_name: str, last_name: str, job_title: str = "", team: Team, invited_by: User
) -> GroupMember:
    """Add a person to the validating group in `team`.

    A new person gets an account and a set-password invitation; someone who already has an account
    (an admin, say) is told by email that they have joined. Refuses a person already in the group.
    """
    if not permissions.can_manage_group(invited_by):
        raise PermissionDenied
    if not team.is_active:
        raise ValidationError(f"The team {team.name} is no longer in use. Select another team.")
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and GroupMember.objects.filter(user=user).exists():
        raise ValidationError(f"{email} is already a member of the validating group.")
    if user is not None and not user.is_active:
        raise ValidationError(f"The account for {email} has been deactivated. Reactivate it first.")
    created = user is None
    if created:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name, job_title=job_title)
    member = GroupMember.objects.create(user=user, team=team)
    audit.record(
        actor=invited_by,
        action="group_member.invited",
        target=member,
        summary=f"Joined the validating group for {team.name}",
        data={"team": team.slug, "new_account": created},
    )
    purpose = f"The Health & Wellbeing team has invited you to join the validating group, for {team.name}."
    if created or not user.has_usable_password():
        invitation_send(user=user, created_by=invited_by, purpose=purpose)
    else:
        notifications.send(to=user.email, template="validator_added", context={"user": user, "team": team})
    return member


@transaction.atomic
def member_change_team(*, member: GroupMember, team: Team, by: User) -> GroupMember:
    """Move a member to another (active) team."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    if not team.is_active:
        raise ValidationError(f"The team {team.name} is no longer in use. Select another team.")
    member = GroupMember.objects.select_for_update().select_related("team").get(pk=member.pk)
    if member.team_id == team.pk:
        return member
    previous = member.team
    member.team = team
    member.save(update_fields=["team"])
    audit.record(
        actor=by,
        action="group_member.team_changed",
        target=member,
        summary=f"Moved from {previous.name} to {team.name}",
        data={"from": previous.slug, "to": team.slug},
    )
    return member


@transaction.atomic
def member_set_active(*, member: GroupMember, active: bool, by: User) -> GroupMember:
    """Deactivate a member (they stop seeing group work and their calendar stops) or reactivate
    them. Their account and their conflicts stay: one person may also be an admin."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    member = GroupMember.objects.select_for_update().select_related("user", "team").get(pk=member.pk)
    if member.is_active == active:
        raise ValidationError(
            f"{member.user} is already {'an active' if active else 'a deactivated'} member of the group."
        )
    if active and not member.team.is_active:
        raise ValidationError(f"Their team, {member.team.name}, is no longer in use. Move them to another team first.")
    member.is_active = active
    member.save(update_fields=["is_active"])
    audit.record(
        actor=by,
        action="group_member.reactivated" if active else "group_member.deactivated",
        target=member,
        summary=f"{'Reactivated' if active else 'Deactivated'} in the validating group",
    )
    return member


def _unique_slug(name: str, exclude_pk=None) -> str:
    base = slugify(name)[:50] or "team"
    slug, n = base, 2
    while Team.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_team_name(name: str, exclude_pk=None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter the team's name")
    if Team.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ValidationError(f"There is already a team called {name}")
    return name


@transaction.atomic
def team_create(*, name: str, by: User) -> Team:
    """Add a team the group draws members from."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    name = _check_team_name(name)
    team = Team.objects.create(name=name, slug=_unique_slug(name))
    audit.record(actor=by, action="team.created", target=team, summary=name)
    return team


@transaction.atomic
def team_rename(*, team: Team, name: str, by: User) -> Team:
    """Rename a team; its members stay in it. The slug stays, so links and data keep working."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    name = _check_team_name(name, exclude_pk=team.pk)
    previous = team.name
    if previous == name:
        return team
    team.name = name
    team.save(update_fields=["name"])
    audit.record(actor=by, action="team.renamed", target=team, summary=f"Renamed from {previous} to {name}")
    return team


@transaction.atomic
def team_set_active(*, team: Team, active: bool, by: User) -> Team:
    """Stop offering a team for new members (its members stay until moved), or bring it back."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.is_active == active:
        raise ValidationError(f"{team.name} is already {'in use' if active else 'out of use'}.")
    team.is_active = active
    team.save(update_fields=["is_active"])
    audit.record(actor=by, action="team.reactivated" if active else "team.deactivated", target=team)
    return team


# Conflicts of interest -----------------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, member: GroupMember, school, kind: str, details: str = "", by: User) -> Conflict:
    """Record that `member` has an interest in `school`; from now on they are kept away from its
    application. An admin may declare on a member's behalf."""
    if not permissions.can_declare_conflict(by, member):
        raise PermissionDenied
    if kind not in Conflict.Kind.values:
        raise ValidationError("Select the kind of interest")
    details = details.strip()
    if kind == Conflict.Kind.OTHER and not details:
        raise ValidationError("Describe the interest")
    GroupMember.objects.select_for_update().get(pk=member.pk)
    if Conflict.objects.filter(member=member, school=school, withdrawn_at__isnull=True).exists():
        raise ValidationError(f"A conflict of interest with {school.name} is already declared.")
    conflict = Conflict.objects.create(member=member, school=school, kind=kind, details=details, declared_by=by)
    audit.record(
        actor=by,
        action="conflict.declared",
        target=conflict,
        summary=f"{member.user} declared: {conflict.get_kind_display()}, {school.name}",
        data={"member": member.pk, "school": school.urn, "kind": kind},
    )
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: Conflict, by: User) -> Conflict:
    """Close a declared conflict (the person no longer has the interest). The record stays."""
    conflict = Conflict.objects.select_for_update().select_related("member__user", "school").get(pk=conflict.pk)
    if not conflict.is_open:
        raise ValidationError("This conflict of interest has already been withdrawn.")
    if not permissions.can_withdraw_conflict(by, conflict):
        raise PermissionDenied
    conflict.withdrawn_at = timezone.now()
    conflict.withdrawn_by = by
    conflict.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.record(
        actor=by,
        action="conflict.withdrawn",
        target=conflict,
        summary=f"{conflict.member.user} withdrew: {conflict.get_kind_display()}, {conflict.school.name}",
    )
    return conflict


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


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User, **changes) -> Meeting:
    """Change a meeting's date, time, place, cut-off, capacity, status or notes. Refuses a cut-off
    on or after the meeting, a capacity below 1, a date outside its academic year or a date
    another meeting has; nothing is saved unless everything is right."""
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
    if errors:
        raise ValidationError(" ".join(errors.values()))
    changed = {
        f: [str(before[f]), str(getattr(meeting, f))] for f in MEETING_EDITABLE if before[f] != getattr(meeting, f)
    }
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
