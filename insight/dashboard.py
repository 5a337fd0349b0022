"""The H&W dashboard's figures: set-based reads, a fixed number of queries whatever the data size.

Validation sits at the top of the apps, so it reads schools' and portfolios' tables here.
"""

import bisect
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from portfolios.dates import add_months
from portfolios.models import Application, CriteriaSet
from schools import selectors as school_selectors
from schools.models import Registration, School
from validation.models import Award, Decision, Meeting


def registrations_waiting() -> int:
    return Registration.objects.filter(status=Registration.Status.PENDING).count()


def applications_by_state() -> list[tuple[str, str, int]]:
    """(state, label, count) for every state, in the state machine's order, zeros included."""
    counts = dict(Application.objects.order_by().values_list("state").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in Application.State.choices]


def upcoming_meetings(as_of: date, limit: int = 6):
    """The next planned meetings with how many applications their agendas hold."""
    return list(
        Meeting.objects.filter(date__gte=as_of)
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(agenda_size=Count("agenda_items"))
        .order_by("date")[:limit]
    )


def current_awards(as_of: date):
    return Award.objects.filter(status=Award.Status.CURRENT, awarded_on__lte=as_of, expires_on__gt=as_of)


@dataclass
class ForecastRow:
    meeting: Meeting | None  # None: no meeting planned before the award expires
    awards: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.awards)


@dataclass
class ExpiryForecast:
    within_6_months: int
    within_12_months: int
    six_months_on: date
    twelve_months_on: date
    rows: list[ForecastRow]


def expiry_forecast(as_of: date) -> ExpiryForecast:
    """Current awards expiring within 12 months, grouped by the meeting each school must renew at.

    That meeting is the last planned one whose date is before the expiry: its cut-off is the last
    day to submit the renewal. Two queries, then a binary search per award.
    """
    six, twelve = add_months(as_of, 6), add_months(as_of, 12)
    awards = list(
        current_awards(as_of)
        .filter(expires_on__lte=twelve)
        .select_related("school")
        .only("expires_on", "awarded_on", "school__name", "school__urn")
        .order_by("expires_on", "school__name")
    )
    last_expiry = awards[-1].expires_on if awards else as_of
    meetings = list(
        Meeting.objects.filter(date__gte=as_of, date__lt=last_expiry)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("date")
    )
    dates = [m.date for m in meetings]
    rows: dict[int | None, ForecastRow] = {}
    for award in awards:
        index = bisect.bisect_left(dates, award.expires_on) - 1
        meeting = meetings[index] if index >= 0 else None
        key = meeting.pk if meeting else None
        rows.setdefault(key, ForecastRow(meeting=meeting)).awards.append(award)
    ordered = sorted(rows.values(), key=lambda r: (r.meeting is not None, r.meeting.date if r.meeting else as_of))
    return ExpiryForecast(
        within_6_months=sum(1 for a in awards if a.expires_on <= six),
        within_12_months=len(awards),
        six_months_on=six,
        twelve_months_on=twelve,
        rows=ordered,
    )


def our_open_schools():
    """The register's open schools in our local authorities: what coverage is measured against."""
    return school_selectors.our_schools().filter(status__iexact="open")


@dataclass
class CoverageRow:
    label: str
    accredited: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.accredited / self.total) if self.total else 0


def coverage(as_of: date, by: str) -> list[CoverageRow]:
    """Accredited schools (a current award) against all our open schools, by "phase" or "district"."""
    if by not in ("phase", "district"):
        raise ValueError(by)
    accredited = Exists(current_awards(as_of).filter(school=OuterRef("pk")))
    rows = (
        our_open_schools()
        .annotate(is_accredited=accredited)
        .order_by()
        .values(by)
        .annotate(total=Count("id"), accredited=Count("id", filter=Q(is_accredited=True)))
        .order_by(by)
    )
    return [CoverageRow(r[by] or "Not recorded", r["accredited"], r["total"]) for r in rows]


def coverage_total(rows: list[CoverageRow]) -> CoverageRow:
    return CoverageRow("All our open schools", sum(r.accredited for r in rows), sum(r.total for r in rows))


@dataclass
class CriterionCount:
    number: int
    title: str
    times: int


def criteria_sent_back(limit: int = 8) -> tuple[list[CriterionCount], int]:
    """Criteria most often named in "further information" decisions, and how many such decisions."""
    lists = list(
        Decision.objects.filter(outcome=Decision.Outcome.FURTHER_INFORMATION).values_list("criteria_numbers", flat=True)
    )
    counts = Counter(int(n) for numbers in lists for n in (numbers or []))
    titles = {}
    current = CriteriaSet.objects.filter(is_current=True).first()
    if current is not None:
        titles = dict(current.criteria.values_list("number", "short_title"))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [CriterionCount(n, titles.get(n, f"Criterion {n}"), times) for n, times in ranked], len(lists)


