"""The council's indicators (issue 19): a figure with a baseline, targets per year and actuals.

An indicator's actual for a year is computed by its source (insight/indicators/sources.py) from
the portal's data, or typed in each year with its evidence (the manual source). Years are
academic years, stored as the year they start (2026 means 2026-27).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Indicator(models.Model):
    class Unit(models.TextChoices):
        PERCENTAGE = "percentage", "Percentage"
        COUNT = "count", "Count"
        RATE = "rate", "Rate per 1,000 pupils"

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    source = models.CharField(max_length=40, help_text="A key of the source registry, or manual.")
    parameter = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the source is about: a phase, district, incident type or commitment.",
    )
    higher_is_better = models.BooleanField(default=True)
    baseline_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True, validators=YEAR_VALIDATORS)
    lead_officer = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("in use", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True, baseline_year__isnull=True)
                | Q(baseline_value__isnull=False, baseline_year__isnull=False),
                name="indicator_baseline_has_year",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def baseline_year_label(self) -> str:
        year = self.baseline_year
        return f"{year}-{(year + 1) % 100:02d}" if year is not None else ""


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    value = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_one_per_year")]

    def __str__(self):
        return f"{self.indicator}: {self.value} in {self.year}"


class ManualFigure(models.Model):
    """A figure the portal cannot see, typed in for a year with where it came from."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_figures")
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    value = models.DecimalField(max_digits=10, decimal_places=2)
    evidence = models.TextField(help_text="Where the figure comes from: a survey, a report, a count.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="manual_figure_one_per_year")]

    def __str__(self):
        return f"{self.indicator}: {self.value} in {self.year}"
