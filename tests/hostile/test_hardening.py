"""What the attack on the production-like stack found (issue 23), each as a class of problem."""

import io
import os
import tempfile
import time

import pytest
from django.conf import settings
from django.urls import reverse

from accreditation import uploads_temp
from accreditation.tests.helpers import login
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readinto = read


# --- bodies before limits


def test_a_huge_declared_body_is_refused_before_it_is_read(client):
    lead = LeadFactory()
    login(client, lead.user)
    url = reverse("portfolios:evidence_upload", args=[lead.school.pk])
    before = set(os.listdir(settings.FILE_UPLOAD_TEMP_DIR))
    started = time.monotonic()
    response = client.generic(
        "POST",
        url,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(2 * 1024**3),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert time.monotonic() - started < 2
    assert "What you sent is too large" in response.content.decode()
    assert "Nothing has been uploaded" in response.content.decode()
    assert set(os.listdir(settings.FILE_UPLOAD_TEMP_DIR)) == before


def test_a_body_within_the_limit_is_read_as_usual(client):
    response = client.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x"})
    assert response.status_code == 200


def test_uploads_spool_to_a_private_folder_not_the_system_temp():
    folder = settings.FILE_UPLOAD_TEMP_DIR
    assert folder and os.path.realpath(folder) != os.path.realpath(tempfile.gettempdir())
    assert os.stat(folder).st_mode & 0o077 == 0, "only the portal's user may read it"


def test_abandoned_temporary_uploads_are_cleaned_and_fresh_ones_kept():
    folder = uploads_temp.ensure_folder()
    old = folder / "killed-worker.upload"
    old.write_bytes(b"x" * 1024)
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old, (two_hours_ago, two_hours_ago))
    fresh = folder / "in-progress.upload"
    fresh.write_bytes(b"y")
    from accreditation.tasks import clean_upload_temp

    assert clean_upload_temp.delay().get() == 1
    assert not old.exists() and fresh.exists()
    fresh.unlink()


def test_the_clean_up_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="accreditation.clean_upload_temp", enabled=True).exists()


# --- headers


def test_every_page_denies_browser_features_it_does_not_use(client):
    for path in (reverse("accounts:login"), "/no-such-page/"):
        policy = client.get(path)["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy


def test_signed_in_pages_are_never_stored(client):
    lead = LeadFactory()
    login(client, lead.user)
    for path in (reverse("home"), reverse("portfolios:evidence_library", args=[lead.school.pk])):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