@dataclass
class DecisionTime:
    median_days: float | None
    decisions: int


def median_days_to_decision() -> DecisionTime:
    """Days from the submission an agenda item was placed for to the meeting that decided it."""
    pairs = Decision.objects.values_list("agenda_item__submitted_at", "meeting__date")
    days = []
    for submitted_at, decided_on in pairs:
        if submitted_at is None:
            continue
        days.append((decided_on - timezone.localtime(submitted_at).date()).days)
    return DecisionTime(statistics.median(days) if days else None, len(days))


def dashboard(as_of: date) -> dict:
    """Every figure of the dashboard for `as_of`."""
    by_phase = coverage(as_of, "phase")
    by_district = coverage(as_of, "district")
    sent_back, further_information_decisions = criteria_sent_back()
    return {
        "as_of": as_of,
        "registrations_waiting": registrations_waiting(),
        "applications_by_state": applications_by_state(),
        "meetings": upcoming_meetings(as_of),
        "forecast": expiry_forecast(as_of),
        "coverage_by_phase": by_phase,
        "coverage_by_district": by_district,
        "coverage_total": coverage_total(by_phase),
        "criteria_sent_back": sent_back,
        "further_information_decisions": further_information_decisions,
        "decision_time": median_days_to_decision(),
    }


# How long the dashboard's figures are reused at most. Issue 20: the dashboard computes nothing
# per request that it can reuse. A cache with explicit invalidation: the key holds the newest
# audit entry's id and the newest change to any school's records (schools.versions, which sees
# unaudited changes too, such as a public registration waiting), so the next view after any change
# the figures count recomputes at once; the day is in the key too. Every figure is drawn from
# stored rows and the day, so the TTL is only a backstop (a change made outside the portal's code).
DASHBOARD_CACHE_SECONDS = 15 * 60
# How long the whole page is reused at most: the virus scanner's answer (asked live, not one of the
# figures) is drawn with the page, and "not answering" must not wait long to show. Drawing the page
# again reuses the figures above, so this costs two small reads, not the county's figures.
DASHBOARD_PAGE_SECONDS = 60


def dashboard_version(as_of: date) -> str:
    """The version of the figures for `as_of` (`insight.versions.county_version`): the figures'
    cache and the page's fragment caches are keyed on it, the page itself on the same version."""
    from .versions import county_version

    return f"dashboard:v2:{county_version(as_of)}"


def dashboard_cached(as_of: date, version: str | None = None) -> dict:
    """`dashboard(as_of)`, reused until an audited change or DASHBOARD_CACHE_SECONDS."""
    from django.core.cache import cache

    key = version or dashboard_version(as_of)
    data = cache.get(key)
    if data is None:
        data = dashboard(as_of)
        cache.set(key, data, DASHBOARD_CACHE_SECONDS)
    return data


# CSV exports ---------------------------------------------------------------------------------
# Each returns (file name, header, rows); rows is a generator over .iterator(), so a download of
# any size streams through accreditation.csv_export.csv_response without being built in memory.

CHUNK = 2000


def school_filter_values() -> tuple[list[str], list[str]]:
    """The phases and districts found in the register, for the filters' lists."""
    phases = School.objects.exclude(phase="").order_by("phase").values_list("phase", flat=True).distinct()
    districts = School.objects.exclude(district="").order_by("district").values_list("district", flat=True).distinct()
    return list(phases), list(districts)


def _school_filters(queryset, filters, prefix=""):
    if filters.get("phase"):
        queryset = queryset.filter(**{f"{prefix}phase": filters["phase"]})
    if filters.get("district"):
        queryset = queryset.filter(**{f"{prefix}district": filters["district"]})
    return queryset


def _date_filters(queryset, filters, field_name):
    if filters.get("date_from"):
        queryset = queryset.filter(**{f"{field_name}__gte": filters["date_from"]})
    if filters.get("date_to"):
        queryset = queryset.filter(**{f"{field_name}__lte": filters["date_to"]})
    return queryset


def _day(value):
    return value.isoformat() if value else ""


