"""Survey pages: pupils answer with no account (and no trace of who they are), bad input is
refused with a message and nothing stored, the school sees its results, the council the county."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios.models import EvidenceItem
from portfolios.surveys.models import SurveyAnswer, SurveyResponse, SurveyWindow
from portfolios.tests.factories import ensure_criteria
from schools.tests.factories import LeadFactory, MembershipFactory

from .factories import answer, open_window, past_window

pytestmark = pytest.mark.django_db


def form_data(window, **by_key):
    questions = {q.key: q for q in window.questionnaire.questions.all()}
    data = {"submission": by_key.pop("submission", "")}
    by_key.setdefault("year_group", window.year_groups[0] if window.year_groups else "")
    for key, value in by_key.items():
        if value:
            data[f"q{questions[key].number}"] = value
    return data


def take(window):
    return reverse("surveys:take", args=[window.code])


def test_pupil_page_needs_no_account_sets_no_session_and_explains_privacy():
    window = open_window(LeadFactory(), year_groups=["Y5", "Y6"])
    client = Client()
    response = client.get(take(window))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What happens to my answers?" in page and 'href="/privacy/"' in page
    assert "We delete what you write after 2 years" in page
    assert "Year 5" in page and "Year 6" in page and "Year 4" not in page
    assert "<script" not in page.split("</main>")[0].split("<main")[1]
    assert "sessionid" not in response.cookies


def test_answering_stores_one_anonymous_response_and_no_trace_of_the_pupil():
    window = open_window(LeadFactory())
    client = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="PupilTablet/1.0")
    response = client.post(take(window), form_data(window, year_group="Y6", bullied_12_months="yes", where=["online"]))
    assert response.status_code == 302 and response["Location"] == reverse("surveys:thanks", args=[window.code])
    assert "sessionid" not in response.cookies
    assert f"survey_{window.code}" in response.cookies  # the per-device count, signed
    stored = SurveyResponse.objects.get()
    row = {f.attname: getattr(stored, f.attname) for f in SurveyResponse._meta.concrete_fields}
    assert set(row) == {"id", "window_id", "submitted_on"}
    values = " ".join(str(v) for v in row.values()) + " ".join(
        f"{a.value} {a.text}" for a in SurveyAnswer.objects.all())  # fmt: skip
    assert "203.0.113.77" not in values and "PupilTablet" not in values
    assert sorted(SurveyAnswer.objects.values_list("value", flat=True)) == ["Y6", "online", "yes"]


@pytest.mark.parametrize("when, heading", [("future", "has not started yet"), ("closed", "has closed")])
def test_closed_or_future_window_is_a_friendly_page_and_stores_nothing(when, heading):
    lead = LeadFactory()
    window = open_window(lead, starts_in=5) if when == "future" else past_window(lead)
    client = Client()
    assert heading in client.get(take(window)).content.decode()
    response = client.post(take(window), form_data(window, bullied_12_months="yes"))
    assert response.status_code == 200 and heading in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_unknown_code_and_the_code_form():
    window = open_window(LeadFactory())
    client = Client()
    assert client.get("/survey/ZZZZZZZZ/").status_code == 404
    assert client.get(f"/survey/{window.display_code.lower()}/")["Location"] == take(window)
    response = client.get(reverse("surveys:start"), {"code": window.display_code.lower()})
    assert response.status_code == 302 and response["Location"] == take(window)
    response = client.get(reverse("surveys:start"), {"code": "ABCD-2345"})
    assert response.status_code == 400 and "There is no survey with that code" in response.content.decode()
    response = client.get(reverse("surveys:start"), {"code": ""})
    assert "Enter the survey code" in response.content.decode()


def test_html_in_a_written_answer_is_kept_as_text_and_shown_escaped_to_the_lead_only():
    lead = LeadFactory()
    colleague = MembershipFactory(school=lead.school)
    window = open_window(lead)
    for i in range(10):
        Client().post(
            take(window), form_data(window, comments="<script>alert(1)</script><b>bold</b>" if i == 0 else "")
        )
    assert SurveyAnswer.objects.filter(text="<script>alert(1)</script><b>bold</b>").exists()
    page = login(Client(), lead.user).get(reverse("surveys:window", args=[window.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert "Report a safeguarding concern" in page and "Designated Safeguarding Lead" in page
    for viewer in (colleague.user, AdminFactory()):
        page = login(Client(), viewer).get(reverse("surveys:window", args=[window.pk])).content.decode()
        assert "alert(1)" not in page and "Written answers" not in page


def test_a_50000_character_answer_is_refused_with_a_message_and_nothing_stored():
    window = open_window(LeadFactory())
    response = Client().post(take(window), form_data(window, bullied_12_months="yes", comments="a" * 50_000))
    assert response.status_code == 400
    assert "Your answer is too long: use 1,000 characters or fewer" in response.content.decode()
    assert not SurveyResponse.objects.exists()


@override_settings(SURVEY_RESPONSES_PER_MINUTE=60)
def test_a_flood_from_one_address_is_refused_after_the_limit_and_others_still_answer():
    window = open_window(LeadFactory())
    flood = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [flood.post(take(window), form_data(window, bullied_12_months="no")).status_code for _ in range(150)]
    assert statuses.count(302) == 60 and statuses[60:] == [429] * 90
    assert SurveyResponse.objects.count() == 60
    refused = flood.post(take(window), form_data(window, bullied_12_months="no"))
    assert "Please wait and try again" in refused.content.decode()
    pupil = Client(REMOTE_ADDR="192.0.2.10")
    assert pupil.post(take(window), form_data(window, bullied_12_months="yes")).status_code == 302
    assert SurveyResponse.objects.count() == 61


@override_settings(SURVEY_RESPONSES_PER_DEVICE=3)
def test_one_device_may_send_a_class_set_of_answers_then_is_stopped():
    window = open_window(LeadFactory())
    device = Client()
    for i in range(3):
        assert device.post(take(window), form_data(window, submission=f"s{i}")).status_code == 302
    assert device.get(take(window)).status_code == 429
    assert device.post(take(window), form_data(window, submission="s9")).status_code == 429
    assert SurveyResponse.objects.count() == 3
    device.cookies[f"survey_{window.code}"] = "0:forged"  # a tampered count is not trusted either way
    assert device.get(take(window)).status_code == 200


def test_the_same_form_sent_twice_is_kept_once():
    window = open_window(LeadFactory())
    client = Client()
    data = form_data(window, bullied_12_months="yes", submission="token-123")
    assert client.post(take(window), data).status_code == 302
    assert client.post(take(window), data).status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_lead_opens_a_window_through_the_form_and_an_overlap_is_explained():
    lead = LeadFactory()
    client = login(Client(), lead.user)
    today = timezone.localdate()
    end = today + timedelta(days=10)
    data = {"audience": "primary_pupil", "title": "Spring survey", "opens_on_0": today.day, "opens_on_1": today.month,
            "opens_on_2": today.year, "closes_on_0": end.day, "closes_on_1": end.month, "closes_on_2": end.year,
            "year_groups": ["Y5", "Y6"]}  # fmt: skip
    from .factories import ensure_questionnaires

    ensure_questionnaires()
    response = client.post(reverse("surveys:window_new"), data)
    window = SurveyWindow.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("surveys:window", args=[window.pk])
    page = client.get(response["Location"]).content.decode()
    assert window.display_code in page and "<svg" in page and "Nobody has answered yet" in page
    response = client.post(reverse("surveys:window_new"), {**data, "year_groups": ["Y6"]})
    assert response.status_code == 200 and "Choose dates that do not overlap it" in response.content.decode()
    assert SurveyWindow.objects.count() == 1
    colleague = login(Client(), MembershipFactory(school=lead.school).user)
    assert colleague.get(reverse("surveys:window_new")).status_code == 404


def test_results_csv_and_sheet_are_aggregates_only():
    lead = LeadFactory()
    window = open_window(lead)
    for i in range(17):
        answer(window, year_group="Y5", bullied_12_months="yes" if i < 4 else "no", comments="secret words")
    for _ in range(8):
        answer(window, year_group="Y6", bullied_12_months="yes")
    client = login(Client(), lead.user)
    csv_text = b"".join(client.get(reverse("surveys:window_csv", args=[window.pk])).streaming_content).decode()
    assert "secret words" not in csv_text
    assert "Responses by year group,,Year 6,fewer than 10" in csv_text
    assert "Responses by year group,,Year 5,not shown" in csv_text
    assert 'Answers,"In the last year, have you been bullied?",Yes,12,48' in csv_text
    sheet = client.get(reverse("surveys:window_sheet", args=[window.pk]))
    assert sheet["Content-Type"] == "application/pdf" and sheet.content.startswith(b"%PDF")


def test_lead_adds_a_results_snapshot_to_the_evidence_library_linked_to_criteria():
    ensure_criteria()
    lead = LeadFactory()
    window = open_window(lead)
    client = login(Client(), lead.user)
    for _ in range(9):
        answer(window, bullied_12_months="no")
    url = reverse("surveys:window_snapshot", args=[window.pk])
    from portfolios.models import Criterion

    seven = Criterion.objects.get(criteria_set__is_current=True, number=7)
    response = client.post(url, {"criteria": [seven.pk]})
    assert "Fewer than 10 people have answered" in response.content.decode()
    assert not EvidenceItem.objects.exists()
    answer(window, bullied_12_months="yes")
    response = client.post(url, {"criteria": [seven.pk]})
    item = EvidenceItem.objects.get()
    assert response["Location"] == reverse("portfolios:evidence_detail", args=[item.pk])
    assert item.school == lead.school and item.content_type == "application/pdf"
    assert list(item.criteria.values_list("number", flat=True)) == [7]
    assert item.title == f"Survey results: {window.title}" and item.produced_on == timezone.localdate()
    assert login(Client(), MembershipFactory(school=lead.school).user).post(url, {}).status_code == 404


def test_another_schools_window_is_a_404_and_the_county_is_for_admins():
    window = open_window(LeadFactory())
    other = login(Client(), LeadFactory().user)
    for name in ("surveys:window", "surveys:window_csv", "surveys:window_sheet", "surveys:window_snapshot"):
        assert other.get(reverse(name, args=[window.pk])).status_code == 404
    assert other.get(reverse("surveys:county")).status_code == 403
    for _ in range(10):
        answer(window, bullied_12_months="yes")
    admin = login(Client(), AdminFactory())
    page = admin.get(reverse("surveys:county")).content.decode()
    assert "Pupils who say they were bullied in the last twelve months" in page
    page = admin.get(reverse("surveys:county"), {"audience": "primary_pupil"}).content.decode()
    assert "100.0%" in page
    csv_text = b"".join(admin.get(reverse("surveys:county_csv"), {"audience": "primary_pupil"}).streaming_content)
    assert 'In the last year, have you been bullied?",Yes,10,100' in csv_text.decode()


def test_admin_rewords_a_question_through_the_page():
    window = open_window(LeadFactory())
    admin = login(Client(), AdminFactory())
    question = window.questionnaire.questions.get(key="feel_safe")
    assert admin.get(reverse("surveys:questionnaires")).status_code == 200
    response = admin.post(
        reverse("surveys:question_edit", args=[question.pk]), {"text": "Do you feel safe here?", "hint": ""}
    )
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.questionnaire.questions.get(key="feel_safe").text == "How safe do you feel at school?"
    response = admin.post(reverse("surveys:question_edit", args=[question.pk]), {"text": "", "hint": ""})
    assert "Enter the question" in response.content.decode()
