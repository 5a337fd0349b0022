from django.urls import path

from . import awards_views, views

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
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes, name="minutes"),
    path("meetings/place-submitted/", views.agenda_place_waiting, name="agenda_place_waiting"),
    path("agenda/<int:pk>/move/", views.agenda_move, name="agenda_move"),
    path("agenda/<int:pk>/reviewers/add/", views.reviewer_assign, name="reviewer_add"),
    path("agenda/<int:pk>/reviewers/<int:review_pk>/replace/", views.reviewer_assign, name="reviewer_replace"),
    path("agenda/<int:pk>/decision/", views.decision_record, name="decision"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/evidence/<int:evidence_id>/", views.review_evidence, name="review_evidence"),
    path("reviews/<int:pk>/portfolio.pdf", views.review_portfolio_pdf, name="review_portfolio_pdf"),
    path("reviews/<int:pk>/evidence.zip", views.review_evidence_zip, name="review_evidence_zip"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("feedback/<int:pk>/", views.feedback, name="feedback"),
    path("feedback/<int:pk>/release/", views.feedback_release, name="feedback_release"),
    path("feedback/<int:pk>/letter.pdf", views.feedback_letter, name="feedback_letter"),
    path(
        "feedback/<int:pk>/further-information/extend/",
        views.further_information_extend,
        name="further_information_extend",
    ),
    path(
        "feedback/<int:pk>/further-information/list-anyway/",
        views.further_information_list_anyway,
        name="further_information_list_anyway",
    ),
    path("awards/<int:pk>/certificate.pdf", awards_views.certificate, name="certificate"),
    path("awards/<int:pk>/withdraw/", awards_views.award_withdraw, name="award_withdraw"),
    path("certificate-settings/", awards_views.certificate_settings, name="certificate_settings"),
    path("verify/<str:code>/", awards_views.verify, name="verify"),
    path("verify/<str:code>/badge.svg", awards_views.badge_svg, name="badge_svg"),
    path("verify/<str:code>/badge.png", awards_views.badge_png, name="badge_png"),
    path("accredited-schools/", awards_views.register, name="register"),
]
