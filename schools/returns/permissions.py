"""Who may do what with termly incident returns. Views ask these; services ask them again."""

from accreditation.permissions import is_hw_admin
from schools.permissions import is_school_member


def can_submit_return(user, school) -> bool:
    """Submit or correct the school's return: any active member of the school's team."""
    return is_school_member(user, school)


def sees_unsuppressed(user, school) -> bool:
    """The school's own people see its exact figures; everyone else sees counts under 5 as "<5"."""
    return is_school_member(user, school)


def can_manage_returns(user) -> bool:
    """Terms, incident types, trends, late returns: the H&W team."""
    return is_hw_admin(user)
