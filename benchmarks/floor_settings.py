"""The bare floor: the portal's own settings minus the project's apps, for `run.py`.

A bare Django view rendering a one-line template, served by the same gunicorn command beside the
portal, so the sign-in page's cost can be read against what Django, gunicorn and the third-party
middleware cost on their own (issue 20's "cheap floor": the sign-in page within 2x this).
Everything not listed here is the portal's setting, unchanged.
"""

from accreditation.settings import *  # noqa: F403 - the same settings module, minus what follows
from accreditation.settings import BASE_DIR, INSTALLED_APPS, MIDDLEWARE, TEMPLATES

PROJECT_APPS = ("accreditation", "schools", "portfolios", "validation", "insight")
INSTALLED_APPS = [app for app in INSTALLED_APPS if app.split(".")[0] not in PROJECT_APPS]
# The portal's own middleware needs its apps (sessions timing out, second factor, audit context).
# The third-party middleware the portal wraps stays, as it was before the portal wrapped it:
# django-otp's (PortalOTPMiddleware) and django-csp's (PortalCSPMiddleware).
THIRD_PARTY = {
    "accreditation.middleware.PortalOTPMiddleware": "django_otp.middleware.OTPMiddleware",
    "accreditation.middleware.PortalCSPMiddleware": "csp.middleware.CSPMiddleware",
}
MIDDLEWARE = [THIRD_PARTY.get(m, m) for m in MIDDLEWARE]
MIDDLEWARE = [m for m in MIDDLEWARE if m.split(".")[0] not in PROJECT_APPS]
AUTH_USER_MODEL = "auth.User"
AXES_LOCKOUT_CALLABLE = None
AXES_USERNAME_CALLABLE = None
ROOT_URLCONF = "benchmarks.floor_urls"
TEMPLATES = [
    {
        **TEMPLATES[0],
        "DIRS": [BASE_DIR / "benchmarks" / "floor_templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            **TEMPLATES[0]["OPTIONS"],
            "context_processors": [
                p for p in TEMPLATES[0]["OPTIONS"]["context_processors"] if p.split(".")[0] not in PROJECT_APPS
            ],
        },
    }
]
