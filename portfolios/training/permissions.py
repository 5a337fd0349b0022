"""Who may do what with training records. Pure predicates."""

from accreditation.permissions import is_hw_admin
from schools.permissions import is_school_member


def can_manage_training(user) -> bool:
    """Courses, attendance, imports: the H&W team."""
    return is_hw_admin(user)


def can_book(user, school) -> bool:
    return is_school_member(user, school) or is_hw_admin(user)


def can_view_school_training(user, school) -> bool:
    return is_school_member(user, school) or is_hw_admin(user)


def can_record_cascade(user, attendance) -> bool:
    return attendance.course.is_training_the_trainers and (
        is_school_member(user, attendance.school) or is_hw_admin(user)
    )


def can_use_as_evidence(user, attendance) -> bool:
    """The school's own staff choose what goes in their portfolio."""
    return attendance.evidence_item_id is None and is_school_member(user, attendance.school)
