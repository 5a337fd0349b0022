"""The board report's sections, each computed from the owners' selectors into plain data (kept in
the report's row, so the record never changes when the data does).

A section is {"key", "title", "summary": [text], "tables": [{"key", "caption", "header", "rows",
"note"}], "chart": {...} or absent}. Cells are text or numbers as they are to be shown (incident
counts already suppressed); "No data" is written as such, never as 0.
"""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from insight.indicators import returns_data
from insight.indicators import selectors as indicator_selectors
from insight.indicators.sources import Period, our_open_schools
from insight.templatetags.insight_figures import figure
from portfolios.models import Application
from portfolios.training import selectors as training_selectors
from portfolios.training.models import Course
from schools.commitments import selectors as commitment_selectors
from schools.commitments.registry import COMMITMENTS
from schools.models import Term
from validation.models import Award, Decision


def _table(key, caption, header, rows, note=""):
    return {"key": key, "caption": caption, "header": header, "rows": rows, "note": note}


def indicators_section(start: date, end: date, today: date) -> dict:
    first, last = Period.containing(start).year, Period.containing(end).year
    as_of = min(end, today)
    rows = []
    for indicator in indicator_selectors.indicators():
        figures = indicator_selectors.figures_for(indicator, as_of, first=first, last=last)
        for row in figures.rows:
            met = "–" if row.met is None else ("Met" if row.met else "Not met")
            rows.append(
                [
                    indicator.name,
                    row.period.label,
                    figure(indicator.baseline_value, indicator.unit) if indicator.baseline_value is not None else "–",
                    figure(row.actual, indicator.unit),
                    figure(row.target, indicator.unit) if row.target is not None else "–",
                    met,
                ]
            )
    header = ["Indicator", "Year", "Baseline", "Actual", "Target", "Target met?"]
    note = "" if rows else "No indicators are defined yet."
    return {
        "key": "indicators",
        "title": "Headline indicators against targets",
        "summary": [],
        "tables": [_table("indicators", "Indicators by academic year", header, rows, note)],
    }


