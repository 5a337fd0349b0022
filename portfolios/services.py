"""Every write with a rule in it: evidence, applications, self-evaluations and the state machine.

All of an application's state changes go through `application_transition`, which locks the row,
checks the transition table, stamps the time, logs the change, writes an audit entry and queues
emails (delivered after commit). Validation (a higher app) writes what portfolios must know through
`application_list_for_meeting`, `application_start_review` and `application_record_outcome`.
"""

import logging
from datetime import date, timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications, probes
from accreditation.errors import Refusal
from schools import selectors as school_selectors
from schools import versions
from schools.models import School

from . import permissions, scanning, selectors, uploads
from .models import Application, ApplicationTransition, Criterion, CriterionResponse, EvidenceItem, new_storage_name

logger = logging.getLogger(__name__)
State = Application.State

TRANSITIONS = {
    State.DRAFT: {State.SUBMITTED, State.WITHDRAWN},
    State.SUBMITTED: {State.SCHEDULED, State.UNDER_REVIEW, State.WITHDRAWN},
    State.SCHEDULED: {State.SUBMITTED, State.UNDER_REVIEW, State.WITHDRAWN},
    State.UNDER_REVIEW: {State.ACCREDITED, State.FURTHER_INFORMATION, State.NOT_ACCREDITED},
    State.FURTHER_INFORMATION: {State.SUBMITTED, State.WITHDRAWN, State.UNDER_REVIEW},
}
STAMPS = {
    State.SUBMITTED: "submitted_at",
    State.SCHEDULED: "scheduled_at",
    State.UNDER_REVIEW: "review_started_at",
    State.ACCREDITED: "decided_at",
    State.FURTHER_INFORMATION: "decided_at",
    State.NOT_ACCREDITED: "decided_at",
    State.WITHDRAWN: "withdrawn_at",
}
OUTCOMES = (State.ACCREDITED, State.FURTHER_INFORMATION, State.NOT_ACCREDITED)


class TransitionNotAllowed(Refusal):
    """The application's state does not allow the move asked for."""


class PortfolioFrozen(Refusal):
    """The evidence or application is part of a submitted portfolio and cannot change."""


class SubmissionBlocked(Refusal):
    """The submission rules found problems; `problems` keeps them for the submit page's list."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__([p.message for p in problems], code="blocked")


# ----------------------------------------------------------------------------- evidence


def _criteria_from(criteria):
    criteria = list(criteria or [])
    if any(not isinstance(c, Criterion) for c in criteria):
        criteria = list(Criterion.objects.filter(pk__in=[getattr(c, "pk", c) for c in criteria]))
    return criteria


def _check_produced_on(produced_on):
    if produced_on is None:
        raise Refusal("Enter the date the evidence was produced", code="required")
    if produced_on > timezone.localdate():
        raise Refusal("The date the evidence was produced must be today or in the past", code="future")


def _check_manage(actor, school):
    if not permissions.can_manage_evidence(actor, school):
        raise PermissionDenied("You cannot change this school's evidence")


def _link_to_open_application(item, *, actor, criteria, unticked=()):
    """Link the item to the school's open application for the criteria ticked (unlink those unticked).

    Only criteria the school may still change take part: a draft's, or those reopened for further
    information. Evidence more than 3 years old is tagged but never linked (it cannot be submitted).
    Returns the criterion numbers linked, and writes an audit entry when anything changed.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .filter(school=item.school, state__in=Application.EDITABLE_STATES)
        .first()
    )
    if application is None or not permissions.can_work_on_application(actor, application):
        return []
    responses = [
        r for r in application.responses.select_related("criterion").order_by("criterion__number") if r.is_editable
    ]
    ticked = {c.pk for c in criteria} if not item.is_stale() else set()
    dropped = {c.pk for c in unticked}
    linked, unlinked = [], []
    for response in responses:
        if response.criterion_id in ticked:
            response.evidence.add(item)
            linked.append(response.criterion.number)
        elif response.criterion_id in dropped:
            response.evidence.remove(item)
            unlinked.append(response.criterion.number)
    if linked or unlinked:
        application.updated_at = timezone.now()
        application.save(update_fields=["updated_at"])
        audit.record(
            actor=actor,
            action="application.evidence_linked",
            target=application,
            summary=f"“{item.title}”: criteria {', '.join(map(str, linked)) or 'none'}",
            data={"evidence": item.pk, "linked": linked, "unlinked": unlinked},
        )
    return linked


