from django.urls import include, path

from . import views
from .action_plans import views as plan_views

app_name = "portfolios"

urlpatterns = [
    path("portfolio/", views.portfolio_home, name="home"),
    path("portfolio/schools/", views.admin_schools, name="admin_schools"),
    path("portfolio/schools/<int:school_id>/", views.school_portfolio, name="school"),
    path("portfolio/schools/<int:school_id>/evidence/", views.evidence_library, name="evidence_library"),
    path("portfolio/schools/<int:school_id>/evidence/upload/", views.evidence_upload, name="evidence_upload"),
    path("portfolio/schools/<int:school_id>/evidence/link/", views.evidence_add_link, name="evidence_add_link"),
    path(
        "portfolio/schools/<int:school_id>/evidence/hard-copy/",
        views.evidence_add_hard_copy,
        name="evidence_add_hard_copy",
    ),
    path(
        "portfolio/schools/<int:school_id>/evidence/returns-summary/",
        views.returns_summary_add,
        name="returns_summary",
    ),
    path("portfolio/schools/<int:school_id>/applications/start/", views.application_start, name="application_start"),
    path("portfolio/schools/<int:school_id>/renewal/", views.renewal_start, name="renewal_start"),
    path(
        "portfolio/schools/<int:school_id>/applications/paper/",
        views.application_start_hard_copy,
        name="application_start_hard_copy",
    ),
    path("portfolio/schools/<int:school_id>/action-plan/", plan_views.action_plan, name="action_plan"),
    path("portfolio/schools/<int:school_id>/action-plan.pdf", plan_views.action_plan_pdf, name="action_plan_pdf"),
    path("portfolio/schools/<int:school_id>/action-plan/actions/new/", plan_views.action_edit, name="action_add"),
    path(
        "portfolio/schools/<int:school_id>/action-plan/actions/<int:action_id>/",
        plan_views.action_edit,
        name="action_edit",
    ),
    path("portfolio/schools/<int:school_id>/action-plan/review/", plan_views.plan_review, name="plan_review"),
    path("portfolio/action-plans/", plan_views.all_plans, name="all_plans"),
    path("portfolio/evidence/<int:pk>/", views.evidence_detail, name="evidence_detail"),
    path("portfolio/evidence/<int:pk>/edit/", views.evidence_edit, name="evidence_edit"),
    path("portfolio/evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("portfolio/evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("portfolio/applications/<int:pk>/", views.application_detail, name="application"),
    path("portfolio/applications/<int:pk>/criteria/<int:number>/", views.criterion_edit, name="criterion"),
    path("portfolio/applications/<int:pk>/development-area/", views.renewal_edit, name="renewal"),
    path("portfolio/applications/<int:pk>/submit/", views.application_submit, name="submit"),
    path("portfolio/applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("portfolio/applications/<int:pk>/portfolio.pdf", views.export_pdf, name="export_pdf"),
    path("portfolio/applications/<int:pk>/portfolio-pdf/<int:export_id>/", views.pdf_export, name="pdf_export"),
    path(
        "portfolio/applications/<int:pk>/portfolio-pdf/<int:export_id>/portfolio.pdf",
        views.pdf_export_download,
        name="pdf_export_download",
    ),
    path(
        "portfolio/applications/<int:pk>/portfolio-pdf/<int:export_id>/again/",
        views.pdf_export_again,
        name="pdf_export_again",
    ),
    path("portfolio/applications/<int:pk>/evidence.zip", views.export_zip, name="export_zip"),
    path("", include("portfolios.training.urls")),  # issue 19: training records
]

# The packages' pages, in the same namespace.
from .advice.urls import urlpatterns as advice_urls  # noqa: E402
from .exemplars.urls import urlpatterns as exemplar_urls  # noqa: E402
from .guidance.urls import urlpatterns as guidance_urls  # noqa: E402
from .readiness.urls import urlpatterns as readiness_urls  # noqa: E402

urlpatterns += guidance_urls + readiness_urls + advice_urls + exemplar_urls
