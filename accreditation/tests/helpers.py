"""Signing in for tests, with the second factor where the person's role needs it."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accreditation.permissions import second_factor_required


def authenticator_for(user) -> TOTPDevice:
    """The person's confirmed authenticator, created if they have none (as if they set one up)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """A code the device will accept now: the next time step's if this one was already used."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


def login(client, user):
    """Sign `user` in on the Django test client, second factor included where it is required."""
    client.force_login(user)
    if second_factor_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
        session.save()
    return client


# Running manage.py in a clean environment, as production would.
BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-checking-only-0123456789",
    "ALLOWED_HOSTS": "accreditation.example.gov.uk",
    "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "portal-evidence",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "CLAMAV_SOCKET": "/run/clamav/clamd.ctl",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env={**clean, **env}, capture_output=True, text=True
    )
