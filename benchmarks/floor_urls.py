"""One bare view for the benchmark's second floor (see floor_settings.py)."""

from django.shortcuts import render
from django.urls import path


def bare(request):
    return render(request, "floor.html", {"name": "floor"})


urlpatterns = [path("floor/", bare, name="floor")]
