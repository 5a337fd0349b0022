import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


class Team(models.Model):
    """A service the validating group draws members from (the list is data)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    """A member of the validating group, from one team."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_member")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return f"{self.user} ({self.team})"


class Conflict(models.Model):
    """A member's declared interest in a school: they never see or review its application."""

    class Kind(models.TextChoices):
        GOVERNOR = "governor", "Governor at the school"
        ADVISER = "adviser", "Adviser to the school"
        OTHER = "other", "Other interest"

    member = models.ForeignKey(GroupMember, on_delete=models.CASCADE, related_name="conflicts")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="validator_conflicts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    details = models.TextField(blank=True)
    declared_at = models.DateTimeField(default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "school"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="conflict_one_open_per_member_school",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_at__gte=models.F("declared_at")),
                name="conflict_withdrawn_after_declared",
            ),
        ]

    def __str__(self):
        return f"{self.member.user} – {self.get_kind_display()} – {self.school.name}"

    @property
    def is_open(self):
        return self.withdrawn_at is None


class Meeting(models.Model):
    """A meeting of the validating group; six a year, one per half term, proposed then adjusted."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class HalfTerm(models.TextChoices):
        AUTUMN_1 = "autumn_1", "Autumn 1"
        AUTUMN_2 = "autumn_2", "Autumn 2"
        SPRING_1 = "spring_1", "Spring 1"
        SPRING_2 = "spring_2", "Spring 2"
        SUMMER_1 = "summer_1", "Summer 1"
        SUMMER_2 = "summer_2", "Summer 2"

    academic_year = models.CharField(max_length=7, help_text='For example "2026-27".')
    half_term = models.CharField(
        max_length=10, choices=HalfTerm.choices, blank=True, help_text="Blank for an extra meeting."
    )
    date = models.DateField(unique=True)
    starts_at = models.TimeField()
    location = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True, max_length=500)
    submission_cutoff = models.DateField()
    capacity = models.PositiveSmallIntegerField(help_text="How many applications the agenda can take.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission_cutoff__lt=models.F("date")), name="meeting_cutoff_before_date"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="meeting_capacity_at_least_one"),
            models.CheckConstraint(
                condition=models.Q(academic_year__regex=r"^[0-9]{4}-[0-9]{2}$"), name="meeting_academic_year_format"
            ),
            models.UniqueConstraint(
                fields=["academic_year", "half_term"],
                condition=~models.Q(half_term=""),
                name="meeting_one_per_half_term",
            ),
        ]

    def __str__(self):
        return f"Validating group meeting, {self.date.day} {self.date:%B %Y}"

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED


class CalendarFeed(models.Model):
    """A validator's private calendar subscription: only a SHA-256 of the secret token is kept."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Calendar feed for {self.user}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
