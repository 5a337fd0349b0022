app_name = "insight"

# Each insight module adds its pages here.
urlpatterns = []
