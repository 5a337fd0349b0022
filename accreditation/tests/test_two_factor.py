import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accreditation.models import AuditEvent, UserSession
from accreditation.tests.factories import TEST_PASSWORD, AdminFactory, UserFactory
from accreditation.tests.helpers import authenticator_for, current_code, login
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs what the block queued for after commit (email delivery)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sign_in(client, user, password=TEST_PASSWORD):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": password}, REMOTE_ADDR="10.0.0.7"
    )


class TestRequiredForAdminsAndValidators:
    def test_admin_must_set_up_before_reaching_any_page(self, client):
        admin = AdminFactory()
        sign_in(client, admin)
        for url in (reverse("home"), reverse("accounts:security"), reverse("accounts:people"), "/admin/"):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith(SETUP)

    def test_setting_up_then_reaching_home(self, client, committed):
        admin = AdminFactory()
        sign_in(client, admin)
        page = client.get(SETUP)
        assert "Scan this QR code" in page.content.decode()
        device = TOTPDevice.objects.get(user=admin, confirmed=False)
        with committed():
            response = client.post(SETUP, {"code": current_code(device), "next": "/"})
        assert response.url == reverse("accounts:recovery_codes")
        codes_page = client.get(response.url).content.decode()
        codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", codes_page)
        assert len(codes) == 10
        assert StaticToken.objects.filter(device__user=admin).count() == 10
        # Shown once only.
        assert client.get(reverse("accounts:recovery_codes")).status_code == 302
        assert client.get(reverse("home")).status_code == 200
        assert AuditEvent.objects.filter(action="second_factor.added", target_id=str(admin.pk)).exists()
        assert any("authenticator app was set up" in m.body for m in mail.outbox)

    def test_wrong_setup_code_is_refused_and_nothing_confirmed(self, client):
        admin = AdminFactory()
        sign_in(client, admin)
        client.get(SETUP)
        response = client.post(SETUP, {"code": "000000"})
        assert "The code is not right" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
        assert client.get(reverse("home")).status_code == 302

    def test_a_new_setup_cannot_bypass_an_existing_authenticator(self, client):
        admin = AdminFactory()
        authenticator_for(admin)
        sign_in(client, admin)
        response = client.get(SETUP)
        assert response.status_code == 302 and response.url.startswith(VERIFY)

    def test_school_user_is_offered_but_not_forced(self, client):
        lead = LeadFactory().user
        sign_in(client, lead)
        assert client.get(reverse("home")).status_code == 200
        assert "Set up" in client.get(reverse("accounts:security")).content.decode()


class TestVerifyingAtSignIn:
    def test_right_code_signs_in(self, client):
        admin = AdminFactory()
        device = authenticator_for(admin)
        sign_in(client, admin)
        assert client.get(reverse("home")).url.startswith(VERIFY)
        response = client.post(VERIFY, {"code": current_code(device), "next": reverse("accounts:security")})
        assert response.url == reverse("accounts:security")
        assert client.get(reverse("home")).status_code == 200

    def test_a_code_cannot_be_replayed(self, client):
        admin = AdminFactory()
        device = authenticator_for(admin)
        with time_machine.travel(timezone.now(), tick=False):
            code = current_code(device)
            sign_in(client, admin)
            client.post(VERIFY, {"code": code})
            client.post(reverse("accounts:logout"))
            sign_in(client, admin)
            replay = client.post(VERIFY, {"code": code})
        assert "already been used" in replay.content.decode()
        assert client.get(reverse("home")).status_code == 302

    def test_recovery_code_works_once(self, client):
        admin = AdminFactory()
        sign_in(client, admin)
        client.get(SETUP)
        client.post(SETUP, {"code": current_code(TOTPDevice.objects.get(user=admin))})
        codes = re.findall(
            r"<code>([a-z0-9]{10})</code>", client.get(reverse("accounts:recovery_codes")).content.decode()
        )
        client.post(reverse("accounts:logout"))
        sign_in(client, admin)
        assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
        assert client.get(reverse("home")).status_code == 200
        assert AuditEvent.objects.filter(action="second_factor.recovery_code_used").count() == 1
        client.post(reverse("accounts:logout"))
        sign_in(client, admin)
        again = client.post(VERIFY, {"code": codes[0]})
        assert "already been used" in again.content.decode()

    def test_brute_force_on_the_code_is_locked_out(self, client, settings):
        admin = AdminFactory()
        authenticator_for(admin)
        sign_in(client, admin)
        responses = []
        for _ in range(settings.AXES_FAILURE_LIMIT):
            responses.append(client.post(VERIFY, {"code": "123456"}, REMOTE_ADDR="10.0.0.7"))
        assert responses[-1].status_code == 429
        assert "Too many" in responses[-1].content.decode()
        assert "_auth_user_id" not in client.session
        # The password alone no longer gets in from there until the cool-off ends.
        assert sign_in(client, admin).status_code == 429

    def test_empty_code_gets_a_clear_message(self, client):
        admin = AdminFactory()
        authenticator_for(admin)
        sign_in(client, admin)
        response = client.post(VERIFY, {"code": ""})
        assert "Enter the 6-digit code" in response.content.decode()