def _trace_refused_uploads(service):
    """A refused upload leaves a trace (who, which school, which files, why) in the audit trail,
    written after the refused work has rolled back (accreditation.probes)."""

    @wraps(service)
    def wrapper(*, school, actor, **kwargs):
        try:
            return service(school=school, actor=actor, **kwargs)
        except Refusal as error:
            files = list(kwargs.get("files") or []) + ([kwargs["scan"]] if kwargs.get("scan") else [])
            names = [getattr(f, "name", "") or "" for f in files]
            if names:
                probes.record_refusal(
                    actor=actor,
                    action="upload_refused",
                    summary=f"{', '.join(names)} for {school.name}: {' '.join(error.messages)}",
                    data={"school": school.pk, "files": names, "reasons": error.messages},
                )
            raise

    return wrapper


def _check_file_quotas(school, *, adding: int) -> None:
    """Besides the byte quota: files a school may upload in an hour, and may hold in all."""
    now = timezone.now()
    files = EvidenceItem.objects.filter(school=school).exclude(file="")
    per_hour = settings.EVIDENCE_UPLOADS_PER_HOUR
    recent = files.filter(uploaded_at__gte=now - timedelta(hours=1))
    if recent.count() + adding > per_hour:
        first = recent.order_by("uploaded_at").values_list("uploaded_at", flat=True).first() or now
        again = timezone.localtime(first + timedelta(hours=1))
        raise Refusal(
            f"Your school can upload up to {per_hour} files an hour and has reached that. Nothing has been "
            f"uploaded: try again after {again:%H:%M}",
            code="rate",
        )
    most = settings.EVIDENCE_SCHOOL_MAX_FILES
    if files.count() + adding > most:
        raise Refusal(
            f"Your school's evidence library can hold up to {most} files and this would take it over. Delete "
            "files you no longer need, or contact the Health & Wellbeing team",
            code="count",
        )


@_trace_refused_uploads
@transaction.atomic
def evidence_add_files(
    *, school, actor, files, title="", description="", produced_on, impact, criteria=()
) -> list[EvidenceItem]:
    """Check every file, then store each under a generated name and record it. All or nothing.

    Writes one audit entry per item. Files already written are deleted if anything fails.
    """
    _check_manage(actor, school)
    _check_produced_on(produced_on)
    if not files:
        raise Refusal("Select at least one file to upload", code="required")
    # Lock the school so two uploads at once cannot both squeeze under the quota.
    School.objects.select_for_update().get(pk=school.pk)
    _check_file_quotas(school, adding=len(files))
    used = selectors.evidence_used_bytes(school)
    checked = []
    for uploaded in files:
        result = uploads.check_upload(uploaded, used_bytes=used)
        used += result.size
        checked.append((uploaded, result))
    criteria = _criteria_from(criteria)
    stored, items = [], []
    try:
        for uploaded, result in checked:
            name = default_storage.save(new_storage_name(school.pk, result.extension), uploaded)
            stored.append(name)
            item_title = title.strip() or result.original_name.rsplit(".", 1)[0]
            if title.strip() and len(checked) > 1:
                item_title = f"{title.strip()} – {result.original_name}"
            item = EvidenceItem.objects.create(
                school=school,
                kind=EvidenceItem.Kind.FILE,
                title=item_title[:200],
                description=description,
                produced_on=produced_on,
                impact=impact,
                file=name,
                original_name=result.original_name,
                size=result.size,
                sha256=result.sha256,
                content_type=result.content_type,
                uploaded_by=actor,
            )
            item.criteria.set(criteria)
            item.linked_criteria = _link_to_open_application(item, actor=actor, criteria=criteria)
            audit.record(
                actor=actor,
                action="evidence.uploaded",
                target=item,
                summary=f"{result.original_name} ({uploads.human_size(result.size)}) for {school.name}",
                data={"sha256": result.sha256, "size": result.size, "school": school.pk},
            )
            items.append(item)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    scanning.queue_scan(items)
    return items


