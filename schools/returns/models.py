"""Termly incident returns: each school's count of bullying and racist incidents, once a term.

A return is one row per school and term; its figures live in versions. The first submission is
version 1; a correction adds a version with a reason and makes it current, so nothing is lost.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

__all__ = [
    "IncidentReturn",
    "IncidentType",
    "ReturnCount",
    "ReturnVersion",
    "Term",
]


class Term(models.Model):
    """A school term of an academic year, with the window in which its return is made."""

    class Season(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    academic_year = models.CharField(max_length=7, help_text="Like 2026-27.")
    season = models.CharField(max_length=6, choices=Season.choices)
    starts_on = models.DateField("first day of term")
    ends_on = models.DateField("last day of term")
    opens_on = models.DateField("return opens on", help_text="Schools can submit from this date: the end of term.")
    due_on = models.DateField("return due by")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "season"], name="term_unique_season"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_start"),
            models.CheckConstraint(condition=Q(opens_on__gte=F("starts_on")), name="term_opens_after_start"),
            models.CheckConstraint(condition=Q(due_on__gte=F("opens_on")), name="term_due_after_opening"),
        ]

    def __str__(self):
        return f"{self.get_season_display()} term {self.academic_year}"

    @property
    def short_label(self):
        return f"{self.get_season_display()} {self.academic_year}"

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day

    def is_overdue_on(self, day) -> bool:
        return day > self.due_on


class IncidentType(models.Model):
    """A kind of bullying counted in returns. Data: admins add types and take them out of use."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=40, unique=True, help_text="Stays the same when renamed; returns keep it.")
    hint = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("in use", default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class IncidentReturn(models.Model):
    """One school's return for one term. Its figures are in its versions; one is current."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="incident_returns")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="returns")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-term__starts_on"]
        constraints = [models.UniqueConstraint(fields=["school", "term"], name="return_one_per_school_term")]

    def __str__(self):
        return f"{self.school.name}: {self.term}"


class ReturnVersion(models.Model):
    """The figures of a return as submitted (version 1) or corrected (2, 3, ... with a reason)."""

    incident_return = models.ForeignKey(IncidentReturn, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    is_current = models.BooleanField(default=True)
    total_incidents = models.PositiveIntegerField("bullying incidents")
    racist_incidents = models.PositiveIntegerField()
    commentary = models.TextField(blank=True)
    reason = models.TextField("reason for the correction", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["incident_return", "number"], name="return_version_unique_number"),
            models.UniqueConstraint(
                fields=["incident_return"], condition=Q(is_current=True), name="return_version_one_current"
            ),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="return_correction_has_reason"),
        ]

    def __str__(self):
        return f"{self.incident_return} – version {self.number}"

    def counts_for(self, dimension) -> dict[str, int]:
        return {c.key: c.count for c in self.counts.all() if c.dimension == dimension}


class ReturnCount(models.Model):
    """One figure of a version: incidents of a type, in a year group, or with an outcome."""

    class Dimension(models.TextChoices):
        TYPE = "type", "Type of bullying"
        YEAR = "year", "Year group"
        OUTCOME = "outcome", "Outcome"

    version = models.ForeignKey(ReturnVersion, on_delete=models.CASCADE, related_name="counts")
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    key = models.CharField(max_length=40, help_text="An incident type's slug, a year group or an outcome code.")
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "dimension", "key"], name="return_count_unique_key"),
        ]

    def __str__(self):
        return f"{self.dimension} {self.key}: {self.count}"
