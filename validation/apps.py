from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "validation"
    verbose_name = "Validating group and awards"

    def ready(self):
        from accreditation import home
        from accreditation.permissions import register_second_factor_rule
        from schools.permissions import register_team_join_check

        from . import home as validation_home
        from .permissions import is_validator, team_join_refusal

        home.register(validation_home.admin_panel)
        home.register(validation_home.validator_panel)
        home.register(validation_home.school_panel)
        home.register_nav(validation_home.nav)
        # Validators read every school's evidence: they must sign in with a second factor.
        register_second_factor_rule(is_validator)
        # Renewals carry forward evidence in date at the next meeting a submission can reach.
        from portfolios.renewals import register_next_meeting_provider

        from .selectors import next_meeting_open_to_submissions

        register_next_meeting_provider(next_meeting_open_to_submissions)
        # A validator with an open conflict of interest with a school cannot join its team.
        register_team_join_check(team_join_refusal)
