"""Survey writes: opening windows (overlaps, dates, year groups), anonymous responses (and what a
row may hold), questionnaire versions."""

from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone

from accreditation.errors import Refusal
from portfolios.surveys import services
from portfolios.surveys.models import Question, Questionnaire, SurveyAnswer, SurveyResponse, SurveyWindow
from schools.tests.factories import LeadFactory, MembershipFactory

from .factories import answer, ensure_questionnaires, open_window, past_window

pytestmark = pytest.mark.django_db


def test_the_four_questionnaires_are_seeded_with_prefer_not_to_say_and_a_no_names_warning():
    ensure_questionnaires()
    current = {q.audience: q for q in Questionnaire.objects.filter(is_current=True)}
    assert set(current) == {"primary_pupil", "secondary_pupil", "parent", "staff"}
    for audience in ("primary_pupil", "secondary_pupil"):
        questions = {q.key: q for q in current[audience].questions.all()}
        assert {"bullied_4_weeks", "bullied_12_months", "where", "how", "told", "stopped", "feel_safe"} <= set(
            questions
        )
        assert "online" in questions["where"].option_labels
        for key in ("gender", "send", "fsm"):
            assert "prefer_not_to_say" in questions[key].option_labels
            assert not questions[key].required
        assert "name" in questions["comments"].hint
        assert questions["year_group"].required
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == {"single", "multiple", "scale", "text"}


def test_lead_opens_a_window_with_the_current_questionnaire_and_a_short_code():
    lead = LeadFactory()
    window = open_window(lead, year_groups=["Y6", "Y5", "Y12"])
    assert window.questionnaire.is_current and window.questionnaire.audience == "primary_pupil"
    assert window.year_groups == ["Y5", "Y6"]  # in order, only the questionnaire's own
    assert len(window.code) == 8 and set(window.code) <= set(services.CODE_ALPHABET)


def test_overlapping_window_for_the_same_year_groups_is_refused_and_nothing_stored():
    lead = LeadFactory()
    first = open_window(lead, year_groups=["Y5", "Y6"], days=14)
    with pytest.raises(Refusal) as refused:
        open_window(lead, year_groups=["Y6"], starts_in=7, days=14)
    assert "for Year 6." in refused.value.messages[0] and first.title in refused.value.messages[0]
    assert SurveyWindow.objects.count() == 1
    # Other year groups, or dates after the first window closes, are fine.
    open_window(lead, year_groups=["Y3", "Y4"], starts_in=7)
    open_window(lead, year_groups=["Y6"], starts_in=15)
    assert SurveyWindow.objects.count() == 3


def test_staff_surveys_overlap_by_audience_and_another_school_never_clashes():
    lead, other = LeadFactory(), LeadFactory()
    open_window(lead, audience="staff", year_groups=[])
    open_window(other, audience="staff", year_groups=[])
    open_window(lead, audience="parent", year_groups=[])
    with pytest.raises(Refusal):
        open_window(lead, audience="staff", year_groups=[], starts_in=3)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"opens_on": -1}, "today or in the future"),
        ({"closes_on": -5}, "on or after the opening date"),
        ({"closes_on": 200}, "at most 92 days"),
        ({"year_groups": []}, "Select the year groups"),
    ],
)
def test_window_dates_and_year_groups_are_checked(change, message):
    ensure_questionnaires()
    lead = LeadFactory()
    today = timezone.localdate()
    kwargs = {"opens_on": today, "closes_on": today + timedelta(days=10), "year_groups": ["Y5"]}
    for key, value in change.items():
        kwargs[key] = today + timedelta(days=value) if key != "year_groups" else value
    with pytest.raises(Refusal) as refused:
        services.window_open(school=lead.school, actor=lead.user, audience="primary_pupil", title="", **kwargs)
    assert any(message in m for m in refused.value.messages)
    assert not SurveyWindow.objects.exists()


def test_only_the_lead_opens_a_window():
    ensure_questionnaires()
    colleague = MembershipFactory()
    today = timezone.localdate()
    with pytest.raises(Refusal):
        services.window_open(school=colleague.school, actor=colleague.user, audience="staff", title="",
                             opens_on=today, closes_on=today, year_groups=[])  # fmt: skip


