from django.urls import path

from . import audit_views, views

app_name = "insight"

# The paths are the ones these pages had before they moved here (validation, accreditation).
urlpatterns = [
    path("audit/", audit_views.audit_trail, name="audit_trail"),
    # H&W admins' insight (issue 7): dashboard, CSV exports, evidence retention.
    path("dashboard/", views.dashboard, name="dashboard"),
    path("exports/", views.exports, name="exports"),
    path("exports/<slug:name>.csv", views.export_download, name="export_download"),
    path("retention/", views.retention_preview, name="retention_preview"),
    path("retention/schedule/", views.retention_schedule, name="retention_schedule"),
    path("retention/run/", views.retention_run_now, name="retention_run"),
]
