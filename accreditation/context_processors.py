from django.conf import settings


def service(request):
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "HW_TEAM_EMAIL": settings.HW_TEAM_EMAIL,
    }
