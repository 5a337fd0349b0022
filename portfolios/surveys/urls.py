from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    # Pupils, parents and staff answer without an account.
    path("survey/", views.survey_start, name="start"),
    path("survey/<str:code>/", views.survey_take, name="take"),
    path("survey/<str:code>/thanks/", views.survey_thanks, name="thanks"),
    # The school.
    path("surveys/", views.window_list, name="windows"),
    path("surveys/new/", views.window_new, name="window_new"),
    path("surveys/<int:pk>/", views.window_detail, name="window"),
    path("surveys/<int:pk>/close/", views.window_close, name="window_close"),
    path("surveys/<int:pk>/cancel/", views.window_cancel, name="window_cancel"),
    path("surveys/<int:pk>/closing-date/", views.window_closing_date, name="window_closing_date"),
    path("surveys/<int:pk>/sheet.pdf", views.window_sheet, name="window_sheet"),
    path("surveys/<int:pk>/results.csv", views.window_csv, name="window_csv"),
    path("surveys/<int:pk>/evidence/", views.window_snapshot, name="window_snapshot"),
    # The H&W team.
    path("surveys/county/", views.county, name="county"),
    path("surveys/county.csv", views.county_csv, name="county_csv"),
    path("surveys/questionnaires/", views.questionnaire_list, name="questionnaires"),
    path("surveys/questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("surveys/questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
]
