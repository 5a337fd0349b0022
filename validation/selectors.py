"""Reads with a rule: who is in the group, who is conflicted, which meetings are coming, agendas,
reviews, quorum, awards and the public register."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from schools import selectors as school_selectors
from schools.models import School

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


def conflicted_member_ids(school) -> set[int]:
    """Ids of the group members with an open conflict with `school`, or in its team (a member who
    also works for the school): never assign or show them its application."""
    declared = Conflict.objects.filter(school=school, withdrawn_at__isnull=True).values_list("member_id", flat=True)
    in_team = GroupMember.objects.filter(
        user__memberships__school=school, user__memberships__is_active=True
    ).values_list("pk", flat=True)
    return set(declared.order_by().union(in_team.order_by()))


def member_for_user(user) -> GroupMember | None:
    if not user.is_authenticated:
        return None
    return GroupMember.objects.select_related("team", "user").filter(user=user).first()


def members_list():
    return GroupMember.objects.select_related("user", "team").annotate(
        open_conflicts=Count("conflicts", filter=Q(conflicts__withdrawn_at__isnull=True))
    )


def teams_list():
    return Team.objects.annotate(active_members=Count("members", filter=Q(members__is_active=True)))


def active_teams():
    return Team.objects.filter(is_active=True)


def conflicts_for_member(member: GroupMember, *, include_withdrawn: bool = True):
    conflicts = Conflict.objects.filter(member=member).select_related("school", "declared_by", "withdrawn_by")
    if not include_withdrawn:
        conflicts = conflicts.filter(withdrawn_at__isnull=True)
    return conflicts.order_by("withdrawn_at", "-declared_at")


def schools_matching(query: str, *, limit: int = 10) -> list[School]:
    """Schools in the council's area (settings.LOCAL_AUTHORITY_CODES) whose URN is `query`, or
    whose name contains it; up to `limit` + 1, so a caller can tell there are more."""
    query = " ".join((query or "").split())
    if not query:
        return []
    ours = school_selectors.our_schools()
    if query.isdigit():
        return list(ours.filter(urn=int(query))[:1])
    return list(ours.filter(name__icontains=query).order_by("name", "urn")[: limit + 1])


def meetings_for_year(academic_year: str):
    return Meeting.objects.filter(academic_year=academic_year).order_by("date")


def meetings_from(as_of: date):
    """Meetings from the start of `as_of`'s academic year onwards, for the meetings list."""
    start = date(as_of.year if as_of.month >= 9 else as_of.year - 1, 9, 1)
    return Meeting.objects.filter(date__gte=start).order_by("date")


def next_meeting(as_of: date | None = None) -> Meeting | None:
    as_of = as_of or timezone.localdate()
    return Meeting.objects.filter(date__gte=as_of, status=Meeting.Status.PLANNED).order_by("date").first()


def meeting_for_submission(as_of: date):
    """The planned meeting a portfolio submitted on `as_of` would go to (its cut-off met, earliest
    first), as portfolios.meetings asks it. Capacity is not counted: a full meeting moves an item on."""
    from portfolios.meetings import NextMeeting

    meeting = (
        Meeting.objects.filter(status=Meeting.Status.PLANNED, date__gte=as_of, submission_cutoff__gte=as_of)
        .order_by("date")
        .only("date", "submission_cutoff")
        .first()
    )
    return NextMeeting(meeting.date, meeting.submission_cutoff) if meeting else None


def meetings_for_calendar(as_of: date | None = None):
    """What a subscribed calendar shows: a year back and everything ahead, cancelled ones too."""
    as_of = as_of or timezone.localdate()
    return Meeting.objects.filter(date__gte=as_of - timedelta(days=366)).order_by("date")


def feed_for_token(token: str) -> CalendarFeed:
    """The feed a token opens, if its holder is still an active member; otherwise 404."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(
            token_hash=CalendarFeed.hash_token(token or ""), user__is_active=True, user__group_member__is_active=True
        )
        .first()
    )
    if feed is None:
        raise Http404("No such calendar")
    return feed


# Agendas, reviews, decisions, awards ----------------------------------------------------------


def open_review_counts() -> dict[int, int]:
    """Each member's current assignments: reviews of items not yet decided."""
    rows = (
        Review.objects.filter(agenda_item__decision__isnull=True)
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    return dict(rows)


def agenda_for_meeting(meeting: Meeting):
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("application__school", "meeting")
        .prefetch_related(
            Prefetch("reviews", queryset=Review.objects.select_related("member__user", "member__team")),
        )
        .order_by("placed_at", "pk")
    )


