"""Who may do what with a portfolio: role and state together. Views ask these; services ask again."""

from accreditation.permissions import is_hw_admin
from schools.permissions import can_contribute, is_member_of_school_id, is_school_lead, is_school_member

from .models import Application


def can_view_portfolio(user, school) -> bool:
    """See the school's evidence, applications and exports: its members and the H&W team."""
    return can_view_portfolio_of(user, school.pk)


def can_view_portfolio_of(user, school_id) -> bool:
    """`can_view_portfolio` for a school known by its id (a cached page's access check)."""
    return is_member_of_school_id(user, school_id) or is_hw_admin(user)


def can_manage_evidence(user, school) -> bool:
    """Add to and change the evidence library: the school's own people; the H&W team only for a
    school whose portfolio it holds on paper (an open hard-copy application)."""
    if can_contribute(user, school):
        return True
    return is_hw_admin(user) and (
        school.applications.filter(is_hard_copy=True).exclude(state__in=Application.CLOSED_STATES).exists()
    )


def can_start_application(user, school) -> bool:
    return is_school_member(user, school)


def can_record_hard_copy(user) -> bool:
    return is_hw_admin(user)


def can_work_on_application(user, application) -> bool:
    """Write self-evaluations and link evidence: the school; the H&W team only for a paper portfolio."""
    if not application.is_editable:
        return False
    return can_contribute(user, application.school) or (is_hw_admin(user) and application.is_hard_copy)


def can_edit_response(user, response) -> bool:
    return can_work_on_application(user, response.application) and response.is_editable


def can_submit(user, application) -> bool:
    """Only the school's SLT lead submits; the H&W team submits a paper portfolio it recorded."""
    if not application.is_editable:
        return False
    return is_school_lead(user, application.school) or (is_hw_admin(user) and application.is_hard_copy)


def can_withdraw(user, application) -> bool:
    withdrawable = (
        Application.State.DRAFT,
        Application.State.SUBMITTED,
        Application.State.SCHEDULED,
        Application.State.FURTHER_INFORMATION,
    )
    return application.state in withdrawable and (is_school_lead(user, application.school) or is_hw_admin(user))
