import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accreditation import notifications, outbox
from accreditation.models import OutboxMessage, User
from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import PRODUCTION_ENV, login, run_manage
from schools.models import Membership, Registration, School
from schools.tests.factories import LeadFactory, MembershipFactory
from validation.models import GroupMember
from validation.tests.factories import GroupMemberFactory


class TestProductionSettings:
    def test_check_deploy_is_clean_with_production_environment(self):
        result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_missing_secret_key_in_production_says_what_to_do(self):
        env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
        result = run_manage("check", env=env)
        assert result.returncode != 0
        assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.django_db
class TestPendingMigrations:
    def test_models_and_migrations_agree(self):
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
class TestHealthz:
    def test_all_answering_in_embedded_mode(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "broker": "eager", "storage": "ok", "ok": True}

    def test_unreachable_broker_is_reported_and_pages_still_work(self, client, settings):
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["broker"] == "unavailable" and response.json()["database"] == "ok"
        assert client.get(reverse("accounts:login")).status_code == 200

    @pytest.mark.services
    def test_real_redis_broker_answers(self, client, settings, redis_url):
        settings.CELERY_BROKER_URL = redis_url
        response = client.get("/healthz")
        assert response.status_code == 200 and response.json()["broker"] == "ok"


@pytest.mark.django_db
class TestSecurityHeaders:
    def test_every_page_sends_strict_headers(self, client):
        response = client.get(reverse("accounts:login"))
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"

    def test_pages_carry_no_inline_script(self, client):
        body = client.get(reverse("accounts:login")).content.decode()
        assert '<script type="module" src="/static/js/app.mjs">' in body
        assert "<script>" not in body


@pytest.mark.django_db
class TestHomePerRole:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))

    def test_lead_sees_school_and_what_to_do(self, client):
        lead = LeadFactory(school__name="Hillside Primary")
        client.force_login(lead.user)
        body = client.get(reverse("home")).content.decode()
        assert "Hillside Primary" in body and "SLT lead" in body and "submit your application" in body

    def test_contributor_is_told_the_lead_submits(self, client):
        member = MembershipFactory(school__name="Hillside Primary")
        client.force_login(member.user)
        body = client.get(reverse("home")).content.decode()
        assert "Your SLT lead submits the application" in body

    def test_validator_and_admin_panels(self, client):
        registration_count = 2
        for _ in range(registration_count):
            Registration.objects.create(
                urn=Registration.objects.count() + 100001,
                school_name="X",
                lead_name="L",
                lead_role="R",
                lead_email="l@example.org",
                lead_phone="1",
                head_teacher="H",
                governor_name="G",
            )
        person = AdminFactory()
        GroupMemberFactory(user=person)
        login(client, person)
        body = client.get(reverse("home")).content.decode()
        assert "Running the scheme" in body and "Validating group" in body
        assert "Decide the registrations waiting for approval" in body

    def test_user_with_no_role_is_told_whom_to_contact(self, client):
        client.force_login(UserFactory())
        assert "does not have a role in the scheme yet" in client.get(reverse("home")).content.decode()

    def test_django_admin_is_for_superusers_only(self, client):
        login(client, AdminFactory(is_staff=True))
        assert client.get("/admin/").status_code == 302
        login(client, User.objects.create_superuser("support@example.org", "support-password-123"))
        assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
class TestSeedDemo:
    def test_twice_gives_the_same_result(self):
        call_command("seed_demo", "--allow-production", stdout=io.StringIO())
        counts = (User.objects.count(), School.objects.count(), Membership.objects.count(), GroupMember.objects.count())
        call_command("seed_demo", "--allow-production", stdout=io.StringIO())
        assert counts == (11, 4, 8, 3)  # issue 17 adds a trust member in two schools (1 person, 2 memberships)
        assert (
            User.objects.count(),
            School.objects.count(),
            Membership.objects.count(),
            GroupMember.objects.count(),
        ) == counts
        assert Registration.objects.filter(status="pending").count() == 1
        assert User.objects.get(email="hw.admin@example.org").check_password("anti-bullying-demo")
        # The demo schools look like schools from the register; the pending registration has an address.
        assert all(school.from_register and school.street and school.postcode for school in School.objects.all())
        pending = Registration.objects.get(status="pending")
        assert pending.school_address and pending.school_postcode == "AL8 9ZZ"

    def test_refuses_without_debug(self):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="DEBUG is off"):
            call_command("seed_demo")


@pytest.mark.django_db
class TestOutbox:
    def test_message_is_written_with_the_change_and_sent_after_commit(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            notifications.send(
                to="a@example.org", template="password_reset", context={"user": UserFactory(), "link": "x"}
            )
            assert mail.outbox == []
            assert OutboxMessage.objects.get().status == "pending"
        assert len(mail.outbox) == 1
        assert OutboxMessage.objects.get().status == "sent"

    def test_rolled_back_change_sends_nothing(self, django_capture_on_commit_callbacks):
        from django.db import transaction

        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                notifications.send(
                    to="a@example.org", template="password_reset", context={"user": UserFactory(), "link": "x"}
                )
                raise RuntimeError("the business change failed")
        assert OutboxMessage.objects.count() == 0 and mail.outbox == []

    def test_broker_down_keeps_the_row_pending_and_the_sweep_delivers_it(
        self, settings, django_capture_on_commit_callbacks
    ):
        from accreditation.celery import app

        app.conf.task_always_eager = False
        app.conf.broker_url = "redis://127.0.0.1:1/0"
        try:
            with django_capture_on_commit_callbacks(execute=True):
                notifications.send(
                    to="a@example.org", template="password_reset", context={"user": UserFactory(), "link": "x"}
                )
        finally:
            app.conf.task_always_eager = True
            app.conf.broker_url = None
        assert OutboxMessage.objects.get().status == "pending" and mail.outbox == []
        assert outbox.outbox_sweep() == 1
        assert outbox.outbox_sweep() == 0
        assert len(mail.outbox) == 1

    def test_a_claimed_message_is_not_sent_twice(self):
        message = OutboxMessage.objects.create(template="t", to=["a@example.org"], subject="s", body_text="b")
        assert outbox.outbox_deliver(message_id=message.pk) is True
        assert outbox.outbox_deliver(message_id=message.pk) is False
        assert len(mail.outbox) == 1
