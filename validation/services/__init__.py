"""The validating group's writes with rules, one module per concept: the group and its
conflicts (`group`), meetings (`meetings`), agendas (`agendas`), reviewers (`reviews`), the
meeting's decisions, letters and minutes (`decisions`), and awards (`awards`). Callers may import
from here or from the concept's module."""

from accreditation.errors import Refusal

from .agendas import agenda_move, agenda_place, agenda_place_waiting
from .awards import (
    award_expiry,
    award_grant,
    award_start,
    award_withdraw,
    certificate_pdf,
    certificate_settings,
    certificate_settings_update,
)
from .decisions import (
    LETTER_EDITABLE,
    attendance_record,
    decision_record,
    decision_release,
    decision_update_letter,
    feedback_letter_context,
    further_information_extend,
    further_information_list_anyway,
    minutes_context,
    minutes_pdf,
)
from .group import (
    conflict_declare,
    conflict_withdraw,
    member_change_team,
    member_invite,
    member_set_active,
    team_create,
    team_rename,
    team_set_active,
)
from .meetings import calendar_feed_renew, meeting_update, meetings_propose, meetings_schedule
from .reviews import review_assign, review_save, reviewer_candidates

__all__ = [
    "LETTER_EDITABLE",
    "Refusal",
    "agenda_move",
    "agenda_place",
    "agenda_place_waiting",
    "attendance_record",
    "award_expiry",
    "award_grant",
    "award_start",
    "award_withdraw",
    "calendar_feed_renew",
    "certificate_pdf",
    "certificate_settings",
    "certificate_settings_update",
    "conflict_declare",
    "conflict_withdraw",
    "decision_record",
    "decision_release",
    "decision_update_letter",
    "feedback_letter_context",
    "further_information_extend",
    "further_information_list_anyway",
    "meeting_update",
    "meetings_propose",
    "meetings_schedule",
    "member_change_team",
    "member_invite",
    "member_set_active",
    "minutes_context",
    "minutes_pdf",
    "review_assign",
    "review_save",
    "reviewer_candidates",
    "team_create",
    "team_rename",
    "team_set_active",
]
