from django.urls import path

from . import views

urlpatterns = [
    path("guidance/", views.guide, name="guidance"),
    path("guidance/manage/", views.manage, name="guidance_manage"),
    path("guidance/manage/criteria/<int:number>/", views.edit, name="guidance_edit"),
]
