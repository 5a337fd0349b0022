from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

admin.site.site_header = "Support admin"
# Django's admin is for support staff (superusers) only; H&W admins work in the portal pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accreditation.accounts_urls")),
    path("", include("schools.urls")),
    path("", include("portfolios.urls")),
    path("", include("validation.urls")),
    path("", include("insight.urls")),
    path("", include("portfolios.surveys.urls")),
    # Support staff sign in through the portal's own page (lockout, second factor, session record).
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]

handler400 = "accreditation.errors.bad_request"
handler404 = "accreditation.errors.not_found"
handler403 = "accreditation.errors.forbidden"
handler500 = "accreditation.errors.server_error"
