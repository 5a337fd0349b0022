from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"
    verbose_name = "Portfolios and applications"

    def ready(self):
        # Register the app's tasks in every process: its services queue some of them by name.
        from accreditation import home
        from schools.returns import uses as returns_uses

        from . import home as portfolio_home
        from . import tasks  # noqa: F401
        from .returns_summary import returns_page_use
        from .surveys import home as survey_home
        from .training import home as training_home

        home.register(portfolio_home.school_panel)
        home.register(portfolio_home.admin_panel)
        home.register_nav(portfolio_home.nav)
        home.register(training_home.school_panel)
        home.register(training_home.admin_panel)
        returns_uses.register(returns_page_use)
        home.register_nav(survey_home.nav)
        # Every change to this app's models moves the version of the pages of the school it belongs to
        # (schools.versions: the cached school pages).
        from schools.versions import track_app

        track_app(self)
