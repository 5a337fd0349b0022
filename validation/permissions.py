"""Who may do what in the validating group. Views ask these; services ask them again."""

from django.db.models import Exists, OuterRef

from accreditation.permissions import is_hw_admin
from schools.selectors import membership_in

from .models import Conflict, GroupMember


def _active_memberships():
    return GroupMember.objects.filter(is_active=True)


def is_validator_expression():
    """The same question as an expression on the user model: the signed-in person is loaded with it
    as `_is_validator` (accreditation.backends), so a request asks it no more than once."""
    return Exists(_active_memberships().filter(user=OuterRef("pk")))


def is_validator(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if not hasattr(user, "_is_validator"):
        user._is_validator = _active_memberships().filter(user=user).exists()
    return user._is_validator


def can_manage_group(user) -> bool:
    """Invite, move between teams, deactivate members; keep the list of teams."""
    return is_hw_admin(user)


def can_manage_meetings(user) -> bool:
    return is_hw_admin(user)


def can_view_meetings(user) -> bool:
    return is_hw_admin(user) or is_validator(user)


def can_declare_conflict(user, member: GroupMember) -> bool:
    """A member declares their own conflicts; an admin may record one on a member's behalf."""
    return is_hw_admin(user) or (is_validator(user) and member.user_id == user.pk)


def can_withdraw_conflict(user, conflict: Conflict) -> bool:
    return conflict.is_open and can_declare_conflict(user, conflict.member)


def is_conflicted(user, school) -> bool:
    """True when `user` is a group member (active or not) with an open conflict with `school`, or
    anyone in the school's team (a validator who also works for the school)."""
    if not user.is_authenticated:
        return False
    if membership_in(user, school.pk) is not None:
        return True
    return Conflict.objects.filter(member__user=user, school=school, withdrawn_at__isnull=True).exists()


def team_join_refusal(user, school) -> str | None:
    """Why `user` may not join `school`'s team: an open conflict of interest declared in the
    validating group (registered with schools in ValidationConfig.ready())."""
    conflict = (
        Conflict.objects.filter(member__user=user, school=school, withdrawn_at__isnull=True)
        .select_related("member__team")
        .first()
    )
    if conflict is None:
        return None
    return (
        f"{user.email} is a member of the validating group ({conflict.member.team.name}) with a declared conflict of "
        f"interest with {school.name} ({conflict.get_kind_display().lower()}), so they cannot join its team. "
        "Nothing has been saved."
    )


# Agendas, reviews, decisions ------------------------------------------------------------------


def can_manage_agendas(user) -> bool:
    """Place and move applications, assign reviewers, release feedback."""
    return is_hw_admin(user)


def can_review(user, review) -> bool:
    """Only the assigned reviewer, while an active member and not conflicted with the school."""
    member = review.member
    return (
        is_validator(user)
        and member.user_id == user.pk
        and member.is_active
        and not is_conflicted(user, review.agenda_item.application.school)
    )


def can_edit_review(user, review) -> bool:
    return can_review(user, review) and not review.is_submitted


def can_run_meeting(user) -> bool:
    """Record attendance and open the meeting page: H&W admins (the clerk) and group members."""
    return is_hw_admin(user) or is_validator(user)


def can_record_decision(user, item) -> bool:
    """An admin, or a member present at the meeting; never anyone conflicted with the school."""
    if is_conflicted(user, item.application.school):
        return False
    if is_hw_admin(user):
        return True
    return is_validator(user) and item.meeting.attendance.filter(member__user=user).exists()


def decision_checker(user, meeting):
    """can_record_decision for each item of one meeting's agenda, reading the user's conflicts and
    attendance once (the meeting page asks it for every item)."""
    if not user.is_authenticated:
        return lambda item: False
    conflicted = set(
        Conflict.objects.filter(member__user=user, withdrawn_at__isnull=True).values_list("school_id", flat=True)
    )
    allowed = is_hw_admin(user) or (is_validator(user) and meeting.attendance.filter(member__user=user).exists())
    return lambda item: allowed and item.application.school_id not in conflicted


def can_release_feedback(user) -> bool:
    return is_hw_admin(user)


def can_withdraw_award(user) -> bool:
    """Withdraw an accreditation, and set what certificates carry: the H&W team."""
    return is_hw_admin(user)
