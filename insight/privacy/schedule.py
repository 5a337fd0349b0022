"""The retention schedule: every kind of record the portal holds, how long it is kept and why,
and the one sweep that applies it.

Each kind says what it holds, its purpose and legal basis, where it is stored, and either a period
an admin may change within bounds (days or calendar months after a start the kind names) or a
fixed rule. The privacy notice, the retention page, the records-of-processing CSV and the sweep
all read this one list, so what the portal says it does and what it does cannot drift apart.

The sweep is set-based and idempotent: each kind deletes (or anonymises) what is past its period
with a few statements, so running it twice, or after missed nights, does the right thing. Two
sweeps started at once: the second finds the lock row taken and records itself as skipped.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from accreditation import audit, erasure
from accreditation.errors import Refusal
from accreditation.models import AuditEvent, OutboxMessage, User, UserSession
from insight import retention as evidence_due
from portfolios import pdf_exports as portfolio_pdfs
from portfolios import retention as evidence_schedule
from portfolios.surveys import retention as survey_answers
from portfolios.training import privacy as training_records
from schools import privacy as school_records
from schools import versions
from validation.models import Award, Decision, GroupMember

from ..models import RetentionLock, RetentionPeriod, RetentionRun

PUBLIC_TASK = (
    "Public task: the council's duties to promote pupils' wellbeing and to tackle bullying (UK GDPR Article 6(1)(e))"
)
SECURITY = "Legitimate interests and security of processing: keeping accounts safe (UK GDPR Articles 6(1)(f) and 32)"
NOT_PERSONAL = "No personal data: figures about schools"


@dataclass(frozen=True)
class RecordKind:
    key: str
    name: str
    holds: str
    purpose: str
    basis: str
    where: str
    after: str = ""  # "after the account was deactivated": what the period counts from
    unit: str = ""  # "days" or "months"; empty for a fixed rule
    default: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    minimum_reason: str = ""
    fixed_rule: str = ""  # for kinds with no editable period
    due: Callable | None = None  # (now, amount) -> how many records are past their period
    purge: Callable | None = None  # (now, amount) -> how many records it removed

    @property
    def editable(self) -> bool:
        return bool(self.unit)

    def cutoff(self, now: datetime, amount: int) -> datetime:
        delta = timedelta(days=amount) if self.unit == "days" else relativedelta(months=amount)
        return now - delta

    def describe(self, amount: int | None) -> str:
        if not self.editable:
            return self.fixed_rule
        if self.unit == "months" and amount % 12 == 0:
            years = amount // 12
            return f"{years} year{'s' if years != 1 else ''} {self.after}"
        noun = self.unit[:-1] if amount == 1 else self.unit
        return f"{amount} {noun} {self.after}"


# Deactivated accounts ---------------------------------------------------------------------------


def _label_for(user: User) -> str:
    if GroupMember.objects.filter(user=user).exists():
        return "A member of the validating group"
    return erasure.FORMER_STAFF


def person_anonymise(*, user: User, by: User | None, reason: str) -> User:
    """Anonymise `user` across every app: the core account and audit trail, then the
    registrations they sent. The label says which role they had, never who they were."""
    with transaction.atomic():
        label = _label_for(user)
        old_email = user.email
        user = erasure.user_anonymise(user=user, label=label, by=by, reason=reason)
        school_records.registrations_anonymise_person(email=old_email, label=label)
    return user


def _accounts_due(now, amount):
    erasure.users_mark_deactivated(now=now)
    return erasure.users_due_for_anonymising(deactivated_before=now - relativedelta(months=amount))


def _accounts_purge(now, amount):
    count = 0
    for user in _accounts_due(now, amount):
        person_anonymise(user=user, by=None, reason="Retention schedule: deactivated for the retention period")
        count += 1
    return count


# Email copies, sign-in records, sessions -------------------------------------------------------

FINISHED_MAIL = [s for s in OutboxMessage.Status.values if s not in ("pending", "sending")]


def _outbox(now, amount):
    return OutboxMessage.objects.filter(created_at__lte=now - timedelta(days=amount), status__in=FINISHED_MAIL)


def _sign_in_querysets(now, amount):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = now - timedelta(days=amount)
    return [
        AccessAttempt.objects.filter(attempt_time__lte=cutoff),
        AccessFailureLog.objects.filter(attempt_time__lte=cutoff),
        AccessLog.objects.filter(attempt_time__lte=cutoff),
    ]


def _sessions_due(now, amount=None):
    return Session.objects.filter(expire_date__lte=now)


def _sessions_purge(now, amount=None):
    deleted, _ = _sessions_due(now).delete()
    live = Session.objects.values("session_key")
    orphans, _ = UserSession.objects.exclude(session_key__in=live).delete()
    return deleted + orphans


# The audit trail ---------------------------------------------------------------------------------


def _audit_due(now, amount):
    """Events older than the period, except those about an award still current, its decision
    or its application: the trail behind a kite mark on a school's website must stay."""
    today = timezone.localdate(now)
    current = Award.objects.filter(status=Award.Status.CURRENT, expires_on__gt=today)
    kept = [
        (Award._meta.label_lower, "pk"),
        (Decision._meta.label_lower, "decision_id"),
        ("portfolios.application", "application_id"),
    ]
    events = AuditEvent.objects.filter(created_at__lte=now - relativedelta(months=amount))
    for target_type, column in kept:
        ids = current.annotate(as_text=Cast(column, CharField())).values("as_text")
        events = events.exclude(target_type=target_type, target_id__in=ids)
    return events


