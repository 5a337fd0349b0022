"""Who may see and change a school's action plan: pure predicates."""

from accreditation.permissions import is_hw_admin
from schools.permissions import can_contribute, is_member_of_school_id


def can_view_plan(user, school) -> bool:
    """The school's own people (working as that school) and the H&W team."""
    return can_view_plan_of(user, school.pk)


def can_view_plan_of(user, school_id) -> bool:
    """`can_view_plan` for a school known by its id (a cached page's access check)."""
    return is_member_of_school_id(user, school_id) or is_hw_admin(user)


def can_change_plan(user, school) -> bool:
    """Add, edit and review actions: any active member of the school's team."""
    return can_contribute(user, school)


def can_view_all_plans(user) -> bool:
    return is_hw_admin(user)