def agenda_item_get(pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("application__school", "meeting"), pk=pk)


def applications_waiting_for_meeting():
    """Submitted applications not yet on an agenda, first submitted first."""
    from portfolios.models import Application

    return (
        Application.objects.filter(state=Application.State.SUBMITTED)
        .select_related("school")
        .order_by("submitted_at", "pk")
    )


def meetings_with_room_for(item: AgendaItem):
    """Planned meetings an item could move to: cut-off on or after its submission, not its own."""
    submitted_on = timezone.localtime(item.submitted_at).date()
    return (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED, date__gte=timezone.localdate(), submission_cutoff__gte=submitted_on
        )
        .exclude(pk=item.meeting_id)
        .annotate(listed=Count("agenda_items"))
        .order_by("date")
    )


def reviews_for_user(user):
    """The reviews assigned to `user` still to be heard, never for a school they are conflicted with."""
    member = member_for_user(user)
    if member is None or not member.is_active:
        return Review.objects.none()
    conflicted_schools = Conflict.objects.filter(member=member, withdrawn_at__isnull=True).values("school_id")
    return (
        Review.objects.filter(member=member, agenda_item__decision__isnull=True)
        .exclude(agenda_item__application__school_id__in=conflicted_schools)
        .select_related("agenda_item__application__school", "agenda_item__meeting")
        .order_by("agenda_item__meeting__date", "pk")
    )


def review_get_for_user(user, pk) -> Review:
    """The review, for its assigned reviewer only; anyone else (a conflicted member too) gets 404."""
    from . import permissions

    review = get_object_or_404(
        Review.objects.select_related(
            "member__user", "member__team", "agenda_item__application__school", "agenda_item__meeting"
        ),
        pk=pk,
    )
    if not permissions.can_review(user, review):
        raise Http404("No such review")
    return review


def judgements_by_criterion(review: Review) -> dict[int, CriterionJudgement]:
    return {j.criterion_id: j for j in review.judgements.all()}


@dataclass
class Quorum:
    present: list
    counting: list
    recused: list
    teams: set
    met: bool
    message: str


def quorum_for_item(item: AgendaItem) -> Quorum:
    """Who is present, who stands aside (conflicted with the school) and whether those left make a
    quorum: settings.VALIDATION_QUORUM_MEMBERS members from VALIDATION_QUORUM_TEAMS teams."""
    return _quorum(_present_members(item.meeting_id), conflicted_member_ids(item.application.school))


def _present_members(meeting_id) -> list:
    return [
        a.member
        for a in Attendance.objects.filter(meeting_id=meeting_id).select_related("member__user", "member__team")
    ]


def _quorum(present: list, conflicted: set) -> Quorum:
    recused = [m for m in present if m.pk in conflicted]
    counting = [m for m in present if m.pk not in conflicted]
    teams = {m.team_id for m in counting}
    need_members, need_teams = settings.VALIDATION_QUORUM_MEMBERS, settings.VALIDATION_QUORUM_TEAMS
    met = len(counting) >= need_members and len(teams) >= need_teams
    if met:
        message = f"Quorate: {len(counting)} members from {len(teams)} teams"
    else:
        message = (
            f"Not quorate: a decision needs at least {need_members} members present from at least {need_teams} "
            f"teams, not counting anyone with a conflict of interest; {len(counting)} "
            f"member{'s' if len(counting) != 1 else ''} from {len(teams)} team{'s' if len(teams) != 1 else ''} "
            "can take part"
        )
    return Quorum(present, counting, recused, teams, met, message)


def decisions_waiting_release():
    return (
        Decision.objects.filter(released_at__isnull=True)
        .select_related("application__school", "meeting")
        .order_by("meeting__date", "pk")
    )


