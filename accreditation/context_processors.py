from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import home


def service(request):
    user = getattr(request, "user", None)
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "HW_TEAM_EMAIL": settings.HW_TEAM_EMAIL,
        "nav_items": SimpleLazyObject(lambda: home.nav_for(user) if user and user.is_authenticated else []),
    }
