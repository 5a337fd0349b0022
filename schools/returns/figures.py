"""The figures of one return and the arithmetic that checks them, shared by the form and the service."""

from dataclasses import dataclass, field

from .rules import OUTCOME_LABELS, RACIST_TYPE_SLUG, YEAR_LABELS


@dataclass
class Figures:
    total: int
    racist_incidents: int
    types: dict[str, int] = field(default_factory=dict)
    years: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    commentary: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong, and the form field (or breakdown's first field) it belongs to."""

    field: str
    message: str


def _difference(added_up: int, total: int) -> str:
    gap = abs(added_up - total)
    return f"{gap} {'more' if added_up > total else 'fewer'}"


BREAKDOWNS = [
    ("types", "type", "The numbers by type of bullying"),
    ("years", "year", "The numbers by year group"),
    ("outcomes", "outcome", "The numbers by outcome"),
]


def figures_problems(figures: Figures) -> list[Problem]:
    """Every inconsistency, in words a school can act on. Empty when the return adds up."""
    problems = []
    named = [("total", figures.total, "The total number of bullying incidents")]
    named.append(("racist_incidents", figures.racist_incidents, "The number of racist incidents"))
    for attr, prefix, _ in BREAKDOWNS:
        for key, value in getattr(figures, attr).items():
            named.append((f"{prefix}_{key}", value, f"The number for {_label(prefix, key)}"))
    for name, value, words in named:
        if value is None or value < 0:
            problems.append(Problem(name, f"{words} cannot be negative: enter 0 or more"))
    if problems:
        return problems
    for attr, prefix, words in BREAKDOWNS:
        counts = getattr(figures, attr)
        added_up = sum(counts.values())
        if counts and added_up != figures.total:
            first = next(iter(counts))
            problems.append(
                Problem(
                    f"{prefix}_{first}",
                    f"{words} add up to {added_up}, which is {_difference(added_up, figures.total)} than the "
                    f"total of {figures.total} bullying incidents. Check the numbers, or the total",
                )
            )
    racist_bullying = figures.types.get(RACIST_TYPE_SLUG, 0)
    if figures.racist_incidents < racist_bullying:
        problems.append(
            Problem(
                "racist_incidents",
                f"The number of racist incidents ({figures.racist_incidents}) cannot be less than the racist "
                f"bullying incidents counted by type ({racist_bullying}): every racist bullying incident is also "
                "a racist incident",
            )
        )
    return problems


def _label(prefix, key):
    if prefix == "year":
        return YEAR_LABELS.get(key, key)
    if prefix == "outcome":
        return OUTCOME_LABELS.get(key, key).lower()
    return f"“{key}” bullying"