@transaction.atomic
def evidence_add_link(*, school, actor, url, title, description="", produced_on, impact, criteria=()) -> EvidenceItem:
    """Record a web page as evidence. Writes an audit entry."""
    _check_manage(actor, school)
    _check_produced_on(produced_on)
    item = EvidenceItem.objects.create(
        school=school,
        kind=EvidenceItem.Kind.LINK,
        url=url,
        title=title,
        description=description,
        produced_on=produced_on,
        impact=impact,
        uploaded_by=actor,
    )
    criteria = _criteria_from(criteria)
    item.criteria.set(criteria)
    audit.record(actor=actor, action="evidence.link_added", target=item, summary=url, data={"school": school.pk})
    item.linked_criteria = _link_to_open_application(item, actor=actor, criteria=criteria)
    return item


@_trace_refused_uploads
@transaction.atomic
def evidence_add_hard_copy(
    *, school, actor, title, description="", produced_on, impact, received_on, criteria=(), scan=None
) -> EvidenceItem:
    """Record that a paper copy of evidence is held, with the date received and an optional scan."""
    _check_manage(actor, school)
    _check_produced_on(produced_on)
    if received_on is None:
        raise Refusal("Enter the date the hard copy was received", code="required")
    if received_on > timezone.localdate():
        raise Refusal("The date received must be today or in the past", code="future")
    fields = {}
    if scan is not None:
        School.objects.select_for_update().get(pk=school.pk)
        _check_file_quotas(school, adding=1)
        result = uploads.check_upload(scan, used_bytes=selectors.evidence_used_bytes(school))
        fields = {
            "file": default_storage.save(new_storage_name(school.pk, result.extension), scan),
            "original_name": result.original_name,
            "size": result.size,
            "sha256": result.sha256,
            "content_type": result.content_type,
        }
    item = EvidenceItem.objects.create(
        school=school,
        kind=EvidenceItem.Kind.HARD_COPY,
        title=title,
        description=description,
        produced_on=produced_on,
        impact=impact,
        received_on=received_on,
        uploaded_by=actor,
        **fields,
    )
    criteria = _criteria_from(criteria)
    item.criteria.set(criteria)
    audit.record(
        actor=actor, action="evidence.hard_copy_recorded", target=item, summary=title, data={"school": school.pk}
    )
    scanning.queue_scan([item])
    item.linked_criteria = _link_to_open_application(item, actor=actor, criteria=criteria)
    return item


def _lock_against_submission(item):
    """Lock the applications the item is linked to, so a submission cannot slip in mid-edit."""
    list(Application.objects.select_for_update().filter(responses__evidence=item).values_list("pk", flat=True))
    if selectors.evidence_is_frozen(item):
        raise PortfolioFrozen(
            f"“{item.title}” is part of a submitted portfolio, so it cannot be changed or deleted. "
            "You can add new evidence to your library.",
            code="frozen",
        )


@transaction.atomic
def evidence_update(*, item, actor, title, description, produced_on, impact, criteria, url=None, received_on=None):
    """Change an item's details (not its file). Refused once the item is part of a submitted portfolio."""
    _check_manage(actor, item.school)
    _lock_against_submission(item)
    _check_produced_on(produced_on)
    before = {"title": item.title, "produced_on": str(item.produced_on)}
    item.title, item.description, item.produced_on, item.impact = title, description, produced_on, impact
    if item.kind == EvidenceItem.Kind.LINK and url:
        item.url = url
    if item.kind == EvidenceItem.Kind.HARD_COPY and received_on:
        item.received_on = received_on
    item.updated_at = timezone.now()
    item.stale_since = None
    item.expiring_flagged_on = None
    item.save()
    criteria = _criteria_from(criteria)
    unticked = set(item.criteria.all()) - set(criteria)
    item.criteria.set(criteria)
    audit.record(actor=actor, action="evidence.updated", target=item, data={"before": before})
    item.linked_criteria = _link_to_open_application(item, actor=actor, criteria=criteria, unticked=unticked)
    return item


