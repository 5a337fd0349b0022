"""Authentication and sessions under attack: brute force, token reuse, CSRF, session fixation, a
deactivated person's live session, idle and absolute timeouts. Each asserts the answer and that
nothing stored changed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accreditation.models import AuditEvent, Invitation, User
from accreditation.tests.factories import TEST_PASSWORD, AdminFactory, UserFactory
from accreditation.tests.helpers import authenticator_for, current_code, login
from portfolios.models import Application, EvidenceItem
from portfolios.tests.factories import EvidenceItemFactory, pdf_bytes
from schools.models import Membership
from schools.tests.factories import LeadFactory, MembershipFactory

from .helpers import audit_count, stored_files, upload_data

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")


def sign_in(client, email, password=TEST_PASSWORD, ip="10.0.0.1"):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def account(user):
    return User.objects.filter(pk=user.pk).values("password", "last_login", "is_active", "email").get()


class TestBruteForce:
    def test_password_guessing_locks_out_even_the_right_password(self, client, settings):
        user = UserFactory(email="head@school.example.org")
        before = account(user)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "head@school.example.org", "guess")
        locked = sign_in(client, "head@school.example.org")
        assert locked.status_code == 429 and "Too many sign-in attempts" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        assert account(user) == before
        assert not AuditEvent.objects.filter(action="user.signed_in").exists()

    def test_guessing_the_second_factor_code_locks_out_and_signs_out(self, client, settings):
        admin = AdminFactory()
        device = authenticator_for(admin)
        key = device.key
        sign_in(client, admin.email)
        answers = [
            client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1") for _ in range(settings.AXES_FAILURE_LIMIT)
        ]
        assert answers[-1].status_code == 429 and "Too many" in answers[-1].content.decode()
        assert "_auth_user_id" not in client.session
        device = TOTPDevice.objects.get(pk=device.pk)
        assert (device.key, device.confirmed) == (key, True)
        # the right code is no use now: the person must sign in again, and that is locked too
        assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
        assert "_auth_user_id" not in client.session
        assert sign_in(client, admin.email).status_code == 429


class TestTokens:
    def test_a_password_reset_link_works_once(self, client, django_capture_on_commit_callbacks):
        user = UserFactory(email="known@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": "known@example.org"})
        link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
        form = client.get(link, follow=True)
        set_url = form.redirect_chain[-1][0]
        new = {"new_password1": "first new passphrase", "new_password2": "first new passphrase"}
        assert client.post(set_url, new).status_code == 302
        client.logout()
        after_first = account(user)
        again = client.get(link, follow=True)
        assert "This link cannot be used" in again.content.decode()
        replay = {"new_password1": "attacker passphrase", "new_password2": "attacker passphrase"}
        client.post(set_url, replay)
        assert account(user) == after_first
        assert User.objects.get(pk=user.pk).check_password("first new passphrase")

    def test_an_invitation_link_works_once(self, client):
        from accreditation import services

        invited = UserFactory(email="new@school.example.org", password="")
        services.invitation_send(user=invited, created_by=AdminFactory())
        Invitation.objects.filter(user=invited).update(token_hash=Invitation.hash_token("known-token"))
        url = reverse("accounts:invitation", args=["known-token"])
        data = {"new_password1": "a long first passphrase", "new_password2": "a long first passphrase"}
        client.post(url, data)
        client.logout()
        after_first = account(invited)
        response = client.post(
            url, {"new_password1": "attacker passphrase 1", "new_password2": "attacker passphrase 1"}
        )
        assert "_auth_user_id" not in client.session
        assert response.status_code == 410 and "already been used" in response.content.decode()
        assert account(invited) == after_first


class TestCsrf:
    """With CSRF checks on (as in production), a POST without the token is refused with a page
    that says so, and changes nothing."""

    def test_sign_in_without_the_token(self):
        UserFactory(email="head@school.example.org")
        client = Client(enforce_csrf_checks=True)
        response = sign_in(client, "head@school.example.org")
        assert response.status_code == 403
        assert "Your form could not be sent" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert not AuditEvent.objects.filter(action="user.signed_in").exists()

    def test_upload_without_the_token(self):
        lead = LeadFactory()
        client = login(Client(enforce_csrf_checks=True), lead.user)
        before = (EvidenceItem.objects.count(), stored_files(), audit_count())
        response = client.post(
            reverse("portfolios:evidence_upload", args=[lead.school.pk]),
            upload_data([SimpleUploadedFile("policy.pdf", pdf_bytes())]),
        )
        assert response.status_code == 403 and "Nothing has been saved" in response.content.decode()
        assert (EvidenceItem.objects.count(), stored_files(), audit_count()) == before

    def test_a_state_change_without_the_token(self):
        lead = LeadFactory()
        client = login(Client(enforce_csrf_checks=True), lead.user)
        before = (Application.objects.count(), audit_count())
        response = client.post(reverse("portfolios:application_start", args=[lead.school.pk]))
        assert response.status_code == 403
        assert (Application.objects.count(), audit_count()) == before

    def test_with_the_token_the_same_request_works(self):
        """The control: the refusals above are the missing token, not the request."""
        lead = LeadFactory()
        client = login(Client(enforce_csrf_checks=True), lead.user)
        page = client.get(reverse("portfolios:school", args=[lead.school.pk])).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        client.post(reverse("portfolios:application_start", args=[lead.school.pk]), {"csrfmiddlewaretoken": token})
        assert Application.objects.filter(school=lead.school).count() == 1


def test_signing_in_gives_a_new_session_key(client):
    """Session fixation: a key planted before sign-in is not the signed-in session's key."""
    UserFactory(email="head@school.example.org")
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    assert sign_in(client, "head@school.example.org").status_code == 302
    assert client.session.session_key != planted
    assert client.session["_auth_user_id"]
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=planted).exists()


