"""What the attack on the production-like stack found (issue 23), each as a class of problem."""

import io
import os
import tempfile
import time

import pytest
from django.conf import settings
from django.test import Client
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
    now = time.time()  # the file system's clock may differ from a faked one: say "now" explicitly
    os.utime(fresh, (now, now))
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


# --- password spraying


SIGN_IN = "/accounts/sign-in/"


def attempt(client, email, password="Wrong-password-123", ip="203.0.113.9", **headers):  # noqa: S107 - a test guess
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=ip, **headers)


def test_one_address_spraying_many_accounts_is_slowed_then_stopped(settings, time_machine):
    from accreditation.models import AuditEvent
    from accreditation.tests.factories import TEST_PASSWORD, UserFactory

    settings.SIGN_IN_SLOWDOWN_AFTER = 3
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 6
    time_machine.move_to("2027-03-01 09:00Z", tick=False)
    client = Client()
    for n in range(3):
        assert attempt(client, f"person{n}@school.example.org").status_code == 200
    slowed = attempt(client, "person3@school.example.org")
    assert slowed.status_code == 429 and slowed["Retry-After"] == "2"
    assert "Wait 2 seconds" in slowed.content.decode()
    for n, pause in ((3, 3), (4, 5), (5, 9)):
        time_machine.shift(pause)
        assert attempt(client, f"person{n}@school.example.org").status_code == 200
    # Six failures across six accounts: the address is stopped, even with a right password.
    victim = UserFactory(email="head@school.example.org")
    time_machine.shift(120)
    stopped = attempt(client, victim.email, TEST_PASSWORD)
    assert stopped.status_code == 429 and "with several email addresses" in stopped.content.decode()
    assert "_auth_user_id" not in client.session
    # A spoofed X-Forwarded-For does not help when no proxy is trusted.
    assert attempt(client, victim.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # Another address (a school's staff) is not affected.
    assert attempt(Client(), victim.email, TEST_PASSWORD, ip="192.0.2.44").status_code == 302
    assert AuditEvent.objects.filter(action="security.sign_in_throttled").count() == 1
    time_machine.shift(3600)
    assert attempt(client, victim.email, TEST_PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_address_is_the_proxys_view(settings, time_machine):
    from axes.models import AccessAttempt

    settings.PROXY_COUNT = 1
    time_machine.move_to("2027-03-01 09:00Z", tick=False)
    # The client prepends a lie; the proxy appends the address it saw. Only the proxy's counts.
    attempt(Client(), "a@school.example.org", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.20"


def test_a_locked_account_cool_off_does_not_restart_on_attempts_during_it(settings, time_machine):
    from accreditation.tests.factories import TEST_PASSWORD, UserFactory

    user = UserFactory(email="head@school.example.org")
    time_machine.move_to("2027-03-01 09:00Z", tick=False)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.email, ip="192.0.2.10")
    time_machine.shift(60 * 10)
    assert attempt(client, user.email, TEST_PASSWORD, ip="192.0.2.10").status_code == 429
    assert attempt(client, user.email, ip="192.0.2.10").status_code == 429
    time_machine.shift(60 * 6)  # 16 minutes after the lock: the 15-minute cool-off is over
    assert attempt(client, user.email, TEST_PASSWORD, ip="192.0.2.10").status_code == 302


# --- every refusal leaves a trace; quotas


def test_a_refused_upload_is_audited_with_who_which_school_file_and_why(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accreditation.models import AuditEvent
    from portfolios.models import EvidenceItem

    from .helpers import upload_data

    lead = LeadFactory(school__name="Hillside Primary")
    login(client, lead.user)
    exe = b"MZ\x90\x00\x03" + b"\x00" * 300
    response = client.post(
        reverse("portfolios:evidence_upload", args=[lead.school.pk]),
        upload_data([SimpleUploadedFile("invoice.pdf", exe)]),
    )
    assert "is a program, not a PDF" in response.content.decode()
    assert not EvidenceItem.objects.exists()
    event = AuditEvent.objects.get(action="security.upload_refused")
    assert event.actor == lead.user
    assert "invoice.pdf" in event.summary and "Hillside Primary" in event.summary
    assert "is a program, not a PDF" in event.summary
    assert event.data["school"] == lead.school.pk and event.data["files"] == ["invoice.pdf"]


def test_requests_for_another_schools_objects_are_audited_and_repeated_probes_alert_once(
    client, settings, django_capture_on_commit_callbacks
):
    from accreditation.models import AuditEvent, OutboxMessage
    from accreditation.tests.factories import AdminFactory
    from portfolios.tests.factories import EvidenceItemFactory

    settings.PROBE_ALERT_THRESHOLD = 3
    admin = AdminFactory(email="hw@council.example.org")
    prober = LeadFactory()
    theirs = EvidenceItemFactory()
    login(client, prober.user)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            assert client.get(reverse("portfolios:evidence_detail", args=[theirs.pk])).status_code == 404
    events = AuditEvent.objects.filter(action="security.not_found", actor=prober.user)
    assert events.count() == 5
    assert events.first().summary == reverse("portfolios:evidence_detail", args=[theirs.pk])
    alerts = OutboxMessage.objects.filter(template="security_probe_alert")
    assert alerts.count() == 1, "once per window"
    assert alerts.get().to == [admin.email] and prober.user.email in alerts.get().subject
    # A page that is not the portal's at all is a typo, not a probe.
    client.get("/no-such-page/")
    assert events.count() == 5


def test_a_school_uploading_too_many_files_an_hour_is_told_when_it_can_go_on(client, settings, time_machine):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portfolios.models import EvidenceItem
    from portfolios.tests.factories import pdf_bytes

    from .helpers import upload_data

    settings.EVIDENCE_UPLOADS_PER_HOUR = 3
    time_machine.move_to("2027-03-01 10:00Z", tick=False)
    lead = LeadFactory()
    login(client, lead.user)
    url = reverse("portfolios:evidence_upload", args=[lead.school.pk])
    files = [SimpleUploadedFile(f"p{n}.pdf", pdf_bytes()) for n in range(3)]
    assert client.post(url, upload_data(files)).status_code == 302
    response = client.post(url, upload_data([SimpleUploadedFile("more.pdf", pdf_bytes())]))
    page = response.content.decode()
    assert "can upload up to 3 files an hour" in page and "try again after 11:00" in page
    assert EvidenceItem.objects.count() == 3
    time_machine.shift(3601)
    assert client.post(url, upload_data([SimpleUploadedFile("more.pdf", pdf_bytes())])).status_code == 302


def test_a_school_at_its_file_count_cap_is_refused(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portfolios.models import EvidenceItem
    from portfolios.tests.factories import pdf_bytes

    from .helpers import upload_data

    settings.EVIDENCE_SCHOOL_MAX_FILES = 2
    lead = LeadFactory()
    login(client, lead.user)
    url = reverse("portfolios:evidence_upload", args=[lead.school.pk])
    files = [SimpleUploadedFile(f"p{n}.pdf", pdf_bytes()) for n in range(3)]
    page = client.post(url, upload_data(files)).content.decode()
    assert "can hold up to 2 files" in page
    assert not EvidenceItem.objects.exists()


# --- renewal timing


def test_a_renewal_opens_twelve_months_before_the_award_ends_and_the_school_is_told_when(client, time_machine):
    from portfolios import services
    from portfolios.models import Application
    from portfolios.tests.factories import complete_application

    time_machine.move_to("2027-07-31 10:00+01:00", tick=False)
    lead = LeadFactory()
    application = complete_application(lead)
    Application.objects.filter(pk=application.pk).update(
        state=Application.State.ACCREDITED, decided_on="2027-07-30", decided_at="2027-07-30T14:00Z"
    )
    login(client, lead.user)
    portfolio = reverse("portfolios:school", args=[lead.school.pk])
    page = client.get(portfolio).content.decode()
    assert "You can start your renewal from <strong>30 July 2029</strong>, 12 months before" in page
    assert "Start a renewal" not in page
    client.post(reverse("portfolios:application_start", args=[lead.school.pk]))
    assert Application.objects.filter(school=lead.school).count() == 1, "the day after an award: refused"

    time_machine.move_to("2029-07-29 10:00+01:00", tick=False)
    login(client, lead.user)
    assert "Start a renewal" not in client.get(portfolio).content.decode()
    time_machine.move_to("2029-07-30 09:00+01:00", tick=False)
    login(client, lead.user)
    assert "Start a renewal" in client.get(portfolio).content.decode()
    renewal = services.application_start(school=lead.school, actor=lead.user)
    assert renewal.kind == Application.Kind.RENEWAL


def test_the_renewal_window_is_a_setting(settings):
    from datetime import date

    from portfolios.dates import renewal_opens_on

    settings.RENEWAL_WINDOW_MONTHS = 6
    assert renewal_opens_on(date(2028, 2, 29)) == date(2030, 8, 28)
    settings.RENEWAL_WINDOW_MONTHS = 12
    assert renewal_opens_on(date(2028, 2, 29)) == date(2030, 2, 28)
