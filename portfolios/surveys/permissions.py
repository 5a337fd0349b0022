"""Who may do what with surveys. Views ask these; services ask again."""

from django.utils import timezone

from accreditation.permissions import is_hw_admin
from schools.permissions import is_school_lead, is_school_member


def can_run_surveys(user, school) -> bool:
    """Open survey windows and add results to the evidence library: the school's SLT lead."""
    return is_school_lead(user, school)


def can_close_window(user, window) -> bool:
    """Close a survey now, before its closing date: the school's SLT lead, while it is open."""
    return can_run_surveys(user, window.school) and window.state_on(timezone.localdate()) == "open"


def can_cancel_window(user, window) -> bool:
    """Cancel a survey nobody can have answered yet: the school's SLT lead, before it opens."""
    return can_run_surveys(user, window.school) and window.state_on(timezone.localdate()) == "upcoming"


def can_change_closing_date(user, window) -> bool:
    """Move the closing date earlier or later: the school's SLT lead, until the survey has closed."""
    return can_run_surveys(user, window.school) and window.state_on(timezone.localdate()) != "closed"


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
