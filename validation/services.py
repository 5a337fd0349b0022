"""Writes with rules for the validating group: members, teams, conflicts, meetings, calendars,
agendas, reviews, decisions, feedback and awards."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accreditation import audit, notifications
from accreditation.models import User
from accreditation.pdf import render_pdf
from accreditation.services import invitation_send
from portfolios import dates as portfolio_dates
from portfolios import services as portfolio_services
from portfolios.models import Application, Criterion
from schools.models import Membership

from . import permissions, selectors, term_dates
from .models import (
    AgendaItem,
    Attendance,
    Award,
    CalendarFeed,
    Conflict,
    CriterionJudgement,
    Decision,
    GroupMember,
    Meeting,
    Review,
    Team,
)


class ValidationError(Exception):
    """A request the rules refuse; the message says why, for the person who asked. Several
    problems at once are kept in `messages`, each shown on its own."""

    def __init__(self, message):
        self.messages = [str(m) for m in message] if isinstance(message, list | tuple) else [str(message)]
        super().__init__(" ".join(self.messages))


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


# Agendas -------------------------------------------------------------------------------------
#
# Portfolios cannot call validation, so a submitted application waits in state "submitted" until
# validation places it: the periodic job `validation.tasks.place_submitted_applications` (every 5
# minutes) and the admin's "Place submitted applications" button both call agenda_place_waiting.

REVIEWERS_PER_APPLICATION = 2


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
            raise ValidationError(
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
        except ValidationError:
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
        raise ValidationError("The group has already decided this application, so it cannot be moved.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    submitted_on = _submitted_on(item.submitted_at)
    if meeting.pk == item.meeting_id:
        raise ValidationError(f"The application is already on the agenda of the {meeting}.")
    if meeting.is_cancelled:
        raise ValidationError(f"The {meeting} is cancelled. Choose another meeting.")
    if meeting.status == Meeting.Status.HELD or meeting.date < timezone.localdate():
        raise ValidationError(f"The {meeting} has already taken place. Choose a later meeting.")
    if meeting.submission_cutoff < submitted_on:
        raise ValidationError(
            f"The cut-off for the {meeting} was {meeting.submission_cutoff:%-d %B %Y}, before the application "
            f"was submitted on {submitted_on:%-d %B %Y}. Choose a later meeting."
        )
    if _meeting_is_full(meeting):
        raise ValidationError(
            f"The {meeting} is full: its agenda has {meeting.capacity} applications. Choose another meeting or "
            "raise its capacity."
        )
    if AgendaItem.objects.filter(meeting=meeting, application=item.application).exists():
        raise ValidationError(f"The application has already been heard at the {meeting}.")
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


# Reviewers -----------------------------------------------------------------------------------


def reviewer_candidates(item: AgendaItem) -> list[GroupMember]:
    """Active members who may review `item`: never a conflicted or inactive member, nor one
    already reviewing it. Each carries `.load`, their current assignments."""
    conflicted = selectors.conflicted_member_ids(item.application.school)
    taken = set(Review.objects.filter(agenda_item=item).values_list("member_id", flat=True))
    loads = selectors.open_review_counts()
    members = list(
        GroupMember.objects.filter(is_active=True, user__is_active=True)
        .exclude(pk__in=conflicted | taken)
        .select_related("user", "team")
    )
    for member in members:
        member.load = loads.get(member.pk, 0)
    return members


def _choose(candidates, teams_taken: set, count: int) -> list[GroupMember]:
    """Mix teams first (a team not yet reviewing this item), then the lightest load."""
    chosen = []
    pool = list(candidates)
    for _ in range(count):
        if not pool:
            break
        best = min(pool, key=lambda m: (m.team_id in teams_taken, m.load, m.user.last_name, m.pk))
        chosen.append(best)
        teams_taken.add(best.team_id)
        pool.remove(best)
    return chosen


def _notify_reviewer(review: Review) -> None:
    item = review.agenda_item
    notifications.send(
        to=review.member.user.email,
        template="review_assigned",
        context={
            "user": review.member.user,
            "school": item.application.school,
            "meeting": item.meeting,
            "link": settings.SITE_URL + reverse("validation:review", args=[review.pk]),
        },
    )


def reviewers_assign(*, item: AgendaItem, by: User | None = None) -> list[Review]:
    """Give `item` its two reviewers (fewer if the group is short; the agenda page says so), each
    told by email after commit."""
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("application__school", "meeting").get(pk=item.pk)
        existing = list(Review.objects.filter(agenda_item=item).select_related("member"))
        missing = REVIEWERS_PER_APPLICATION - len(existing)
        if missing <= 0:
            return []
        chosen = _choose(reviewer_candidates(item), {r.member.team_id for r in existing}, missing)
        reviews = []
        for member in chosen:
            reviews.append(_review_create(item=item, member=member, by=by))
    return reviews


@transaction.atomic
def review_assign(*, item: AgendaItem, member: GroupMember, by: User, replacing: Review | None = None) -> Review:
    """An admin assigns `member` to review `item`, in place of `replacing` (whose review, not yet
    submitted, is removed) or in an empty place. Never a conflicted or inactive member."""
    if not permissions.can_manage_agendas(by):
        raise PermissionDenied
    item = AgendaItem.objects.select_for_update().select_related("application__school", "meeting").get(pk=item.pk)
    if Decision.objects.filter(agenda_item=item).exists():
        raise ValidationError("The group has already decided this application; its reviewers cannot change.")
    member = GroupMember.objects.select_related("user", "team").get(pk=member.pk)
    if member.pk in selectors.conflicted_member_ids(item.application.school):
        raise ValidationError(
            f"{member.user} has a conflict of interest with {item.application.school.name} and cannot review it."
        )
    if not (member.is_active and member.user.is_active):
        raise ValidationError(f"{member.user} is not an active member of the validating group.")
    if Review.objects.filter(agenda_item=item, member=member).exists():
        raise ValidationError(f"{member.user} is already reviewing this application.")
    if replacing is not None:
        replacing = Review.objects.select_for_update().select_related("member__user").get(pk=replacing.pk)
        if replacing.agenda_item_id != item.pk:
            raise ValidationError("That review belongs to another agenda item.")
        audit.record(
            actor=by,
            action="review.unassigned",
            target=replacing,
            summary=f"{replacing.member.user} replaced by {member.user}",
            data={"submitted": replacing.is_submitted},
        )
        replacing.delete()
    elif Review.objects.filter(agenda_item=item).count() >= REVIEWERS_PER_APPLICATION:
        raise ValidationError("This application already has two reviewers. Choose which one to replace.")
    return _review_create(item=item, member=member, by=by)


def _review_create(*, item: AgendaItem, member: GroupMember, by: User | None) -> Review:
    """Assign one reviewer: the review row, an audit entry and the reviewer's email."""
    review = Review.objects.create(agenda_item=item, member=member, assigned_by=by)
    review.agenda_item = item
    audit.record(
        actor=by,
        action="review.assigned",
        target=review,
        summary=f"{member.user} to review {item.application.school.name}",
        data={"member": member.pk, "item": item.pk},
    )
    _notify_reviewer(review)
    return review


