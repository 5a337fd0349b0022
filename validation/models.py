import hashlib
from datetime import timedelta

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

    @property
    def is_past_and_unrecorded(self):
        """Still "planned" after its day: nobody has marked it held or cancelled yet."""
        return self.status == self.Status.PLANNED and self.date < timezone.localdate()


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


# Agendas, reviews, decisions, awards (issue 5, second part) -----------------------------------


class AgendaItem(models.Model):
    """An application listed for a meeting: one row per submission heard. Capacity counts these."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    application = models.ForeignKey("portfolios.Application", on_delete=models.PROTECT, related_name="agenda_items")
    # The submission this item hears (an application resubmitted after further information is
    # listed again, on a later meeting, with its new submission time).
    submitted_at = models.DateTimeField()
    placed_at = models.DateTimeField(default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting__date", "placed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="agenda_item_once_per_meeting"),
        ]

    def __str__(self):
        return f"{self.application.school.name} at {self.meeting}"


class Review(models.Model):
    """One reviewer's reading of an application on an agenda: per criterion and overall."""

    class Recommendation(models.TextChoices):
        ACCREDIT = "accredit", "Accredit"
        FURTHER_INFORMATION = "further_information", "Further information required"
        NOT_ACCREDIT = "not_accredit", "Do not accredit"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="reviews")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="reviews")
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    comment = models.TextField("overall comment", blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "member"], name="review_one_per_member_item"),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True) | ~models.Q(recommendation=""),
                name="review_submitted_has_recommendation",
            ),
        ]

    def __str__(self):
        return f"Review by {self.member.user} of {self.agenda_item}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class CriterionJudgement(models.Model):
    """A reviewer's judgement on one criterion."""

    class Judgement(models.TextChoices):
        MET = "met", "Met"
        NOT_YET_MET = "not_yet_met", "Not yet met"
        FURTHER_INFORMATION = "further_information", "Further information needed"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="judgements")
    criterion = models.ForeignKey("portfolios.Criterion", on_delete=models.PROTECT, related_name="+")
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="judgement_one_per_criterion"),
        ]

    def __str__(self):
        return f"{self.get_judgement_display() or 'Not judged'}: criterion {self.criterion_id}"


class Attendance(models.Model):
    """A member present at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="attendance")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["member__team__name", "member__user__last_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_meeting")]

    def __str__(self):
        return f"{self.member.user} at {self.meeting}"


class Decision(models.Model):
    """The group's decision on one application at one meeting, with the feedback letter."""

    class Outcome(models.TextChoices):
        ACCREDITED = "accredited", "Accredited"
        FURTHER_INFORMATION = "further_information", "Further information required"
        NOT_ACCREDITED = "not_accredited", "Not accredited"

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    application = models.ForeignKey("portfolios.Application", on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # Further information: the criterion numbers reopened, what is needed, and by when.
    criteria_numbers = models.JSONField(default=list, blank=True)
    information_needed = models.TextField(blank=True)
    information_due_on = models.DateField(null=True, blank=True)
    strengths = models.TextField()
    areas_for_future = models.TextField("areas for future consideration")
    # The same areas as separate rows (issue 17): each becomes an action in the school's plan at
    # release. The text above is the letter's wording of them.
    future_areas = models.JSONField("areas for future consideration, one per row", default=list, blank=True)
    # Minuted: who was present and who stood aside for this item, as they were when it was decided.
    present = models.ManyToManyField(GroupMember, related_name="+", blank=True)
    recused = models.ManyToManyField(GroupMember, related_name="+", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The feedback letter: the admin may reword it before release.
    letter_opening = models.TextField(blank=True)
    letter_closing = models.TextField(blank=True)
    letter_file = models.CharField(max_length=300, blank=True, help_text="The released letter's PDF in storage.")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting__date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="decision_one_per_application_meeting"),
            models.CheckConstraint(
                condition=~models.Q(outcome="further_information")
                | (models.Q(information_due_on__isnull=False) & ~models.Q(information_needed="")),
                name="decision_further_information_complete",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.application.school.name}, {self.meeting}"

    @property
    def is_released(self):
        return self.released_at is not None


class Award(models.Model):
    """Accreditation held by a school, for 3 calendar years from the day it starts.

    A first award starts on the meeting date. A renewal accredited before the old award ends
    starts on the old award's expiry date (the day after its last day), so no months are lost;
    one accredited after the old award lapsed starts on the meeting date. Whether an award is in
    force on a day is decided by `is_current_on` and `selectors.award_public_status` alone: the
    register, the verification page and the badge all ask them.
    """

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        LAPSED = "lapsed", "Lapsed"
        SUPERSEDED = "superseded", "Superseded by a renewal"
        WITHDRAWN = "withdrawn", "Withdrawn by the council"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="awards")
    application = models.OneToOneField("portfolios.Application", on_delete=models.PROTECT, related_name="award")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="award")
    # The first day the award is in force (see the class docstring).
    awarded_on = models.DateField()
    # Always portfolios.dates.add_years(awarded_on, 3), written by validation.services.award_grant:
    # the first day it is no longer in force (its last day is the day before).
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT, db_index=True)
    verification_code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField("reason for withdrawing", blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-awarded_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("awarded_on")), name="award_expires_after"
            ),
            # A renewal may be current (by status) beside the award it follows, starting the day
            # that one ends; two awards of a school never start on the same day.
            models.UniqueConstraint(fields=["school", "awarded_on"], name="award_one_start_per_school_day"),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdrawn_reason=""),
                name="award_withdrawn_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.school.name}: accredited {self.awarded_on:%d %B %Y} to {self.expires_on:%d %B %Y}"

    @property
    def last_day(self):
        """The last day the award is in force (the day before `expires_on`)."""
        return self.expires_on - timedelta(days=1)

    def is_current_on(self, day) -> bool:
        return self.status == self.Status.CURRENT and self.awarded_on <= day < self.expires_on

    @staticmethod
    def current_on_q(day, prefix: str = "") -> models.Q:
        """The same rule as `is_current_on`, for querysets (`prefix` like "awards__")."""
        return models.Q(
            **{f"{prefix}status": Award.Status.CURRENT, f"{prefix}awarded_on__lte": day, f"{prefix}expires_on__gt": day}
        )


class CertificateSettings(models.Model):
    """What every certificate carries, set by an H&W admin: one row (pk 1)."""

    council_name = models.CharField(max_length=200, blank=True, help_text="Blank: the COUNCIL_NAME setting.")
    logo = models.CharField(max_length=300, blank=True, help_text="The council's logo (PNG or JPEG) in storage.")
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_role = models.CharField(max_length=200, blank=True)
    signature = models.CharField(max_length=300, blank=True, help_text="The signature image (PNG or JPEG) in storage.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "certificate settings"

    def __str__(self):
        return "Certificate settings"
