"""The good-practice library: anonymised extracts from accredited portfolios, shared with consent."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portfolios.storage import evidence_storage


class SharingConsent(models.Model):
    """A school's consent to extracts of one application being shared (asked at submission, changeable later)."""

    application = models.OneToOneField(
        "portfolios.Application", on_delete=models.CASCADE, related_name="sharing_consent"
    )
    may_share = models.BooleanField(default=False)
    may_name = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(may_share=True) | Q(may_name=False), name="name_needs_share")]

    def __str__(self):
        return f"Sharing consent for {self.application}"


def new_exemplar_name(extension: str) -> str:
    return f"exemplars/{uuid.uuid4().hex}.{extension}"


class Exemplar(models.Model):
    application = models.ForeignKey("portfolios.Application", on_delete=models.PROTECT, related_name="exemplars")
    criterion = models.ForeignKey("portfolios.Criterion", on_delete=models.PROTECT, related_name="exemplars")
    title = models.CharField(max_length=200)
    extract = models.TextField("anonymised extract")
    why_it_worked = models.TextField("why it worked")
    phase = models.CharField("phase it came from", max_length=60, blank=True)
    show_school_name = models.BooleanField(default=False)
    file = models.FileField(storage=evidence_storage, max_length=300, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=120, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unpublished_at = models.DateTimeField(null=True, blank=True)
    unpublished_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["criterion__number", "-published_at"]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.unpublished_at is None
