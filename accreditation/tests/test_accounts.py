import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accreditation import services
from accreditation.models import AuditEvent, Invitation, User
from accreditation.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:login")


def sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR="10.0.0.1", **extra)


def link_in_last_email():
    return re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)


class TestSignIn:
    def test_right_password_signs_in_and_audits(self, client):
        user = UserFactory(email="head@school.example.org")
        response = sign_in(client, "Head@School.example.org")
        assert response.status_code == 302 and response.url == reverse("home")
        assert client.session["_auth_user_id"] == str(user.pk)
        assert AuditEvent.objects.filter(action="user.signed_in", actor=user, ip_address="10.0.0.1").exists()

    def test_wrong_password_gets_a_clear_message(self, client):
        UserFactory(email="head@school.example.org")
        response = sign_in(client, "head@school.example.org", "not-the-password")
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.content.decode()
        assert "There is a problem" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_repeated_failures_lock_out_that_email_from_that_address_only_for_a_while(self, client, settings):
        UserFactory(email="head@school.example.org")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "head@school.example.org", "wrong-password")
        locked = sign_in(client, "head@school.example.org")
        assert locked.status_code == 429
        assert "Too many sign-in attempts" in locked.content.decode()
        # The attacker's address is locked out, the head teacher at school is not.
        elsewhere = client.post(
            SIGN_IN, {"username": "head@school.example.org", "password": TEST_PASSWORD}, REMOTE_ADDR="10.9.9.9"
        )
        assert elsewhere.status_code == 302
        client.logout()
        with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
            assert sign_in(client, "head@school.example.org").status_code == 302

    def test_deactivated_account_cannot_sign_in(self, client):
        UserFactory(email="gone@school.example.org", is_active=False)
        response = sign_in(client, "gone@school.example.org")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_sign_out_needs_post(self, client):
        user = UserFactory()
        client.force_login(user)
        assert client.get(reverse("accounts:logout")).status_code == 405
        assert "_auth_user_id" in client.session
        client.post(reverse("accounts:logout"))
        assert "_auth_user_id" not in client.session


class TestSessionTimeouts:
    def test_idle_for_more_than_30_minutes_signs_out(self, client):
        with time_machine.travel("2026-11-02 09:00Z", tick=False) as traveller:
            UserFactory(email="idle@example.org")
            sign_in(client, "idle@example.org")
            traveller.shift(timedelta(minutes=29))
            assert client.get(reverse("home")).status_code == 200
            traveller.shift(timedelta(minutes=29))
            assert client.get(reverse("home")).status_code == 200  # activity keeps it alive
            traveller.shift(timedelta(minutes=31))
            response = client.get(reverse("home"))
            assert response.status_code == 302 and response.url.startswith(SIGN_IN)
            assert "_auth_user_id" not in client.session

    def test_twelve_hours_after_sign_in_signs_out_however_busy(self, client):
        with time_machine.travel("2026-11-02 07:00Z", tick=False) as traveller:
            UserFactory(email="busy@example.org")
            sign_in(client, "busy@example.org")
            for _ in range(12 * 3 - 1):
                traveller.shift(timedelta(minutes=20))
                assert client.get(reverse("home")).status_code == 200
            traveller.shift(timedelta(minutes=21))
            assert client.get(reverse("home")).status_code == 302