# Letters (files kept with the award) --------------------------------------------------------------


def _letters_due(now, amount=None):
    schedule = evidence_schedule.schedule_get()
    if not schedule.is_active:
        return Decision.objects.none()
    ids = evidence_due.applications_due(as_of=timezone.localdate(now), schedule=schedule)
    return Decision.objects.filter(application_id__in=ids).exclude(letter_file="")


def _letters_purge(now, amount=None):
    decisions = list(_letters_due(now))
    paths = [d.letter_file for d in decisions]
    purged = Decision.objects.filter(pk__in=[d.pk for d in decisions])
    with versions.changing(purged):
        purged.update(letter_file="")

    def remove_files():
        from django.core.files.storage import default_storage

        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(remove_files)
    return len(paths)


def _evidence_due(now, amount=None):
    if not evidence_schedule.schedule_get().is_active:
        return 0
    return sum(row.files for row in evidence_due.retention_preview(as_of=timezone.localdate(now)))


def _evidence_purge(now, amount=None):
    result = evidence_due.retention_run(as_of=timezone.localdate(now))
    return result.files if result is not None else 0


def _delete(queryset_or_list) -> int:
    querysets = queryset_or_list if isinstance(queryset_or_list, list) else [queryset_or_list]
    return sum(queryset.delete()[0] for queryset in querysets)


def _count_all(queryset_or_list) -> int:
    querysets = queryset_or_list if isinstance(queryset_or_list, list) else [queryset_or_list]
    return sum(queryset.count() for queryset in querysets)


