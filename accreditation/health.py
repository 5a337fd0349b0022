"""What /healthz reports: can the database, the task broker and file storage be reached?"""

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker():
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from .celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def check_storage():
    default_storage.exists("healthz-probe")
    return "ok"


def check_all():
    report = {}
    for name, check in (("database", check_database), ("broker", check_broker), ("storage", check_storage)):
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure is the answer we report.
            logger.warning("Health check %s failed: %s", name, exc)
            report[name] = "unavailable"
    report["ok"] = all(value in ("ok", "eager") for value in report.values())
    return report