class TestAdminReset:
    def test_admin_resets_anothers_second_factor_and_it_is_audited(self, client, committed):
        admin = AdminFactory()
        validator = AdminFactory(email="v@example.org")
        authenticator_for(validator)
        login(client, admin)
        url = reverse("accounts:person_reset_2fa", args=[validator.pk])
        assert "Reset the second factor" in client.get(url).content.decode()
        with committed():
            client.post(url)
        assert not TOTPDevice.objects.filter(user=validator).exists()
        event = AuditEvent.objects.get(action="second_factor.reset")
        assert event.actor == admin and event.target_id == str(validator.pk)
        assert any(
            "second factor for signing in was removed" in m.body for m in mail.outbox if m.to == [validator.email]
        )

    def test_only_admins_reach_people(self, client):
        login(client, LeadFactory().user)
        assert client.get(reverse("accounts:people")).status_code == 403
        assert client.post(reverse("accounts:person_reset_2fa", args=[1])).status_code == 403

    def test_reset_needs_post(self, client):
        admin = AdminFactory()
        other = UserFactory()
        device = authenticator_for(other)
        login(client, admin)
        client.get(reverse("accounts:person_reset_2fa", args=[other.pk]))
        assert TOTPDevice.objects.filter(pk=device.pk).exists()


class TestPasswordsEmailAndSessions:
    def test_changing_password_needs_the_current_one_and_signs_out_elsewhere(self, client, committed):
        from django.test import Client

        user = LeadFactory().user
        elsewhere = Client()
        sign_in(elsewhere, user)
        sign_in(client, user)
        assert UserSession.objects.filter(user=user).count() == 2
        wrong = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": "nope",
                "new_password1": "a fresh long passphrase",
                "new_password2": "a fresh long passphrase",
            },
        )
        assert "Your current password is not right" in wrong.content.decode()
        with committed():
            client.post(
                reverse("accounts:password_change"),
                {
                    "old_password": TEST_PASSWORD,
                    "new_password1": "a fresh long passphrase",
                    "new_password2": "a fresh long passphrase",
                },
            )
        user.refresh_from_db()
        assert user.check_password("a fresh long passphrase")
        assert client.get(reverse("home")).status_code == 200
        assert elsewhere.get(reverse("home")).status_code == 302
        assert UserSession.objects.filter(user=user).count() == 1
        assert any("Your password was changed" in m.body for m in mail.outbox)

    def test_short_or_personal_passwords_are_refused(self, client):
        user = LeadFactory(user__email="olivia.hughes@oakfield.example.org", user__first_name="Olivia").user
        sign_in(client, user)
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": TEST_PASSWORD,
                "new_password1": "olivia.hughes@oakfield.example.org",
                "new_password2": "olivia.hughes@oakfield.example.org",
            },
        )
        body = response.content.decode()
        assert "too similar" in body
        short = client.post(
            reverse("accounts:password_change"),
            {"old_password": TEST_PASSWORD, "new_password1": "Tr0ub4dor&3", "new_password2": "Tr0ub4dor&3"},
        )
        assert "too short" in short.content.decode()
        user.refresh_from_db()
        assert user.check_password(TEST_PASSWORD)

    def test_changing_email_alerts_both_addresses_and_needs_the_password(self, client, committed):
        user = LeadFactory(user__email="old@school.example.org").user
        sign_in(client, user)
        wrong = client.post(
            reverse("accounts:email_change"), {"email": "new@school.example.org", "current_password": "x"}
        )
        assert "Your current password is not right" in wrong.content.decode()
        with committed():
            client.post(
                reverse("accounts:email_change"), {"email": "New@School.example.org", "current_password": TEST_PASSWORD}
            )
        user.refresh_from_db()
        assert user.email == "new@school.example.org"
        alert = next(m for m in mail.outbox if "email address you sign in with changed" in m.body)
        assert sorted(alert.to) == ["new@school.example.org", "old@school.example.org"]

    def test_email_already_used_is_refused(self, client):
        UserFactory(email="taken@example.org")
        user = LeadFactory().user
        sign_in(client, user)
        response = client.post(
            reverse("accounts:email_change"), {"email": "taken@example.org", "current_password": TEST_PASSWORD}
        )
        assert "Another account uses this email address" in response.content.decode()

    def test_sign_out_everywhere_else(self, client):
        from django.test import Client

        user = LeadFactory().user
        others = [Client(), Client()]
        for other in others:
            sign_in(other, user)
        sign_in(client, user)
        page = client.get(reverse("accounts:security")).content.decode()
        assert page.count("This device") == 1
        client.post(reverse("accounts:sessions_sign_out_others"))
        assert all(other.get(reverse("home")).status_code == 302 for other in others)
        assert client.get(reverse("home")).status_code == 200

    def test_school_user_can_remove_an_optional_second_factor_but_admin_cannot(self, client):
        lead = LeadFactory().user
        authenticator_for(lead)
        login(client, lead)
        client.post(reverse("accounts:two_factor_remove"))
        assert not TOTPDevice.objects.filter(user=lead).exists()
        admin = AdminFactory()
        authenticator_for(admin)
        login(client, admin)
        assert client.post(reverse("accounts:two_factor_remove")).status_code == 403
        assert TOTPDevice.objects.filter(user=admin).exists()


