"""Header links for termly returns, registered with accreditation.home in SchoolsConfig.ready()."""

from django.urls import reverse

from accreditation.home import NavItem
from schools.selectors import membership_for_user

from .permissions import can_manage_returns


def returns_nav(user):
    if membership_for_user(user) is not None:
        return [NavItem("Incident returns", reverse("schools:returns_home"), order=12)]
    if can_manage_returns(user):
        return [NavItem("Incident returns", reverse("schools:returns_trends"), order=22)]
    return []
