"""Guidance per criterion, versioned with the criteria set.

A version is a whole snapshot (every criterion's guidance); an admin's edit publishes a new
version and never changes an old one, so an application submitted on a day reads the guidance of
that day (see selectors.guidance_for_application).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


def _points(text: str) -> list[str]:
    return [line.strip().lstrip("-•*").strip() for line in (text or "").splitlines() if line.strip()]


class GuidanceVersion(models.Model):
    criteria_set = models.ForeignKey(
        "portfolios.CriteriaSet", on_delete=models.PROTECT, related_name="guidance_versions"
    )
    number = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField("what changed", max_length=300, blank=True)

    class Meta:
        ordering = ["criteria_set", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="guidance_version_unique_number")
        ]

    def __str__(self):
        return f"Guidance version {self.number} for {self.criteria_set}"


class CriterionGuidance(models.Model):
    """What the group looks for under one criterion, in plain English. Fields hold one point a line."""

    version = models.ForeignKey(GuidanceVersion, on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey("portfolios.Criterion", on_delete=models.PROTECT, related_name="+")
    looks_for = models.TextField("what the group looks for")
    evidence_examples = models.TextField("examples of evidence")
    common_reasons = models.TextField("common reasons it was sent back", blank=True)
    helpful_types = models.TextField("evidence types that help", blank=True)

    FIELDS = ("looks_for", "evidence_examples", "common_reasons", "helpful_types")

    class Meta:
        ordering = ["version", "criterion__number"]
        constraints = [models.UniqueConstraint(fields=["version", "criterion"], name="guidance_one_per_criterion")]

    def __str__(self):
        return f"{self.version}: criterion {self.criterion.number}"

    @property
    def looks_for_points(self):
        return _points(self.looks_for)

    @property
    def evidence_examples_points(self):
        return _points(self.evidence_examples)

    @property
    def common_reasons_points(self):
        return _points(self.common_reasons)

    @property
    def helpful_types_points(self):
        return _points(self.helpful_types)
