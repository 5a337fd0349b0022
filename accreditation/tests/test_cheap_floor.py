"""The sign-in page and every response's policy header, made cheaper without losing anything
(issue 20, a cheap floor): the Content-Security-Policy text is written once per process, and the
sign-in view's three protections are applied once rather than on every request."""

from datetime import timedelta

import pytest
import time_machine
from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accreditation.middleware import PortalCSPMiddleware
from accreditation.tests.factories import UserFactory
from accreditation.tests.helpers import login
from accreditation.views import SignInView


def _through_csp(view, path="/somewhere/", nonce=False):
    """`view`'s response after PortalCSPMiddleware, as the middleware chain would run it."""

    def get_response(request):
        if nonce:
            str(request.csp_nonce)  # a template asking for {{ request.csp_nonce }}
        return view(request)

    return PortalCSPMiddleware(get_response)(RequestFactory().get(path))


def plain(request):
    return HttpResponse("<p>page</p>")


def test_the_header_is_what_django_csp_would_write(client):
    response = client.get(reverse("accounts:login"))
    assert response["Content-Security-Policy"] == build_policy()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_settings_change_writes_the_new_policy():
    assert "img-src 'self' data:" in _through_csp(plain)["Content-Security-Policy"]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert _through_csp(plain)["Content-Security-Policy"] == "default-src 'none'"
    assert "img-src 'self' data:" in _through_csp(plain)["Content-Security-Policy"]


def test_a_report_only_policy_and_excluded_prefixes_are_honoured():
    with override_settings(
        CONTENT_SECURITY_POLICY={"EXCLUDE_URL_PREFIXES": ["/open/"], "DIRECTIVES": {"default-src": ["'self'"]}},
        CONTENT_SECURITY_POLICY_REPORT_ONLY={"DIRECTIVES": {"script-src": ["'none'"]}},
    ):
        response = _through_csp(plain)
        assert response["Content-Security-Policy"] == "default-src 'self'"
        assert response["Content-Security-Policy-Report-Only"] == build_policy(report_only=True)
        assert "script-src 'none'" in response["Content-Security-Policy-Report-Only"]
        excluded = _through_csp(plain, path="/open/page/")
        assert "Content-Security-Policy" not in excluded
        assert "script-src 'none'" in excluded["Content-Security-Policy-Report-Only"]


