from django.urls import path

from . import views

urlpatterns = [
    path("good-practice/", views.library, name="good_practice"),
    path("good-practice/new/", views.publish, name="exemplar_publish"),
    path("good-practice/<int:pk>/", views.detail, name="exemplar"),
    path("good-practice/<int:pk>/file/", views.download, name="exemplar_download"),
    path("good-practice/<int:pk>/unpublish/", views.unpublish, name="exemplar_unpublish"),
    path("portfolio/applications/<int:pk>/sharing/", views.consent, name="sharing_consent"),
]
