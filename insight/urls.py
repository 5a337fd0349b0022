from django.urls import include, path

app_name = "insight"

# Each insight module adds its pages here.
urlpatterns = [
    path("", include("insight.indicators.urls")),
    path("", include("insight.board_report.urls")),
]
