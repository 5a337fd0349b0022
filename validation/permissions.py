"""Who may do what in the validating group. Views ask these; services ask them again."""

from accreditation.permissions import is_hw_admin

from .models import Conflict, GroupMember


def is_validator(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if not hasattr(user, "_is_validator"):
        user._is_validator = GroupMember.objects.filter(user=user, is_active=True).exists()
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
    """True when `user` is a group member (active or not) with an open conflict with `school`."""
    if not user.is_authenticated:
        return False
    return Conflict.objects.filter(member__user=user, school=school, withdrawn_at__isnull=True).exists()
