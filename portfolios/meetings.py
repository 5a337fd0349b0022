"""The meeting a submission made today would go to, as validation (a higher app) tells us.

Portfolios never imports validation: validation registers a provider in its AppConfig.ready(),
the same way the home page's panels are registered. Without one (portfolios on its own, or no
meeting planned) the answer is None and pages say no meeting is planned yet.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class NextMeeting:
    date: date
    submission_cutoff: date


_provider: list[Callable] = []


def register_next_meeting(provider: Callable) -> Callable:
    """`provider(as_of: date) -> NextMeeting | None`: the planned meeting whose cut-off `as_of` meets."""
    _provider[:] = [provider]
    return provider


def next_meeting_for_submission(as_of: date | None = None) -> NextMeeting | None:
    if not _provider:
        return None
    return _provider[0](as_of or timezone.localdate())


def meeting_date_for(application, as_of: date | None = None) -> date | None:
    """The meeting the application is listed for, or the one it would go to if submitted on `as_of`."""
    if application.meeting_date:
        return application.meeting_date
    if not application.is_editable:
        return None
    meeting = next_meeting_for_submission(as_of)
    return meeting.date if meeting else None
