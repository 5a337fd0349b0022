"""Demo surveys for `seed_demo`: a school's "before" and "after" pupil surveys, dated from the day
the command runs, 32 answers in all. Idempotent: a window already there (same school and title) is
left as it is, answers included."""

import random
from datetime import timedelta

from django.utils import timezone

from .models import Questionnaire, SurveyAnswer, SurveyResponse, SurveyWindow
from .services import new_code

BEFORE, AFTER = "Pupil survey before anti-bullying week (demo)", "Pupil survey after anti-bullying week (demo)"


def _window(school, lead, title, opens_on, closes_on):
    questionnaire = Questionnaire.objects.get(audience="primary_pupil", is_current=True)
    window, created = SurveyWindow.objects.get_or_create(
        school=school,
        title=title,
        defaults={
            "questionnaire": questionnaire,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "year_groups": ["Y5", "Y6"],
            "code": new_code(),
            "created_by": lead,
        },
    )
    return window, created


def _answers(window, count, *, bullied_share, seed, last_day):
    rng = random.Random(seed)  # the same demo every time  # noqa: S311
    questions = {q.key: q for q in window.questionnaire.questions.all()}
    for i in range(count):
        day = min(window.opens_on + timedelta(days=i % 5), last_day)
        response = SurveyResponse.objects.create(window=window, submitted_on=day)
        bullied = rng.random() < bullied_share
        chosen = {
            "year_group": "Y5" if i % 3 else "Y6",
            "feel_safe": rng.choice(
                ["always", "mostly", "mostly", "sometimes"] if not bullied else ["sometimes", "never"]
            ),
            "bullied_4_weeks": "yes" if bullied and rng.random() < 0.5 else "no",
            "bullied_12_months": "yes" if bullied else rng.choice(["no", "no", "not_sure"]),
            "know_policy": rng.choice(["yes", "yes", "a_little", "no"]),
            "gender": rng.choice(["boy", "girl", "girl", "boy", "prefer_not_to_say"]),
            "send": rng.choice(["no", "no", "no", "yes", "dont_know"]),
            "fsm": rng.choice(["no", "no", "yes", "dont_know", "prefer_not_to_say"]),
        }
        if bullied:
            chosen["told"] = rng.choice(["adult_school", "adult_home", "friend", "no"])
            chosen["stopped"] = "not_told" if chosen["told"] == "no" else rng.choice(["stopped", "better", "no"])
        rows = [SurveyAnswer(response=response, question=questions[k], value=v) for k, v in chosen.items()]
        if bullied:
            rows += [SurveyAnswer(response=response, question=questions["where"], value=v)
                     for v in rng.sample(["playground", "online", "toilets_corridors", "lunch"], 2)]  # fmt: skip
        if i in (2, 11):
            text = ["Some people are mean at lunch.", "I like the buddy bench, it helps."][i == 11]
            rows.append(SurveyAnswer(response=response, question=questions["comments"], text=text))
        SurveyAnswer.objects.bulk_create(rows)


def seed_demo_surveys(*, school, lead):
    """The "before" survey closed eight weeks ago (16 answers); the "after" one is open now (16 so
    far), so the results page has a comparison to show and the county page a figure."""
    today = timezone.localdate()
    before, created = _window(school, lead, BEFORE, today - timedelta(days=70), today - timedelta(days=56))
    if created:
        _answers(before, 16, bullied_share=0.45, seed=18, last_day=before.closes_on)
    after, created = _window(school, lead, AFTER, today - timedelta(days=4), today + timedelta(days=10))
    if created:
        _answers(after, 16, bullied_share=0.25, seed=19, last_day=today)
    return before, after
