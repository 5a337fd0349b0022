"""English school-year arithmetic for proposing meetings: academic years, half terms and the bank
holidays of England and Wales that can be computed (no network, no lists to keep up to date).

Half terms are approximations of a typical county calendar (see docs/decisions.md); the proposal
is a starting point that admins adjust.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from accreditation.errors import Refusal

ACADEMIC_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


class AcademicYearError(Refusal):
    """A malformed academic year; the message says how to write one."""


def parse_academic_year(text: str) -> int:
    """Return the first calendar year of an academic year written like "2026-27"."""
    match = ACADEMIC_YEAR_RE.match((text or "").strip())
    if not match:
        raise AcademicYearError("Enter the academic year in the format 2026-27, with the first year and the next")
    first = int(match.group(1))
    if int(match.group(2)) != (first + 1) % 100:
        raise AcademicYearError(
            f"The academic year must run from one year to the next, like {first}-{(first + 1) % 100:02d}"
        )
    if not 2000 <= first <= 2098:
        raise AcademicYearError("Enter an academic year between 2000-01 and 2098-99")
    return first


def academic_year_label(first_year: int) -> str:
    return f"{first_year}-{(first_year + 1) % 100:02d}"


def academic_year_of(day: date) -> str:
    """The academic year (1 September to 31 August) a date falls in."""
    return academic_year_label(day.year if day.month >= 9 else day.year - 1)


def academic_year_bounds(first_year: int) -> tuple[date, date]:
    return date(first_year, 9, 1), date(first_year + 1, 8, 31)


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n=1 first); n=-1 for the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _substitute(day: date, taken: set[date]) -> date:
    """A bank holiday on a weekend moves to the next weekday not already a holiday."""
    while day.weekday() >= SATURDAY or day in taken:
        day += timedelta(days=1)
    return day


def bank_holidays(year: int) -> set[date]:
    """England and Wales bank holidays that follow the usual rules (not one-off ones like jubilees)."""
    easter = easter_sunday(year)
    holidays = {
        easter - timedelta(days=2),  # Good Friday
        easter + timedelta(days=1),  # Easter Monday
        nth_weekday(year, 5, MONDAY, 1),  # Early May
        nth_weekday(year, 5, MONDAY, -1),  # Spring
        nth_weekday(year, 8, MONDAY, -1),  # Summer
    }
    holidays.add(_substitute(date(year, 1, 1), holidays))
    christmas = _substitute(date(year, 12, 25), holidays)
    holidays.add(christmas)
    holidays.add(_substitute(date(year, 12, 26), holidays))
    return holidays


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY and day not in bank_holidays(day.year)


@dataclass(frozen=True)
class HalfTerm:
    key: str
    label: str
    starts: date
    ends: date

    @property
    def middle(self) -> date:
        return self.starts + (self.ends - self.starts) / 2


def _friday_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - FRIDAY) % 7 or 7)


def half_terms(first_year: int) -> list[HalfTerm]:
    """The six half terms of an academic year, approximately as English schools keep them:
    October half term in the week of the last Monday of October, Christmas from about 19 December,
    February half term in the week of the third Monday of February, two weeks at Easter after the
    spring term ends (by Good Friday, at the latest 3 April), May half term in the week of the
    spring bank holiday, and the year ending about 21 July."""
    y1, y2 = first_year, first_year + 1
    october = nth_weekday(y1, 10, MONDAY, -1)
    january = nth_weekday(y2, 1, MONDAY, 1)
    if january.day < 4:
        january += timedelta(days=7)
    february = nth_weekday(y2, 2, MONDAY, 3)
    good_friday = easter_sunday(y2) - timedelta(days=2)
    spring_ends = min(good_friday - timedelta(days=1), date(y2, 4, 3))
    summer_starts = spring_ends + timedelta(days=(MONDAY - spring_ends.weekday()) % 7 + 14)
    may = nth_weekday(y2, 5, MONDAY, -1)
    return [
        HalfTerm("autumn_1", "Autumn 1", date(y1, 9, 3), _friday_before(october)),
        HalfTerm("autumn_2", "Autumn 2", october + timedelta(days=7), _friday_before(date(y1, 12, 20))),
        HalfTerm("spring_1", "Spring 1", january, _friday_before(february)),
        HalfTerm("spring_2", "Spring 2", february + timedelta(days=7), spring_ends),
        HalfTerm("summer_1", "Summer 1", summer_starts, _friday_before(may)),
        HalfTerm("summer_2", "Summer 2", may + timedelta(days=7), date(y2, 7, 21)),
    ]


def meeting_day_in(half_term: HalfTerm, taken: set[date] = frozenset(), weekday: int = WEDNESDAY) -> date:
    """The preferred weekday nearest the middle of the half term that is a working day and not
    taken; failing that, any such working day in the half term, nearest the middle first."""
    middle = half_term.middle
    span = (half_term.ends - half_term.starts).days
    candidates = sorted(
        (half_term.starts + timedelta(days=offset) for offset in range(span + 1)),
        key=lambda day: (day.weekday() != weekday, abs((day - middle).days), day),
    )
    for day in candidates:
        if is_working_day(day) and day not in taken:
            return day
    raise ValueError(f"No free working day in {half_term.label}")


def previous_working_day(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
