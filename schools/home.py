from accreditation.home import Panel

from .models import Membership
from .selectors import membership_for_user


def school_panel(user):
    membership = membership_for_user(user)
    if membership is None:
        return None
    return Panel(
        title=membership.school.name,
        template="schools/home_panel.html",
        context={"membership": membership, "is_lead": membership.role == Membership.Role.LEAD},
        order=10,
    )