def test_response_stores_the_day_and_answers_only():
    window = open_window(LeadFactory())
    response = answer(window, year_group="Y6", bullied_12_months="yes", where=["online", "playground"], comments="Hi")
    assert response.submitted_on == timezone.localdate()
    stored = {(a.question.key, a.value, a.text) for a in response.answers.select_related("question")}
    assert stored == {("year_group", "Y6", ""), ("bullied_12_months", "yes", ""), ("where", "online", ""),
                      ("where", "playground", ""), ("comments", "", "Hi")}  # fmt: skip


def test_no_response_row_can_hold_an_address_a_person_a_device_or_a_session():
    """The tables themselves: nothing but the window, the day and the answers."""
    assert {f.name for f in SurveyResponse._meta.concrete_fields} == {"id", "window", "submitted_on"}
    assert {f.name for f in SurveyAnswer._meta.concrete_fields} == {"id", "response", "question", "value", "text"}
    for model in (SurveyResponse, SurveyAnswer):
        for f in model._meta.concrete_fields:
            assert not isinstance(f, models.GenericIPAddressField | models.DateTimeField)
            assert not (f.is_relation and f.related_model._meta.label == "accreditation.User")


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"year_group": "Y3"}, "Choose one of the answers"),  # not a year group of this window
        ({"year_group": "Y5", "bullied_12_months": "maybe"}, "Choose one of the answers"),
        ({"year_group": "Y5", "feel_safe": ["always", "never"]}, "Choose one of the answers"),
        ({"year_group": "Y5", "comments": "x" * 50_000}, "too long"),
        ({"bullied_12_months": "yes"}, "Answer “What year are you in?”"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(answers, message):
    window = open_window(LeadFactory())
    with pytest.raises(Refusal) as refused:
        answer(window, **answers) if "year_group" in answers else services.response_submit(
            window=window, answers={window.questionnaire.questions.get(key=k).pk: v for k, v in answers.items()}
        )
    assert any(message in m for m in refused.value.messages)
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()


@pytest.mark.parametrize("when", ["future", "closed"])
def test_a_window_not_open_today_stores_nothing(when):
    lead = LeadFactory()
    window = open_window(lead, starts_in=3) if when == "future" else past_window(lead)
    with pytest.raises(Refusal, match="not open"):
        answer(window, bullied_12_months="yes")
    assert not SurveyResponse.objects.exists()


def test_rewording_a_questionnaire_a_window_used_makes_a_new_version_and_the_window_keeps_its_own(admin_user_hw):
    lead = LeadFactory()
    window = open_window(lead)
    old = window.questionnaire
    question = old.questions.get(key="bullied_12_months")
    changed = services.question_update(
        question=question, actor=admin_user_hw, text="In the past year, were you bullied?", hint=""
    )
    window.refresh_from_db()
    assert window.questionnaire_id == old.pk
    assert (
        window.questionnaire.questions.get(key="bullied_12_months").text == "In the last year, have you been bullied?"
    )
    new = changed.questionnaire
    assert new.version == old.version + 1 and new.is_current
    old.refresh_from_db()
    assert not old.is_current
    assert new.questions.count() == old.questions.count()
    assert changed.text == "In the past year, were you bullied?" and changed.key == "bullied_12_months"
    # A version no window has used is changed in place.
    again = services.question_update(
        question=changed, actor=admin_user_hw, text="Were you bullied this year?", hint="h"
    )
    assert again.pk == changed.pk and again.questionnaire_id == new.pk
    assert Questionnaire.objects.filter(audience="primary_pupil").count() == 2


def test_the_nightly_sweep_deletes_written_answers_two_years_after_they_were_sent(time_machine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from insight.privacy import schedule

    from .factories import answer_on

    time_machine.move_to(datetime(2028, 2, 29, 10, tzinfo=ZoneInfo("Europe/London")), tick=False)
    lead = LeadFactory()
    old = past_window(lead, ended_days_ago=800)
    young = past_window(lead, ended_days_ago=600, year_groups=["Y3"])
    answer_on(old, old.opens_on, bullied_12_months="yes", comments="old words")
    answer_on(young, young.opens_on, comments="recent words")
    run = schedule.sweep()
    assert run.counts["survey-written-answers"] == 1
    assert list(SurveyAnswer.objects.exclude(text="").values_list("text", flat=True)) == ["recent words"]
    assert SurveyResponse.objects.count() == 2  # the responses and tick-box answers stay
    assert SurveyAnswer.objects.filter(value="yes").exists()
