"""Who may do what with a school. Views ask these; services ask them again."""

from collections.abc import Callable

from accreditation.permissions import is_hw_admin

from .models import Membership
from .selectors import membership_for_user

# Apps above schools (validation's conflicts of interest) register `check(user, school) -> str | None`
# in AppConfig.ready(): a reason why this account may not join this school's team, or None.
_team_join_checks: list[Callable] = []


def register_team_join_check(check: Callable) -> Callable:
    if check not in _team_join_checks:
        _team_join_checks.append(check)
    return check


def team_join_refusal(user, school) -> str | None:
    """The first reason a registered app gives for refusing `user` a place in `school`'s team."""
    for check in _team_join_checks:
        reason = check(user, school)
        if reason:
            return reason
    return None


def is_school_user(user) -> bool:
    return membership_for_user(user) is not None


def is_school_member(user, school) -> bool:
    return is_member_of_school_id(user, school.pk)


def is_member_of_school_id(user, school_id) -> bool:
    """`is_school_member` for a school known by its id (a cached page's access check)."""
    membership = membership_for_user(user)
    return membership is not None and membership.school_id == int(school_id)


def is_school_lead(user, school) -> bool:
    membership = membership_for_user(user)
    return is_school_member(user, school) and membership.role == Membership.Role.LEAD


def can_contribute(user, school) -> bool:
    """Add and edit evidence and narrative: any active member of the school."""
    return is_school_member(user, school)


def can_manage_team(user, school) -> bool:
    """Invite colleagues, hand over the lead role, deactivate accounts."""
    return is_school_lead(user, school) or is_hw_admin(user)


def can_record_inspection(user) -> bool:
    """Inspection data decides eligibility: only the H&W team writes it (or the register import).
    A school asks for a correction instead (InspectionCorrection)."""
    return is_hw_admin(user)


def can_request_inspection_correction(user, school) -> bool:
    return is_school_lead(user, school)


def can_view_school(user, school) -> bool:
    return is_school_member(user, school) or is_hw_admin(user)