KINDS: list[RecordKind] = [
    RecordKind(
        key="evidence-files",
        name="Evidence files",
        holds="Files schools upload as evidence (policies, minutes, survey summaries); they may name staff or pupils",
        purpose="To judge a school's application and support its renewal",
        basis=PUBLIC_TASK,
        where="The portal's private file store (S3 bucket in production); the file's title, dates and checksum stay",
        fixed_rule="Set on the evidence retention page: by default 3 years after the award expires, "
        "or 3 years after a decision not to accredit; never while an application or award uses them",
        due=_evidence_due,
        purge=_evidence_purge,
    ),
    RecordKind(
        key="letters",
        name="Feedback letters and certificates",
        holds="The group's letter to the school (names the SLT lead) and the award certificate",
        purpose="To tell the school the outcome and let it show its award",
        basis=PUBLIC_TASK,
        where="Letters in the private file store; certificates are made when asked for and never stored",
        fixed_rule="Kept with the award: a letter is deleted with the application's evidence files",
        due=lambda now, amount=None: _letters_due(now).count(),
        purge=_letters_purge,
    ),
    RecordKind(
        key="portfolio-pdfs",
        name="Portfolio PDFs made in the background",
        holds="A copy of a large portfolio as it was when asked for: self-evaluations and evidence titles, "
        "descriptions and impact (they may name staff); who asked for it",
        purpose="To let the school and the H&W team download a portfolio too large to make while they wait",
        basis=PUBLIC_TASK,
        where="The portal's private file store (S3 bucket in production); the portfolio itself stays",
        after="after it was asked for",
        unit="days",
        default=7,
        minimum=1,
        maximum=90,
        minimum_reason="a PDF asked for late in the day must still be there the next morning",
        due=lambda now, amount: portfolio_pdfs.portfolio_exports_older_than(now - timedelta(days=amount)).count(),
        purge=lambda now, amount: portfolio_pdfs.portfolio_exports_purge(cutoff=now - timedelta(days=amount)),
    ),
    RecordKind(
        key="deactivated-accounts",
        name="Accounts of people who have left",
        holds="Name, email address, job title, phone number, password hash, second-factor keys",
        purpose="To let staff sign in; kept a while after they leave so a returning colleague keeps their history",
        basis=PUBLIC_TASK,
        where="The portal's database",
        after="after the account was deactivated (then the name and email are replaced by "
        '"Former staff member"; what they did stays)',
        unit="months",
        default=12,
        minimum=3,
        maximum=72,
        minimum_reason="an account switched off by mistake must be recoverable for at least 3 months",
        due=lambda now, amount: _accounts_due(now, amount).count(),
        purge=_accounts_purge,
    ),
    RecordKind(
        key="outbox",
        name="Copies of emails the portal sent",
        holds="Recipients' email addresses, names in greetings, links",
        purpose="To deliver email reliably and to answer 'did the school get the reminder?'",
        basis=PUBLIC_TASK,
        where="The portal's database",
        after="after the email was written",
        unit="days",
        default=90,
        minimum=30,
        maximum=730,
        minimum_reason="delivery problems are investigated within 30 days",
        due=lambda now, amount: _outbox(now, amount).count(),
        purge=lambda now, amount: _delete(_outbox(now, amount)),
    ),
    RecordKind(
        key="sign-in-attempts",
        name="Sign-in attempts and lockouts",
        holds="Email address tried, network address, browser, time",
        purpose="To stop password guessing and investigate attacks",
        basis=SECURITY,
        where="The portal's database",
        after="after the attempt",
        unit="days",
        default=90,
        minimum=30,
        maximum=365,
        minimum_reason="an attack is often noticed weeks later; 30 days is the shortest useful record",
        due=lambda now, amount: _count_all(_sign_in_querysets(now, amount)),
        purge=lambda now, amount: _delete(_sign_in_querysets(now, amount)),
    ),
    RecordKind(
        key="sessions",
        name="Sessions (who is signed in where)",
        holds="Session identifier, network address, browser",
        purpose="To keep people signed in and let them sign out everywhere",
        basis=SECURITY,
        where="The portal's database",
        fixed_rule="Deleted when the session expires (30 minutes idle, 12 hours at most)",
        due=lambda now, amount=None: _sessions_due(now).count(),
        purge=_sessions_purge,
    ),
    RecordKind(
        key="refused-registrations",
        name="Registrations the Health and Wellbeing team refused",
        holds="The SLT lead's name, role, email and phone; head teacher and governor names",
        purpose="To answer the school if it asks why, and to see repeated attempts",
        basis=PUBLIC_TASK,
        where="The portal's database",
        after="after the decision",
        unit="months",
        default=12,
        minimum=6,
        maximum=72,
        minimum_reason="a school may ask about a refusal for up to 6 months",
        due=lambda now, amount: school_records.registrations_refused_before(now - relativedelta(months=amount)).count(),
        purge=lambda now, amount: school_records.registrations_purge(cutoff=now - relativedelta(months=amount)),
    ),
    RecordKind(
        key="audit-events",
        name="The audit trail",
        holds="Who did what and when, with their network address",
        purpose="To show the scheme was run fairly and securely, and to answer complaints",
        basis=PUBLIC_TASK,
        where="The portal's database",
        after="after the event (kept longer while it concerns an award still current)",
        unit="months",
        default=72,
        minimum=36,
        maximum=240,
        minimum_reason="the trail behind an award must last at least the award's life (3 years)",
        due=lambda now, amount: _audit_due(now, amount).count(),
        purge=lambda now, amount: _delete(_audit_due(now, amount)),
    ),
    RecordKind(
        key="training-records",
        name="Training bookings and attendance",
        holds="Names, roles and booking email addresses of staff on the council's courses; headcounts of "
        "sessions they ran in school",
        purpose="To run the courses, show schools' training as CPD evidence, and report training reach",
        basis=PUBLIC_TASK,
        where="The portal's database (an attendance a school filed as evidence stays in its evidence)",
        after="after the course ran",
        unit="months",
        default=72,
        minimum=12,
        maximum=120,
        minimum_reason="a school's CPD evidence and the board report look back at least a year",
        due=lambda now, amount: _count_all(training_records.records_before(now - relativedelta(months=amount))),
        purge=lambda now, amount: _delete(training_records.records_before(now - relativedelta(months=amount))),
    ),
    RecordKind(
        key="commitment-statements",
        name="School commitment statements",
        holds="What a school confirmed each year, with the names of its governor and e-safety lead for anti-bullying",
        purpose="To show validators a school's commitments and count them in the council's indicators",
        basis=PUBLIC_TASK,
        where="The portal's database",
        fixed_rule="Kept with the school's record: the names are school roles, changed by the school",
    ),
    RecordKind(
        key="indicators-board-reports",
        name="Indicators and board reports",
        holds="Figures about schools and the county, and the H&W team's commentary",
        purpose="Reporting to the Safeguarding Board and the Local Area Agreement",
        basis=NOT_PERSONAL,
        where="The portal's database",
        fixed_rule="Kept: they hold no personal data (incident counts under 5 are hidden)",
    ),
    RecordKind(
        key="survey-written-answers",
        name="What people wrote in anonymous surveys",
        holds="Free text typed by pupils, parents or staff (no names asked; they are told not to write any)",
        purpose="For the school's lead to read what its pupils, parents and staff said",
        basis=PUBLIC_TASK,
        where="The portal's database",
        after="after it was sent",
        unit="months",
        default=24,
        minimum=6,
        maximum=60,
        minimum_reason="a school compares one year's survey with the next",
        due=lambda now, amount: survey_answers.written_answers_sent_before(now - relativedelta(months=amount)).count(),
        purge=lambda now, amount: survey_answers.written_answers_purge(cutoff=now - relativedelta(months=amount)),
    ),
    RecordKind(
        key="survey-answers",
        name="Tick-box answers to anonymous surveys",
        holds="Which answer was chosen and the day, with no name, address, device or account",
        purpose="The school's before-and-after figures and the council's bullying indicator",
        basis=NOT_PERSONAL,
        where="The portal's database",
        fixed_rule="Kept as figures: they hold no personal data",
    ),
    RecordKind(
        key="incident-returns",
        name="Termly incident returns",
        holds="Counts of incidents by type, term and school",
        purpose="The council's figures on bullying and its statutory reporting",
        basis=NOT_PERSONAL,
        where="The portal's database",
        fixed_rule="Kept: they hold no personal data",
    ),
]

KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def periods() -> dict[str, int]:
    """The period in force for each editable kind: the admin's choice, else the default."""
    chosen = dict(RetentionPeriod.objects.values_list("kind", "amount"))
    return {kind.key: chosen.get(kind.key, kind.default) for kind in KINDS if kind.editable}


def schedule_rows() -> list[dict]:
    """Every kind with its period in words: what the privacy notice and the CSV show."""
    in_force = periods()
    rows = []
    for kind in KINDS:
        amount = in_force.get(kind.key)
        rows.append({"kind": kind, "amount": amount, "period": kind.describe(amount)})
    return rows


def period_update(*, kind_key: str, amount: int | None, by: User) -> RetentionPeriod:
    """Set one kind's period, within its bounds (refused with the reason otherwise). Audited."""
    kind = KINDS_BY_KEY.get(kind_key)
    if kind is None or not kind.editable:
        raise Refusal("That kind of record has a fixed rule; its period cannot be changed here.")
    if amount is None:
        raise Refusal(f"Enter a period for {kind.name.lower()}, in {kind.unit}.")
    if amount < kind.minimum:
        raise Refusal(f"{kind.name} must be kept for at least {kind.minimum} {kind.unit}: {kind.minimum_reason}.")
    if amount > kind.maximum:
        raise Refusal(f"{kind.name} may be kept for at most {kind.maximum} {kind.unit}.")
    with transaction.atomic():
        period, _ = RetentionPeriod.objects.select_for_update().get_or_create(
            kind=kind.key, defaults={"amount": kind.default}
        )
        before = period.amount
        period.amount, period.updated_by, period.updated_at = amount, by, timezone.now()
        period.save()
        audit.record(
            actor=by,
            action="retention.period_changed",
            target=period,
            summary=f"{kind.name}: {kind.describe(before)} -> {kind.describe(amount)}",
            data={"kind": kind.key, "before": before, "after": amount},
        )
    return period


