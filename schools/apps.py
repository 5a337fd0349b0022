from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools and registration"

    def ready(self):
        from accreditation import home

        from . import home as school_home
        from .commitments import home as commitment_home
        from .returns.nav import returns_nav

        home.register(school_home.school_panel)
        home.register_nav(school_home.school_nav)
        home.register_nav(returns_nav)
        home.register(commitment_home.school_panel)
        # Every change to this app's models moves the version of the pages of the school it belongs to
        # (schools.versions: the cached school pages).
        from schools.versions import track_app, track_people

        track_app(self)
        track_people()
