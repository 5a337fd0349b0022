"""Reads with rules for termly returns: a school's own returns, late returns, and the authority's trends.

A school user reaches only its own school's returns (another school's answers 404). Every figure
shown beyond the school goes through `returns.suppress` / `suppress_row`, here, once.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Sum
from django.http import Http404

from accreditation.permissions import is_hw_admin
from schools.models import IncidentReturn, IncidentType, Membership, ReturnCount, ReturnVersion, School, Term
from schools.selectors import school_for_user

from .rules import (
    OUTCOME_LABELS,
    OUTCOMES,
    YEAR_GROUPS,
    YEAR_LABELS,
    suppress,
    suppress_row,
    year_groups_for_phase,
)

TREND_TERMS = 6


def active_incident_types():
    return IncidentType.objects.filter(is_active=True)


def types_for_form(current: ReturnVersion | None = None):
    """Types in use, plus any out-of-use type the version being corrected counted."""
    types = list(active_incident_types())
    if current is not None:
        used = {c.key for c in current.counts.all() if c.dimension == ReturnCount.Dimension.TYPE and c.count}
        known = {t.slug for t in types}
        types += list(IncidentType.objects.filter(slug__in=used - known))
    return types


def year_groups_for(school, current: ReturnVersion | None = None):
    """The school's phase decides its year groups; a corrected version keeps the ones it used."""
    groups = year_groups_for_phase(school.phase)
    if current is not None:
        codes = {code for code, _ in groups}
        extra = [c.key for c in current.counts.all() if c.dimension == ReturnCount.Dimension.YEAR and c.count]
        groups = [(code, label) for code, label in YEAR_GROUPS if code in codes or code in extra]
    return groups


def _versions_prefetch():
    return Prefetch(
        "versions",
        queryset=ReturnVersion.objects.select_related("submitted_by").prefetch_related("counts"),
    )


def returns_for_school(school):
    return (
        IncidentReturn.objects.filter(school=school)
        .select_related("term", "school")
        .prefetch_related(_versions_prefetch())
        .order_by("-term__starts_on")
    )


def return_for_viewer(user, pk) -> IncidentReturn:
    """A return the person may see: their own school's, or any for the H&W team. Else 404."""
    returns = IncidentReturn.objects.select_related("term", "school").prefetch_related(_versions_prefetch())
    if not is_hw_admin(user):
        school = school_for_user(user)
        if school is None:
            raise Http404("No such return")
        returns = returns.filter(school=school)
    found = returns.filter(pk=pk).first()
    if found is None:
        raise Http404("No such return")
    return found


def current_version(incident_return) -> ReturnVersion:
    return next(v for v in incident_return.versions.all() if v.is_current)


def term_for_return(pk) -> Term:
    term = Term.objects.filter(pk=pk).first()
    if term is None:
        raise Http404("No such term")
    return term


def terms_for_school(school, today):
    """Terms whose return is open (newest first) with the school's return if made, and the next term."""
    returns = {r.term_id: r for r in returns_for_school(school)}
    opened = list(Term.objects.filter(opens_on__lte=today).order_by("-starts_on"))
    upcoming = Term.objects.filter(opens_on__gt=today).order_by("opens_on").first()
    rows = [{"term": term, "return": returns.get(term.pk), "is_open": True} for term in opened]
    if upcoming is not None:
        rows.insert(0, {"term": upcoming, "return": None, "is_open": False})
    return rows


# ----------------------------------------------------------------------------- who should return


def expected_schools(term):
    """Schools expected to make the term's return: those with an active team by the time it opened."""
    members = Membership.objects.filter(
        school=OuterRef("pk"), is_active=True, user__is_active=True, created_at__date__lte=term.opens_on
    )
    return School.objects.filter(Exists(members))


def missing_returns(term):
    """Expected schools that have not returned for the term, by name."""
    returned = IncidentReturn.objects.filter(school=OuterRef("pk"), term=term)
    return expected_schools(term).exclude(Exists(returned)).order_by("name")


def late_returns(today, *, terms=4):
    """The most recent `terms` terms past their due date, each with the schools still to return."""
    overdue = Term.objects.filter(due_on__lt=today).order_by("-due_on")[:terms]
    return [{"term": term, "schools": list(missing_returns(term))} for term in overdue]