def test_a_view_that_sets_its_own_header_keeps_it():
    def sandboxed(request):
        response = HttpResponse("file")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    assert _through_csp(sandboxed)["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_django_csps_per_view_decorators_and_nonces_still_work():
    updated = _through_csp(csp_update({"img-src": "https://maps.example"})(plain))
    assert "https://maps.example" in updated["Content-Security-Policy"]
    assert "Content-Security-Policy" not in _through_csp(csp_exempt()(plain))
    # The memo is untouched by them: the next plain response has the settings' policy.
    assert _through_csp(plain)["Content-Security-Policy"] == build_policy()


def test_a_nonce_a_page_asked_for_is_in_its_own_header():
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": ["'self'", NONCE]}}):
        first, second = _through_csp(plain, nonce=True), _through_csp(plain, nonce=True)
        assert "'nonce-" in first["Content-Security-Policy"]
        assert first["Content-Security-Policy"] != second["Content-Security-Policy"]
        unasked = _through_csp(plain)["Content-Security-Policy"]
        assert unasked == build_policy() and "script-src 'self'" in unasked and "'nonce-" not in unasked


def test_a_nonce_asked_for_after_the_header_is_written_is_refused():
    request = RequestFactory().get("/")
    PortalCSPMiddleware(plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


@pytest.mark.django_db
class TestSignInViewProtections:
    """The three protections LoginView applies to its dispatch, applied here once to the view."""

    def test_the_page_is_never_cached(self, client):
        response = client.get(reverse("accounts:login"))
        for part in ("no-cache", "no-store", "must-revalidate", "private"):
            assert part in response["Cache-Control"]
        assert "Expires" in response

    def test_a_post_without_the_csrf_token_is_refused_even_by_the_view_alone(self):
        view = SignInView.as_view()
        request = RequestFactory().post("/accounts/sign-in/", {"username": "a@b.example", "password": "x"})
        request.session = SessionStore()
        # Without the CSRF middleware in front, the view's own csrf_protect refuses it.
        assert view(request).status_code == 403
        strict = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x", "password": "y"})
        assert strict.status_code == 403

    def test_the_password_is_hidden_from_error_reports(self):
        view = SignInView.as_view()
        request = RequestFactory().post("/accounts/sign-in/", {"username": "a@b.example", "password": "secret"})
        request._dont_enforce_csrf_checks = True
        request.session = SessionStore()
        request.user = AnonymousUser()
        view(request)
        assert request.sensitive_post_parameters == "__ALL__"

    def test_someone_signed_in_is_sent_on(self, client):
        user = UserFactory()
        login(client, user)
        response = client.get(reverse("accounts:login"))
        assert response.status_code == 302 and response.url != reverse("accounts:login")

    def test_the_page_draws_its_form_with_a_fresh_token_each_time(self):
        first = Client().get(reverse("accounts:login")).content.decode()
        second = Client().get(reverse("accounts:login")).content.decode()
        assert 'name="csrfmiddlewaretoken"' in first and 'name="username"' in first and 'name="password"' in first
        token = 'name="csrfmiddlewaretoken" value="'
        assert first.split(token)[1][:64] != second.split(token)[1][:64]
        assert "<title>Sign in" in first and "Error:" not in first


@pytest.mark.django_db
class TestTheSignInPageIsDrawnOnce:
    """The signed-out sign-in page is drawn once per process from settings alone; each request
    puts in its own CSRF token (issue 20's floor)."""

    def test_the_token_on_the_page_is_the_one_the_cookie_accepts(self):
        UserFactory(email="lead@school.example.org", password="a long pass phrase 42")
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(reverse("accounts:login")).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        response = browser.post(
            reverse("accounts:login"),
            {"username": "lead@school.example.org", "password": "a long pass phrase 42", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
        assert "_auth_user_id" in browser.session

    def test_the_page_is_the_one_the_template_draws_for_a_signed_out_visitor(self):
        fast = Client().get(reverse("accounts:login")).content.decode()
        request = RequestFactory().get(reverse("accounts:login"))
        request.user, request._messages = AnonymousUser(), []
        view = SignInView()
        view.setup(request)
        drawn = view.render_to_response({"view": view, "form": None, "blank_fields": view._blank_fields()})
        drawn.render()

        def without_token(html):
            before, rest = html.split('name="csrfmiddlewaretoken" value="')
            return before + rest.split('"', 1)[1]

        assert without_token(fast) == without_token(drawn.content.decode())

    def test_a_waiting_message_is_shown(self, client):
        with time_machine.travel("2026-11-02 09:00Z", tick=False) as traveller:
            UserFactory(email="idle@school.example.org", password="a long pass phrase 42")
            client.post(
                reverse("accounts:login"), {"username": "idle@school.example.org", "password": "a long pass phrase 42"}
            )
            traveller.shift(timedelta(minutes=31))
            response = client.get(reverse("home"), follow=True)
        page = response.content.decode()
        assert "your session timed out" in page and 'name="csrfmiddlewaretoken"' in page
        # The message is shown once; the next visit gets the page drawn once.
        again = client.get(reverse("accounts:login")).content.decode()
        assert "your session timed out" not in again and 'name="csrfmiddlewaretoken"' in again

    def test_a_settings_change_shows_at_once(self, client):
        with override_settings(SERVICE_NAME="Anti-bullying Award (test)"):
            assert "Anti-bullying Award (test)" in client.get(reverse("accounts:login")).content.decode()
        assert "Anti-bullying Award (test)" not in client.get(reverse("accounts:login")).content.decode()
