"""Included by portfolios/urls.py, so the names live in the "portfolios" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("training/", views.course_list, name="training_courses"),
    path("training/courses/new/", views.course_edit, name="training_course_add"),
    path("training/courses/<int:pk>/", views.course_detail, name="training_course"),
    path("training/courses/<int:pk>/edit/", views.course_edit, name="training_course_edit"),
    path("training/courses/<int:pk>/sheet/", views.sheet_upload, name="training_sheet_upload"),
    path("training/courses/<int:pk>/sheet/<int:import_id>/", views.sheet_preview, name="training_import"),
    path(
        "training/courses/<int:pk>/sheet/<int:import_id>/confirm/", views.sheet_confirm, name="training_import_confirm"
    ),
    path(
        "training/courses/<int:pk>/sheet/<int:import_id>/discard/", views.sheet_discard, name="training_import_discard"
    ),
    path("portfolio/schools/<int:school_id>/training/", views.school_training, name="training_school"),
    path("portfolio/schools/<int:school_id>/training/book/<int:course_id>/", views.book, name="training_book"),
    path(
        "portfolio/schools/<int:school_id>/training/bookings/<int:pk>/cancel/",
        views.booking_cancel,
        name="training_booking_cancel",
    ),
    path(
        "portfolio/schools/<int:school_id>/training/attended/<int:pk>/evidence/",
        views.use_as_evidence,
        name="training_use_as_evidence",
    ),
    path(
        "portfolio/schools/<int:school_id>/training/attended/<int:pk>/cascade/",
        views.cascade_add,
        name="training_cascade_add",
    ),
]
