from datetime import date
from itertools import pairwise

import pytest

from validation import term_dates
from validation.term_dates import AcademicYearError


@pytest.mark.parametrize(
    "text, first_year", [("2026-27", 2026), (" 2026-27 ", 2026), ("2029-30", 2029), ("2049-50", 2049)]
)
def test_academic_year_parses(text, first_year):
    assert term_dates.parse_academic_year(text) == first_year


@pytest.mark.parametrize(
    "text, message",
    [
        ("2026", "in the format 2026-27"),
        ("", "in the format 2026-27"),
        ("26-27", "in the format 2026-27"),
        ("2026/27", "in the format 2026-27"),
        ("2026-2027", "in the format 2026-27"),
        ("2026-28", "from one year to the next, like 2026-27"),
        ("2026-26", "from one year to the next, like 2026-27"),
        ("1999-00", "between 2000-01 and 2098-99"),
    ],
)
def test_malformed_academic_years_are_refused_with_a_message(text, message):
    with pytest.raises(AcademicYearError, match=message):
        term_dates.parse_academic_year(text)


def test_academic_year_of_a_date_runs_september_to_august():
    assert term_dates.academic_year_of(date(2026, 8, 31)) == "2025-26"
    assert term_dates.academic_year_of(date(2026, 9, 1)) == "2026-27"


@pytest.mark.parametrize(
    "year, easter",
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25))],
)
def test_easter_by_the_computus(year, easter):
    assert term_dates.easter_sunday(year) == easter


def test_bank_holidays_2027_include_substitute_days():
    holidays = term_dates.bank_holidays(2027)
    assert holidays == {
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),  # first Monday of May
        date(2027, 5, 31),  # last Monday of May
        date(2027, 8, 30),  # last Monday of August
        date(2027, 12, 27),  # Christmas Day is a Saturday
        date(2027, 12, 28),  # Boxing Day is a Sunday
    }
    assert date(2028, 1, 3) in term_dates.bank_holidays(2028)  # 1 January 2028 is a Saturday


def test_six_half_terms_in_order_within_the_academic_year():
    terms = term_dates.half_terms(2026)
    assert [t.key for t in terms] == ["autumn_1", "autumn_2", "spring_1", "spring_2", "summer_1", "summer_2"]
    assert terms[0].starts == date(2026, 9, 3)
    assert terms[0].ends == date(2026, 10, 23)  # October half term is the week of 26 October
    assert terms[2].starts == date(2027, 1, 4)
    assert terms[3].ends == date(2027, 3, 25)  # the day before Good Friday
    assert terms[4].ends == date(2027, 5, 28)  # May half term is the week of the spring bank holiday
    for earlier, later in pairwise(terms):
        assert earlier.starts < earlier.ends < later.starts


@pytest.mark.parametrize("first_year", range(2024, 2040))
def test_meeting_days_are_working_days_inside_their_half_term(first_year):
    for half_term in term_dates.half_terms(first_year):
        day = term_dates.meeting_day_in(half_term)
        assert half_term.starts <= day <= half_term.ends
        assert term_dates.is_working_day(day)
        assert day.weekday() == term_dates.WEDNESDAY


def test_meeting_day_avoids_bank_holidays_and_taken_dates():
    half_term = term_dates.HalfTerm("x", "X", date(2026, 12, 21), date(2026, 12, 29))
    # Wednesday 23 December is taken; Christmas (Fri 25) and the substitute Boxing Day (Mon 28) are holidays.
    day = term_dates.meeting_day_in(half_term, taken={date(2026, 12, 23)})
    assert day not in {date(2026, 12, 23), date(2026, 12, 25), date(2026, 12, 28)}
    assert term_dates.is_working_day(day)


def test_previous_working_day_skips_weekends_and_holidays():
    assert term_dates.previous_working_day(date(2027, 3, 29)) == date(2027, 3, 25)  # Easter Monday back past Friday
