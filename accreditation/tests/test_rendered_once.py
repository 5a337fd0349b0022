"""`{% rendered_once %}` and `drawn_once` (issue 20, a cheap floor): the parts of a page that are the
same on every request are drawn once per process, never with anything of the request in them."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from accreditation.forms import SignInForm
from accreditation.tests.factories import UserFactory
from accreditation.tests.helpers import login


def _template(body: str) -> Template:
    return Template("{% load portal %}" + body)


def test_a_block_is_drawn_once_and_reused():
    # {% now %} with microseconds differs on every drawing: the same text twice means reused.
    template = _template('{% rendered_once %}{% now "u" %}{% endrendered_once %}')
    first = template.render(Context())
    assert first == template.render(Context()) == template.render(Context())


def test_a_block_sees_only_the_service_names_never_the_request(settings):
    settings.SERVICE_NAME = "Anti-bullying Accreditation"
    template = _template("{% rendered_once %}[{{ user.email }}|{{ secret }}|{{ SERVICE_NAME }}]{% endrendered_once %}")
    drawn = template.render(Context({"user": {"email": "head@school.example"}, "secret": "s3cret"}))
    assert drawn == "[||Anti-bullying Accreditation]"
    # Nor does the first person's context reach the next one's page.
    assert template.render(Context({"user": {"email": "other@school.example"}})) == drawn


def test_a_settings_change_draws_it_afresh():
    template = _template("{% rendered_once %}{{ COUNCIL_NAME }}{% endrendered_once %}")
    with override_settings(COUNCIL_NAME="North Shire Council"):
        assert template.render(Context()) == "North Shire Council"
    with override_settings(COUNCIL_NAME="South Shire Council"):
        assert template.render(Context()) == "South Shire Council"


def test_escaping_follows_the_page():
    template = _template("{% rendered_once %}{{ COUNCIL_NAME }}{% endrendered_once %}")
    with override_settings(COUNCIL_NAME="Smith & Jones <Council>"):
        assert template.render(Context()) == "Smith &amp; Jones &lt;Council&gt;"
        assert template.render(Context(autoescape=False)) == "Smith & Jones <Council>"


def test_a_block_or_an_argument_inside_is_refused():
    with pytest.raises(TemplateSyntaxError, match="cannot hold a"):
        _template("{% rendered_once %}{% block x %}{% endblock %}{% endrendered_once %}")
    with pytest.raises(TemplateSyntaxError, match="takes no arguments"):
        _template("{% rendered_once user %}{% endrendered_once %}")


@pytest.mark.django_db
def test_sign_in_page_draws_the_empty_form_as_the_form_itself_would(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert render_to_string("accounts/_sign_in_fields.html", {"form": SignInForm()}) in page
    assert 'href="/accounts/password-reset/"' in page or reverse("accounts:password_reset") in page


@pytest.mark.django_db
def test_sign_in_errors_and_the_typed_address_are_drawn_for_that_request(client):
    page = client.post(reverse("accounts:login"), {"username": "head@school.example", "password": ""})
    html = page.content.decode()
    assert "Enter your password" in html
    assert 'value="head@school.example"' in html
    assert "govuk-form-group--error" in html
    # The next visitor's empty form carries nothing of it.
    fresh = client.__class__().get(reverse("accounts:login")).content.decode()
    assert "head@school.example" not in fresh and "govuk-form-group--error" not in fresh


@pytest.mark.django_db
def test_signed_in_pages_keep_their_own_navigation(client):
    user = UserFactory(email="lead@school.example")
    login(client, user)
    html = client.get(reverse("accounts:security")).content.decode()
    assert "Sign out" in html and "lead@school.example" in html
    assert reverse("accounts:login") + '">Sign in' not in html
