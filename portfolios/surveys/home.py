from django.urls import reverse

from accreditation.home import NavItem
from schools.selectors import school_for_user

from . import permissions


def nav(user):
    if permissions.can_view_county(user):
        return [NavItem("Surveys", reverse("surveys:county"), order=26)]
    if school_for_user(user) is not None:
        return [NavItem("Surveys", reverse("surveys:windows"), order=26)]
    return []
