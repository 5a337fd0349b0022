from django.urls import reverse

from accreditation.home import NavItem, Panel
from accreditation.permissions import is_hw_admin
from schools.models import Registration

from . import selectors
from .permissions import can_manage_group, can_manage_meetings, is_validator


def admin_panel(user):
    if not is_hw_admin(user):
        return None
    return Panel(
        title="Running the scheme",
        template="validation/home_admin_panel.html",
        context={
            "pending_registrations": Registration.objects.filter(status=Registration.Status.PENDING).count(),
            "next_meeting": selectors.next_meeting(),
        },
        order=1,
    )


def validator_panel(user):
    if not is_validator(user):
        return None
    member = selectors.member_for_user(user)
    return Panel(
        title="Validating group",
        template="validation/home_validator_panel.html",
        context={"member": member, "next_meeting": selectors.next_meeting()},
        order=5,
    )


def nav(user):
    items = []
    if can_manage_group(user):
        items.append(NavItem("Validating group", reverse("validation:group"), order=60))
    if can_manage_meetings(user) or is_validator(user):
        items.append(NavItem("Meetings", reverse("validation:meetings"), order=61))
    if is_validator(user):
        items.append(NavItem("Your group profile", reverse("validation:profile"), order=62))
    return items
