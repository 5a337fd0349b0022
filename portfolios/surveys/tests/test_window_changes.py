"""A school closes a survey early, cancels one not yet open, or moves its closing date. Closing
early is a close like any other: the pupils' page, the results and the comparisons all see the
same dates."""

import threading
import time
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accreditation.errors import Refusal
from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios.surveys import permissions, selectors, services
from portfolios.surveys.models import SurveyResponse, SurveyWindow
from schools.tests.factories import LeadFactory, MembershipFactory

from .factories import answer, open_window, past_window

pytestmark = pytest.mark.django_db


def take(window):
    return reverse("surveys:take", args=[window.code])


def pupil_post(window):
    questions = {q.key: q for q in window.questionnaire.questions.all()}
    year, bullied = questions["year_group"].number, questions["bullied_12_months"].number
    return Client().post(take(window), {f"q{year}": window.year_groups[0], f"q{bullied}": "no"})


def next_day(time_machine, days=1):
    day = timezone.localdate() + timedelta(days=days)
    time_machine.move_to(timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=9))


def date_form(day):
    return {"closes_on_0": str(day.day), "closes_on_1": str(day.month), "closes_on_2": str(day.year)}


# ----------------------------------------------------------------------------- closing early


def test_closing_early_ends_the_survey_today_and_the_pupils_page_refuses_new_answers():
    lead = LeadFactory()
    window = open_window(lead, days=14)
    answer(window, bullied_12_months="yes")
    today = timezone.localdate()
    planned = window.closes_on

    services.window_close(window=window, actor=lead.user)

    window.refresh_from_db()
    assert window.closes_on == today and window.closed_at is not None and window.closed_early
    assert selectors.window_state(window) == "closed" and not window.is_open_on(today)
    event = AuditEvent.objects.get(action="survey.window_closed")
    assert event.actor == lead.user and event.target_id == str(window.pk)
    assert event.data == {"school": lead.school.pk, "planned_closes_on": str(planned), "responses": 1}
    page = Client().get(take(window))
    assert "This survey has closed" in page.content.decode()
    assert f"closed on {today:%A} {today.day} {today:%B %Y}" in page.content.decode()  # the same page as ever
    refused = pupil_post(window)
    assert refused.status_code == 200 and "This survey has closed" in refused.content.decode()
    with pytest.raises(Refusal, match="not open"):
        answer(window, bullied_12_months="no")
    assert SurveyResponse.objects.filter(window=window).count() == 1


def test_a_survey_opened_and_finished_in_one_lesson_can_close_the_same_day():
    lead = LeadFactory()
    window = open_window(lead, days=0)  # opens and closes today
    services.window_close(window=window, actor=lead.user)
    window.refresh_from_db()
    assert window.opens_on == window.closes_on == timezone.localdate()
    assert selectors.window_state(window) == "closed"


def test_closed_early_is_the_same_close_everything_else_sees(time_machine):
    """The before-and-after comparison and the overlap rule read closes_on: closing early moves it,
    so a survey closed today is "before" one opening tomorrow, and frees its year groups."""
    lead = LeadFactory()
    before = open_window(lead, days=30, title="Before")
    for i in range(12):
        answer(before, bullied_12_months="yes" if i < 6 else "no")
    services.window_close(window=before, actor=lead.user)
    next_day(time_machine)
    after = open_window(lead, days=14, title="After")  # the same year groups, inside Before's first dates
    assert selectors.previous_window(after) == before
    assert selectors.window_results(after).previous == before
    results = selectors.window_results(before)
    assert results.total.shown and results.raw_total == 12  # results stay, as for any closed survey


def test_closing_is_refused_before_it_opens_after_it_closes_and_for_anyone_but_the_lead():
    lead = LeadFactory()
    colleague = MembershipFactory(school=lead.school)
    upcoming = open_window(lead, starts_in=3, year_groups=["Y5"])
    with pytest.raises(Refusal, match=r"has not opened yet\. Cancel it instead"):
        services.window_close(window=upcoming, actor=lead.user)
    closed = past_window(lead, year_groups=["Y6"])
    with pytest.raises(Refusal, match="This survey closed on"):
        services.window_close(window=closed, actor=lead.user)
    window = open_window(lead, year_groups=["Y4"])
    for someone in (colleague.user, AdminFactory(), LeadFactory().user):
        assert not permissions.can_close_window(someone, window)
        with pytest.raises(Refusal, match="Only your school's SLT lead"):
            services.window_close(window=window, actor=someone)
    assert SurveyWindow.objects.get(pk=window.pk).closed_at is None
    assert not AuditEvent.objects.filter(action="survey.window_closed").exists()