@transaction.atomic
def evidence_delete(*, item, actor) -> None:
    """Delete an item and, after commit, its file. Refused once it is part of a submitted portfolio."""
    _check_manage(actor, item.school)
    _lock_against_submission(item)
    name = item.file.name if item.file else ""
    audit.record(
        actor=actor,
        action="evidence.deleted",
        target=item,
        summary=item.original_name or item.title,
        data={"sha256": item.sha256, "school": item.school_id},
    )
    item.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def evidence_download_record(*, actor, item=None, application=None, via: str = "") -> None:
    """Record in the audit trail that someone downloaded an evidence file, or a portfolio's ZIP of them."""
    target = item if item is not None else application
    summary = f"{via}: {item.original_name or item.title}" if item is not None else f"{via}: all evidence (ZIP)"
    school_id = item.school_id if item is not None else application.school_id
    audit.record(actor=actor, action="evidence.downloaded", target=target, summary=summary, data={"school": school_id})


# ----------------------------------------------------------------------------- applications


@transaction.atomic
def application_start(
    *, school, actor, hard_copy_received_on: date | None = None, development_area: str = ""
) -> Application:
    """Start the school's application: a renewal when it holds or held an award, else a first one.

    A renewal links the previous portfolio's evidence that will still be under three years old at
    the next validating group meeting to the same criteria (`renewals.carry_forward`; the rest is
    listed to replace), and starts with `development_area` (the school's choice among its last
    feedback's areas, or its own). Refused while another application is open (a draft included).
    `hard_copy_received_on` (H&W admins only) records a paper portfolio. Writes an audit entry.
    """
    from . import renewals

    hard_copy = hard_copy_received_on is not None
    if hard_copy and not permissions.can_record_hard_copy(actor):
        raise PermissionDenied("Only the Health & Wellbeing team records paper portfolios")
    if not hard_copy and not permissions.can_start_application(actor, school):
        raise PermissionDenied("You cannot start an application for this school")
    School.objects.select_for_update().get(pk=school.pk)
    if selectors.open_application(school):
        raise Refusal("Your school already has an application in progress", code="open")
    previous = selectors.previous_award(school)
    opens_on = selectors.renewal_opens_on(school)
    if not hard_copy and opens_on is not None and timezone.localdate() < opens_on:
        raise Refusal(
            f"Your school's renewal opens on {opens_on:%-d %B %Y}, {settings.RENEWAL_WINDOW_MONTHS} months before "
            "its accreditation ends. You can keep adding evidence to your library until then",
            code="renewal_not_open",
        )
    criteria_set = selectors.current_criteria_set()
    development_area = (development_area or "").strip()
    if len(development_area) > 5000:
        raise Refusal("The development area must be 5,000 characters or fewer", code="max_length")
    application = Application.objects.create(
        school=school,
        criteria_set=criteria_set,
        kind=Application.Kind.RENEWAL if previous else Application.Kind.FIRST,
        previous=previous,
        is_hard_copy=hard_copy,
        hard_copy_received_on=hard_copy_received_on,
        development_area=development_area if previous else "",
        created_by=actor,
    )
    carried = renewals.carry_forward(previous).kept if previous else {}
    for criterion in criteria_set.criteria.all():
        response = CriterionResponse.objects.create(application=application, criterion=criterion)
        if carried.get(criterion.number):
            response.evidence.set(carried[criterion.number])
    audit.record(
        actor=actor,
        action="application.started",
        target=application,
        summary=application.get_kind_display() + (" (paper portfolio)" if hard_copy else ""),
        data={"school": school.pk, "previous": previous.pk if previous else None},
    )
    return application


