"""The board report (issue 19): figures for a date range, produced in the background and kept as a
dated record, with the admin's commentary per section and a PDF."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class BoardReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being produced"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=200, default="Anti-bullying report to the Safeguarding Board")
    period_start = models.DateField("from")
    period_end = models.DateField("to")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    progress_note = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    sections = models.JSONField(default=list, help_text="The figures as they were when produced.")
    commentary = models.JSONField(default=dict, help_text="The admin's text, by section key.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    produced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="board_report_period_order"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="board_report_progress_percent"),
        ]

    def __str__(self):
        return f"{self.title}, {self.period_start:%-d %B %Y} to {self.period_end:%-d %B %Y}"

    @property
    def is_ready(self):
        return self.status == self.Status.READY

    def table(self, key):
        for section in self.sections:
            for table in section.get("tables", []):
                if table["key"] == key:
                    return table
        return None