def decision_get(pk) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("application__school", "meeting", "agenda_item", "recorded_by"), pk=pk
    )


def minutes_for_meeting(meeting: Meeting) -> list[dict]:
    """Each agenda item with its reviews, decision and recusals, for the meeting page and minutes."""
    # A fixed number of queries however long the agenda: attendance and conflicts are read once for
    # the meeting and every school on it, not once per item.
    items = list(
        agenda_for_meeting(meeting)
        .select_related("decision__recorded_by")
        .prefetch_related(Prefetch("decision__recused", queryset=GroupMember.objects.select_related("user", "team")))
    )
    present = _present_members(meeting.pk)
    conflicted = {}
    schools = {item.application.school_id for item in items}
    for member_id, school_id in Conflict.objects.filter(school_id__in=schools, withdrawn_at__isnull=True).values_list(
        "member_id", "school_id"
    ):
        conflicted.setdefault(school_id, set()).add(member_id)
    rows = []
    for item in items:
        decision = getattr(item, "decision", None)
        quorum = _quorum(present, conflicted.get(item.application.school_id, set()))
        recused = list(decision.recused.all()) if decision is not None else quorum.recused
        rows.append(
            {
                "item": item,
                "reviews": list(item.reviews.all()),
                "decision": decision,
                "recused": recused,
                "quorum": quorum,
            }
        )
    return rows


def award_for_code(code: str) -> Award:
    award = Award.objects.select_related("school").filter(verification_code=code or "").first()
    if award is None:
        raise Http404("No award has this verification code")
    return award


def current_award(school, as_of: date | None = None) -> Award | None:
    as_of = as_of or timezone.localdate()
    return Award.objects.filter(Award.current_on_q(as_of), school=school).order_by("-awarded_on").first()


@dataclass(frozen=True)
class PublicStatus:
    """What the public is told about a certificate on a day: the verification page, the badge and
    the register all read this (or `Award.current_on_q`, the same rule)."""

    state: str  # "current", "expired", "withdrawn" or "not_started"
    award: Award  # the certificate asked about
    in_force: Award | None  # the award whose dates apply today: this one, or the renewal that followed it

    @property
    def is_current(self) -> bool:
        return self.state == "current"

    @property
    def renewed(self) -> bool:
        return self.in_force is not None and self.in_force.pk != self.award.pk

    @property
    def label(self) -> str:
        return {"current": "Current", "expired": "Expired", "withdrawn": "Withdrawn", "not_started": "Not yet started"}[
            self.state
        ]


def award_public_status(award: Award, as_of: date | None = None) -> PublicStatus:
    """The one decision on a certificate's public status on `as_of`, by date: withdrawn if the
    council withdrew it; current while it (or the renewal that followed it without a gap) is in
    force; not yet started before its first day; otherwise expired, from its expiry day on, even
    before the nightly job marks it lapsed."""
    as_of = as_of or timezone.localdate()
    if award.status == Award.Status.WITHDRAWN:
        return PublicStatus("withdrawn", award, None)
    if award.is_current_on(as_of):
        return PublicStatus("current", award, award)
    if as_of < award.awarded_on and award.status == Award.Status.CURRENT:
        return PublicStatus("not_started", award, None)
    # A renewal that followed this award: the school's kite mark is still true.
    renewal = (
        Award.objects.filter(Award.current_on_q(as_of), school_id=award.school_id, awarded_on__gt=award.awarded_on)
        .order_by("-awarded_on")
        .first()
    )
    if renewal is not None:
        return PublicStatus("current", award, renewal)
    return PublicStatus("expired", award, None)


def award_for_badge(code: str) -> Award:
    """The award a badge shows: any certificate ever issued; an unknown code is a 404 that says
    nothing more."""
    return award_for_code(code)


def awards_for_school(school):
    return Award.objects.filter(school=school).order_by("-awarded_on")


def award_get_for_user(user, pk) -> Award:
    """An award, for the school's members and H&W admins; anyone else gets 404."""
    from accreditation.permissions import is_hw_admin
    from schools.permissions import is_school_member

    award = get_object_or_404(Award.objects.select_related("school", "application"), pk=pk)
    if not (is_hw_admin(user) or is_school_member(user, award.school)):
        raise Http404("No such award")
    return award


