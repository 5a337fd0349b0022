from django.urls import include, path

from . import audit_views, views
from .privacy import views as privacy_views

app_name = "insight"

urlpatterns = [
    # The paths are the ones these pages had before they moved here (validation, accreditation).
    path("audit/", audit_views.audit_trail, name="audit_trail"),
    # H&W admins' insight (issue 7): dashboard, CSV exports, evidence retention.
    path("dashboard/", views.dashboard, name="dashboard"),
    path("exports/", views.exports, name="exports"),
    path("exports/<slug:name>.csv", views.export_download, name="export_download"),
    path("retention/", views.retention_preview, name="retention_preview"),
    path("retention/schedule/", views.retention_schedule, name="retention_schedule"),
    path("retention/run/", views.retention_run_now, name="retention_run"),
    # Personal data (issue 22): public notices, the retention schedule, subject access, erasure.
    path("privacy/", privacy_views.privacy_notice, name="privacy"),
    path("accessibility/", privacy_views.accessibility_statement, name="accessibility"),
    path("retention/records/", privacy_views.retention_records, name="retention_records"),
    path("retention/records/run/", privacy_views.retention_run_now, name="retention_records_run"),
    path("retention/records/<slug:kind>/", privacy_views.retention_period, name="retention_period"),
    path("retention/records-of-processing.csv", privacy_views.records_of_processing, name="records_of_processing"),
    path("subject-access/", privacy_views.subject_access_search, name="subject_access"),
    path("subject-access/download/", privacy_views.subject_access_download, name="subject_access_download"),
    path("subject-access/<int:pk>/erase/", privacy_views.person_erase, name="person_erase"),
    # Indicators and the board report (issue 19).
    path("", include("insight.indicators.urls")),
    path("", include("insight.board_report.urls")),
]
