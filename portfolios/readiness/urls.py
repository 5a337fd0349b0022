from django.urls import path

from . import views

urlpatterns = [
    path("portfolio/applications/<int:pk>/readiness/", views.readiness, name="readiness"),
    path("portfolio/applications/<int:pk>/check/", views.check_answers, name="check"),
]
