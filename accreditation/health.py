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


# ----------------------------------------------------------------------------- probes (issue 24)
# /healthz/live: the process answers (no dependencies). /healthz/ready: it can do its work: the
# database, the broker, storage, and the background processes' heartbeats (beat writes one about
# every minute from its scheduler loop, each worker from its timer), so a load balancer (or a
# person) sees "beat last ran 14 minutes ago" rather than mail that silently stopped going.

HEARTBEAT_BEAT = "beat"
HEARTBEAT_WORKER_PREFIX = "worker:"


def record_heartbeat(name: str) -> None:
    """Called by beat and by each worker about once a minute."""
    from django.utils import timezone

    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name[:200], defaults={"seen_at": timezone.now()})


def check_heartbeat(*, name: str = "", prefix: str = "") -> dict:
    """{"status": "ok"|"stale"|"never", "minutes_ago": N} for beat (by name) or the freshest worker
    (by prefix); "eager" when there is no broker (tasks run in the web process, no beat needed)."""
    if not settings.CELERY_BROKER_URL:
        return {"status": "eager"}
    from django.utils import timezone

    from .models import Heartbeat

    beats = Heartbeat.objects.filter(name=name) if name else Heartbeat.objects.filter(name__startswith=prefix)
    latest = beats.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if latest is None:
        return {"status": "never", "minutes_ago": None}
    seconds = max((timezone.now() - latest).total_seconds(), 0)
    fresh = seconds <= settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    return {"status": "ok" if fresh else "stale", "minutes_ago": int(seconds // 60)}


def check_storage_ready():
    """Stricter than check_storage: an S3 bucket that is missing or refuses us fails (a missing
    object answers 404 either way, so "exists" alone cannot tell). Needs s3:ListBucket."""
    bucket = getattr(default_storage, "bucket", None)
    if bucket is not None:
        bucket.meta.client.head_bucket(Bucket=bucket.name)
        return "ok"
    return check_storage()


def check_ready() -> dict:
    report = {}
    for name, check in (("database", check_database), ("broker", check_broker), ("storage", check_storage_ready)):
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure is the answer we report.
            logger.warning("Readiness check %s failed: %s", name, exc)
            report[name] = "unavailable"
    for name, kwargs in (("beat", {"name": HEARTBEAT_BEAT}), ("worker", {"prefix": HEARTBEAT_WORKER_PREFIX})):
        try:
            report[name] = check_heartbeat(**kwargs)
        except Exception as exc:  # noqa: BLE001
            logger.warning("Readiness check %s failed: %s", name, exc)
            report[name] = {"status": "unknown"}
    report["ok"] = all(report[key] in ("ok", "eager") for key in ("database", "broker", "storage")) and all(
        report[key]["status"] in ("ok", "eager") for key in ("beat", "worker")
    )
    return report
