"""The school's own rating of each criterion, and which linked evidence shows each outcome."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SelfRating(models.Model):
    class Rating(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        PARTLY_MET = "partly_met", "Partly met"
        MET = "met", "Met"

    response = models.OneToOneField(
        "portfolios.CriterionResponse", on_delete=models.CASCADE, related_name="self_rating"
    )
    rating = models.CharField(max_length=12, choices=Rating.choices, default=Rating.NOT_STARTED)
    reason = models.CharField(max_length=500, blank=True)
    # {"0": [evidence ids], "1": [...]}: the criterion's outcomes by position.
    outcome_evidence = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"{self.response}: {self.get_rating_display()}"
