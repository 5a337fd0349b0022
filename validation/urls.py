from django.urls import path

from . import views

app_name = "validation"

urlpatterns = [
    path("validating-group/", views.group, name="group"),
    path("validating-group/invite/", views.member_invite, name="member_invite"),
    path("validating-group/members/<int:pk>/", views.member_detail, name="member"),
    path("validating-group/members/<int:pk>/team/", views.member_team, name="member_team"),
    path(
        "validating-group/members/<int:pk>/deactivate/",
        views.member_set_active,
        {"active": False},
        name="member_deactivate",
    ),
    path(
        "validating-group/members/<int:pk>/reactivate/",
        views.member_set_active,
        {"active": True},
        name="member_reactivate",
    ),
    path("validating-group/members/<int:pk>/conflicts/new/", views.conflict_declare, name="member_conflict_declare"),
    path("validating-group/teams/", views.teams, name="teams"),
    path("validating-group/teams/<int:pk>/", views.team_edit, name="team_edit"),
    path(
        "validating-group/teams/<int:pk>/deactivate/", views.team_set_active, {"active": False}, name="team_deactivate"
    ),
    path(
        "validating-group/teams/<int:pk>/reactivate/", views.team_set_active, {"active": True}, name="team_reactivate"
    ),
    path("validating-group/profile/", views.profile, name="profile"),
    path("validating-group/profile/calendar/", views.calendar_renew, name="calendar_renew"),
    path("validating-group/conflicts/", views.conflicts, name="conflicts"),
    path("validating-group/conflicts/new/", views.conflict_declare, name="conflict_declare"),
    path("validating-group/conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/schedule/", views.meetings_schedule, name="meetings_schedule"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar"),
]
