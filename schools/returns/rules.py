"""Termly returns: the fixed lists (year groups, outcomes), small-number suppression, default terms.

Pure functions only; the services, selectors and views for returns import from here.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter

# Year groups in the order a school reads them. Which are offered depends on the school's phase.
YEAR_GROUPS = [("R", "Reception")] + [(f"Y{n}", f"Year {n}") for n in range(1, 14)]
YEAR_LABELS = dict(YEAR_GROUPS)
_CODES = [code for code, _ in YEAR_GROUPS]


def _years(first, last):
    return _CODES[_CODES.index(first) : _CODES.index(last) + 1]


# Phases as the register (GIAS) writes them. Special schools, pupil referral units and anything
# unknown ("Not applicable", blank) may teach any year group, so they get them all.
PHASE_YEAR_GROUPS = {
    "nursery": _years("R", "R"),
    "primary": _years("R", "Y6"),
    "middle deemed primary": _years("Y3", "Y8"),
    "middle deemed secondary": _years("Y4", "Y9"),
    "secondary": _years("Y7", "Y13"),
    "16 plus": _years("Y12", "Y13"),
    "all-through": _years("R", "Y13"),
}


def year_groups_for_phase(phase: str) -> list[tuple[str, str]]:
    codes = PHASE_YEAR_GROUPS.get((phase or "").strip().lower(), _CODES)
    return [(code, YEAR_LABELS[code]) for code in codes]


OUTCOMES = [
    ("resolved", "Resolved"),
    ("ongoing", "Ongoing"),
    ("referred", "Referred to another agency"),
]
OUTCOME_LABELS = dict(OUTCOMES)

RACIST_TYPE_SLUG = "racist"

# ----------------------------------------------------------------------------- suppression

SUPPRESSION_THRESHOLD = 5
SUPPRESSED = "<5"


def suppress(count):
    """A count as it may be shown beyond the school: under 5 (0 included) becomes "<5".

    Zero is suppressed too: otherwise "0" beside "<5" in a small school's row tells a reader more
    than the rule allows. None (no figure) stays None.
    """
    if count is None:
        return None
    return SUPPRESSED if count < SUPPRESSION_THRESHOLD else count


def is_suppressed(value) -> bool:
    return value == SUPPRESSED


def suppress_row(counts, total=None):
    """Suppress a row of counts that is shown beside its total.

    If exactly one count is hidden while the total is shown, it could be worked out by subtraction,
    so the next smallest count is hidden too (secondary suppression). Returns the shown values.
    """
    shown = [suppress(c) for c in counts]
    if total is not None and suppress(total) != SUPPRESSED:
        hidden = [i for i, v in enumerate(shown) if v == SUPPRESSED]
        if len(hidden) == 1:
            others = [(c, i) for i, c in enumerate(counts) if shown[i] != SUPPRESSED and c is not None]
            if others:
                shown[min(others)[1]] = SUPPRESSED
    return shown


# ----------------------------------------------------------------------------- default terms


@dataclass(frozen=True)
class ProposedTerm:
    season: str
    starts_on: date
    ends_on: date
    opens_on: date
    due_on: date


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


MONDAY, FRIDAY = 0, 4


def _autumn_start(year: int) -> date:
    # Schools usually start in the first week of September; the first weekday on or after the 3rd.
    day = date(year, 9, 3)
    return day if day.weekday() < 5 else _weekday_on_or_after(day, MONDAY)


def _due_in_next_term(next_start: date) -> date:
    """The Friday of the third week of the following term: time to count after the holiday."""
    return _weekday_on_or_after(next_start, FRIDAY) + timedelta(weeks=2)


def academic_year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def parse_academic_year(label: str) -> int | None:
    """2026 for "2026-27"; None if it is not a valid academic year."""
    label = (label or "").strip()
    if len(label) != 7 or label[4] != "-" or not (label[:4].isdigit() and label[5:].isdigit()):
        return None
    start = int(label[:4])
    return start if (start + 1) % 100 == int(label[5:]) else None


def propose_terms(start_year: int) -> list[ProposedTerm]:
    """A typical county calendar for the academic year starting in September of `start_year`.

    Autumn: early September to the Friday before 20 December. Spring: the first Monday on or after
    4 January to the Friday before Good Friday (at the latest 3 April, Easter falling late).
    Summer: two weeks after spring ends to 21 July (the Friday before if it is a weekend). Each
    return opens on the last day of its term and is due on the Friday of the third week of the next.
    """
    autumn_start = _autumn_start(start_year)
    autumn_end = _weekday_on_or_before(date(start_year, 12, 19), FRIDAY)
    spring_start = _weekday_on_or_after(date(start_year + 1, 1, 4), MONDAY)
    good_friday = easter(start_year + 1) - timedelta(days=2)
    spring_end = min(good_friday - timedelta(days=1), date(start_year + 1, 4, 3))
    if spring_end.weekday() >= 5:
        spring_end = _weekday_on_or_before(spring_end, FRIDAY)
    summer_start = _weekday_on_or_after(spring_end + timedelta(days=14), MONDAY)
    summer_end = date(start_year + 1, 7, 21)
    if summer_end.weekday() >= 5:
        summer_end = _weekday_on_or_before(summer_end, FRIDAY)
    next_autumn = _autumn_start(start_year + 1)
    return [
        ProposedTerm("autumn", autumn_start, autumn_end, autumn_end, _due_in_next_term(spring_start)),
        ProposedTerm("spring", spring_start, spring_end, spring_end, _due_in_next_term(summer_start)),
        ProposedTerm("summer", summer_start, summer_end, summer_end, _due_in_next_term(next_autumn)),
    ]


def academic_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1
