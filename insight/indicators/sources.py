"""Where an indicator's actual comes from: a small registry of functions.

Each source takes the year asked for (a Period) and its parameter (a phase, a district, an
incident type, a commitment, or ""), and returns a Figure, or None when there is no data for that
year (shown as "No data", never as 0). Adding a source is one function and one `register(...)`.

Every source is tested against a direct count of the rows (insight/tests/test_indicator_sources.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from portfolios.models import Application
from portfolios.training import selectors as training_selectors
from schools.commitments import selectors as commitment_selectors
from schools.commitments.registry import commitment_choices
from schools.models import IncidentType, ReturnCount, ReturnVersion, School, Term
from validation.models import Award

from . import returns_data

PERCENTAGE, COUNT, RATE = "percentage", "count", "rate"


@dataclass(frozen=True)
class Period:
    """An academic year: 2026 is 1 September 2026 to 31 August 2027."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year, 9, 1)

    @property
    def end(self) -> date:
        return date(self.year + 1, 8, 31)

    @property
    def label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    def as_of(self, today: date) -> date:
        """The day a figure "at the end of the year" is measured: the year's end, or today if sooner."""
        return min(self.end, today)

    @classmethod
    def containing(cls, day: date) -> "Period":
        return cls(day.year if day.month >= 9 else day.year - 1)


@dataclass(frozen=True)
class Figure:
    value: Decimal
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    unit: str
    compute: Callable[..., Figure | None]
    parameter_label: str = ""
    parameter_choices: Callable[[], list[tuple[str, str]]] | None = None
    higher_is_better: bool = True
    description: str = ""


SOURCES: dict[str, Source] = {}
MANUAL = "manual"


def register(source: Source) -> Source:
    SOURCES[source.key] = source
    return source


def source_choices():
    return [(s.key, s.label) for s in SOURCES.values()] + [(MANUAL, "Typed in each year, with its evidence")]


def _round(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def share(numerator: int, denominator: int, note="") -> Figure | None:
    if not denominator:
        return None
    return Figure(_round(Decimal(100 * numerator) / denominator), numerator, denominator, note)


def our_open_schools():
    """The register's open schools in our local authorities: what coverage is measured against."""
    return School.objects.filter(status__iexact="open", la_code__in=settings.LOCAL_AUTHORITY_CODES)


def _started(period: Period, today: date | None) -> date | None:
    today = today or timezone.localdate()
    return None if period.start > today else period.as_of(today)


def _filtered(schools, parameter: str, by: str):
    return schools.filter(**{by: parameter}) if parameter else schools


# ----------------------------------------------------------------------------- accreditation


def accredited_share(period: Period, parameter: str = "", *, by: str = "", today=None) -> Figure | None:
    """Our open schools holding an award on the year's measuring day, out of all our open schools
    (of the phase or district given)."""
    as_of = _started(period, today)
    if as_of is None:
        return None
    schools = _filtered(our_open_schools(), parameter, by) if by else our_open_schools()
    held = Award.objects.filter(school=OuterRef("pk"), awarded_on__lte=as_of, expires_on__gt=as_of)
    total = schools.count()
    return share(schools.filter(Exists(held)).count(), total)


def _phases():
    return [(p, p) for p in our_open_schools().order_by("phase").values_list("phase", flat=True).distinct() if p]


def _districts():
    return [(d, d) for d in our_open_schools().order_by("district").values_list("district", flat=True).distinct() if d]


def application_open_on(as_of: date) -> Q:
    """Applications started by `as_of` and not yet closed (decided or withdrawn) on that day."""
    decided = [Application.State.ACCREDITED, Application.State.NOT_ACCREDITED]
    # A closed application with no stamp (recorded before stamps existed) counts as closed.
    closed = Q(state=Application.State.WITHDRAWN) & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__date__lte=as_of))
    closed |= Q(state__in=decided) & (Q(decided_at__isnull=True) | Q(decided_at__date__lte=as_of))
    return Q(created_at__date__lte=as_of) & ~closed


def current_application_share(period: Period, parameter: str = "", *, today=None) -> Figure | None:
    """Our open schools with an application in progress (started, not decided or withdrawn) on the
    year's measuring day."""
    as_of = _started(period, today)
    if as_of is None:
        return None
    schools = our_open_schools()
    open_application = Application.objects.filter(application_open_on(as_of), school=OuterRef("pk"))
    return share(schools.filter(Exists(open_application)).count(), schools.count())


# ----------------------------------------------------------------------------- termly returns


def returns_made_share(period: Period, parameter: str = "", *, today=None) -> Figure | None:
    """Returns made, out of returns expected, over the year's terms whose return was due by the
    measuring day (a school expected in three terms counts three times)."""
    as_of = _started(period, today)
    if as_of is None:
        return None
    made = expected = 0
    for term in Term.objects.filter(academic_year=period.label, due_on__lte=as_of):
        schools = returns_data.expected_schools(term)
        expected += schools.count()
        made += schools.filter(incident_returns__term=term).count()
    return share(made, expected, note="Returns made out of returns expected")


def _incident_types():
    return [("", "All bullying incidents"), ("racist", "Racist incidents")] + [
        (t.slug, f"{t.name} bullying") for t in IncidentType.objects.all()
    ]


