from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
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
    pupils = models.PositiveIntegerField(
        "number of pupils", null=True, blank=True, help_text="Number on roll, from the register (NumberOfPupils)."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.urn})"

    def get_absolute_url(self):
        return reverse("schools:school_detail", kwargs={"urn": self.urn})

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
    """A person's role in one school: the SLT lead (submits) or a contributor. A person may hold
    one membership in each of several schools (a trust's central staff, the head of a federation)."""

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
            models.UniqueConstraint(fields=["user", "school"], name="membership_one_per_user_and_school"),
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
    school_address = models.TextField("school's address", blank=True, help_text="Entered by hand only.")
    school_postcode = models.CharField("school's postcode", max_length=10, blank=True)
    inspected_on = models.DateField("date of the most recent Ofsted inspection", null=True, blank=True)
    inspection_rule = models.ForeignKey(
        "EligibilityRule", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="framework"
    )
    inspection_judgement = models.CharField(max_length=40, blank=True)
    inspection_safeguarding = models.CharField(max_length=10, blank=True)
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


class EligibilityRule(models.Model):
    """How one Ofsted framework's judgement decides eligibility. Admins edit these in the portal.

    `values` lists the judgement's possible values best first as [value, label] pairs; `passing_values`
    those that make a school eligible. The framework in force on an inspection's date is the one
    that applies to it.
    """

    framework = models.SlugField(max_length=40, unique=True)
    name = models.CharField("framework", max_length=120)
    in_force_from = models.DateField()
    in_force_until = models.DateField(null=True, blank=True, help_text="The last day it applied; blank if current.")
    judgement = models.CharField("judgement that counts", max_length=200)
    values = models.JSONField(help_text="Possible values of the judgement, best first: [[value, label], ...].")
    passing_values = models.JSONField(help_text="Values that make a school eligible.")
    records_safeguarding = models.BooleanField(
        default=False, help_text="The framework records safeguarding as met or not met; not met fails."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["in_force_from"]

    def __str__(self):
        return self.name

    def label_for(self, value):
        return {str(v): label for v, label in self.values}.get(str(value), str(value))

    @property
    def value_codes(self):
        return [str(v) for v, _ in self.values]

    @property
    def passing_labels(self):
        return [self.label_for(v) for v in self.passing_values]

    def in_force_on(self, day):
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)


class Inspection(models.Model):
    """An Ofsted inspection of a school, as the school or an admin recorded it. The latest decides."""

    class Safeguarding(models.TextChoices):
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        NOT_RECORDED = "", "Not recorded by this framework"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField("inspection date")
    rule = models.ForeignKey(EligibilityRule, on_delete=models.PROTECT, related_name="inspections")
    judgement = models.CharField(max_length=40)
    safeguarding = models.CharField(max_length=10, choices=Safeguarding.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-inspected_on", "-recorded_at", "-id"]

    def __str__(self):
        return f"{self.school.name}: {self.rule.name} inspection on {self.inspected_on:%d %B %Y}"

    @property
    def judgement_label(self):
        return self.rule.label_for(self.judgement)


class InspectionCorrection(models.Model):
    """A school's request that the H&W team correct its inspection data (which only the team, or
    an import, writes). The team accepts (then records the corrected inspection) or rejects it,
    with a note the school reads."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the Health & Wellbeing team"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="inspection_corrections")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField("what is wrong and what it should say")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=models.Q(status="open"), name="one_open_inspection_correction"
            )
        ]

    def __str__(self):
        return f"Inspection correction for {self.school.name}"


class WelcomePackResource(models.Model):
    """A file or link sent to every newly approved school, managed by H&W admins."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    file = models.FileField(upload_to="welcome-pack/", blank=True, max_length=300)
    file_name = models.CharField(max_length=255, blank=True, help_text="The name the file was uploaded with.")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField("link", max_length=500, blank=True)
    is_active = models.BooleanField("sent to new schools", default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="welcome_pack_file_or_link",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_file(self):
        return bool(self.file)


# Packages' models, imported here so Django finds them under the `schools` app label: school
# commitments (issue 19) and termly incident returns (issue 10; names in schools/returns/models.py's __all__).
from .commitments.models import CommitmentStatement  # noqa: E402, F401
from .returns.models import *  # noqa: E402, F403


class SchoolChange(models.Model):
    """One change to what a school's pages show (`school_id`), or to what every school's pages
    show (`school_id` empty). Append-only; see `schools.versions`. `school_id` is a plain number,
    not a foreign key, so a school can be erased without its log standing in the way."""

    school_id = models.PositiveBigIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["school_id", "id"], name="school_change_newest")]

    def __str__(self):
        return f"Change {self.pk} to {'every school' if self.school_id is None else f'school {self.school_id}'}"
