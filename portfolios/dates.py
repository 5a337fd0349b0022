"""The scheme's one rule about the age of evidence, used by every check, page and sweep, and the
calendar arithmetic (whole years, whole months) every app uses for it.

Evidence dated D is stale from D + 3 calendar years; 29 February moves to 28 February. The
value is also stored on each item (EvidenceItem.stale_from) so a set-based SQL sweep compares
one column with today and agrees with Python by construction.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

EVIDENCE_MAX_AGE_YEARS = 3
# How long before it goes stale an item is shown as "nearly out of date".
EVIDENCE_WARNING_DAYS = 90


def add_years(day: date, years: int) -> date:
    """`day` moved by whole calendar years; 29 February becomes 28 February in a common year."""
    return day + relativedelta(years=years)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months (negative for earlier). A day the target month lacks
    becomes its last day (31 August + 6 months = 28 or 29 February), as add_years does."""
    return day + relativedelta(months=months)


def renewal_opens_on(awarded_on: date, *, expires_on: date | None = None) -> date:
    """The first day a school accredited on `awarded_on` may start its renewal: RENEWAL_WINDOW_MONTHS
    (default 12) before the award ends: `expires_on` when the award's dates are recorded (a renewal
    granted early runs on from the old award's end), else 3 calendar years after it was made (as
    validation.services.awards computes the expiry, with add_years)."""
    from dateutil.relativedelta import relativedelta
    from django.conf import settings

    return (expires_on or add_years(awarded_on, 3)) - relativedelta(months=settings.RENEWAL_WINDOW_MONTHS)


def stale_from(produced_on: date) -> date:
    """The first day on which evidence produced on `produced_on` is too old to be accepted."""
    return add_years(produced_on, EVIDENCE_MAX_AGE_YEARS)


def is_stale(produced_on: date, as_of: date) -> bool:
    return is_stale_from(stale_from(produced_on), as_of)


def is_nearly_stale(produced_on: date, as_of: date) -> bool:
    """Still in date on `as_of`, but goes stale within EVIDENCE_WARNING_DAYS."""
    return is_nearly_stale_from(stale_from(produced_on), as_of)


# The same two rules given the stored first stale day (EvidenceItem.stale_from): pages listing
# hundreds of items compare dates instead of redoing the calendar arithmetic for each one.
def is_stale_from(first_stale_day: date, as_of: date) -> bool:
    return as_of >= first_stale_day


def is_nearly_stale_from(first_stale_day: date, as_of: date) -> bool:
    return as_of < first_stale_day <= as_of + timedelta(days=EVIDENCE_WARNING_DAYS)


AWARD_YEARS = 3


def award_start(*, decided_on: date, previous_expires_on: date | None) -> date:
    """The first day of an award decided on `decided_on`: a renewal decided before the previous
    award's expiry date starts on that date (the day after the previous award's last day), so no
    months are lost; otherwise the decision date. Validation's award_grant and the school's
    submission page both use it."""
    if previous_expires_on is not None and decided_on < previous_expires_on:
        return previous_expires_on
    return decided_on


def award_expires(starts_on: date) -> date:
    """The expiry date (first day no longer in force) of an award starting on `starts_on`."""
    return add_years(starts_on, AWARD_YEARS)
