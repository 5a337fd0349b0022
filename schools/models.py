from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class School(models.Model):
    """An establishment from England's schools register (GIAS), or entered by hand by an admin."""

    urn = models.PositiveIntegerField("URN", unique=True, help_text="Unique Reference Number from the register.")
    name = models.CharField(max_length=200)
    la_code = models.PositiveSmallIntegerField("LA code", db_index=True)
    la_name = models.CharField("local authority", max_length=100, blank=True)
    establishment_number = models.CharField(max_length=10, blank=True)
    type_name = models.CharField("type of establishment", max_length=100, blank=True)
    phase = models.CharField("phase of education", max_length=60, blank=True)
    status = models.CharField(max_length=60, blank=True, help_text='As in the register, e.g. "Open" or "Closed".')
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    district = models.CharField(max_length=100, blank=True)
    head_teacher = models.CharField(max_length=200, blank=True)
    governor_name = models.CharField(
        "named governor for anti-bullying", max_length=200, blank=True, help_text="Kept current by the school."
    )
    from_register = models.BooleanField(default=True, help_text="False when entered by hand; admins check these.")

    class Eligibility(models.TextChoices):
        UNKNOWN = "unknown", "Not yet judged"
        MET = "met", "Eligible"
        NOT_MET = "not_met", "Not eligible"
        OVERRIDDEN = "overridden", "Eligible by admin override"

    # Kept current by schools.services whenever an inspection is recorded or an admin overrides;
    # portfolios reads it at submission.
    eligibility = models.CharField(max_length=12, choices=Eligibility.choices, default=Eligibility.UNKNOWN)
    eligibility_reason = models.TextField(blank=True, help_text="Why, in words a school understands.")
    register_updated = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.urn})"

    @property
    def eligibility_allows_submission(self):
        return self.eligibility in (self.Eligibility.MET, self.Eligibility.OVERRIDDEN)

    @property
    def is_open(self):
        return self.status.lower().startswith("open")

    @property
    def address_lines(self):
        return [part for part in (self.street, self.locality, self.address3, self.town, self.postcode) if part]


class Membership(models.Model):
    """A person's role in one school: the SLT lead (submits) or a contributor."""

    class Role(models.TextChoices):
        LEAD = "lead", "SLT lead"
        CONTRIBUTOR = "contributor", "Contributor"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], name="membership_one_school_per_user"),
            models.UniqueConstraint(
                fields=["school"], condition=Q(role="lead", is_active=True), name="membership_one_active_lead"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.school.name}"


class Registration(models.Model):
    """A school's request to join the scheme, made on the public form and decided by an admin."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations")
    urn = models.PositiveIntegerField("URN", db_index=True)
    school_name = models.CharField(max_length=200)
    entered_by_hand = models.BooleanField(default=False, help_text="The school was not found in the register.")
    lead_name = models.CharField("SLT lead's name", max_length=200)
    lead_role = models.CharField("SLT lead's role", max_length=200)
    lead_email = models.EmailField("SLT lead's email address")
    lead_phone = models.CharField("SLT lead's phone number", max_length=40)
    head_teacher = models.CharField(max_length=200)
    governor_name = models.CharField("named governor for anti-bullying", max_length=200)
    equality_declaration = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["urn"], condition=Q(status="pending"), name="registration_one_pending_per_urn"
            ),
        ]

    def __str__(self):
        return f"{self.school_name} ({self.urn}) – {self.get_status_display()}"
