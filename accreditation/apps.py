from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Accounts, audit and email"

    def ready(self):
        from django.urls import reverse

        from . import home
        from .permissions import can_manage_accounts

        def nav(user):
            if can_manage_accounts(user):
                return [home.NavItem("People", reverse("accounts:people"), order=90)]
            return []

        home.register_nav(nav)
