from accreditation.permissions import is_hw_admin
from schools.permissions import is_school_member


def can_view_commitments(user, school) -> bool:
    return is_hw_admin(user) or is_school_member(user, school)


def can_confirm_commitments(user, school) -> bool:
    """The school's own people keep their statement current; the H&W team may record it for them."""
    return is_hw_admin(user) or is_school_member(user, school)
