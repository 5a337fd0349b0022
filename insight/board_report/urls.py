"""Included by insight/urls.py, so the names live in the "insight" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("board-report/", views.report_list, name="board_reports"),
    path("board-report/<int:pk>/", views.report_detail, name="board_report"),
    path("board-report/<int:pk>/commentary/", views.report_commentary, name="board_report_commentary"),
    path("board-report/<int:pk>/produce-again/", views.report_retry, name="board_report_retry"),
    path("board-report/<int:pk>/report.pdf", views.report_pdf, name="board_report_pdf"),
    path("board-report/<int:pk>/tables/<slug:table>.csv", views.report_csv, name="board_report_csv"),
]
