from django.urls import reverse

from accreditation.home import NavItem, Panel
from accreditation.permissions import is_hw_admin

from .models import Membership
from .selectors import membership_for_user, memberships_for_user


def school_panel(user):
    membership = membership_for_user(user)
    if membership is None:
        return None
    return Panel(
        title=membership.school.name,
        template="schools/home_panel.html",
        context={
            "membership": membership,
            "school": membership.school,
            "is_lead": membership.role == Membership.Role.LEAD,
            "school_count": len(memberships_for_user(user)),
        },
        order=10,
    )


def school_nav(user):
    items = []
    if membership_for_user(user) is not None:
        items.append(NavItem("Your school", reverse("schools:my_school"), order=10))
    if len(memberships_for_user(user)) > 1:
        # People in several schools' teams: the menu says which school they are working as.
        working_as = membership_for_user(user).school.name
        items.append(NavItem(f"Switch school (working as {working_as})", reverse("schools:switch_school"), order=11))
    if is_hw_admin(user):
        items += [
            NavItem("Registrations", reverse("schools:registration_queue"), order=20),
            NavItem("Schools", reverse("schools:school_list"), order=21),
            # The welcome pack, eligibility rules, people and audit trail are one link, so the menu fits one row.
            NavItem("Scheme admin", reverse("schools:scheme_admin"), order=80),
        ]
    return items
