from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "validation"
    verbose_name = "Validating group and awards"

    def ready(self):
        from accreditation import home
        from accreditation.permissions import register_second_factor_rule
        from portfolios.meetings import register_next_meeting
        from schools.permissions import register_team_join_check

        from . import home as validation_home
        from . import selectors
        from .permissions import is_validator, is_validator_expression, team_join_refusal

        home.register(validation_home.admin_panel)
        home.register(validation_home.validator_panel)
        home.register(validation_home.school_panel)
        home.register_nav(validation_home.nav)
        # Portfolios asks which meeting a submission made today would reach (readiness, check
        # answers, renewals' evidence carried forward).
        register_next_meeting(selectors.meeting_for_submission)
        # Validators read every school's evidence: they must sign in with a second factor.
        # The person is loaded with the answer (`_is_validator`, which is_validator reads first).
        register_second_factor_rule(is_validator, annotation=("_is_validator", is_validator_expression))
        # A validator with an open conflict of interest with a school cannot join its team.
        register_team_join_check(team_join_refusal)
        # Every change to this app's models moves the version of the pages of the school it belongs to
        # (schools.versions: the cached school pages).
        from schools.versions import track_app

        track_app(self)