class TestLiveSessions:
    def test_a_deactivated_accounts_live_session_is_signed_out_at_the_next_request(self, client):
        lead = LeadFactory()
        item = EvidenceItemFactory(school=lead.school, title="Policy")
        login(client, lead.user)
        assert client.get(reverse("portfolios:evidence_detail", args=[item.pk])).status_code == 200
        User.objects.filter(pk=lead.user.pk).update(is_active=False)
        response = client.post(reverse("portfolios:evidence_edit", args=[item.pk]), {"title": "Changed"})
        assert response.status_code == 302 and response.url.startswith(SIGN_IN)
        assert client.get(reverse("home")).url.startswith(SIGN_IN)
        assert EvidenceItem.objects.get(pk=item.pk).title == "Policy"

    def test_a_colleague_removed_from_the_team_loses_the_school_at_the_next_request(self, client):
        lead = LeadFactory()
        colleague = MembershipFactory(school=lead.school)
        item = EvidenceItemFactory(school=lead.school, title="Policy")
        login(client, colleague.user)
        assert client.get(reverse("portfolios:evidence_detail", args=[item.pk])).status_code == 200
        Membership.objects.filter(pk=colleague.pk).update(is_active=False)
        response = client.post(reverse("portfolios:evidence_edit", args=[item.pk]), {"title": "Changed"})
        assert response.status_code == 404
        assert EvidenceItem.objects.get(pk=item.pk).title == "Policy"

    @pytest.mark.parametrize("idle, signed_out", [(timedelta(minutes=29), False), (timedelta(minutes=31), True)])
    def test_idle_timeout(self, client, idle, signed_out):
        with time_machine.travel("2026-11-02 09:00Z", tick=False) as clock:
            lead = LeadFactory()
            item = EvidenceItemFactory(school=lead.school, title="Policy")
            sign_in(client, lead.user.email)
            clock.shift(idle)
            response = client.post(reverse("portfolios:evidence_edit", args=[item.pk]), {"title": "Changed"})
            if signed_out:
                assert response.status_code == 302 and response.url.startswith(SIGN_IN)
                assert EvidenceItem.objects.get(pk=item.pk).title == "Policy"
                assert "_auth_user_id" not in client.session
            else:
                assert response.status_code in (200, 302) and not response.get("Location", "").startswith(SIGN_IN)

    def test_absolute_timeout_however_busy(self, client):
        with time_machine.travel("2026-11-02 07:00Z", tick=False) as clock:
            lead = LeadFactory()
            item = EvidenceItemFactory(school=lead.school, title="Policy")
            sign_in(client, lead.user.email)
            for _ in range(12 * 4 - 1):
                clock.shift(timedelta(minutes=15))
                assert client.get(reverse("home")).status_code == 200
            clock.shift(timedelta(minutes=16))
            response = client.post(reverse("portfolios:evidence_edit", args=[item.pk]), {"title": "Changed"})
            assert response.status_code == 302 and response.url.startswith(SIGN_IN)
            assert EvidenceItem.objects.get(pk=item.pk).title == "Policy"
            assert timezone.now() - timedelta(hours=12) > User.objects.get(pk=lead.user.pk).last_login
