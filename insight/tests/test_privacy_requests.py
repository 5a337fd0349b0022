"""Subject access and erasure: a validator's ZIP holds their reviews and nobody else's; refusals
name the reason; everything is audited."""

import datetime
import io
import json
import threading
import zipfile

import pytest
from django.db import connection, transaction
from django.urls import reverse

from accreditation.models import AuditEvent, OutboxMessage, User
from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login
from conftest import missing_service
from insight.models import RetentionLock, RetentionRun
from insight.privacy import erasure, schedule, subject_access
from insight.tests.insight_data import application, decided
from portfolios.models import Application, Criterion
from schools.tests.factories import LeadFactory, RegistrationFactory, SchoolFactory
from validation.models import CriterionJudgement, Review
from validation.tests.factories import GroupMemberFactory

DECIDED_ON = datetime.date(2026, 10, 14)


def review_by(member, *, comment, note):
    _, decision, _ = decided(school=SchoolFactory(), meeting_date=DECIDED_ON)
    review = Review.objects.create(
        agenda_item=decision.agenda_item, member=member, recommendation="accredit", comment=comment
    )
    CriterionJudgement.objects.create(
        review=review, criterion=Criterion.objects.filter(number=1).first(), judgement="met", comment=note
    )
    return review


def unzip(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return archive.namelist(), json.loads(archive.read("data.json")), archive.read("summary.html").decode()


@pytest.mark.django_db
def test_a_validators_subject_access_zip_holds_their_reviews_and_nobody_elses(client):
    admin = AdminFactory()
    mine = GroupMemberFactory(user=UserFactory(email="val.one@example.org", first_name="Val", last_name="One"))
    theirs = GroupMemberFactory(user=UserFactory(email="val.two@example.org"))
    review_by(mine, comment="My overall view", note="Strong policy")
    review_by(theirs, comment="Someone else's view", note="Other person's note")
    OutboxMessage.objects.create(template="t", to=["val.one@example.org"], subject="Your agenda pack", body_text="x")
    OutboxMessage.objects.create(template="t", to=["val.two@example.org"], subject="Their pack", body_text="y")
    login(client, admin)

    response = client.post(reverse("insight:subject_access_download"), {"user": mine.user.pk})

    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    names, data, summary = unzip(response)
    assert names == ["summary.html", "data.json"]
    assert data["account"]["email"] == "val.one@example.org"
    assert [r["overall comment"] for r in data["reviews written"]] == ["My overall view"]
    assert "Strong policy" in data["reviews written"][0]["criteria"]
    assert [m["subject"] for m in data["emails sent to them"]] == ["Your agenda pack"]
    everything = json.dumps(data) + summary
    assert "Someone else" not in everything and "Other person" not in everything and "val.two" not in everything
    assert "My overall view" in summary
    event = AuditEvent.objects.get(action="subject_access.downloaded")
    assert event.actor == admin and event.data["subject"] == "val.one@example.org"


@pytest.mark.django_db
def test_a_search_for_an_unknown_email_is_empty_and_audited(client):
    admin = AdminFactory()
    login(client, admin)

    page = client.get(reverse("insight:subject_access"), {"q": "nobody@example.org"}).content.decode()
    assert "0 accounts found" in page
    response = client.post(reverse("insight:subject_access_download"), {"email": "nobody@example.org"})

    _, data, summary = unzip(response)
    assert data["account"] is None and data["emails sent to them"] == [] and data["registrations sent"] == []
    assert "No account is held" in summary
    assert AuditEvent.objects.filter(action="subject_access.searched", data__matches=0).count() == 1
    assert AuditEvent.objects.filter(action="subject_access.downloaded").count() == 1


@pytest.mark.django_db
def test_search_finds_by_name_and_email_and_a_long_query_is_a_plain_miss(client):
    login(client, AdminFactory())
    UserFactory(email="pat.smith@school.example.org", first_name="Pat", last_name="Smith")

    by_name = client.get(reverse("insight:subject_access"), {"q": "smith"}).content.decode()
    by_email = client.get(reverse("insight:subject_access"), {"q": "PAT.SMITH@school.example.org"}).content.decode()
    too_long = client.get(reverse("insight:subject_access"), {"q": "x" * 5000})

    assert "pat.smith@school.example.org" in by_name and "pat.smith@school.example.org" in by_email
    assert too_long.status_code == 200 and "254 characters or fewer" in too_long.content.decode()


@pytest.mark.django_db
def test_registrations_sent_by_an_address_are_in_its_answer():
    RegistrationFactory(lead_email="head@newschool.example.org", lead_name="Hu Head")
    data = subject_access.collect(email="head@newschool.example.org")
    assert [r["name"] for r in data["registrations sent"]] == ["Hu Head"]


@pytest.mark.django_db
def test_erasing_the_last_lead_of_a_school_in_review_is_refused_naming_the_fix(client):
    admin = AdminFactory()
    lead = LeadFactory()
    application(lead.school, Application.State.SUBMITTED)
    login(client, admin)

    response = client.post(reverse("insight:person_erase", args=[lead.user.pk]), {"reason": "SAR-12"})

    assert "name another SLT lead first" in response.content.decode()
    lead.user.refresh_from_db()
    assert lead.user.anonymised_at is None and not AuditEvent.objects.filter(action="account.anonymised").exists()


@pytest.mark.django_db
def test_erasing_a_validator_keeps_their_reviews_attributed_to_the_group(client):
    admin = AdminFactory()
    member = GroupMemberFactory(user=UserFactory(email="gone@example.org", first_name="Gail", last_name="Gone"))
    review = review_by(member, comment="Kept for the record", note="n")
    login(client, admin)

    confirm = client.get(reverse("insight:person_erase", args=[member.user.pk])).content.decode()
    assert "a member of the validating group" in confirm
    missing_reason = client.post(reverse("insight:person_erase", args=[member.user.pk]), {"reason": ""})
    assert missing_reason.status_code == 400 and "Enter the reason for erasure" in missing_reason.content.decode()
    client.post(reverse("insight:person_erase", args=[member.user.pk]), {"reason": "SAR-13"})

    user = User.objects.get(pk=member.user.pk)
    assert user.get_full_name() == "A member of the validating group" and "gone@" not in user.email
    assert Review.objects.get(pk=review.pk).comment == "Kept for the record"
    assert AuditEvent.objects.get(action="account.anonymised").summary == "Erasure on request: SAR-13"
    assert erasure.erasure_refusals(user) == ["This person has already been anonymised."]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_one_wins_and_nothing_goes_twice():
    if connection.vendor != "postgresql":
        missing_service("the retention lock needs PostgreSQL's SKIP LOCKED (set DATABASE_URL)")
    RetentionLock.objects.get_or_create(pk=1)
    held, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with transaction.atomic():
            RetentionLock.objects.select_for_update().get(pk=1)
            held.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    held.wait(10)
    try:
        skipped = schedule.sweep(trigger="command")
    finally:
        release.set()
        holder.join()
    assert skipped.status == RetentionRun.Status.SKIPPED and skipped.counts == {}
    assert schedule.sweep().status == RetentionRun.Status.FINISHED
