"""Survey reads: a school's windows (the school is always passed in), a window's results, the
county's figures. Every count leaves here already suppressed (figures.Cell); written answers only
through `written_answers`, which views call for the school's lead alone."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import figures
from .figures import Cell, suppress_groups
from .models import PUPIL_AUDIENCES, Audience, Question, Questionnaire, SurveyAnswer, SurveyResponse, SurveyWindow

HEADLINE_KEY = "bullied_12_months"
BREAKDOWN_KEYS = ("year_group", "gender", "send", "fsm")
NOT_ANSWERED = "not_answered"


# ----------------------------------------------------------------------------- windows


def windows_for_school(school):
    return (
        SurveyWindow.objects.filter(school=school)
        .select_related("questionnaire")
        .annotate(response_count=Count("responses"))
    )


def window_for_school(school, pk) -> SurveyWindow:
    """The school's own window; another school's is a 404."""
    return get_object_or_404(SurveyWindow.objects.select_related("questionnaire", "school"), pk=pk, school=school)


def window_for_admin(pk) -> SurveyWindow:
    return get_object_or_404(SurveyWindow.objects.select_related("questionnaire", "school"), pk=pk)


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def window_by_code(code: str) -> SurveyWindow | None:
    code = normalise_code(code)
    if len(code) != 8:
        return None
    return SurveyWindow.objects.select_related("questionnaire", "school").filter(code=code).first()


def window_state(window, today=None) -> str:
    """ "upcoming", "open" or "closed" today (SurveyWindow.state_on decides)."""
    return window.state_on(today or timezone.localdate())


def current_questionnaires():
    return Questionnaire.objects.filter(is_current=True).order_by("audience")


def questions_for(window):
    return list(window.questionnaire.questions.all())


def previous_window(window) -> SurveyWindow | None:
    """The school's last window for the same audience that closed before this one opened: the
    "before" of a before-and-after comparison."""
    return (
        SurveyWindow.objects.filter(
            school_id=window.school_id,
            questionnaire__audience=window.questionnaire.audience,
            closes_on__lt=window.opens_on,
        )
        .order_by("-closes_on", "-id")
        .first()
    )


# ----------------------------------------------------------------------------- counting


def _tally(responses, key):
    """(respondents who answered `key`, {value: respondents who chose it}) over a response queryset."""
    answers = SurveyAnswer.objects.filter(response__in=responses, question__key=key).exclude(value="")
    base = answers.values("response").distinct().count()
    counts = dict(answers.values_list("value").annotate(n=Count("response", distinct=True)).order_by())
    return base, counts


def _headline_by(responses, group_key, labels):
    """Per answer to `group_key` (and "not answered"): respondents who answered the headline
    question, and how many said yes; both suppressed together by group size."""
    headline = SurveyAnswer.objects.filter(response__in=responses, question__key=HEADLINE_KEY).exclude(value="")
    group_of = dict(
        SurveyAnswer.objects.filter(response__in=responses, question__key=group_key).values_list("response", "value")
    )
    totals, yes = {}, {}
    for response_id, value in headline.values_list("response", "value"):
        group = group_of.get(response_id, NOT_ANSWERED)
        totals[group] = totals.get(group, 0) + 1
        yes[group] = yes.get(group, 0) + (value == "yes")
    order = [value for value, _ in labels] + [NOT_ANSWERED]
    label_of = {**dict(labels), NOT_ANSWERED: "Not answered"}
    groups = [(g, totals.get(g, 0)) for g in order if totals.get(g, 0) or g in dict(labels)]
    rows = []
    for group, shown in suppress_groups(groups):
        n = totals.get(group, 0)
        pct = figures.percent(yes.get(group, 0), n) if shown.shown and n else None
        rows.append(BreakdownRow(label=label_of.get(group, group), respondents=shown, percent_yes=pct))
    return rows


@dataclass
class OptionRow:
    value: str
    label: str
    count: Cell
    percent: float | None
    previous_percent: float | None = None
    county_percent: float | None = None


@dataclass
class QuestionResult:
    question: Question
    base: Cell
    rows: list = field(default_factory=list)
    previous_base: Cell | None = None
    county_base: Cell | None = None
    chart: str = ""  # set by charts.attach for pages and PDFs

    @property
    def shown(self):
        return self.base.shown and self.base.n > 0


@dataclass
class BreakdownRow:
    label: str
    respondents: Cell
    percent_yes: float | None


@dataclass
class Breakdown:
    question: Question
    rows: list


@dataclass
class Results:
    window: SurveyWindow
    total: Cell
    raw_total: int
    by_year: list
    questions: list
    breakdowns: list
    previous: SurveyWindow | None
    county_year: str


def _county_responses(audience, academic_year):
    _, start, end = figures.academic_year_bounds(academic_year)
    return SurveyResponse.objects.filter(
        window__questionnaire__audience=audience, submitted_on__gte=start, submitted_on__lte=end
    )


def window_results(window) -> Results:
    """Everything the results page, the snapshot PDF and the CSV show, suppressed. With fewer than
    10 responses in all, nothing but that fact."""
    responses = SurveyResponse.objects.filter(window=window)
    raw_total = responses.count()
    total = figures.cell(raw_total)
    previous = previous_window(window)
    county_year = figures.academic_year_of(window.opens_on)
    questions = questions_for(window)
    results = Results(window, total, raw_total, [], [], [], previous, county_year)
    if not total.shown or raw_total == 0:
        return results
    year_question = next((q for q in questions if q.key == "year_group"), None)
    if year_question is not None:
        _, year_counts = _tally(responses, "year_group")
        years = [(v, label) for v, label in year_question.options if not window.year_groups or v in window.year_groups]
        years += [(v, year_question.option_labels[v]) for v in year_counts if v not in dict(years)]
        results.by_year = [(label, c) for (v, label), (_, c) in zip(years, suppress_groups(
            [(v, year_counts.get(v, 0)) for v, _ in years]), strict=True)]  # fmt: skip
    previous_responses = SurveyResponse.objects.filter(window=previous) if previous else None
    county = _county_responses(window.questionnaire.audience, county_year)
    for question in questions:
        if question.kind == Question.Kind.TEXT:
            continue
        base, counts = _tally(responses, question.key)
        result = QuestionResult(question=question, base=figures.cell(base))
        if previous_responses is not None:
            previous_base, previous_counts = _tally(previous_responses, question.key)
            result.previous_base = figures.cell(previous_base)
        county_base, county_counts = _tally(county, question.key)
        result.county_base = figures.cell(county_base)
        if result.shown:
            for value, label in question.options:
                n = counts.get(value, 0)
                row = OptionRow(value, label, Cell(n), figures.percent(n, base))
                if previous_responses is not None:
                    row.previous_percent = figures.percent(previous_counts.get(value, 0), previous_base)
                row.county_percent = figures.percent(county_counts.get(value, 0), county_base)
                result.rows.append(row)
        results.questions.append(result)
    if any(q.key == HEADLINE_KEY for q in questions):
        for question in questions:
            if question.key in BREAKDOWN_KEYS:
                options = question.options
                if question.key == "year_group" and window.year_groups:
                    options = [(v, label) for v, label in options if v in window.year_groups]
                results.breakdowns.append(Breakdown(question, _headline_by(responses, question.key, options)))
    return results


def written_answers(window) -> list[str]:
    """The written answers of a window, for its school's lead only (views check). Sorted by text,
    so their order says nothing about who sat where or when."""
    return sorted(
        SurveyAnswer.objects.filter(response__window=window, question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .values_list("text", flat=True)
    )


# ----------------------------------------------------------------------------- county


def academic_years_with_responses() -> list[str]:
    days = SurveyResponse.objects.dates("submitted_on", "month")
    return sorted({figures.academic_year_of(day) for day in days}, reverse=True)


@dataclass(frozen=True)
class Indicator:
    """The LI2-style figure for one academic year: pupils who answered, how many said yes."""

    academic_year: str
    respondents: int
    said_yes: int

    @property
    def suppressed(self) -> bool:
        return self.respondents < figures.THRESHOLD

    @property
    def percent(self) -> float | None:
        return figures.percent(self.said_yes, self.respondents)


def county_bullied_last_twelve_months(year) -> Indicator:
    """Percentage of pupils (primary and secondary surveys, every school) who said they were bullied
    in the last twelve months, among those who answered the question, for the academic year `year`
    (2026, "2026-27"), by the day each response was sent. `percent` is None under 10 respondents.
    A stable name: the strategy indicators read it."""
    academic_year, start, end = figures.academic_year_bounds(year)
    answers = SurveyAnswer.objects.filter(
        question__key=HEADLINE_KEY,
        question__questionnaire__audience__in=PUPIL_AUDIENCES,
        response__submitted_on__gte=start,
        response__submitted_on__lte=end,
    ).exclude(value="")
    return Indicator(academic_year, answers.count(), answers.filter(value="yes").count())


def county_responses(*, audience, academic_year, phase="", district=""):
    responses = _county_responses(audience, academic_year)
    if phase:
        responses = responses.filter(window__school__phase__iexact=phase)
    if district:
        responses = responses.filter(window__school__district__iexact=district)
    return responses


def county_question_results(*, audience, academic_year, phase="", district="") -> tuple[Cell, list]:
    """Each question of the audience's current questionnaire, summed over every school's responses
    that match (same key across versions), suppressed like a window's results."""
    responses = county_responses(audience=audience, academic_year=academic_year, phase=phase, district=district)
    total = figures.cell(responses.count())
    questionnaire = Questionnaire.objects.filter(audience=audience, is_current=True).first()
    results = []
    if questionnaire is None or not total.shown:
        return total, results
    for question in questionnaire.questions.exclude(kind=Question.Kind.TEXT):
        base, counts = _tally(responses, question.key)
        result = QuestionResult(question=question, base=figures.cell(base))
        if result.shown:
            result.rows = [
                OptionRow(v, label, Cell(counts.get(v, 0)), figures.percent(counts.get(v, 0), base))
                for v, label in question.options
            ]
        results.append(result)
    return total, results


