"""What a school submits: the criteria it is judged against, its evidence and its applications.

Every change of an application's state goes through portfolios.services.application_transition;
nothing here changes state on save().
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from schools.models import School

from . import dates
from .storage import evidence_storage


class CriteriaSet(models.Model):
    """One version of the scheme's criteria. Applications keep the set they were made against."""

    version = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    is_current = models.BooleanField(default=False)
    introduced_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="criteria_one_current_set"
            )
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"


class Criterion(models.Model):
    """A compulsory criterion, with what the validating group is seeking to establish."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="criteria")
    number = models.PositiveSmallIntegerField()
    short_title = models.CharField(max_length=80)
    title = models.TextField()
    outcomes = models.JSONField(default=list, help_text='"We are seeking to establish that" points, in order.')

    class Meta:
        ordering = ["criteria_set", "number"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "number"], name="criterion_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.short_title}"


class EvidenceItem(models.Model):
    """One piece of a school's evidence: a file, a web link, or a note that a paper copy is held."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Web link"
        HARD_COPY = "hard_copy", "Hard copy held"

    class Scan(models.TextChoices):
        """Where a stored file is in the virus check (accreditation.virus_scan). Only CLEAN (or
        NOT_SCANNED, on a development copy without a scanner) may be downloaded or submitted."""

        PENDING = "pending", "Being checked for viruses"
        CLEAN = "clean", "Available"
        INFECTED = "infected", "Removed: this file contains a virus"
        NOT_SCANNED = "not_scanned", "Not checked for viruses (no scanner on this development copy)"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="evidence_items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    produced_on = models.DateField("date produced")
    impact = models.TextField("impact", help_text="What difference it made.")
    criteria = models.ManyToManyField(Criterion, related_name="evidence_items", blank=True)
    url = models.URLField("web address", max_length=500, blank=True)
    # Files: a generated name in private storage; the person's own file name is kept for display.
    file = models.FileField(storage=evidence_storage, max_length=300, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    content_type = models.CharField("detected type", max_length=120, blank=True)
    received_on = models.DateField("date received", null=True, blank=True, help_text="Hard copies only.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Kept equal to dates.stale_from(produced_on) by the services, so the sweep is one UPDATE.
    stale_from = models.DateField(db_index=True)
    # Written by the periodic sweep (jobs): when it was found stale / when the school was warned.
    stale_since = models.DateField(null=True, blank=True)
    expiring_flagged_on = models.DateField(null=True, blank=True)
    # Set by the retention schedule (portfolios.retention) when the file was deleted from storage;
    # the row stays (title, dates, SHA-256), so the history of a decided application reads true.
    file_removed_on = models.DateField("file removed under the retention schedule on", null=True, blank=True)
    # Every stored file waits in PENDING until ClamAV has answered; the rescan job retries.
    scan_state = models.CharField("virus check", max_length=12, choices=Scan.choices, default=Scan.PENDING)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_signature = models.CharField("virus found", max_length=200, blank=True)

    class Meta:
        ordering = ["-produced_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="file") | ~Q(file="") | Q(file_removed_on__isnull=False) | Q(scan_state="infected"),
                name="evidence_file_has_file",
            ),
            models.CheckConstraint(condition=~Q(kind="link") | ~Q(url=""), name="evidence_link_has_url"),
        ]
        indexes = [
            # The nightly sweep (portfolios.jobs) touches only rows not yet flagged / still flagged.
            models.Index(fields=["stale_from"], condition=Q(stale_since__isnull=True), name="evidence_not_yet_stale"),
            models.Index(
                fields=["expiring_flagged_on"], condition=Q(expiring_flagged_on__isnull=False), name="evidence_expiring"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A derived column, not a rule: keep it consistent however the row is written.
        if self.produced_on:
            self.stale_from = dates.stale_from(self.produced_on)
        super().save(*args, **kwargs)

    @property
    def first_stale_day(self):
        """The stored stale_from (save() keeps it equal to the rule), or the rule itself for an
        item not saved yet."""
        return self.stale_from or dates.stale_from(self.produced_on)

    def is_stale(self, as_of=None):
        return dates.is_stale_from(self.first_stale_day, as_of or timezone.localdate())

    def is_nearly_stale(self, as_of=None):
        return dates.is_nearly_stale_from(self.first_stale_day, as_of or timezone.localdate())

    @property
    def has_file(self):
        return bool(self.file)

    @property
    def file_available(self):
        """The file may be downloaded, exported or submitted: the virus check has passed."""
        return bool(self.file) and self.scan_state in (self.Scan.CLEAN, self.Scan.NOT_SCANNED)

    @property
    def file_being_checked(self):
        return bool(self.file) and self.scan_state == self.Scan.PENDING


def new_storage_name(school_id: int, extension: str) -> str:
    return f"evidence/{school_id}/{uuid.uuid4().hex}.{extension}"


class Application(models.Model):
    """A school's application for accreditation (first) or to keep it (renewal)."""

    class Kind(models.TextChoices):
        FIRST = "first", "First application"
        RENEWAL = "renewal", "Renewal"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SCHEDULED = "scheduled", "Listed for a meeting"
        UNDER_REVIEW = "under_review", "Under review"
        ACCREDITED = "accredited", "Accredited"
        FURTHER_INFORMATION = "further_information", "Further information required"
        NOT_ACCREDITED = "not_accredited", "Not accredited"
        WITHDRAWN = "withdrawn", "Withdrawn"

    CLOSED_STATES = (State.ACCREDITED, State.NOT_ACCREDITED, State.WITHDRAWN)
    # The school may change the portfolio only in these states (further information: reopened criteria only).
    EDITABLE_STATES = (State.DRAFT, State.FURTHER_INFORMATION)

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="applications")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FIRST)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    is_hard_copy = models.BooleanField(
        "paper portfolio", default=False, help_text="Recorded by the H&W team from a paper portfolio."
    )
    hard_copy_received_on = models.DateField("paper portfolio received on", null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The award renewed."
    )
    # Renewals: the development area chosen and the progress made on it.
    development_area = models.TextField(blank=True)
    development_progress = models.TextField("progress on the development area", blank=True)
    # Declarations made on submission.
    declaration = models.BooleanField(default=False)
    equality_declaration = models.BooleanField(default=False)
    # Written by validation through application_list_for_meeting / application_record_outcome.
    meeting_date = models.DateField("meeting listed for", null=True, blank=True)
    areas_for_future = models.TextField("areas for future consideration", blank=True)
    decided_on = models.DateField(null=True, blank=True)
    # What the validating group asked for when it wanted further information: a copy of the
    # released decision's request (portfolios cannot read validation). One writer:
    # services.application_record_information_request, called by validation in the same
    # transaction as the decision's release or a new due date.
    information_requested = models.TextField("further information asked for", blank=True)
    information_due_on = models.DateField("further information due by", null=True, blank=True)
    information_requested_on = models.DateField(
        "further information asked for at the meeting on", null=True, blank=True
    )
    # Written by validation's award_grant (application_record_award): the award this application
    # earned, so a renewal can show when the new award would start without reading validation.
    award_starts_on = models.DateField(null=True, blank=True)
    award_expires_on = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    review_started_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"],
                condition=~Q(state__in=["accredited", "not_accredited", "withdrawn"]),
                name="application_one_open_per_school",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.school.name} ({self.get_state_display()})"

    @property
    def is_renewal(self):
        return self.kind == self.Kind.RENEWAL

    @property
    def is_open(self):
        return self.state not in self.CLOSED_STATES

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES


