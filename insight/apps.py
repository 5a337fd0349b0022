from django.apps import AppConfig


class InsightConfig(AppConfig):
    """The top floor: pages and jobs that read every app (dashboard, exports, audit views,
    retention, indicators, the board report). Nothing below imports it."""

    name = "insight"
    verbose_name = "Insight and reporting"

    def ready(self):
        # Register the app's tasks in every process: its services queue some of them by name.
        from accreditation import home

        from . import tasks  # noqa: F401
        from .home import admin_home_links, nav, scheme_admin_links

        home.register_nav(nav)
        home.register_page_links("admin_home", admin_home_links)
        home.register_page_links("scheme_admin", scheme_admin_links)
