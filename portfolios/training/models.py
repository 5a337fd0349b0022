"""Training records (issue 19): the H&W team's courses, schools' bookings, attendance and the
"Training the Trainers" cascade (a trained member of staff's own sessions in school)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone


class Course(models.Model):
    """One run of a course on a date: face to face at a venue, or online."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    runs_on = models.DateField("date")
    starts_at = models.TimeField("start time", null=True, blank=True)
    ends_at = models.TimeField("end time", null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True, help_text="Blank when online.")
    is_online = models.BooleanField("online", default=False)
    capacity = models.PositiveIntegerField("places")
    trainer = models.CharField(max_length=200)
    is_training_the_trainers = models.BooleanField(
        "Training the Trainers", default=False, help_text="Those trained go on to train colleagues in school."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-runs_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_has_places"),
            models.CheckConstraint(condition=Q(is_online=True) | ~Q(venue=""), name="course_venue_or_online"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=False, ends_at__gt=F("starts_at")),
                name="course_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.runs_on:%-d %B %Y}"

    @property
    def where(self):
        return "Online" if self.is_online else self.venue

    @property
    def times(self) -> str:
        """ "9:30am to 12:30pm", "from 9:30am", or "" when no time is given (GOV.UK style)."""
        if self.starts_at is None:
            return ""
        if self.ends_at is None:
            return f"from {clock(self.starts_at)}"
        return f"{clock(self.starts_at)} to {clock(self.ends_at)}"


def clock(value) -> str:
    """A time of day as GOV.UK writes it: 9am, 9:30am, midday, 5:30pm, midnight."""
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{value.hour % 12 or 12}{minutes}{'am' if value.hour < 12 else 'pm'}"


class Booking(models.Model):
    """A place asked for by a school for one of its staff: booked, or on the waiting list."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="bookings")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="training_bookings")
    attendee_name = models.CharField("name of the person attending", max_length=200)
    attendee_email = models.EmailField("their email address")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "course",
                Lower("attendee_email"),
                condition=~Q(status="cancelled"),
                name="booking_one_per_person_per_course",
            )
        ]

    def __str__(self):
        return f"{self.attendee_name} ({self.school.name}) – {self.course}"


class Attendance(models.Model):
    """Someone from a school attended a course. It shows in the school's record and may be used as
    evidence for the CPD criterion (through portfolios' evidence services)."""

    class Source(models.TextChoices):
        BOOKING = "booking", "From a booking"
        IMPORT = "import", "Imported attendance sheet"
        ADMIN = "admin", "Recorded by the H&W team"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attendances")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="training_attendances")
    attendee_name = models.CharField(max_length=200)
    attendee_role = models.CharField("role", max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    attendance_import = models.ForeignKey(
        "AttendanceImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances"
    )
    evidence_item = models.ForeignKey(
        "portfolios.EvidenceItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-course__runs_on", "attendee_name"]
        constraints = [
            models.UniqueConstraint(
                "course", "school", Lower("attendee_name"), name="attendance_one_per_person_per_course"
            )
        ]

    def __str__(self):
        return f"{self.attendee_name} ({self.school.name}) attended {self.course}"


class AttendanceImport(models.Model):
    """An uploaded attendance sheet: checked and previewed, imported only when an admin confirms."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        IMPORTED = "imported", "Imported"
        DISCARDED = "discarded", "Discarded"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    rows = models.JSONField(default=list, help_text="Rows that can be imported: urn, school, name, role, line.")
    problems = models.JSONField(default=list, help_text="Row-level problems: line and message.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.file_name} for {self.course}"

    @property
    def can_confirm(self):
        return self.status == self.Status.PREVIEW and not self.problems and bool(self.rows)


class CascadeSession(models.Model):
    """A session a trained trainer ran in school after a Training the Trainers course."""

    trainer = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="cascade_sessions")
    held_on = models.DateField("date of the session")
    audience = models.CharField("who attended", max_length=200, help_text="For example, lunchtime supervisors.")
    headcount = models.PositiveIntegerField("number of people trained")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(headcount__gte=1), name="cascade_headcount_positive")]

    def __str__(self):
        return f"{self.trainer.attendee_name}: {self.headcount} trained on {self.held_on:%-d %B %Y}"