class CriterionResponse(models.Model):
    """The school's self-evaluation against one criterion, and the evidence it links."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FROZEN = "frozen", "Submitted"
        REOPENED = "reopened", "Reopened for further information"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="responses")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_evaluation = models.TextField(blank=True)
    evidence = models.ManyToManyField(EvidenceItem, related_name="responses", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["criterion__number"]
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="response_one_per_criterion")]

    def __str__(self):
        return f"{self.application} – criterion {self.criterion.number}"

    @property
    def is_editable(self):
        """Open in a draft, or reopened while further information is asked for; frozen otherwise."""
        state = self.application.state
        if state == Application.State.DRAFT:
            return True
        return state == Application.State.FURTHER_INFORMATION and self.status == self.Status.REOPENED


class ApplicationTransition(models.Model):
    """The application's history: every state change, who made it and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=Application.State.choices)
    to_state = models.CharField(max_length=20, choices=Application.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    # A request for further information: the criterion numbers it reopened (the guidance's
    # "how often sent back" figure counts these).
    criteria_reopened = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.from_state} -> {self.to_state}"


class EvidenceDigest(models.Model):
    """The nightly email to a school's SLT lead listing evidence newly out of date or about to be.

    Written before the email, in the same transaction as its outbox row; one per school and day,
    so a sweep that runs twice or is retried never sends a second digest.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="evidence_digests")
    digest_date = models.DateField()
    stale_ids = models.JSONField(default=list, help_text="Items newly out of date.")
    expiring_ids = models.JSONField(default=list, help_text="Items newly flagged as about to go out of date.")
    sent_to = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-digest_date", "school"]
        constraints = [
            models.UniqueConstraint(fields=["school", "digest_date"], name="evidence_digest_once_per_school_day")
        ]

    def __str__(self):
        return f"Evidence digest for {self.school} on {self.digest_date}"


class RetentionSchedule(models.Model):
    """How long evidence files of decided applications are kept (one row, pk 1; admins edit it).

    Portfolios owns evidence, so it owns the schedule; the award expiry and decision dates the
    periods count from are validation's, which passes the eligible applications down.
    """

    years_after_award_expiry = models.PositiveSmallIntegerField(
        default=3, help_text="Files of an accredited application are deleted this many years after its award expires."
    )
    years_after_decision = models.PositiveSmallIntegerField(
        default=3, help_text="Files of an application not accredited are deleted this many years after the decision."
    )
    is_active = models.BooleanField(default=True, help_text="The weekly job deletes files only while this is on.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="retention_schedule_single_row"),
            models.CheckConstraint(
                condition=Q(years_after_award_expiry__gte=1) & Q(years_after_decision__gte=1),
                name="retention_schedule_at_least_a_year",
            ),
        ]

    def __str__(self):
        return "Evidence retention schedule"


class PortfolioExport(models.Model):
    """A portfolio PDF produced in the background (issue 20): one with more evidence links than
    PORTFOLIO_PDF_INLINE_MAX_ITEMS takes too long to lay out while a browser waits. The file is a
    copy of the portfolio in private storage, deleted under the retention schedule. At most one
    export per application is queued or running at a time; a repeated request reuses it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Stage(models.TextChoices):
        WAITING = "waiting", "Waiting for the background worker"
        COLLECTING = "collecting", "Collecting the portfolio"
        LAYING_OUT = "laying_out", "Laying out the criteria and their evidence"
        WRITING = "writing", "Writing the PDF file"
        FINISHED = "finished", "Finished"

    ACTIVE = [Status.QUEUED, Status.RUNNING]
    # An export still queued this long after it was asked for, or still running this long after it
    # started (the task's hard time limit is 5 minutes), has died with its worker or its queue.
    QUEUED_TOO_LONG = timedelta(minutes=30)
    RUNNING_TOO_LONG = timedelta(minutes=10)
    STOPPED = "The export stopped before it finished (the background worker was stopped or restarted)."

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pdf_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.WAITING)
    items_done = models.PositiveIntegerField("evidence links laid out", default=0)
    items_total = models.PositiveIntegerField("evidence links", default=0)
    criteria_done = models.PositiveSmallIntegerField("criteria laid out", default=0)
    criteria_total = models.PositiveSmallIntegerField("criteria", default=0)
    file = models.FileField(storage=evidence_storage, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True, help_text="What went wrong, for the support team (shown in a details box).")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["queued", "running"]),
                name="portfolio_export_one_active_per_application",
            ),
            models.CheckConstraint(condition=Q(items_done__lte=F("items_total")), name="portfolio_export_items_done"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="portfolio_export_done_has_file"),
        ]

    def __str__(self):
        return f"Portfolio PDF of {self.application} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def is_stalled(self):
        """Queued or running for longer than any live job would be: its worker or queue is gone.
        The next request for the PDF marks it failed (portfolios.pdf_exports)."""
        now = timezone.now()
        if self.status == self.Status.QUEUED:
            return self.created_at < now - self.QUEUED_TOO_LONG
        if self.status == self.Status.RUNNING:
            return self.started_at is not None and self.started_at < now - self.RUNNING_TOO_LONG
        return False

    @property
    def is_under_way(self):
        """Queued or running, and not stalled: its page keeps refreshing."""
        return self.is_active and not self.is_stalled

    @property
    def percent(self) -> int:
        """How far along, for the progress bar: laying out the evidence is most of the work, so
        it runs from 5% to 90% by evidence links laid out (by criteria when there are none)."""
        if self.status == self.Status.DONE:
            return 100
        if self.stage == self.Stage.WRITING:
            return 90
        if self.stage == self.Stage.LAYING_OUT:
            done, total = (
                (self.items_done, self.items_total) if self.items_total else (self.criteria_done, self.criteria_total)
            )
            return 5 + (85 * done // total if total else 0)
        if self.stage == self.Stage.COLLECTING:
            return 2
        return 0


# The school's action plan (issue 17) lives in its own package; imported here so Django finds it.
from .action_plans.models import Action, PlanReview  # noqa: E402

# The packages' models (portfolios/<concept>/models.py) belong to this app; import them last, as
# they build on the models above.
from .advice.models import AdviceComment, AdviceRequest, AdviceSharing  # noqa: E402
from .exemplars.models import Exemplar, SharingConsent  # noqa: E402
from .guidance.models import CriterionGuidance, GuidanceVersion  # noqa: E402
from .readiness.models import SelfRating  # noqa: E402

# Surveys live in their own package; their tables belong to this app (and its migrations).
from .surveys.models import (  # noqa: E402
    Question,
    Questionnaire,
    SurveyAnswer,
    SurveyResponse,
    SurveyWindow,
)

# Training records (issue 19) live in their own package too.
from .training.models import Attendance, AttendanceImport, Booking, CascadeSession, Course  # noqa: E402

__all__ = [
    "Action",
    "AdviceComment",
    "AdviceRequest",
    "AdviceSharing",
    "Application",
    "ApplicationTransition",
    "Attendance",
    "AttendanceImport",
    "Booking",
    "CascadeSession",
    "Course",
    "CriteriaSet",
    "Criterion",
    "CriterionGuidance",
    "CriterionResponse",
    "EvidenceDigest",
    "EvidenceItem",
    "Exemplar",
    "GuidanceVersion",
    "PlanReview",
    "Question",
    "Questionnaire",
    "RetentionSchedule",
    "SelfRating",
    "SharingConsent",
    "SurveyAnswer",
    "SurveyResponse",
    "SurveyWindow",
]