def _lock_editable(application, actor):
    locked = Application.objects.select_for_update(of=("self",)).select_related("school").get(pk=application.pk)
    if not permissions.can_work_on_application(actor, locked):
        if not locked.is_editable:
            raise PortfolioFrozen(
                f"This application has been {locked.get_state_display().lower()}, so it cannot be changed. "
                "Nothing has been saved.",
                code="frozen",
            )
        raise PermissionDenied("You cannot change this application")
    return locked


@transaction.atomic
def response_update(*, response, actor, self_evaluation, evidence) -> CriterionResponse:
    """Save the self-evaluation and linked evidence for one criterion.

    Refused when the criterion is frozen (submitted, or not reopened for further information), and
    when any evidence is not the school's own. Writes an audit entry.
    """
    application = _lock_editable(response.application, actor)
    response = CriterionResponse.objects.select_related("criterion").get(pk=response.pk)
    response.application = application
    if not response.is_editable:
        raise PortfolioFrozen(
            f"Criterion {response.criterion.number} has been submitted and is not open for changes. "
            "Nothing has been saved.",
            code="frozen",
        )
    ids = {getattr(item, "pk", item) for item in evidence}
    items = list(EvidenceItem.objects.filter(school=application.school, pk__in=ids))
    if len(items) != len(ids):
        raise Refusal("Select evidence from your school's own library", code="not_ours")
    response.self_evaluation = self_evaluation.strip()
    response.updated_at = timezone.now()
    response.updated_by = actor
    response.save(update_fields=["self_evaluation", "updated_at", "updated_by"])
    response.evidence.set(items)
    application.updated_at = timezone.now()
    application.save(update_fields=["updated_at"])
    audit.record(
        actor=actor,
        action="application.criterion_saved",
        target=application,
        summary=f"Criterion {response.criterion.number}",
        data={"criterion": response.criterion.number, "evidence": sorted(ids)},
    )
    return response


@transaction.atomic
def application_update_renewal(*, application, actor, development_area, development_progress) -> Application:
    """Save a renewal's development area and the progress made on it. Draft only."""
    locked = _lock_editable(application, actor)
    if locked.state != State.DRAFT:
        raise PortfolioFrozen("The development area cannot be changed after submission", code="frozen")
    locked.development_area = development_area.strip()
    locked.development_progress = development_progress.strip()
    locked.updated_at = timezone.now()
    locked.save(update_fields=["development_area", "development_progress", "updated_at"])
    audit.record(actor=actor, action="application.development_area_saved", target=locked)
    return locked


def application_transition(
    *, application, to_state, actor, note="", check=None, criteria_reopened=(), handed_in: bool | None = None
) -> Application:
    """The one place an application changes state.

    Locks the row, checks TRANSITIONS, runs `check(locked)` under the lock (it may refuse or set
    fields), stamps the time, freezes or reopens criteria, logs the transition, writes an audit
    entry and queues the emails that go with it. Returns the updated application.
    """
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("school").get(pk=application.pk)
        from_state = locked.state
        if to_state not in TRANSITIONS.get(from_state, set()):
            raise TransitionNotAllowed(
                f"This application is {locked.get_state_display().lower()}, so it cannot be moved to "
                f"“{State(to_state).label.lower()}”. Nothing has changed.",
                code="transition",
            )
        if check is not None:
            check(locked)
        now = timezone.now()
        # Only a school handing its portfolio in is a submission; an admin taking it off a meeting
        # (scheduled -> submitted) keeps its submission time and sends no "submitted" email.
        # (`handed_in=False`: an admin listing it for a decision without the further information.)
        if handed_in is None:
            handed_in = to_state == State.SUBMITTED and from_state in (State.DRAFT, State.FURTHER_INFORMATION)
        locked.state = to_state
        if handed_in or to_state != State.SUBMITTED:
            setattr(locked, STAMPS[to_state], now)
        if handed_in and locked.first_submitted_at is None:
            locked.first_submitted_at = now
        locked.updated_at = now
        locked.save()
        if handed_in:
            locked.responses.update(status=CriterionResponse.Status.FROZEN)
        ApplicationTransition.objects.create(
            application=locked,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            note=note,
            criteria_reopened=sorted(criteria_reopened),
        )
        audit.record(
            actor=actor,
            action=f"application.{to_state}",
            target=locked,
            summary=note,
            data={"from": from_state, "to": to_state, "school": locked.school_id},
        )
        if handed_in:
            _notify_submitted(locked, resubmission=from_state == State.FURTHER_INFORMATION)
    application.refresh_from_db()
    return locked