def county_headline_by(*, audience, academic_year, by) -> list[BreakdownRow]:
    """The headline (bullied in the last twelve months) per school district or phase: `by` is
    "district" or "phase". Blank district or phase is shown as "Not recorded"."""
    column = {"district": "response__window__school__district", "phase": "response__window__school__phase"}[by]
    answers = SurveyAnswer.objects.filter(
        question__key=HEADLINE_KEY, response__in=_county_responses(audience, academic_year)
    ).exclude(value="")
    totals = dict(answers.values_list(column).annotate(n=Count("id")).order_by())
    yes = dict(answers.filter(value="yes").values_list(column).annotate(n=Count("id")).order_by())
    rows = []
    for name, shown in suppress_groups(sorted(totals.items(), key=lambda kv: (kv[0] or "~").lower())):
        pct = figures.percent(yes.get(name, 0), totals[name]) if shown.shown else None
        rows.append(BreakdownRow(label=name or "Not recorded", respondents=shown, percent_yes=pct))
    return rows


def county_filter_choices() -> dict:
    from schools.models import School

    schools = School.objects.filter(survey_windows__isnull=False).distinct()
    return {
        "audiences": Audience.choices,
        "years": academic_years_with_responses() or [figures.academic_year_of(timezone.localdate())],
        "phases": sorted({p for p in schools.values_list("phase", flat=True) if p}),
        "districts": sorted({d for d in schools.values_list("district", flat=True) if d}),
    }


def all_questionnaires():
    return Questionnaire.objects.annotate(window_count=Count("windows")).prefetch_related("questions")