@transaction.atomic
def review_save(
    *, review: Review, by: User, judgements: dict, recommendation: str, comment: str, submit: bool
) -> Review:
    """Save the reviewer's draft or, with `submit`, submit and lock it. `judgements` maps criterion
    ids to (judgement, comment). Submitting needs every criterion judged, a comment wherever a
    criterion is not met, and a recommendation."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("member__user", "agenda_item__application__school")
        .get(pk=review.pk)
    )
    if not permissions.can_review(by, review):
        raise PermissionDenied
    if review.is_submitted:
        raise ValidationError(
            f"You submitted this review on {timezone.localtime(review.submitted_at):%-d %B %Y}. It cannot be changed."
        )
    if Decision.objects.filter(agenda_item_id=review.agenda_item_id).exists():
        raise ValidationError("The group has already decided this application. Nothing has been saved.")
    criteria = {
        c.pk: c for c in Criterion.objects.filter(criteria_set_id=review.agenda_item.application.criteria_set_id)
    }
    if recommendation and recommendation not in Review.Recommendation.values:
        raise ValidationError("Select a recommendation from the list")
    problems = []
    for criterion_id, (judgement, note) in judgements.items():
        if criterion_id not in criteria:
            raise ValidationError("Unknown criterion")
        if judgement and judgement not in CriterionJudgement.Judgement.values:
            raise ValidationError("Select met, not yet met or further information needed")
        if submit and not judgement:
            problems.append(f"Select a judgement for criterion {criteria[criterion_id].number}")
        if submit and judgement and judgement != CriterionJudgement.Judgement.MET and not note.strip():
            problems.append(f"Explain your judgement on criterion {criteria[criterion_id].number}")
    if submit and set(judgements) != set(criteria):
        problems.append("Judge every criterion")
    if submit and not recommendation:
        problems.append("Select your overall recommendation")
    if problems:
        raise ValidationError(problems)
    for criterion_id, (judgement, note) in judgements.items():
        CriterionJudgement.objects.update_or_create(
            review=review, criterion_id=criterion_id, defaults={"judgement": judgement, "comment": note.strip()}
        )
    now = timezone.now()
    review.recommendation = recommendation
    review.comment = comment.strip()
    review.saved_at = now
    if submit:
        review.submitted_at = now
    review.save()
    audit.record(
        actor=by,
        action="review.submitted" if submit else "review.saved",
        target=review,
        summary=f"{review.agenda_item.application.school.name}: {review.get_recommendation_display() or 'draft'}",
    )
    return review


# The meeting ---------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, meeting: Meeting, members, by: User) -> list[Attendance]:
    """Record who is present at the meeting (replacing the earlier list). Only active members."""
    if not permissions.can_run_meeting(by):
        raise PermissionDenied
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled. Attendance cannot be recorded.")
    members = list(members)
    if any(not m.is_active for m in members):
        raise ValidationError("Only active members of the validating group can be recorded as present.")
    wanted = {m.pk for m in members}
    before = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    Attendance.objects.filter(meeting=meeting).exclude(member_id__in=wanted).delete()
    for member_id in wanted - before:
        Attendance.objects.create(meeting=meeting, member_id=member_id, recorded_by=by)
    audit.record(
        actor=by,
        action="meeting.attendance",
        target=meeting,
        summary=f"{len(wanted)} member{'s' if len(wanted) != 1 else ''} present",
        data={"present": sorted(wanted)},
    )
    return list(Attendance.objects.filter(meeting=meeting))


def _letter_defaults(outcome: str, school) -> tuple[str, str]:
    opening = {
        Decision.Outcome.ACCREDITED: (
            f"Thank you for {school.name}'s application. The validating group is pleased to accredit the school."
        ),
        Decision.Outcome.FURTHER_INFORMATION: (
            f"Thank you for {school.name}'s application. Before it can decide, the validating group needs "
            "further information on the criteria listed below."
        ),
        Decision.Outcome.NOT_ACCREDITED: (
            f"Thank you for {school.name}'s application. The validating group has decided not to accredit the "
            "school at this time."
        ),
    }[outcome]
    closing = (
        "If you have any questions about this feedback, contact the Health & Wellbeing team at "
        f"{settings.HW_TEAM_EMAIL}."
    )
    return opening, closing


def decision_record(
    *,
    item: AgendaItem,
    outcome: str,
    strengths: str,
    areas_for_future: str,
    by: User,
    criteria_numbers=(),
    information_needed: str = "",
    information_due_on: date | None = None,
) -> Decision:
    """Record the group's decision on one agenda item.

    Needs the meeting to have started (its date reached), a quorum of members present who are not
    conflicted with the school, and a recorder who is not conflicted. One decision per application
    per meeting: the agenda item is locked, so a second decision racing the first waits and is then
    refused. Present conflicted members are minuted as recused. Nothing reaches the school until an
    admin releases the feedback letter."""
    strengths, areas_for_future, information_needed = (
        strengths.strip(),
        areas_for_future.strip(),
        information_needed.strip(),
    )
    numbers = sorted({int(n) for n in criteria_numbers})
    if outcome not in Decision.Outcome.values:
        raise ValidationError("Select the group's decision")
    errors = []
    if not strengths:
        errors.append("Enter the strengths of the application")
    if not areas_for_future:
        errors.append("Enter the areas for future consideration")
    if outcome == Decision.Outcome.FURTHER_INFORMATION:
        if not numbers:
            errors.append("Select the criteria that need further information")
        if not information_needed:
            errors.append("Enter what further information is needed")
        if information_due_on is None:
            errors.append("Enter the date the further information is needed by")
    elif numbers or information_due_on:
        errors.append("Only a request for further information names criteria and a date")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            item = (
                AgendaItem.objects.select_for_update(of=("self",))
                .select_related("application__school", "meeting")
                .get(pk=item.pk)
            )
            existing = Decision.objects.filter(agenda_item=item).select_related("recorded_by").first()
            if existing is not None:
                raise ValidationError(
                    f"A decision on {item.application.school.name} was already recorded at this meeting "
                    f"({existing.get_outcome_display().lower()}, by {existing.recorded_by}). Nothing has been changed."
                )
            meeting = item.meeting
            if meeting.is_cancelled:
                raise ValidationError("This meeting is cancelled. No decision can be recorded.")
            # A school may withdraw after its application was placed on the agenda.
            if item.application.state in (*Application.CLOSED_STATES, Application.State.DRAFT):
                raise ValidationError(
                    f"{item.application.school.name}'s application is {item.application.get_state_display().lower()}, "
                    "so the group cannot decide it. No decision has been recorded."
                )
            if timezone.localdate() < meeting.date:
                raise ValidationError(
                    f"The meeting is on {meeting.date:%-d %B %Y}. Decisions are recorded at the meeting."
                )
            if permissions.is_conflicted(by, item.application.school):
                raise ValidationError(
                    f"You have a conflict of interest with {item.application.school.name}, so you cannot record "
                    "its decision. Another member must do it."
                )
            if not permissions.can_record_decision(by, item):
                raise PermissionDenied
            quorum = selectors.quorum_for_item(item)
            if not quorum.met:
                raise ValidationError(f"{quorum.message}. Record who is present first. No decision has been recorded.")
            valid_numbers = set(
                Criterion.objects.filter(criteria_set_id=item.application.criteria_set_id).values_list(
                    "number", flat=True
                )
            )
            if not set(numbers) <= valid_numbers:
                raise ValidationError("Select criteria from the list")
            opening, closing = _letter_defaults(outcome, item.application.school)
            decision = Decision.objects.create(
                agenda_item=item,
                meeting=meeting,
                application=item.application,
                outcome=outcome,
                criteria_numbers=numbers,
                information_needed=information_needed,
                information_due_on=information_due_on,
                strengths=strengths,
                areas_for_future=areas_for_future,
                recorded_by=by,
                letter_opening=opening,
                letter_closing=closing,
            )
            decision.present.set(quorum.present)
            decision.recused.set(quorum.recused)
            audit.record(
                actor=by,
                action="decision.recorded",
                target=decision,
                summary=f"{item.application.school.name}: {decision.get_outcome_display()}",
                data={
                    "meeting": meeting.date.isoformat(),
                    "criteria": numbers,
                    "recused": [m.pk for m in quorum.recused],
                    "present": [m.pk for m in quorum.present],
                },
            )
    except IntegrityError:
        # The unique constraint caught a racing decision the lock did not (another agenda item).
        raise ValidationError(
            "A decision on this application was already recorded at this meeting. Nothing has been changed."
        ) from None
    return decision


LETTER_EDITABLE = ["letter_opening", "strengths", "areas_for_future", "information_needed", "letter_closing"]


@transaction.atomic
def decision_update_letter(*, decision: Decision, by: User, **wording) -> Decision:
    """An admin rewords the feedback letter before release. The outcome, criteria and date stay."""
    if not permissions.can_release_feedback(by):
        raise PermissionDenied
    unknown = set(wording) - set(LETTER_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    decision = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    if decision.is_released:
        raise ValidationError("This feedback has been released; its wording can no longer change.")
    errors = []
    for field, value in wording.items():
        value = value.strip()
        if field in ("strengths", "areas_for_future") and not value:
            errors.append(f"Enter the {'strengths' if field == 'strengths' else 'areas for future consideration'}")
        if field == "information_needed" and decision.outcome == Decision.Outcome.FURTHER_INFORMATION and not value:
            errors.append("Enter what further information is needed")
        setattr(decision, field, value)
    if errors:
        raise ValidationError(errors)
    decision.save(update_fields=list(wording))
    audit.record(actor=by, action="decision.letter_edited", target=decision, summary=", ".join(sorted(wording)))
    return decision


def feedback_letter_context(decision: Decision) -> dict:
    application = decision.application
    criteria = list(
        Criterion.objects.filter(
            criteria_set_id=application.criteria_set_id, number__in=decision.criteria_numbers
        ).order_by("number")
    )
    return {
        "decision": decision,
        "school": application.school,
        "application": application,
        "meeting": decision.meeting,
        "criteria": criteria,
        "award": getattr(decision, "award", None),
    }


def feedback_letter_pdf(decision: Decision) -> bytes:
    return render_pdf("validation/pdf/feedback_letter.html", feedback_letter_context(decision))


def decision_release(*, decision: Decision, by: User) -> Decision:
    """Release the feedback: record the outcome in portfolios (further information reopens only
    the named criteria), grant the award when accredited, store the letter PDF and email it to the
    school's SLT lead (after commit). Released once."""
    if not permissions.can_release_feedback(by):
        raise PermissionDenied
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("application__school", "meeting")
            .get(pk=decision.pk)
        )
        if decision.is_released:
            raise ValidationError(
                f"This feedback was released on {timezone.localtime(decision.released_at):%-d %B %Y}."
            )
        application = decision.application
        try:
            portfolio_services.application_record_outcome(
                application=application,
                outcome=decision.outcome,
                actor=by,
                reopened_criteria=decision.criteria_numbers,
                areas_for_future=decision.areas_for_future,
                decided_on=decision.meeting.date,
            )
        except DjangoValidationError as error:
            raise ValidationError(" ".join(error.messages)) from error
        if decision.outcome == Decision.Outcome.ACCREDITED:
            award_grant(decision=decision, by=by)
        decision.released_at = timezone.now()
        decision.released_by = by
        name = f"attachments/feedback/{application.school_id}/{uuid.uuid4().hex}.pdf"
        decision.letter_file = default_storage.save(name, ContentFile(feedback_letter_pdf(decision)))
        decision.save(update_fields=["released_at", "released_by", "letter_file"])
        audit.record(
            actor=by,
            action="decision.released",
            target=decision,
            summary=f"{application.school.name}: {decision.get_outcome_display()}",
        )
        leads = list(
            Membership.objects.filter(
                school=application.school, role=Membership.Role.LEAD, is_active=True, user__is_active=True
            ).values_list("user__email", flat=True)
        )
        context = {
            **feedback_letter_context(decision),
            "link": settings.SITE_URL + reverse("portfolios:application", args=[application.pk]),
        }
        attachment = {
            "name": f"feedback-{application.school.urn}-{decision.meeting.date:%Y-%m-%d}.pdf",
            "path": decision.letter_file,
            "content_type": "application/pdf",
        }
        notifications.send(
            to=leads or settings.HW_TEAM_EMAIL, template="feedback_released", context=context, attachments=[attachment]
        )
    return decision


