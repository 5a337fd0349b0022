"""Included by insight/urls.py, so the names live in the "insight" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/new/", views.indicator_edit, name="indicator_add"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/targets/", views.target_set, name="indicator_target"),
    path("indicators/<int:pk>/targets/<int:year>/remove/", views.target_remove, name="indicator_target_remove"),
    path("indicators/<int:pk>/figures/", views.figure_record, name="indicator_figure"),
]