def incidents_per_thousand(period: Period, parameter: str = "", *, today=None) -> Figure | None:
    """Incidents in the year's returns per 1,000 pupils of the schools that made them.

    `parameter`: "" all bullying incidents, "racist" racist incidents, else an incident type's slug.
    Only schools whose number of pupils is known count, on both sides of the division; each school's
    pupils count once however many terms it returned.
    """
    as_of = _started(period, today)
    if as_of is None:
        return None
    versions = ReturnVersion.objects.filter(
        is_current=True,
        incident_return__term__academic_year=period.label,
        incident_return__term__opens_on__lte=as_of,
        incident_return__school__pupils__gt=0,
    )
    if not versions.exists():
        return None
    if parameter == "racist":
        incidents = versions.aggregate(n=Sum("racist_incidents"))["n"] or 0
    elif parameter:
        incidents = (
            ReturnCount.objects.filter(
                version__in=versions, dimension=ReturnCount.Dimension.TYPE, key=parameter
            ).aggregate(n=Sum("count"))["n"]
            or 0
        )
    else:
        incidents = versions.aggregate(n=Sum("total_incidents"))["n"] or 0
    pupils = (
        School.objects.filter(pk__in=versions.values("incident_return__school")).aggregate(n=Sum("pupils"))["n"] or 0
    )
    return Figure(_round(Decimal(1000 * incidents) / pupils), incidents, pupils, "Incidents per 1,000 pupils")


# ----------------------------------------------------------------------------- commitments, training


def commitment_share(period: Period, parameter: str = "", *, today=None) -> Figure | None:
    """Our open schools whose statement in force on the measuring day (confirmed in the 12 months
    before it) includes the commitment, out of all our open schools."""
    as_of = _started(period, today)
    if as_of is None or not parameter:
        return None
    schools = our_open_schools()
    with_it = schools.filter(pk__in=commitment_selectors.school_ids_with(parameter, as_of)).count()
    return share(with_it, schools.count())


def staff_trained_share(period: Period, parameter: str = "", *, today=None) -> Figure | None:
    """Our open schools with at least one member of staff at a council course run in the year (to
    the measuring day); parameter "trainers": Training the Trainers courses only."""
    as_of = _started(period, today)
    if as_of is None:
        return None
    schools = our_open_schools()
    ids = training_selectors.school_ids_trained(period.start, as_of, trainers_only=parameter == "trainers")
    return share(schools.filter(pk__in=ids).count(), schools.count())


register(Source("accredited", "Share of our schools accredited", PERCENTAGE, accredited_share))
register(
    Source(
        "accredited_phase",
        "Share of our schools accredited, one phase",
        PERCENTAGE,
        lambda period, parameter="", today=None: accredited_share(period, parameter, by="phase", today=today),
        parameter_label="Phase",
        parameter_choices=_phases,
    )
)
register(
    Source(
        "accredited_district",
        "Share of our schools accredited, one district",
        PERCENTAGE,
        lambda period, parameter="", today=None: accredited_share(period, parameter, by="district", today=today),
        parameter_label="District",
        parameter_choices=_districts,
    )
)
register(
    Source(
        "current_application",
        "Share of our schools with an application in progress",
        PERCENTAGE,
        current_application_share,
    )
)
register(Source("returns_made", "Share of termly incident returns made", PERCENTAGE, returns_made_share))
register(
    Source(
        "incidents_rate",
        "Incidents per 1,000 pupils (termly returns)",
        RATE,
        incidents_per_thousand,
        parameter_label="Incidents",
        parameter_choices=_incident_types,
        higher_is_better=False,
    )
)
register(
    Source(
        "commitment",
        "Share of our schools with a commitment",
        PERCENTAGE,
        commitment_share,
        parameter_label="Commitment",
        parameter_choices=commitment_choices,
    )
)
register(
    Source(
        "staff_trained",
        "Share of our schools with staff trained",
        PERCENTAGE,
        staff_trained_share,
        parameter_label="Courses",
        parameter_choices=lambda: [("", "Any council course"), ("trainers", "Training the Trainers only")],
    )
)

# The pupil survey's county figure "bullied in the last twelve months" (the surveys issue): one
# more source once portfolios/surveys/selectors.py provides it.
try:
    from portfolios.surveys.selectors import county_bullied_last_twelve_months
except ImportError:  # surveys not installed yet: the source is simply not offered
    county_bullied_last_twelve_months = None


def survey_bullied_share(period: Period, parameter: str = "", *, today=None) -> Figure | None:
    """Pupils who said they were bullied in the last twelve months, of those who answered, in the
    year's pupil surveys (the surveys' own county figure). Under 10 respondents: no data."""
    if _started(period, today) is None:
        return None
    result = county_bullied_last_twelve_months(period.year)
    if result.percent is None:
        return None
    return Figure(_round(result.percent), result.said_yes, result.respondents, "Pupils who said yes, of those asked")


if county_bullied_last_twelve_months is not None:
    register(
        Source(
            "survey_bullied",
            "Pupils bullied in the last twelve months (pupil surveys)",
            PERCENTAGE,
            survey_bullied_share,
            higher_is_better=False,
        )
    )
