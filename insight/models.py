"""The reporting floor's own records: the retention periods admins set for each kind of record,
and a log of every retention run (counts only, never personal data)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class RetentionPeriod(models.Model):
    """An admin's choice of period for one kind of record (insight.privacy.schedule.KINDS); a kind
    with no row uses its default."""

    kind = models.SlugField(max_length=40, unique=True)
    amount = models.PositiveIntegerField(help_text="In the kind's unit (days or months).")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"{self.kind}: {self.amount}"


class RetentionRun(models.Model):
    """One run of the retention sweep. `counts` maps a kind to how many records went; nothing
    identifies a person. A run that found another one in progress is recorded as skipped."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        SKIPPED = "skipped", "Skipped: another run was in progress"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(default=dict, blank=True)
    trigger = models.CharField(max_length=20, default="schedule", help_text="schedule, admin or command")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class RetentionLock(models.Model):
    """One row, locked (SELECT ... FOR UPDATE SKIP LOCKED) for the length of a sweep, so two
    sweeps started at once do not both delete: the second finds it taken and stops."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)

    def __str__(self):
        return "Retention sweep lock"


# Indicators and the board report (issue 19) live in their packages; imported here so Django finds them.
from .board_report.models import BoardReport  # noqa: E402, F401
from .indicators.models import Indicator, IndicatorTarget, ManualFigure  # noqa: E402, F401
