from django.urls import path

from . import views

urlpatterns = [
    path("portfolio/applications/<int:pk>/advice/", views.ask, name="advice_ask"),
    path("portfolio/applications/<int:pk>/advice/share/", views.share, name="advice_share"),
    path("portfolio/advice/", views.queue, name="advice_queue"),
    path("portfolio/advice/<int:pk>/", views.respond, name="advice_request"),
    path("portfolio/advice/<int:pk>/send/", views.complete, name="advice_complete"),
    path("portfolio/advice/comments/<int:pk>/addressed/", views.mark, name="advice_mark"),
]
