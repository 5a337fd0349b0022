"""Celery beat's scheduler: django-celery-beat's, plus a heartbeat for /healthz/ready."""

import logging
import time

from django.db import close_old_connections
from django_celery_beat.schedulers import DatabaseScheduler

from . import health

logger = logging.getLogger(__name__)


class HeartbeatScheduler(DatabaseScheduler):
    """Writes the "beat" heartbeat at most once a minute from the scheduler loop, so a readiness
    probe can tell "beat last ran N minutes ago"."""

    heartbeat_every = 60
    _last_heartbeat = float("-inf")

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._last_heartbeat >= self.heartbeat_every:
            try:
                close_old_connections()
                health.record_heartbeat(health.HEARTBEAT_BEAT)
                self._last_heartbeat = now
            except Exception:
                logger.exception("Could not record beat's heartbeat")
        return super().tick(*args, **kwargs)
