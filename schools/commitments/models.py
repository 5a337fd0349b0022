"""A school's commitments (issue 19): a short dated statement the school confirms each year.

Each confirmation is a new row, so the record shows what a school said and when; the latest row
is the school's current statement. A statement more than a year old is due for confirmation.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class CommitmentStatement(models.Model):
    """What a school confirmed about its anti-bullying commitments on one day."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="commitment_statements")
    charter_signed_on = models.DateField(
        "date the school signed the council's anti-bullying charter", null=True, blank=True
    )
    governor_name = models.CharField(
        "named governor for anti-bullying", max_length=200, blank=True, help_text="As the school's details said then."
    )
    esafety_lead = models.CharField("named e-safety lead", max_length=200, blank=True)
    restorative_approaches = models.BooleanField("restorative approaches in use", default=False)
    uses_termly_return = models.BooleanField("uses the termly incident return", default=False)
    confirmed_on = models.DateField(db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-confirmed_on"], name="commitment_latest_per_school")]

    def __str__(self):
        return f"{self.school.name}: commitments confirmed {self.confirmed_on:%-d %B %Y}"