def accredited_schools(as_of: date | None = None, query: str = ""):
    """The public register: schools whose award is current and not expired on `as_of`."""
    as_of = as_of or timezone.localdate()
    awards = Award.objects.filter(Award.current_on_q(as_of)).select_related("school")
    query = " ".join((query or "").split())
    if query:
        match = Q(school__name__icontains=query) | Q(school__town__icontains=query)
        if query.isdigit():
            match |= Q(school__urn=int(query))
        awards = awards.filter(match)
    return awards.order_by("school__name")


def meeting_date_disagreements():
    """Undecided agenda items whose application's copy of the meeting date differs from the
    meeting (there should be none: agenda and meeting services keep the copy in step)."""
    from portfolios.models import Application

    return (
        AgendaItem.objects.filter(decision__isnull=True)
        .exclude(application__state__in=[*Application.CLOSED_STATES, Application.State.DRAFT])
        .exclude(application__meeting_date=F("meeting__date"))
        .select_related("application__school", "meeting")
    )


def further_information_open(school) -> Decision | None:
    """The released request for further information the school has still to answer (its
    application is in "further information"): what was asked, by whom, by when."""
    from portfolios.models import Application

    return (
        Decision.objects.filter(
            application__school=school,
            application__state=Application.State.FURTHER_INFORMATION,
            outcome=Decision.Outcome.FURTHER_INFORMATION,
            released_at__isnull=False,
        )
        .select_related("meeting", "released_by", "application")
        .order_by("-released_at")
        .first()
    )


def judgements_side_by_side(item: AgendaItem) -> tuple[list[Review], list[tuple]]:
    """The item's reviews and, per criterion, each review's judgement (or None) in the same order:
    what the admin recording the decision reads side by side."""
    from portfolios.models import Criterion

    reviews = list(
        item.reviews.select_related("member__user", "member__team").prefetch_related(
            Prefetch("judgements", queryset=CriterionJudgement.objects.all())
        )
    )
    by_review = [{j.criterion_id: j for j in review.judgements.all()} for review in reviews]
    criteria = Criterion.objects.filter(criteria_set_id=item.application.criteria_set_id).order_by("number")
    return reviews, [(criterion, [judged.get(criterion.pk) for judged in by_review]) for criterion in criteria]


def past_reviews_for_user(user):
    """The reviews `user` made whose applications the group has decided, latest first, with the
    decision (its outcome is shown once the feedback is released)."""
    member = member_for_user(user)
    if member is None:
        return Review.objects.none()
    return (
        Review.objects.filter(member=member, agenda_item__decision__isnull=False)
        .select_related("agenda_item__application__school", "agenda_item__meeting", "agenda_item__decision")
        .order_by("-agenda_item__meeting__date", "-pk")
    )


def previous_round(application) -> dict | None:
    """What the panel judging a renewal sees of the round before: the decision on the award being
    renewed, each reviewer's judgement and notes per criterion number, the areas for future
    consideration set then, and the school's action plan now (its progress record)."""
    from portfolios.action_plans import selectors as plan_selectors

    previous = application.previous
    if previous is None:
        return None
    decision = (
        Decision.objects.filter(application=previous, outcome=Decision.Outcome.ACCREDITED)
        .select_related("meeting", "agenda_item")
        .order_by("-meeting__date")
        .first()
    )
    if decision is None:
        return None
    judgements: dict[int, list] = {}
    rows = (
        CriterionJudgement.objects.filter(review__agenda_item=decision.agenda_item, review__submitted_at__isnull=False)
        .select_related("criterion", "review__member__team")
        .order_by("criterion__number", "review__member__team__name")
    )
    for judgement in rows:
        judgements.setdefault(judgement.criterion.number, []).append(judgement)
    from .feedback_areas import split_areas

    return {
        "decision": decision,
        "judgements": judgements,
        "areas": decision.future_areas or split_areas(decision.areas_for_future),
        "actions": list(plan_selectors.actions_for_school(application.school)),
        "plan": plan_selectors.plan_summary(application.school),
    }
