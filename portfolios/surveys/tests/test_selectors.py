"""Survey figures: suppression (small groups and the complement), comparisons, county figures."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from portfolios.surveys import figures, selectors
from portfolios.surveys.figures import COMPLEMENT, SMALL, Cell
from portfolios.surveys.models import SurveyAnswer
from schools.tests.factories import LeadFactory

from .factories import answer, answer_on, open_window, past_window


def test_small_groups_are_hidden_and_a_lone_one_takes_the_next_smallest_with_it():
    shown = dict(figures.suppress_groups([("Y5", 17), ("Y6", 8)]))
    assert shown == {"Y5": Cell(None, COMPLEMENT), "Y6": Cell(None, SMALL)}
    assert shown["Y6"].label == "fewer than 10" and shown["Y5"].label == "not shown"
    shown = dict(figures.suppress_groups([("a", 30), ("b", 12), ("c", 3), ("d", 0)]))
    assert shown == {"a": Cell(30), "b": Cell(None, COMPLEMENT), "c": Cell(None, SMALL), "d": Cell(0)}
    shown = dict(figures.suppress_groups([("a", 30), ("b", 2), ("c", 3)]))  # two hidden already
    assert shown == {"a": Cell(30), "b": Cell(None, SMALL), "c": Cell(None, SMALL)}
    assert dict(figures.suppress_groups([("a", 10), ("b", 0)])) == {"a": Cell(10), "b": Cell(0)}


def test_percent_needs_ten_and_academic_years_parse():
    assert figures.percent(3, 9) is None and figures.percent(3, 10) == 30.0
    assert figures.academic_year_bounds("2026-27") == ("2026-27", date(2026, 9, 1), date(2027, 8, 31))
    assert figures.academic_year_bounds(2027)[0] == "2027-28"
    assert figures.academic_year_bounds("2099/2100")[0] == "2099-00"
    with pytest.raises(ValueError):
        figures.academic_year_bounds("2026-29")
    assert figures.academic_year_of(date(2028, 2, 29)) == "2027-28"
    assert figures.academic_year_of(date(2027, 8, 31)) == "2026-27"


@pytest.mark.django_db
def test_window_results_suppress_the_small_year_group_everywhere():
    window = open_window(LeadFactory())
    for i in range(17):
        answer(window, year_group="Y5", bullied_12_months="yes" if i < 5 else "no", gender="girl" if i % 2 else "boy")
    for _ in range(8):
        answer(window, year_group="Y6", bullied_12_months="yes", gender="prefer_not_to_say")
    results = selectors.window_results(window)
    assert results.total == Cell(25)
    assert [(label, c.label) for label, c in results.by_year] == [("Year 5", "not shown"), ("Year 6", "fewer than 10")]
    headline = next(q for q in results.questions if q.question.key == "bullied_12_months")
    assert headline.base == Cell(25)
    yes = next(r for r in headline.rows if r.value == "yes")
    assert (yes.count.n, yes.percent) == (13, 52.0)
    assert yes.county_percent == 52.0  # the only school: the county is this school
    # A question only a few answered is hidden whole.
    where = next(q for q in results.questions if q.question.key == "where")
    assert not where.shown and where.rows == []
    by_year = next(b for b in results.breakdowns if b.question.key == "year_group")
    assert [(r.label, r.respondents.label, r.percent_yes) for r in by_year.rows] == [
        ("Year 5", "not shown", None), ("Year 6", "fewer than 10", None)]  # fmt: skip
    by_gender = {r.label: (r.respondents.label, r.percent_yes) for r in next(
        b for b in results.breakdowns if b.question.key == "gender").rows}  # fmt: skip
    # Boys 9, girls 8, "rather not say" 8: all small; "other" 0 holds nobody's answers.
    small = ("fewer than 10", None)
    assert by_gender == {"Boy": small, "Girl": small, "I describe myself another way": ("0", None),
                         "I'd rather not say": small}  # fmt: skip


@pytest.mark.django_db
def test_under_ten_responses_show_nothing_but_that():
    window = open_window(LeadFactory())
    for _ in range(9):
        answer(window, bullied_12_months="yes")
    results = selectors.window_results(window)
    assert results.total.label == "fewer than 10" and results.questions == [] and results.by_year == []


@pytest.mark.django_db
def test_comparison_with_the_previous_window_is_suppressed_when_it_was_small(time_machine):
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 11, 10, 10)), tick=False)
    lead = LeadFactory()
    before = past_window(lead, ended_days_ago=40)
    for _ in range(6):
        answer_on(before, before.opens_on, bullied_12_months="yes")
    after = open_window(lead)
    for i in range(12):
        answer(after, bullied_12_months="yes" if i < 3 else "no")
    results = selectors.window_results(after)
    assert results.previous == before
    headline = next(q for q in results.questions if q.question.key == "bullied_12_months")
    assert all(row.previous_percent is None for row in headline.rows)
    for _ in range(6):
        answer_on(before, before.opens_on, bullied_12_months="no")
    results = selectors.window_results(after)
    headline = next(q for q in results.questions if q.question.key == "bullied_12_months")
    assert {r.value: r.previous_percent for r in headline.rows} == {"yes": 50.0, "no": 50.0, "not_sure": 0.0}
    assert {r.value: r.percent for r in headline.rows} == {"yes": 25.0, "no": 75.0, "not_sure": 0.0}


@pytest.mark.django_db
def test_county_bullied_figure_matches_a_direct_count_of_the_rows(time_machine):
    time_machine.move_to(timezone.make_aware(timezone.datetime(2027, 3, 1, 10)), tick=False)
    primary = open_window(LeadFactory(school__district="Dacorum"))
    secondary = open_window(LeadFactory(school__phase="Secondary", school__district="Stevenage"),
                            audience="secondary_pupil", year_groups=["Y8"])  # fmt: skip
    parents = open_window(LeadFactory(), audience="parent", year_groups=[])
    for i in range(14):
        answer(primary, bullied_12_months=["yes", "no", "not_sure"][i % 3])
    for i in range(9):
        answer(secondary, bullied_12_months="yes" if i < 4 else "no")
    answer(secondary, feel_safe="always")  # did not answer the question: not counted
    for _ in range(10):
        answer(parents, bullied_12_months="yes")  # parents are not pupils
    figure = selectors.county_bullied_last_twelve_months("2026-27")
    rows = SurveyAnswer.objects.filter(
        question__key="bullied_12_months", question__questionnaire__audience__in=["primary_pupil", "secondary_pupil"],
        response__submitted_on__range=(date(2026, 9, 1), date(2027, 8, 31)))  # fmt: skip
    assert figure.respondents == rows.count() == 23
    assert figure.said_yes == rows.filter(value="yes").count() == 5 + 4
    assert figure.percent == round(100 * 9 / 23, 1)
    assert selectors.county_bullied_last_twelve_months(2026) == figure
    assert selectors.county_bullied_last_twelve_months("2025-26").respondents == 0
    assert selectors.county_bullied_last_twelve_months("2025-26").percent is None
    rows = selectors.county_headline_by(audience="secondary_pupil", academic_year="2026-27", by="district")
    by_district = {r.label: (r.respondents.label, r.percent_yes) for r in rows}
    assert by_district == {"Stevenage": ("fewer than 10", None)}
    total, results = selectors.county_question_results(audience="primary_pupil", academic_year="2026-27")
    assert total == Cell(14)
    headline = next(r for r in results if r.question.key == "bullied_12_months")
    assert {r.value: r.count.n for r in headline.rows} == {"yes": 5, "no": 5, "not_sure": 4}
    total, _ = selectors.county_question_results(
        audience="primary_pupil", academic_year="2026-27", district="Stevenage"
    )
    assert total == Cell(0)


@pytest.mark.django_db
def test_written_answers_come_sorted_not_in_the_order_sent():
    window = open_window(LeadFactory())
    for text in ["zebra", "apple", "mango"]:
        answer(window, comments=text)
    assert selectors.written_answers(window) == ["apple", "mango", "zebra"]


@pytest.mark.django_db
def test_another_schools_window_is_a_404():
    from django.http import Http404

    window = open_window(LeadFactory())
    with pytest.raises(Http404):
        selectors.window_for_school(LeadFactory().school, window.pk)
    assert selectors.window_by_code(window.display_code.lower()) == window
    assert selectors.window_by_code("nope") is None
    assert selectors.window_state(window, timezone.localdate() + timedelta(days=30)) == "closed"