class TestPasswordReset:
    def test_known_and_unknown_addresses_get_the_same_answer(self, client, django_capture_on_commit_callbacks):
        UserFactory(email="known@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            known = client.post(reverse("accounts:password_reset"), {"email": "known@example.org"}, follow=True)
            unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True)
        strip = lambda r: r.content.decode().replace("known@example.org", "X").replace("nobody@example.org", "X")  # noqa: E731
        assert strip(known) == strip(unknown)
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["known@example.org"]

    def test_reset_link_sets_a_new_password_once(self, client, django_capture_on_commit_callbacks):
        user = UserFactory(email="known@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": "known@example.org"})
        link = link_in_last_email()
        form_page = client.get(link, follow=True)
        assert "Choose a new password" in form_page.content.decode()
        set_url = form_page.redirect_chain[-1][0]
        response = client.post(
            set_url, {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password("a new long passphrase")
        again = client.get(link, follow=True)
        assert "This link cannot be used" in again.content.decode()

    def test_bad_email_format_is_explained(self, client):
        response = client.post(reverse("accounts:password_reset"), {"email": "not an email"})
        assert "Enter an email address in the correct format" in response.content.decode()
        assert mail.outbox == []


class TestInvitation:
    @pytest.fixture(autouse=True)
    def _commit_hooks(self, django_capture_on_commit_callbacks):
        self.capture = django_capture_on_commit_callbacks

    def invite(self, user=None):
        user = user or User.objects.create_user("new.lead@school.example.org", first_name="Nia")
        with self.capture(execute=True):
            services.invitation_send(user=user, created_by=None, purpose="Your school's registration was approved.")
        return user, link_in_last_email()

    def test_invitation_sets_password_and_signs_in(self, client):
        user, link = self.invite()
        assert not user.has_usable_password()
        page = client.get(link)
        assert "Set your password" in page.content.decode()
        response = client.post(link, {"new_password1": "our school is kind", "new_password2": "our school is kind"})
        assert response.status_code == 302 and response.url == reverse("home")
        user.refresh_from_db()
        assert user.check_password("our school is kind")
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_reused_link_is_refused(self, client):
        _, link = self.invite()
        client.post(link, {"new_password1": "our school is kind", "new_password2": "our school is kind"})
        client.logout()
        again = client.post(link, {"new_password1": "someone else's pass", "new_password2": "someone else's pass"})
        assert again.status_code == 410
        assert "already been used" in again.content.decode()
        assert User.objects.get(email="new.lead@school.example.org").check_password("our school is kind")

    def test_expired_link_is_refused(self, client, settings):
        _, link = self.invite()
        with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS, minutes=1)):
            response = client.get(link)
        assert response.status_code == 410 and "expired" in response.content.decode()

    def test_newer_invitation_replaces_older(self, client):
        user, first = self.invite()
        _, second = self.invite(user)
        assert "replaced by a newer one" in client.get(first).content.decode()
        assert client.get(second).status_code == 200
        assert Invitation.objects.filter(user=user, revoked_at__isnull=False).count() == 1

    def test_weak_password_is_refused_and_nothing_changes(self, client):
        user, link = self.invite()
        response = client.post(link, {"new_password1": "password", "new_password2": "password"})
        body = response.content.decode()
        assert "There is a problem" in body and "too short" in body
        user.refresh_from_db()
        assert not user.has_usable_password()
        assert Invitation.objects.get(user=user).accepted_at is None

    def test_garbage_token_is_refused(self, client):
        response = client.get(reverse("accounts:invitation", kwargs={"token": "not-a-token"}))
        assert response.status_code == 410 and "not valid" in response.content.decode()


class TestReviewFindings:
    def test_changing_the_case_of_the_email_does_not_escape_the_lockout(self, client, settings):
        UserFactory(email="head@school.example.org")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "head@school.example.org", "wrong-password")
        assert sign_in(client, "HEAD@School.example.org").status_code == 429
        assert sign_in(client, " head@school.example.org").status_code == 429

    def test_django_admin_sign_in_goes_through_the_portal(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response.url == f"{SIGN_IN}?next=/admin/"

    def test_every_sign_in_is_recorded_so_sign_out_everywhere_reaches_it(self, client):
        from django.test import Client

        from accreditation.models import UserSession

        user = UserFactory()
        other = Client()
        other.force_login(user)  # any path through django.contrib.auth.login
        assert UserSession.objects.filter(user=user).count() == 1
        services.sessions_end(user=user)
        assert other.get(reverse("home")).status_code == 302

    def test_password_reset_alerts_and_ends_other_sessions(self, client, django_capture_on_commit_callbacks):
        from django.test import Client

        user = UserFactory(email="known@example.org")
        elsewhere = Client()
        elsewhere.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": "known@example.org"})
        set_url = client.get(link_in_last_email(), follow=True).redirect_chain[-1][0]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(set_url, {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"})
        assert any("Your password was reset" in m.body for m in mail.outbox)
        assert elsewhere.get(reverse("home")).status_code == 302