def recipients_for_school(school) -> list[str]:
    return list(
        Membership.objects.filter(school=school, is_active=True, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


# ----------------------------------------------------------------------------- trends


@dataclass
class Trend:
    """Rows of a trend table: a label and one value per term (suppressed unless `exact`)."""

    title: str
    terms: list
    rows: list = field(default_factory=list)  # [(label, [value per term])]
    total: list = field(default_factory=list)  # [value per term]
    returns_received: list = field(default_factory=list)
    first_column: str = ""


TREND_DIMENSIONS = {
    "type": "Type of bullying",
    "phase": "Phase",
    "district": "District",
    "school": "School",
}
MEASURES = {"bullying": "Bullying incidents", "racist": "Racist incidents"}


def trend_terms(today, count=TREND_TERMS):
    """The last `count` terms whose returns have opened, oldest first."""
    return list(reversed(Term.objects.filter(opens_on__lte=today).order_by("-starts_on")[:count]))


def trend_filters():
    """Phases and districts of schools that have made a return, for the filter menus."""
    schools = School.objects.filter(incident_returns__isnull=False).distinct()
    phases = sorted({p for p in schools.values_list("phase", flat=True) if p})
    districts = sorted({d for d in schools.values_list("district", flat=True) if d})
    return phases, districts


def _current(terms, phase="", district=""):
    versions = ReturnVersion.objects.filter(is_current=True, incident_return__term__in=terms)
    if phase:
        versions = versions.filter(incident_return__school__phase=phase)
    if district:
        versions = versions.filter(incident_return__school__district=district)
    return versions


def _suppress_columns(matrix, totals):
    """Suppress each term's column against its total (rows add up to it), then put rows back."""
    if not matrix:
        return []
    columns = [suppress_row([row[i] for row in matrix], totals[i]) for i in range(len(totals))]
    return [[columns[i][r] for i in range(len(totals))] for r in range(len(matrix))]


def authority_trend(*, terms, by="type", measure="bullying", phase="", district="") -> Trend:
    """The authority's trend across `terms`, suppressed: counts under 5 show as "<5".

    by: type (incidents of each type), phase, district or school (the measure's total per group).
    """
    versions = _current(terms, phase, district)
    term_index = {term.pk: i for i, term in enumerate(terms)}
    column = "total_incidents" if measure == "bullying" else "racist_incidents"
    totals = [0] * len(terms)
    received = [0] * len(terms)
    measure_column = "total_incidents" if by == "type" else column
    for row in versions.values("incident_return__term").annotate(total=Sum(measure_column), n=Count("id")):
        i = term_index[row["incident_return__term"]]
        totals[i], received[i] = row["total"], row["n"]

    groups: dict[str, list[int | None]] = defaultdict(lambda: [None] * len(terms))
    if by == "type":
        names = {t.slug: t.name for t in IncidentType.objects.all()}
        counts = (
            ReturnCount.objects.filter(version__in=versions, dimension=ReturnCount.Dimension.TYPE)
            .values("version__incident_return__term", "key")
            .annotate(n=Sum("count"))
        )
        for row in counts:
            groups[names.get(row["key"], row["key"])][term_index[row["version__incident_return__term"]]] = row["n"]
        order = [t.name for t in IncidentType.objects.all() if t.name in groups]
    else:
        key = {"phase": "incident_return__school__phase", "district": "incident_return__school__district"}.get(
            by, "incident_return__school__name"
        )
        for row in versions.values("incident_return__term", key).annotate(n=Sum(column)):
            label = row[key] or "Not recorded"
            groups[label][term_index[row["incident_return__term"]]] = row["n"]
        order = sorted(groups)
    # A group with no return for a term stays None: it shows a dash and takes no part in suppression.
    shown = _suppress_columns([groups[label] for label in order], totals)
    rows = list(zip(order, shown, strict=True))
    measure_words = "Bullying incidents by type" if by == "type" else f"{MEASURES[measure]} by {by}"
    return Trend(
        title=measure_words,
        terms=terms,
        rows=rows,
        total=[suppress(t) if received[i] else None for i, t in enumerate(totals)],
        returns_received=received,
        first_column=TREND_DIMENSIONS[by],
    )


def school_trend(school, *, terms=None, exact=True, count=TREND_TERMS) -> Trend:
    """One school's returns across its last `count` terms: total, racist, and each type.

    `exact` only for the school's own people; anyone else sees counts under 5 as "<5".
    """
    returns = list(returns_for_school(school)[:count])[::-1] if terms is None else None
    if terms is None:
        terms = [r.term for r in returns]
    else:
        by_term = {r.term_id: r for r in returns_for_school(school).filter(term__in=terms)}
        returns = [by_term.get(t.pk) for t in terms]
    versions = [current_version(r) if r else None for r in returns]
    show = (lambda n: n) if exact else suppress
    types = IncidentType.objects.all()
    rows = []
    per_type = [v.counts_for(ReturnCount.Dimension.TYPE) if v else {} for v in versions]
    for incident_type in types:
        values = [c.get(incident_type.slug) for c in per_type]
        if any(values) or incident_type.is_active:
            rows.append([incident_type.name, values])
    totals = [v.total_incidents if v else None for v in versions]
    if exact:
        shown_rows = [(label, values) for label, values in rows]
    else:
        matrix = _suppress_columns([[v or 0 for v in values] for _, values in rows], [t or 0 for t in totals])
        shown_rows = [
            (label, [cell if versions[i] else None for i, cell in enumerate(matrix[n])])
            for n, (label, _) in enumerate(rows)
        ]
    trend = Trend(
        title=f"Bullying incidents by type at {school.name}",
        terms=terms,
        rows=shown_rows,
        total=[show(t) if t is not None else None for t in totals],
        first_column="Type of bullying",
    )
    trend.racist = [show(v.racist_incidents) if v else None for v in versions]
    trend.outcomes = [
        (label, [show(v.counts_for(ReturnCount.Dimension.OUTCOME).get(code, 0)) if v else None for v in versions])
        for code, label in OUTCOMES
    ]
    return trend


def shown_figures(version, *, exact: bool):
    """A version's figures for a page: exact for the school, suppressed for anyone else."""
    show = (lambda n: n) if exact else suppress
    names = {t.slug: t.name for t in IncidentType.objects.all()}

    def breakdown(dimension, labels):
        counts = [(labels.get(c.key, c.key), c.count) for c in version.counts.all() if c.dimension == dimension]
        values = [n for _, n in counts] if exact else suppress_row([n for _, n in counts], version.total_incidents)
        return [(label, value) for (label, _), value in zip(counts, values, strict=True)]

    return {
        "total": show(version.total_incidents),
        "racist": show(version.racist_incidents),
        "types": breakdown(ReturnCount.Dimension.TYPE, names),
        "years": breakdown(ReturnCount.Dimension.YEAR, YEAR_LABELS),
        "outcomes": breakdown(ReturnCount.Dimension.OUTCOME, OUTCOME_LABELS),
        "suppressed": not exact,
    }