def _notify_submitted(application, *, resubmission):
    leads = school_selectors.lead_emails(application.school)
    context = {
        "application": application,
        "school": application.school,
        "resubmission": resubmission,
        "link": settings.SITE_URL + reverse("portfolios:application", args=[application.pk]),
    }
    if leads:
        notifications.send(to=list(leads), template="portfolio_submitted", context=context)
    notifications.send(to=settings.HW_TEAM_EMAIL, template="portfolio_submitted_team", context=context)


def application_submit(*, application, actor, declaration: bool, equality_declaration: bool) -> Application:
    """Submit (or, after a request for further information, resubmit) the portfolio.

    Only the SLT lead (or the H&W team for a paper portfolio); every submission rule is checked
    again under the row lock, so two clicks or two colleagues give one submission. Freezes every
    criterion, emails the lead and the H&W team after commit.
    """

    def check(locked):
        # scheduled -> submitted is in TRANSITIONS (an admin taking it off a meeting), not a submission
        if locked.state not in (State.DRAFT, State.FURTHER_INFORMATION):
            raise TransitionNotAllowed(
                f"This application is {locked.get_state_display().lower()}, so it cannot be submitted again. "
                "Nothing has changed.",
                code="transition",
            )
        if not permissions.can_submit(actor, locked):
            raise PermissionDenied("Only your school's SLT lead can submit the application")
        locked.declaration = bool(declaration)
        locked.equality_declaration = bool(equality_declaration)
        problems = selectors.submission_problems(locked, user=actor)
        if problems:
            raise SubmissionBlocked(problems)
        locked.submitted_by = actor

    return application_transition(application=application, to_state=State.SUBMITTED, actor=actor, check=check)


def application_withdraw(*, application, actor, reason="") -> Application:
    """Withdraw the application (the lead or the H&W team). Its evidence is free to edit again."""

    def check(locked):
        if not permissions.can_withdraw(actor, locked):
            raise PermissionDenied("Only your school's SLT lead can withdraw the application")

    return application_transition(
        application=application, to_state=State.WITHDRAWN, actor=actor, note=reason, check=check
    )


# ----------------------------------------------------------------------------- for validation


def application_list_for_meeting(*, application, meeting_date: date | None, actor) -> Application:
    """Validation lists a submitted application for a meeting (or, with None, takes it off again).

    Submitted -> scheduled with the date; scheduled or under review -> a new date (no state change)
    or, with None, back to submitted. Writes an audit entry. `meeting_date` is a copy of the
    validation meeting's date: only validation's agenda and meeting services call this, in the same
    transaction as the change to the meeting or the listing.
    """
    if application.state in (State.SCHEDULED, State.UNDER_REVIEW) and meeting_date is not None:
        with transaction.atomic():
            locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
            if locked.state not in (State.SCHEDULED, State.UNDER_REVIEW):
                raise TransitionNotAllowed("The application is no longer listed for a meeting", code="transition")
            if locked.meeting_date == meeting_date:
                return locked
            locked.meeting_date = meeting_date
            locked.updated_at = timezone.now()
            locked.save(update_fields=["meeting_date", "updated_at"])
            audit.record(actor=actor, action="application.relisted", target=locked, data={"meeting": str(meeting_date)})
        return locked

    def check(locked):
        locked.meeting_date = meeting_date

    to_state = State.SUBMITTED if meeting_date is None else State.SCHEDULED
    note = f"Listed for the meeting on {meeting_date:%d %B %Y}" if meeting_date else "Taken off the meeting"
    return application_transition(application=application, to_state=to_state, actor=actor, note=note, check=check)


