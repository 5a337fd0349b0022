"""The school's action plan (issue 17): each area for future consideration in its feedback becomes
an action; the school adds its own, reviews the plan at least every six months and prints it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from schools.models import School

WHAT_MAX = 2000
NOTES_MAX = 5000


class Action(models.Model):
    """One step in a school's action plan: what, who leads it, by when, how it stands."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    CLOSED = (Status.DONE, Status.DROPPED)

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="plan_actions")
    # Set from feedback: the application whose decision named the area, and a key the caller
    # gives ("decision:<id>:<n>") so releasing the same feedback twice adds nothing.
    application = models.ForeignKey(
        "portfolios.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_actions"
    )
    source_key = models.CharField(max_length=60, blank=True)
    what = models.TextField("what will be done", max_length=WHAT_MAX)
    lead = models.CharField("who leads it", max_length=200, blank=True)
    due_on = models.DateField("by when")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    criterion = models.ForeignKey(
        "portfolios.Criterion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.ManyToManyField("portfolios.EvidenceItem", blank=True, related_name="plan_actions")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source_key"], condition=~Q(source_key=""), name="plan_action_once_per_source"
            ),
        ]

    def __str__(self):
        return f"{self.school.name}: {self.what[:60]}"

    @property
    def from_feedback(self) -> bool:
        return bool(self.source_key)

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    def is_overdue_on(self, day) -> bool:
        return self.is_open and self.due_on < day


class PlanReview(models.Model):
    """The school's review of its whole plan: at least every six months."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="plan_reviews")
    reviewed_on = models.DateField()
    summary = models.TextField("what the review found", max_length=NOTES_MAX)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.school.name}: plan reviewed {self.reviewed_on:%d %B %Y}"