# Awards --------------------------------------------------------------------------------------

AWARD_YEARS = 3


def award_expiry(awarded_on: date) -> date:
    """An award made on D expires on D + 3 calendar years: the helper portfolios.dates uses."""
    return portfolio_dates.add_years(awarded_on, AWARD_YEARS)


def award_grant(*, decision: Decision, by: User | None, expires_on=None) -> Award:
    """Create the award for an accredited decision: awarded on the meeting date, expiring 3
    calendar years later (never entered by hand), with an unguessable verification code. A
    renewal supersedes the school's current award."""
    if expires_on is not None:
        raise ValidationError(
            "The expiry date cannot be entered by hand: an award always expires 3 years after the meeting that "
            "made it. Nothing has been saved."
        )
    if decision.outcome != Decision.Outcome.ACCREDITED:
        raise ValidationError("Only an accredited decision makes an award.")
    with transaction.atomic():
        school = decision.application.school
        superseded = Award.objects.select_for_update().filter(school=school, status=Award.Status.CURRENT)
        now = timezone.now()
        for old in superseded:
            old.status = Award.Status.SUPERSEDED
            old.status_changed_at = now
            old.save(update_fields=["status", "status_changed_at"])
            audit.record(actor=by, action="award.superseded", target=old, summary=f"{school.name}: renewed")
        awarded_on = decision.meeting.date
        award = Award.objects.create(
            school=school,
            application=decision.application,
            decision=decision,
            awarded_on=awarded_on,
            expires_on=award_expiry(awarded_on),
            verification_code=secrets.token_urlsafe(18),
        )
        audit.record(
            actor=by,
            action="award.granted",
            target=award,
            summary=f"{school.name}: {awarded_on:%-d %B %Y} to {award.expires_on:%-d %B %Y}",
        )
    return award


def certificate_pdf(award: Award) -> bytes:
    return render_pdf(
        "validation/pdf/certificate.html",
        {
            "award": award,
            "school": award.school,
            "verify_url": settings.SITE_URL + reverse("validation:verify", args=[award.verification_code]),
        },
    )


def minutes_context(meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "attendance": Attendance.objects.filter(meeting=meeting).select_related("member__user", "member__team"),
        "rows": selectors.minutes_for_meeting(meeting),
        "generated_at": timezone.now(),
    }


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes: attendance, then each item with reviewers' recommendations, recusals and the
    decision with its feedback."""
    return render_pdf("validation/pdf/minutes.html", minutes_context(meeting))
