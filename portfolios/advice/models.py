"""An adviser's informal read of a draft: the school asks, an H&W admin comments per criterion.

Advice, not a decision: nothing here locks or changes the draft, and validators see the comments
only when the school shares them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AdviceRequest(models.Model):
    application = models.ForeignKey("portfolios.Application", on_delete=models.CASCADE, related_name="advice_requests")
    note = models.TextField("what you would like advice on", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(completed_at__isnull=True), name="advice_one_open_request"
            )
        ]

    def __str__(self):
        return f"Advice for {self.application}"

    @property
    def is_open(self):
        return self.completed_at is None


class AdviceComment(models.Model):
    request = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE, related_name="comments")
    criterion = models.ForeignKey("portfolios.Criterion", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    addressed_at = models.DateTimeField(null=True, blank=True)
    addressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["criterion__number", "created_at"]

    def __str__(self):
        return f"Comment on criterion {self.criterion.number}"


class AdviceSharing(models.Model):
    """The school chose to let the validating group read its adviser's comments."""

    application = models.OneToOneField(
        "portfolios.Application", on_delete=models.CASCADE, related_name="advice_sharing"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"Adviser's comments shared for {self.application}"