def application_start_review(*, application, actor) -> Application:
    """The validating group starts reviewing the application."""
    return application_transition(application=application, to_state=State.UNDER_REVIEW, actor=actor)


def application_record_outcome(
    *, application, outcome, actor, reopened_criteria=(), areas_for_future="", decided_on: date | None = None
) -> Application:
    """Record the validating group's decision.

    `outcome` is accredited, further_information or not_accredited. For further information,
    `reopened_criteria` (criterion numbers or Criterion objects) names the criteria the school may
    change; the rest stay frozen. `areas_for_future` is the feedback's areas for future
    consideration, shown to the school in its renewal. A scheduled application passes through
    "under review" first. Sends no email: validation sends the feedback.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}")
    numbers = {getattr(c, "number", c) for c in reopened_criteria}
    if outcome == State.FURTHER_INFORMATION and not numbers:
        raise Refusal("Select the criteria that need further information", code="required")
    if outcome != State.FURTHER_INFORMATION and numbers:
        raise Refusal("Only a request for further information reopens criteria", code="invalid")

    def check(locked):
        valid = set(locked.responses.values_list("criterion__number", flat=True))
        if not numbers <= valid:
            raise Refusal(f"No criteria numbered {sorted(numbers - valid)}", code="invalid")
        locked.areas_for_future = areas_for_future
        locked.decided_on = decided_on or timezone.localdate()
        submitted_on = timezone.localtime(locked.submitted_at).date() if locked.submitted_at else None
        if submitted_on and locked.decided_on < submitted_on:
            # A decision never precedes the submission it decides (the dashboard's median from
            # submission to decision can never be negative).
            raise Refusal(
                f"A decision cannot be dated {locked.decided_on:%-d %B %Y}, before the application was submitted "
                f"on {submitted_on:%-d %B %Y}",
                code="invalid",
            )
        locked.responses.update(status=CriterionResponse.Status.FROZEN)
        if numbers:
            locked.responses.filter(criterion__number__in=numbers).update(status=CriterionResponse.Status.REOPENED)

    with transaction.atomic():
        if Application.objects.filter(pk=application.pk, state=State.SCHEDULED).exists():
            application_start_review(application=application, actor=actor)
        note = f"Criteria reopened: {', '.join(str(n) for n in sorted(numbers))}" if numbers else ""
        return application_transition(
            application=application, to_state=outcome, actor=actor, note=note, check=check, criteria_reopened=numbers
        )


def application_list_without_further_information(*, application, actor, note: str) -> Application:
    """The further information did not come: an admin sends the portfolio back to the validating
    group as it stands (validation checks the rule and places it on a meeting in the same
    transaction). Freezes every criterion and keeps the original submission time; it is not a
    submission, so no "submitted" email goes."""

    def check(locked):
        locked.responses.update(status=CriterionResponse.Status.FROZEN)

    return application_transition(
        application=application, to_state=State.SUBMITTED, actor=actor, note=note, check=check, handed_in=False
    )


@transaction.atomic
def application_record_information_request(
    *, application, information_needed: str = "", due_on: date | None = None, requested_on: date | None = None
) -> Application:
    """Record what the validating group asked for, by when and at which meeting (the one writer of
    these copies: validation calls it when it releases a decision, with empty values for any other
    outcome, and when an admin sets a new due date). Sends nothing: validation tells the school."""
    Application.objects.filter(pk=application.pk).update(
        information_requested=information_needed, information_due_on=due_on, information_requested_on=requested_on
    )
    versions.changed([application.school_id])
    application.information_requested = information_needed
    application.information_due_on, application.information_requested_on = due_on, requested_on
    return application


@transaction.atomic
def application_record_award(*, application, starts_on: date, expires_on: date) -> Application:
    """Record the dates of the award an accredited application earned (validation's award_grant
    is the one writer), so the school's pages and its next renewal can show them."""
    Application.objects.filter(pk=application.pk).update(award_starts_on=starts_on, award_expires_on=expires_on)
    versions.changed([application.school_id])
    application.award_starts_on, application.award_expires_on = starts_on, expires_on
    return application
