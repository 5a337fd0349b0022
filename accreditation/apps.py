from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Accounts, audit and email"

    def ready(self):
        from . import uploads_temp

        uploads_temp.ensure_folder()  # Django spools uploads there and expects it to exist
        from django.contrib.auth.signals import user_logged_in
        from django.urls import reverse

        from .views import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="accreditation.start_session_clock")

        from . import home
        from .permissions import can_manage_accounts, is_hw_admin

        def nav(user):
            items = []
            if is_hw_admin(user):
                return items  # the H&W team reaches both from the "Scheme admin" page (schools)
            if can_manage_accounts(user):
                items.append(home.NavItem("People", reverse("accounts:people"), order=90))
            return items

        home.register_nav(nav)

        def mail_panel(user):
            """H&W admins: email the portal gave up on (issue 24)."""
            if not is_hw_admin(user):
                return None
            from .models import OutboxMessage

            failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
            return home.Panel(
                title="Email", template="accreditation/home_mail_panel.html", context={"failed": failed}, order=95
            )

        home.register(mail_panel)
