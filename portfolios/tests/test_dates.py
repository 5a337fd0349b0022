from datetime import date

import pytest

from portfolios import dates


@pytest.mark.parametrize(
    "produced, stale",
    [
        (date(2023, 5, 10), date(2026, 5, 10)),
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2023, 2, 28), date(2026, 2, 28)),
        (date(2025, 12, 31), date(2028, 12, 31)),
    ],
)
def test_evidence_is_stale_from_three_calendar_years_later(produced, stale):
    assert dates.stale_from(produced) == stale


def test_stale_on_the_day_not_the_day_before():
    produced = date(2023, 5, 10)
    assert not dates.is_stale(produced, date(2026, 5, 9))
    assert dates.is_stale(produced, date(2026, 5, 10))


def test_leap_day_evidence_goes_stale_on_28_february():
    assert not dates.is_stale(date(2024, 2, 29), date(2027, 2, 27))
    assert dates.is_stale(date(2024, 2, 29), date(2027, 2, 28))


def test_nearly_stale_within_the_warning_window_only():
    produced = date(2023, 5, 10)
    assert dates.is_nearly_stale(produced, date(2026, 3, 1))
    assert not dates.is_nearly_stale(produced, date(2025, 1, 1))
    assert not dates.is_nearly_stale(produced, date(2026, 6, 1))
