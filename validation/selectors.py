"""Reads with a rule: who is in the group, who is conflicted, which meetings are coming."""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from schools.models import School

from .models import CalendarFeed, Conflict, GroupMember, Meeting, Team


def conflicted_member_ids(school) -> set[int]:
    """Ids of the group members with an open conflict with `school`: never assign or show them its
    application."""
    return set(Conflict.objects.filter(school=school, withdrawn_at__isnull=True).values_list("member_id", flat=True))


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
    """Schools whose URN is `query`, or whose name contains it."""
    query = (query or "").strip()
    if not query:
        return []
    if query.isdigit():
        return list(School.objects.filter(urn=int(query))[:1])
    return list(School.objects.filter(name__icontains=query).order_by("name")[: limit + 1])


def meetings_for_year(academic_year: str):
    return Meeting.objects.filter(academic_year=academic_year).order_by("date")


def meetings_from(as_of: date):
    """Meetings from the start of `as_of`'s academic year onwards, for the meetings list."""
    start = date(as_of.year if as_of.month >= 9 else as_of.year - 1, 9, 1)
    return Meeting.objects.filter(date__gte=start).order_by("date")


def next_meeting(as_of: date | None = None) -> Meeting | None:
    as_of = as_of or timezone.localdate()
    return Meeting.objects.filter(date__gte=as_of, status=Meeting.Status.PLANNED).order_by("date").first()


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
