"""Who may do what with surveys. Views ask these; services ask again."""

from accreditation.permissions import is_hw_admin
from schools.permissions import is_school_lead, is_school_member


def can_run_surveys(user, school) -> bool:
    """Open survey windows and add results to the evidence library: the school's SLT lead."""
    return is_school_lead(user, school)


def can_view_results(user, school) -> bool:
    """Aggregated, suppressed results: the school's people and the H&W team."""
    return is_school_member(user, school) or is_hw_admin(user)


def can_read_written_answers(user, school) -> bool:
    """Pupils' own words may hold a disclosure: the school's lead only (not the council)."""
    return is_school_lead(user, school)


def can_view_county(user) -> bool:
    return is_hw_admin(user)


def can_manage_questionnaires(user) -> bool:
    return is_hw_admin(user)
