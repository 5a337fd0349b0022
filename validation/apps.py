from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "validation"
    verbose_name = "Validating group and awards"

    def ready(self):
        from accreditation import home

        from . import home as validation_home

        home.register(validation_home.admin_panel)
        home.register(validation_home.validator_panel)
        home.register_nav(validation_home.nav)
