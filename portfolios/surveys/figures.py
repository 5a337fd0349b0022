"""Small-number suppression and academic years for survey figures. Pure functions.

A group (a year group, a district, the pupils who chose "prefer not to say"...) with fewer than 10
responses is never shown, anywhere: pages, comparisons, the PDF snapshot and the CSV exports. Where
exactly one group in a table is hidden and the table's total is shown, the next smallest group is
hidden too, or the hidden one could be worked out by subtraction.
"""

from dataclasses import dataclass
from datetime import date

THRESHOLD = 10
SMALL = "small"  # fewer than 10
COMPLEMENT = "complement"  # hidden so that a small group cannot be worked out from the total


@dataclass(frozen=True)
class Cell:
    """A count as it may be shown: `n` is None when hidden, and `reason` says why."""

    n: int | None
    reason: str = ""

    @property
    def shown(self) -> bool:
        return self.n is not None

    @property
    def label(self) -> str:
        if self.reason == SMALL:
            return "fewer than 10"
        if self.reason == COMPLEMENT:
            return "not shown"
        return str(self.n)

    def __str__(self):
        return self.label


def is_small(n: int) -> bool:
    return 0 < n < THRESHOLD


def cell(n: int) -> Cell:
    return Cell(None, SMALL) if is_small(n) else Cell(n)


def suppress_groups(counts: list[tuple[object, int]]) -> list[tuple[object, Cell]]:
    """Each group's count as it may be shown (see the module docstring). Zero is shown: an empty
    group holds nobody's answers."""
    cells = {index: cell(n) for index, (_, n) in enumerate(counts)}
    hidden = [i for i, c in cells.items() if not c.shown]
    if len(hidden) == 1:
        others = sorted((n, i) for i, (_, n) in enumerate(counts) if cells[i].shown and n > 0)
        if others:
            cells[others[0][1]] = Cell(None, COMPLEMENT)
    return [(key, cells[index]) for index, (key, _) in enumerate(counts)]


def percent(part: int, whole: int) -> float | None:
    """Rounded to one place; None when the whole is too small to show."""
    if whole < THRESHOLD:
        return None
    return round(100 * part / whole, 1)


def academic_year_of(day: date) -> str:
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{str(start + 1)[2:]}"


def academic_year_bounds(year) -> tuple[str, date, date]:
    """Accept 2026, "2026-27" or "2026/27"; return ("2026-27", 1 September 2026, 31 August 2027)."""
    if isinstance(year, int):
        start = year
    else:
        text = str(year).strip().replace("/", "-")
        try:
            start = int(text.split("-")[0])
        except ValueError as error:
            raise ValueError(f"Not an academic year: {year!r} (write it like 2026-27)") from error
        if "-" in text and text.split("-")[1] not in (str(start + 1)[2:], str(start + 1)):
            raise ValueError(f"Not an academic year: {year!r} (write it like 2026-27)")
    return f"{start}-{str(start + 1)[2:]}", date(start, 9, 1), date(start + 1, 8, 31)
