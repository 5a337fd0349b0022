"""Test data for surveys: the seeded questionnaires, windows opened through the service, answers."""

import importlib
from datetime import timedelta

from django.utils import timezone

from portfolios.surveys import services
from portfolios.surveys.models import SurveyWindow


def ensure_questionnaires():
    """Transactional tests flush the database: load the migration's questionnaires again."""
    from django.apps import apps

    importlib.import_module("portfolios.migrations.0007_load_questionnaires_v1").load(apps, None)


def open_window(lead, *, audience="primary_pupil", year_groups=("Y5", "Y6"), starts_in=0, days=14, title=""):
    ensure_questionnaires()
    today = timezone.localdate()
    return services.window_open(
        school=lead.school,
        actor=lead.user,
        audience=audience,
        title=title or "Pupil survey",
        opens_on=today + timedelta(days=starts_in),
        closes_on=today + timedelta(days=starts_in + days),
        year_groups=list(year_groups),
    )


def past_window(lead, *, audience="primary_pupil", year_groups=("Y5", "Y6"), ended_days_ago=30, days=14, title=""):
    """A window that has closed (made directly: the service refuses dates in the past)."""
    ensure_questionnaires()
    from portfolios.surveys.models import Questionnaire

    today = timezone.localdate()
    closes_on = today - timedelta(days=ended_days_ago)
    return SurveyWindow.objects.create(
        school=lead.school,
        questionnaire=Questionnaire.objects.get(audience=audience, is_current=True),
        title=title or "Earlier survey",
        opens_on=closes_on - timedelta(days=days),
        closes_on=closes_on,
        year_groups=list(year_groups),
        code=services.new_code(),
    )


def answer(window, **by_key):
    """Store one response with answers given by question key (a list for multiple choice)."""
    questions = {q.key: q for q in window.questionnaire.questions.all()}
    if "year_group" in questions and "year_group" not in by_key and window.year_groups:
        by_key["year_group"] = window.year_groups[0]
    return services.response_submit(window=window, answers={questions[k].pk: v for k, v in by_key.items()})


def answer_on(window, day, **by_key):
    """As `answer`, sent on `day` (moves the clock with time-machine's `travel`)."""
    import time_machine

    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
                             + timedelta(hours=12), tick=False):  # fmt: skip
        return answer(window, **by_key)
