from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import health_views, mail_views, site_views, views

admin.site.site_header = "Support admin"
# Django's admin is for support staff (superusers) only; H&W admins work in the portal pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health_views.healthz, name="healthz"),
    path("accounts/", include("accreditation.accounts_urls")),
    # --- issue 24: probes, files for robots, site pages, the mail queue
    path("healthz/live", health_views.healthz_live, name="healthz_live"),
    path("healthz/ready", health_views.healthz_ready, name="healthz_ready"),
    path(".well-known/security.txt", site_views.security_txt, name="security_txt"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("contact/", site_views.contact, name="contact"),
    path("mail/", mail_views.mail_queue, name="mail_queue"),
    path("mail/<int:pk>/resend/", mail_views.mail_resend, name="mail_resend"),
    path("mail/<int:pk>/cancel/", mail_views.mail_cancel, name="mail_cancel"),
    # ---
    path("", include("schools.urls")),
    path("", include("portfolios.urls")),
    path("", include("validation.urls")),
    path("", include("insight.urls")),
    path("", include("portfolios.surveys.urls")),
    # Support staff sign in through the portal's own page (lockout, second factor, session record).
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]

handler400 = "accreditation.error_pages.bad_request"
handler404 = "accreditation.error_pages.not_found"
handler403 = "accreditation.error_pages.forbidden"
handler500 = "accreditation.error_pages.server_error"
