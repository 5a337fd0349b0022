from django.apps import AppConfig


class InsightConfig(AppConfig):
    """The top floor: pages and jobs that read every app (dashboard, exports, audit views,
    retention, indicators, the board report). Nothing below imports it."""

    name = "insight"
    verbose_name = "Insight and reporting"

    def ready(self):
        from accreditation import home

        from .home import nav

        home.register_nav(nav)