class TestPersonLoadedWithTheGatesAnswers:
    """Issue 20: the backend loads the signed-in person with whether they have a confirmed device
    (and each app's second-factor rule) in one query; the gate asks nothing more."""

    def load(self, user_id, django_assert_num_queries):
        from accreditation.backends import PortalModelBackend

        with django_assert_num_queries(1):
            return PortalModelBackend().get_user(user_id)

    def test_school_user_without_a_device_in_one_query(self, django_assert_num_queries):
        lead = LeadFactory().user
        user = self.load(lead.pk, django_assert_num_queries)
        assert user == lead and user.email == lead.email and user.first_name == lead.first_name
        assert user._had_second_factor_at_start is False
        assert user._is_validator is False

    def test_a_confirmed_device_of_either_kind_counts_and_an_unconfirmed_one_does_not(self, django_assert_num_queries):
        from django_otp.plugins.otp_static.models import StaticDevice

        lead = LeadFactory().user
        TOTPDevice.objects.create(user=lead, name="half set up", confirmed=False)
        assert self.load(lead.pk, django_assert_num_queries)._had_second_factor_at_start is False
        StaticDevice.objects.create(user=lead, name="recovery codes", confirmed=True)
        assert self.load(lead.pk, django_assert_num_queries)._had_second_factor_at_start is True

    def test_nobody_for_an_unknown_malformed_or_inactive_id(self, django_assert_num_queries):
        from accreditation.backends import PortalModelBackend

        lead = LeadFactory().user
        assert self.load(lead.pk + 1000, django_assert_num_queries) is None
        assert PortalModelBackend().get_user("not-a-number") is None
        lead.is_active = False
        lead.save()
        assert self.load(lead.pk, django_assert_num_queries) is None

    def test_school_user_with_an_authenticator_is_asked_for_a_code_on_every_page(self, client):
        lead = LeadFactory().user
        authenticator_for(lead)
        sign_in(client, lead)
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(VERIFY)
        # A new device set up elsewhere during a session counts from the next request.
        other = LeadFactory().user
        client.force_login(other)
        assert client.get(reverse("home")).status_code == 200
        authenticator_for(other)
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_an_id_no_row_can_have_is_nobody(django_assert_num_queries):
    from accreditation.backends import PortalModelBackend

    with django_assert_num_queries(0):
        assert PortalModelBackend().get_user(2**64) is None
        assert PortalModelBackend().get_user(-3) is None
