from django.urls import include, path

from . import views
from .returns import views as returns_views

app_name = "schools"

urlpatterns = [
    path("register/", views.register_find, name="register_find"),
    path("register/by-hand/", views.register_by_hand, name="register_by_hand"),
    path("register/done/", views.register_done, name="register_done"),
    path("register/<int:urn>/", views.register_school, name="register_school"),
    path("registrations/", views.registration_queue, name="registration_queue"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/approve/", views.registration_approve, name="registration_approve"),
    path("registrations/<int:pk>/reject/", views.registration_reject, name="registration_reject"),
    path("school/", views.my_school, name="my_school"),
    path("school/switch/", views.switch_school, name="switch_school"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/<int:urn>/", views.school_detail, name="school_detail"),
    path("schools/<int:urn>/details/", views.school_edit, name="school_edit"),
    path("schools/<int:urn>/inspections/new/", views.inspection_add, name="inspection_add"),
    path(
        "schools/<int:urn>/inspections/correction/",
        views.inspection_correction_request,
        name="inspection_correction_request",
    ),
    path("inspection-corrections/", views.inspection_correction_list, name="inspection_correction_list"),
    path("inspection-corrections/<int:pk>/", views.inspection_correction_decide, name="inspection_correction_decide"),
    path("schools/<int:urn>/eligibility/override/", views.eligibility_override, name="eligibility_override"),
    path(
        "schools/<int:urn>/eligibility/override/remove/",
        views.eligibility_override_remove,
        name="eligibility_override_remove",
    ),
    path("schools/<int:urn>/welcome-pack/send/", views.welcome_pack_resend, name="welcome_pack_resend"),
    path("schools/<int:urn>/team/invite/", views.team_invite, name="team_invite"),
    path("schools/<int:urn>/team/<int:membership_id>/make-lead/", views.team_make_lead, name="team_make_lead"),
    path("schools/<int:urn>/team/<int:membership_id>/deactivate/", views.team_deactivate, name="team_deactivate"),
    path("welcome-pack/", views.welcome_pack_admin, name="welcome_pack_admin"),
    path("welcome-pack/new/", views.welcome_pack_edit, name="welcome_pack_add"),
    path("welcome-pack/<int:resource_id>/edit/", views.welcome_pack_edit, name="welcome_pack_edit"),
    path("welcome-pack/<int:resource_id>/delete/", views.welcome_pack_delete, name="welcome_pack_delete"),
    path("welcome-pack/<int:resource_id>/download/", views.welcome_pack_download, name="welcome_pack_download"),
    path("scheme-admin/", views.scheme_admin, name="scheme_admin"),
    path("eligibility-rules/", views.rule_list, name="rule_list"),
    path("eligibility-rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    # Termly incident returns
    path("returns/", returns_views.returns_home, name="returns_home"),
    path("returns/terms/<int:term_id>/submit/", returns_views.return_submit, name="return_submit"),
    path("returns/<int:pk>/", returns_views.return_detail, name="return_detail"),
    path("returns/<int:pk>/correct/", returns_views.return_correct, name="return_correct"),
    path("returns/trends/", returns_views.returns_trends, name="returns_trends"),
    path("returns/trends.csv", returns_views.returns_trends_csv, name="returns_trends_csv"),
    path("returns/late/", returns_views.returns_late, name="returns_late"),
    path("returns/terms/", returns_views.term_list, name="term_list"),
    path("returns/terms/add-year/", returns_views.term_add_year, name="term_add_year"),
    path("returns/terms/new/", returns_views.term_edit, name="term_add"),
    path("returns/terms/<int:pk>/edit/", returns_views.term_edit, name="term_edit"),
    path("returns/types/", returns_views.incident_type_list, name="incident_type_list"),
    path("returns/types/new/", returns_views.incident_type_edit, name="incident_type_add"),
    path("returns/types/<int:pk>/edit/", returns_views.incident_type_edit, name="incident_type_edit"),
    path("", include("schools.commitments.urls")),  # issue 19: school commitments
]
