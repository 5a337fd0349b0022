"""Included by schools/urls.py, so the names live in the "schools" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("schools/<int:urn>/commitments/", views.commitments, name="commitments"),
]