def test_lead_closes_through_the_confirmation_page():
    lead = LeadFactory()
    window = open_window(lead)
    client = login(Client(), lead.user)
    detail = client.get(reverse("surveys:window", args=[window.pk])).content.decode()
    assert "Close the survey now" in detail and "Change closing date" in detail and "Cancel this survey" not in detail
    url = reverse("surveys:window_close", args=[window.pk])
    page = client.get(url).content.decode()
    assert "govuk-warning-text" in page and "will stop accepting answers straight away" in page
    assert window.display_code in page and "0 people have answered so far" in page
    assert not SurveyWindow.objects.get(pk=window.pk).closed_early  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("surveys:window", args=[window.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "is closed. The link no longer accepts answers" in detail and "Closed early, at" in detail
    assert "Close the survey now" not in detail and "Change closing date" not in detail
    assert client.get(url)["Location"] == reverse("surveys:window", args=[window.pk])  # nothing left to close


def test_colleagues_and_other_schools_cannot_reach_the_pages():
    lead = LeadFactory()
    window = open_window(lead)
    colleague = login(Client(), MembershipFactory(school=lead.school).user)
    detail = colleague.get(reverse("surveys:window", args=[window.pk])).content.decode()
    assert "Close the survey now" not in detail and "Change closing date" not in detail
    other = login(Client(), LeadFactory().user)
    for name in ("surveys:window_close", "surveys:window_cancel", "surveys:window_closing_date"):
        for client in (colleague, other):
            assert client.get(reverse(name, args=[window.pk])).status_code == 404
            assert client.post(reverse(name, args=[window.pk]), date_form(timezone.localdate())).status_code == 404
    window.refresh_from_db()
    assert window.closed_at is None and SurveyWindow.objects.filter(pk=window.pk).exists()


# ----------------------------------------------------------------------------- cancelling


def test_a_survey_not_yet_open_is_cancelled_and_its_code_stops_working():
    lead = LeadFactory()
    window = open_window(lead, starts_in=7)
    code, pk = window.code, window.pk
    client = login(Client(), lead.user)
    detail = client.get(reverse("surveys:window", args=[pk])).content.decode()
    assert "Cancel this survey" in detail and "Close the survey now" not in detail
    page = client.get(reverse("surveys:window_cancel", args=[pk])).content.decode()
    assert "govuk-warning-text" in page and "nobody has answered it" in page
    response = client.post(reverse("surveys:window_cancel", args=[pk]))
    assert response["Location"] == reverse("surveys:windows")
    assert "is cancelled" in client.get(response["Location"]).content.decode()
    assert not SurveyWindow.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="survey.window_cancelled")
    assert event.target_id == str(pk) and event.data["code"] == code and event.actor == lead.user
    assert Client().get(f"/survey/{code}/").status_code == 404


def test_an_open_survey_cannot_be_cancelled():
    lead = LeadFactory()
    window = open_window(lead)
    with pytest.raises(Refusal, match="Close it instead"):
        services.window_cancel(window=window, actor=lead.user)
    client = login(Client(), lead.user)
    assert client.post(reverse("surveys:window_cancel", args=[window.pk])).status_code == 302
    assert SurveyWindow.objects.filter(pk=window.pk).exists()


# ----------------------------------------------------------------------------- the closing date


def test_the_closing_date_moves_later_or_earlier_and_is_audited():
    lead = LeadFactory()
    window = open_window(lead, days=7)
    today = timezone.localdate()
    services.window_change_closing_date(window=window, actor=lead.user, closes_on=today + timedelta(days=20))
    window.refresh_from_db()
    assert window.closes_on == today + timedelta(days=20)
    services.window_change_closing_date(window=window, actor=lead.user, closes_on=today)
    window.refresh_from_db()
    assert window.closes_on == today and selectors.window_state(window) == "open"  # open to the end of today
    events = AuditEvent.objects.filter(action="survey.closing_date_changed").order_by("id")
    assert [e.data["after"] for e in events] == [str(today + timedelta(days=20)), str(today)]
    services.window_change_closing_date(window=window, actor=lead.user, closes_on=today)  # no change: no entry
    assert events.count() == 2


@pytest.mark.parametrize(
    "starts_in, new_close, message",
    [
        (0, -1, "The closing date must be today or in the future"),
        (5, 3, "The closing date must be on or after the opening date"),
        (5, 5 + 92, "A survey can be open for at most 92 days: the closing date must be on or before"),
    ],
)
def test_closing_dates_the_rules_refuse(starts_in, new_close, message):
    lead = LeadFactory()
    window = open_window(lead, starts_in=starts_in, days=7)
    before = window.closes_on
    with pytest.raises(Refusal, match=message) as refused:
        services.window_change_closing_date(
            window=window, actor=lead.user, closes_on=timezone.localdate() + timedelta(days=new_close)
        )
    assert refused.value.field == "closes_on"
    assert SurveyWindow.objects.get(pk=window.pk).closes_on == before


def test_the_longest_allowed_survey_is_92_days():
    lead = LeadFactory()
    window = open_window(lead, starts_in=5, days=7)
    last = window.opens_on + timedelta(days=91)
    services.window_change_closing_date(window=window, actor=lead.user, closes_on=last)
    assert SurveyWindow.objects.get(pk=window.pk).closes_on == last


def test_extending_into_another_survey_for_the_same_year_groups_is_refused():
    lead = LeadFactory()
    first = open_window(lead, days=7, year_groups=["Y5", "Y6"], title="First")
    later = open_window(lead, starts_in=10, days=7, year_groups=["Y6"], title="Later")
    open_window(lead, starts_in=8, days=3, year_groups=["Y3"], title="Other years")
    with pytest.raises(Refusal, match=r"“Later” is open from .* for Year 6\. Choose a closing date before it opens"):
        services.window_change_closing_date(window=first, actor=lead.user, closes_on=later.opens_on)
    services.window_change_closing_date(window=first, actor=lead.user, closes_on=later.opens_on - timedelta(days=1))
    assert SurveyWindow.objects.get(pk=first.pk).closes_on == later.opens_on - timedelta(days=1)


def test_a_closed_survey_keeps_its_dates():
    lead = LeadFactory()
    window = services.window_close(window=open_window(lead), actor=lead.user)
    assert not permissions.can_change_closing_date(lead.user, window)
    with pytest.raises(Refusal, match="To ask again, open a new survey"):
        services.window_change_closing_date(
            window=window, actor=lead.user, closes_on=timezone.localdate() + timedelta(days=5)
        )
    past = past_window(lead, year_groups=["Y3"])
    with pytest.raises(Refusal, match="To ask again, open a new survey"):
        services.window_change_closing_date(
            window=past, actor=lead.user, closes_on=timezone.localdate() + timedelta(days=5)
        )


def test_the_closing_date_form_keeps_what_was_typed_and_explains_the_problem():
    lead = LeadFactory()
    window = open_window(lead, starts_in=3, days=7)
    client = login(Client(), lead.user)
    url = reverse("surveys:window_closing_date", args=[window.pk])
    page = client.get(url).content.decode()
    assert "Change the closing date" in page and "govuk-date-input" in page
    assert f'value="{window.closes_on.day}"' in page  # the current date, ready to change
    too_early = window.opens_on - timedelta(days=1)
    response = client.post(url, date_form(too_early))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "The closing date must be on or after the opening date" in page and 'href="#id_closes_on' in page
    assert f'value="{too_early.day}"' in page and f'value="{too_early.year}"' in page
    response = client.post(url, {"closes_on_0": "31", "closes_on_1": "2", "closes_on_2": "2030"})
    assert "The new closing date must be a real date" in response.content.decode()
    assert 'value="31"' in response.content.decode()
    response = client.post(url, {"closes_on_0": "", "closes_on_1": "", "closes_on_2": ""})
    assert "Enter the new closing date" in response.content.decode()
    assert SurveyWindow.objects.get(pk=window.pk).closes_on == window.closes_on
    new = window.closes_on + timedelta(days=4)
    response = client.post(url, date_form(new))
    assert response.status_code == 302 and SurveyWindow.objects.get(pk=window.pk).closes_on == new
    page = client.get(response["Location"]).content.decode()
    assert f"now closes at the end of {new:%A} {new.day} {new:%B %Y}" in page


@pytest.mark.django_db(transaction=True)
def test_an_answer_sent_while_the_lead_closes_the_survey_is_refused_once_it_has_closed():
    """The close holds the window's row until it commits; an answer sent meanwhile waits for it,
    then sees the survey closed, so nothing is stored after the close."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs this on PostgreSQL")
    lead = LeadFactory()
    window = open_window(lead)
    closing, outcomes = threading.Event(), []

    def close():
        try:
            with transaction.atomic():
                services.window_close(window=window, actor=lead.user)
                closing.set()
                time.sleep(0.5)  # the pupil's answer arrives now and must wait for this commit
        finally:
            connections.close_all()

    def send():
        closing.wait(5)
        try:
            answer(SurveyWindow.objects.get(pk=window.pk), bullied_12_months="no")
            outcomes.append("stored")
        except Refusal:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close), threading.Thread(target=send)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["refused"] and not SurveyResponse.objects.exists()
