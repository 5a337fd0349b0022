import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Email addresses are matched without regard to case: people type them as they like.
        return self.get(email__iexact=username)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may do comes from their memberships and flags.

    School users have a schools.Membership; validators a validation.GroupMember; H&W admins have
    is_hw_admin. Django's /admin/ is for superusers (support staff) only.
    """

    email = models.EmailField("email address", max_length=254, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_hw_admin = models.BooleanField(
        "Health & Wellbeing admin",
        default=False,
        help_text="Runs the scheme: approves registrations, manages meetings and the group.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to Django's support admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the account was first seen deactivated; the retention clock starts here."
    )
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person's name and email were replaced (retention or erasure)."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class Invitation(models.Model):
    """A set-password link sent to a new account. Only the token's hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.user} ({self.state})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class AuditEvent(models.Model):
    """One thing that happened: who, what, to which object, when and from where. Append-only."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Indexed only where there is an actor (Meta): the nightly sweeps write thousands of entries
    # with none, and each index is a write per entry (issue 20).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text="The actor's email when it happened.")
    action = models.CharField(max_length=80)  # indexed once, in Meta
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The request (or the task it queued) that made the change: joins the entry to the logs.
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # One index for `action = ...` and the audit search's `action LIKE 'prefix%'` alike (on
            # PostgreSQL a pattern-ops b-tree answers both; `db_index=True` made two).
            models.Index(fields=["action"], name="audit_action_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["actor"], name="audit_actor_idx", condition=models.Q(actor__isnull=False)),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"

    @property
    def action_label(self):
        """ "registration.approved" reads as "Registration approved"."""
        return self.action.replace(".", " ").replace("_", " ").capitalize()


class OutboxMessage(models.Model):
    """An email waiting to go, written in the same transaction as the change that caused it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    created_at = models.DateTimeField(default=timezone.now)
    template = models.CharField(max_length=100)
    to = models.JSONField(help_text="List of recipient addresses.")
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True, help_text="[{name, storage path, content type}]")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Not before this time (the back-off after a failed attempt); empty means "as soon as possible".
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subject} to {', '.join(self.to)} ({self.status})"


class SentNotice(models.Model):
    """A reminder or digest that has gone to the outbox, recorded in the same transaction and
    before it, so a job that runs twice, is retried or catches up after missed days never sends
    it again. `kind` names the job; `key` names what it was about (e.g. a meeting and a school)."""

    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200)
    message = models.ForeignKey(OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="sent_notice_once")]

    def __str__(self):
        return f"{self.kind}: {self.key}"


class UserSession(models.Model):
    """Where a person is signed in: one row per session, so they can see and end them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self):
        return f"{self.user} from {self.ip_address or 'unknown'} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def device_label(self):
        agent = self.user_agent
        browser = next((name for name in ("Edg", "Firefox", "Chrome", "Safari") if name in agent), "A browser")
        system = next(
            (name for name in ("Windows", "Mac OS", "iPhone", "iPad", "Android", "Linux", "CrOS") if name in agent), ""
        )
        browser = {"Edg": "Edge"}.get(browser, browser)
        return f"{browser} on {system}" if system else browser


class Heartbeat(models.Model):
    """When a background process last said it was alive: "beat" (the scheduler) or
    "worker:<hostname>" (each Celery worker). /healthz/ready reads them."""

    name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
