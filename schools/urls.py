from django.urls import path

from . import views

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
    path("schools/", views.school_list, name="school_list"),
    path("schools/<int:urn>/", views.school_detail, name="school_detail"),
    path("schools/<int:urn>/details/", views.school_edit, name="school_edit"),
    path("schools/<int:urn>/inspections/new/", views.inspection_add, name="inspection_add"),
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
    path("eligibility-rules/", views.rule_list, name="rule_list"),
    path("eligibility-rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
]