def preview(*, now: datetime | None = None) -> list[dict]:
    """What the sweep would remove now, by kind and count (nothing is changed, except that
    accounts found switched off get their deactivation date stamped)."""
    now = now or timezone.now()
    in_force = periods()
    rows = []
    for kind in KINDS:
        count = kind.due(now, in_force.get(kind.key)) if kind.due else None
        rows.append({"kind": kind, "count": count, "period": kind.describe(in_force.get(kind.key))})
    return rows


def sweep(*, now: datetime | None = None, trigger: str = "schedule") -> RetentionRun:
    """Apply the whole schedule now: each kind removes what is past its period. Records a
    RetentionRun with counts by kind (no personal data) and one audit event. If another sweep
    holds the lock, this one records itself as skipped and removes nothing."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(as_of=timezone.localdate(now), trigger=trigger)
    RetentionLock.objects.get_or_create(pk=1)
    try:
        with transaction.atomic():
            lock = RetentionLock.objects.select_for_update(skip_locked=True).filter(pk=1).first()
            if lock is None:
                run.status = RetentionRun.Status.SKIPPED
                run.finished_at = timezone.now()
                run.save(update_fields=["status", "finished_at"])
                return run
            in_force = periods()
            counts = {}
            for kind in KINDS:
                if kind.purge:
                    counts[kind.key] = kind.purge(now, in_force.get(kind.key))
            run.counts = counts
            run.status = RetentionRun.Status.FINISHED
            run.finished_at = timezone.now()
            run.save(update_fields=["counts", "status", "finished_at"])
            audit.record(actor=None, action="retention.run", target=run, data={"counts": counts})
    except Exception:
        RetentionRun.objects.filter(pk=run.pk).update(status=RetentionRun.Status.FAILED, finished_at=timezone.now())
        raise
    return run


def as_of_date(value: date | None) -> datetime:
    """Noon on `value` in the portal's time zone (for a preview as of another day)."""
    if value is None:
        return timezone.now()
    return timezone.make_aware(datetime(value.year, value.month, value.day, 12))