def _moment(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_schools(filters: dict, as_of: date):
    queryset = School.objects.all() if filters.get("scope") == "all" else our_open_schools()
    queryset = _school_filters(queryset, filters)
    award = current_awards(as_of).filter(school=OuterRef("pk"))
    queryset = queryset.annotate(
        award_expires=Subquery(award.values("expires_on")[:1]), award_on=Subquery(award.values("awarded_on")[:1])
    )
    if filters.get("accredited") == "yes":
        queryset = queryset.filter(award_expires__isnull=False)
    elif filters.get("accredited") == "no":
        queryset = queryset.filter(award_expires__isnull=True)
    queryset = _date_filters(queryset, filters, "award_expires")
    header = [
        "URN",
        "School",
        "LA code",
        "Phase",
        "District",
        "Town",
        "Status",
        "Eligibility",
        "Accredited on",
        "Award expires",
    ]
    values = queryset.order_by("name", "urn").values_list(
        "urn", "name", "la_code", "phase", "district", "town", "status", "eligibility", "award_on", "award_expires"
    )
    eligibility = dict(School.Eligibility.choices)

    def rows():
        for urn, name, la, phase, district, town, status, elig, on, expires in values.iterator(chunk_size=CHUNK):
            yield [urn, name, la, phase, district, town, status, eligibility.get(elig, elig), _day(on), _day(expires)]

    return "schools.csv", header, rows()


def export_applications(filters: dict, as_of: date):
    queryset = _school_filters(Application.objects.all(), filters, "school__")
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    queryset = _date_filters(queryset, filters, "created_at__date")
    header = [
        "Application", "URN", "School", "Phase", "District", "Kind", "State", "Paper portfolio", "Started",
        "First submitted", "Last submitted", "Meeting", "Decided on", "Withdrawn",
    ]  # fmt: skip
    values = queryset.order_by("created_at", "pk").values_list(
        "pk", "school__urn", "school__name", "school__phase", "school__district", "kind", "state", "is_hard_copy",
        "created_at", "first_submitted_at", "submitted_at", "meeting_date", "decided_on", "withdrawn_at",
    )  # fmt: skip
    kinds, states = dict(Application.Kind.choices), dict(Application.State.choices)

    def rows():
        for row in values.iterator(chunk_size=CHUNK):
            pk, urn, name, phase, district, kind, state, paper, created, first, last, meeting, decided, withdrawn = row
            yield [
                pk, urn, name, phase, district, kinds.get(kind, kind), states.get(state, state),
                "yes" if paper else "no",
                _moment(created), _moment(first), _moment(last), _day(meeting), _day(decided), _moment(withdrawn),
            ]  # fmt: skip

    return "applications.csv", header, rows()


def export_decisions(filters: dict, as_of: date):
    queryset = _school_filters(Decision.objects.all(), filters, "application__school__")
    if filters.get("outcome"):
        queryset = queryset.filter(outcome=filters["outcome"])
    queryset = _date_filters(queryset, filters, "meeting__date")
    header = [
        "Decision", "Application", "URN", "School", "Phase", "District", "Meeting", "Outcome",
        "Criteria sent back", "Information due", "Recorded", "Feedback released",
    ]  # fmt: skip
    values = queryset.order_by("meeting__date", "pk").values_list(
        "pk", "application_id", "application__school__urn", "application__school__name", "application__school__phase",
        "application__school__district", "meeting__date", "outcome", "criteria_numbers", "information_due_on",
        "recorded_at", "released_at",
    )  # fmt: skip
    outcomes = dict(Decision.Outcome.choices)

    def rows():
        for pk, app, urn, name, phase, district, meeting, outcome, numbers, due, recorded, released in values.iterator(
            chunk_size=CHUNK
        ):
            criteria = " ".join(str(n) for n in sorted(numbers or []))
            yield [
                pk, app, urn, name, phase, district, _day(meeting), outcomes.get(outcome, outcome), criteria,
                _day(due), _moment(recorded), _moment(released),
            ]  # fmt: skip

    return "decisions.csv", header, rows()


def export_awards(filters: dict, as_of: date):
    queryset = _school_filters(Award.objects.all(), filters, "school__")
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    queryset = _date_filters(queryset, filters, "expires_on")
    header = ["Award", "URN", "School", "Phase", "District", "Awarded on", "Expires on", "Status", "Current today"]
    values = queryset.order_by("expires_on", "pk").values_list(
        "pk", "school__urn", "school__name", "school__phase", "school__district", "awarded_on", "expires_on", "status"
    )
    statuses = dict(Award.Status.choices)

    def rows():
        for pk, urn, name, phase, district, awarded, expires, status in values.iterator(chunk_size=CHUNK):
            current = status == Award.Status.CURRENT and awarded <= as_of < expires
            yield [pk, urn, name, phase, district, _day(awarded), _day(expires), statuses.get(status, status),
                   "yes" if current else "no"]  # fmt: skip

    return "awards.csv", header, rows()


EXPORTS = {
    "schools": export_schools,
    "applications": export_applications,
    "decisions": export_decisions,
    "awards": export_awards,
}
