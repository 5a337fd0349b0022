"""Every email the portal sends: one layout and greeting, plain text never HTML-escaped, HTML
always escaped. Each template is rendered with every value a name holding ', &, < and non-ASCII."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from accreditation import notifications

HOSTILE = "St Mary's & St John's <Zoë> Ålesund"
ESCAPED = "St Mary&#x27;s &amp; St John&#x27;s &lt;Zoë&gt; Ålesund"
TEMPLATES = sorted(
    p.name.removesuffix(".subject.txt")
    for p in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*.subject.txt")
)


WHEN = datetime(2027, 3, 1, 10, 30, tzinfo=UTC)
DATE_PARTS = set(dir(datetime)) - set(dir(str)) - {"date", "time"}


class Anything(str):
    """Any attribute, item or call gives the hostile name back, so every value in a template is it
    (a list of two of it when looped over; dates of it format as nothing)."""

    def __new__(cls):
        return super().__new__(cls, HOSTILE)

    def __getattribute__(self, name):
        if name.startswith("__"):
            return super().__getattribute__(name)
        if name in DATE_PARTS:  # what the date and time filters read
            return getattr(WHEN, name)
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __iter__(self):
        return iter([Anything(), Anything()])

    def __len__(self):
        return 2

    def __call__(self, *args, **kwargs):
        return self


TAG = re.compile(r"{[{%](.*?)[%}]}", re.S)
NAME = re.compile(r"(?<![\w.\"'])([A-Za-z_]\w*)")
KEEP = {"True", "False", "None", "forloop", "block", "super"}


def context(template):
    """Every name the email's templates use, each bound to the hostile name."""
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    source = "".join((folder / f"{template}{suffix}").read_text() for suffix in (".subject.txt", ".txt", ".html"))
    names = {name for tag in TAG.findall(source) for name in NAME.findall(tag)} - KEEP
    return {
        **{name: Anything() for name in names},
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "HW_TEAM_EMAIL": settings.HW_TEAM_EMAIL,
        "SITE_URL": settings.SITE_URL,
    }


def test_every_email_template_is_covered():
    assert len(TEMPLATES) >= 23


@pytest.mark.parametrize("template", TEMPLATES)
def test_plain_text_is_never_escaped_and_html_always_is(template):
    subject, text, html = notifications.render(template, context(template))
    for plain in (subject, text):
        assert "&amp;" not in plain and "&#x27;" not in plain and "&lt;" not in plain
    assert HOSTILE in text
    assert "<Zoë>" not in html
    assert ESCAPED in html or "&lt;Zoë&gt;" in html
    if "{{" in (Path(settings.BASE_DIR) / "templates" / "emails" / f"{template}.subject.txt").read_text():
        assert "St Mary's & St John's" in subject or "&" not in subject


@pytest.mark.parametrize("template", TEMPLATES)
def test_one_voice_greeting_and_footer(template):
    subject, text, html = notifications.render(template, context(template))
    first_lines = text.splitlines()
    assert first_lines[0] == f"{settings.SERVICE_NAME} – {settings.COUNCIL_NAME}"
    assert first_lines[2].startswith("Dear ") and first_lines[2].endswith(",")
    assert text.count("Dear ") == 1, "one greeting, from the layout"
    assert f"Health and Wellbeing team, {settings.COUNCIL_NAME}" in text
    assert settings.SERVICE_NAME in text.split("\n--\n")[-1]
    assert html.count("<p>Dear ") == 1
    assert f"Health and Wellbeing team, {settings.COUNCIL_NAME}" in html
    assert text.strip() and subject.strip()


@pytest.mark.django_db
def test_a_real_registration_email_keeps_the_school_name_as_written(mailoutbox, django_capture_on_commit_callbacks):
    from accreditation.models import OutboxMessage
    from schools.tests.factories import SchoolFactory

    school = SchoolFactory(name=HOSTILE)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send(
            to="lead@example.org",
            template="registration_received",
            context={
                "registration": type(
                    "R", (), {"school_name": school.name, "lead_name": "Siân O'Brien & co", "urn": school.urn, "pk": 7}
                )()
            },
        )
    message = OutboxMessage.objects.get(template="registration_received")
    assert message.subject == f"We have received the registration of {HOSTILE}"
    assert "Dear Siân O'Brien & co," in message.body_text
    assert "Dear Siân O&#x27;Brien &amp; co," in message.body_html
    delivered = mailoutbox[-1]
    assert delivered.subject == message.subject