def pipeline_section(start: date, end: date, today: date) -> dict:
    started = Application.objects.filter(created_at__date__range=(start, end)).count()
    submitted = Application.objects.filter(first_submitted_at__date__range=(start, end)).count()
    outcomes = dict(
        Decision.objects.filter(meeting__date__range=(start, end))
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    awarded = Award.objects.filter(awarded_on__range=(start, end)).count()
    expired = Award.objects.filter(expires_on__range=(start, end)).count()
    rows = [
        ["Applications started", started],
        ["Applications submitted for the first time", submitted],
        *[[f"Decisions: {label.lower()}", outcomes.get(value, 0)] for value, label in Decision.Outcome.choices],
        ["Awards made", awarded],
        ["Awards reaching their expiry date", expired],
    ]
    as_of = min(end, today)
    held = Award.objects.filter(school=OuterRef("pk"), awarded_on__lte=as_of, expires_on__gt=as_of)
    by_district = (
        our_open_schools()
        .annotate(is_accredited=Exists(held))
        .order_by()
        .values("district")
        .annotate(total=Count("id"), with_award=Count("id", filter=Q(is_accredited=True)))
        .order_by("district")
    )
    coverage = []
    total = accredited = 0
    for row in by_district:
        total += row["total"]
        accredited += row["with_award"]
        percent = f"{round(100 * row['with_award'] / row['total'])}%" if row["total"] else "No data"
        coverage.append([row["district"] or "Not recorded", row["with_award"], row["total"], percent])
    if total:
        coverage.append(["All our open schools", accredited, total, f"{round(100 * accredited / total)}%"])
    return {
        "key": "pipeline",
        "title": "Accreditation pipeline and coverage",
        "summary": [f"Coverage is measured on {as_of:%-d %B %Y} against our open schools."],
        "tables": [
            _table("pipeline", "Accreditation in the period", ["Measure", "Number"], rows),
            _table(
                "coverage",
                "Accredited schools by district",
                ["District", "Accredited", "Open schools", "Share"],
                coverage,
                "" if coverage else "No open schools are recorded.",
            ),
        ],
        "chart": {"table": "coverage", "label": 0, "value": 1, "out_of": 2, "title": "Accredited schools by district"},
    }


def _shown(value):
    return "–" if value is None else value


def incidents_section(start: date, end: date, today: date) -> dict:
    terms = list(
        Term.objects.filter(starts_on__gte=start, starts_on__lte=end, opens_on__lte=today).order_by("starts_on")
    )
    tables = []
    if terms:
        for key, trend in (
            ("incidents_by_type", returns_data.authority_trend(terms=terms, by="type")),
            ("racist_by_district", returns_data.authority_trend(terms=terms, by="district", measure="racist")),
        ):
            header = [trend.first_column, *[t.short_label for t in terms]]
            rows = [[label, *[_shown(v) for v in values]] for label, values in trend.rows]
            rows.append(["Total", *[_shown(v) for v in trend.total]])
            rows.append(["Returns received", *trend.returns_received])
            tables.append(_table(key, trend.title, header, rows))
    note = "Counts under 5 are shown as “<5”, with a second count hidden where the first could be worked out."
    return {
        "key": "incidents",
        "title": "Bullying and racist incidents",
        "summary": [note if terms else "No termly returns fall in this period."],
        "tables": tables,
    }


def training_section(start: date, end: date, today: date) -> dict:
    reach = training_selectors.training_reach(start, end)
    rows = [
        ["Courses run", reach["courses"]],
        ["Places offered", reach["places"]],
        ["Attendances", reach["attendances"]],
        ["Schools reached", reach["schools"]],
        ["Sessions run in school by trained trainers", reach["cascade_sessions"]],
        ["Staff trained in those sessions", reach["cascade_headcount"]],
    ]
    courses = [
        [
            c.title,
            c.runs_on.strftime("%-d %b %Y"),
            "Yes" if c.is_training_the_trainers else "No",
            c.capacity,
            c.attended,
        ]
        for c in Course.objects.filter(runs_on__range=(start, end))
        .annotate(attended=Count("attendances"))
        .order_by("runs_on")
    ]
    return {
        "key": "training",
        "title": "Training reach",
        "summary": [],
        "tables": [
            _table("training", "Training in the period", ["Measure", "Number"], rows),
            _table(
                "courses",
                "Courses run",
                ["Course", "Date", "Training the Trainers", "Places", "Attended"],
                courses,
                "" if courses else "No courses ran in this period.",
            ),
        ],
    }


def commitments_section(start: date, end: date, today: date) -> dict:
    as_of = min(end, today)
    schools = our_open_schools()
    total = schools.count()
    rows = []
    for commitment in COMMITMENTS.values():
        n = schools.filter(pk__in=commitment_selectors.school_ids_with(commitment.key, as_of)).count()
        rows.append([commitment.label, n, total, f"{round(100 * n / total)}%" if total else "No data"])
    confirmed = schools.filter(pk__in=commitment_selectors.statements_in_force(as_of).values("school_id")).count()
    return {
        "key": "commitments",
        "title": "Schools' commitments",
        "summary": [
            f"{confirmed} of {total} open schools had confirmed their commitments "
            f"in the 12 months to {as_of:%-d %B %Y}."
        ],
        "tables": [
            _table(
                "commitments", "Schools with each commitment", ["Commitment", "Schools", "Open schools", "Share"], rows
            )
        ],
    }


SECTIONS = [
    ("indicators", "Headline indicators", indicators_section),
    ("pipeline", "Accreditation pipeline and coverage", pipeline_section),
    ("incidents", "Incident trends", incidents_section),
    ("training", "Training reach", training_section),
    ("commitments", "Commitments", commitments_section),
]
SECTION_TITLES = {key: title for key, title, _ in SECTIONS}
