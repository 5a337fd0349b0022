import io

import pytest
from django.core.management import call_command

from portfolios.surveys import selectors
from portfolios.surveys.models import SurveyResponse, SurveyWindow


@pytest.mark.django_db
def test_seed_demo_gives_a_before_and_after_survey_once():
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())
    assert SurveyWindow.objects.count() == 2 and SurveyResponse.objects.count() == 32
    after = SurveyWindow.objects.get(title__startswith="Pupil survey after")
    results = selectors.window_results(after)
    assert results.previous.title.startswith("Pupil survey before") and results.total.n == 16
    assert selectors.window_state(after) == "open"
    assert selectors.written_answers(after)
