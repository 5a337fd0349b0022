"""Reads scoped to a user, or with a rule in them. Another school's object answers 404.

Validation (a higher app) reads evidence for validators through `evidence_for_application` and
`evidence_item_in_application`, after checking assignment and conflicts itself.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Prefetch, Q, Sum, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accreditation.permissions import is_hw_admin
from schools.models import School

from . import dates, permissions
from .models import Application, CriteriaSet, Criterion, CriterionResponse, EvidenceItem, PortfolioExport

# A link to a response that is not open for editing freezes the evidence item: it is part of a
# submitted (or decided) portfolio. Withdrawn applications free their evidence.
FROZEN_LINK = Q(
    responses__application__state__in=[
        Application.State.SUBMITTED,
        Application.State.SCHEDULED,
        Application.State.UNDER_REVIEW,
        Application.State.ACCREDITED,
        Application.State.NOT_ACCREDITED,
    ]
) | (
    Q(responses__application__state=Application.State.FURTHER_INFORMATION)
    & ~Q(responses__status=CriterionResponse.Status.REOPENED)
)


def current_criteria_set() -> CriteriaSet:
    return CriteriaSet.objects.prefetch_related("criteria").get(is_current=True)


def school_for_portfolio(user, school_id) -> School:
    """The school, if the user may see its portfolio; 404 otherwise."""
    school = get_object_or_404(School, pk=school_id)
    if not permissions.can_view_portfolio(user, school):
        raise Http404("No such school")
    return school


def evidence_for_school(school):
    """The library's rows: only the columns its table shows, and each item's criterion numbers."""
    return (
        EvidenceItem.objects.filter(school=school)
        .only("pk", "school_id", "title", "kind", "produced_on", "stale_from", "file", "scan_state")
        # A plain list per item (to_attr): iterating item.criteria.all in the template would build a
        # manager and a queryset per row, a third of the page's time at 200 rows.
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.only("pk", "number"), to_attr="criterion_list")
        )
    )


LIBRARY_PAGE_SIZE = 50
# Longer than any title anyone types: such a search is a plain miss, never a slow query.
LIBRARY_MAX_QUERY = 200
LIBRARY_SORTS = {
    "newest": ("-produced_on", "title", "pk"),
    "oldest": ("produced_on", "title", "pk"),
    "title": ("title", "pk"),
    "recently_added": ("-uploaded_at", "-pk"),
}
LIBRARY_AGES = ("fresh", "stale_by_meeting", "stale")


def evidence_search(
    school, *, as_of: date, meeting_date: date | None, q="", criterion=None, kind="", age="", sort="newest"
):
    """The library's rows, filtered and sorted: a search of title and description, a criterion
    number, a kind, and an age (fresh / out of date by `meeting_date` / out of date on `as_of`).
    Unknown values fall back to no filter and the newest first."""
    rows = evidence_for_school(school)
    query = (q or "").strip()
    if len(query) > LIBRARY_MAX_QUERY:
        return rows.none()
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if criterion:
        tagged = EvidenceItem.criteria.through.objects.filter(criterion__number=criterion).values("evidenceitem_id")
        rows = rows.filter(pk__in=tagged)
    if kind in EvidenceItem.Kind.values:
        rows = rows.filter(kind=kind)
    horizon = (
        meeting_date if meeting_date and meeting_date > as_of else as_of + timedelta(days=dates.EVIDENCE_WARNING_DAYS)
    )
    if age == "stale":
        rows = rows.filter(stale_from__lte=as_of)
    elif age == "stale_by_meeting":
        rows = rows.filter(stale_from__gt=as_of, stale_from__lte=horizon)
    elif age == "fresh":
        rows = rows.filter(stale_from__gt=horizon)
    return rows.order_by(*LIBRARY_SORTS.get(sort, LIBRARY_SORTS["newest"]))


def evidence_get_for_user(user, pk) -> EvidenceItem:
    item = get_object_or_404(EvidenceItem.objects.select_related("school", "uploaded_by"), pk=pk)
    if not permissions.can_view_portfolio(user, item.school):
        raise Http404("No such evidence")
    return item


def evidence_is_frozen(item) -> bool:
    return EvidenceItem.objects.filter(FROZEN_LINK, pk=item.pk).exists()


def frozen_evidence_ids(school) -> set[int]:
    return set(EvidenceItem.objects.filter(FROZEN_LINK, school=school).values_list("pk", flat=True))


def evidence_used_bytes(school) -> int:
    # Files deleted under the retention schedule keep their size for the record but use no space.
    used = EvidenceItem.objects.filter(school=school, file_removed_on__isnull=True)
    return used.aggregate(total=Sum("size"))["total"] or 0


def evidence_stale(as_of: date):
    """Every item too old to be accepted on `as_of` (what the jobs sweep marks)."""
    return EvidenceItem.objects.filter(stale_from__lte=as_of)


def evidence_expiring(as_of: date, within_days: int = dates.EVIDENCE_WARNING_DAYS):
    return EvidenceItem.objects.filter(stale_from__gt=as_of, stale_from__lte=as_of + timedelta(days=within_days))


def applications_for_school(school):
    return Application.objects.filter(school=school).select_related("criteria_set", "school")


def applications_for_admin():
    return Application.objects.select_related("school").order_by("-updated_at")


def open_application(school) -> Application | None:
    return applications_for_school(school).exclude(state__in=Application.CLOSED_STATES).first()


def previous_award(school, *, before=None) -> Application | None:
    """The school's latest accredited application: a new one is then a renewal."""
    qs = Application.objects.filter(school=school, state=Application.State.ACCREDITED)
    if before is not None:
        qs = qs.exclude(pk=before.pk)
    return qs.order_by("-decided_on", "-decided_at").first()


def renewal_opens_on(school) -> date | None:
    """When the school may start its renewal (None: it holds no award, so any time)."""
    previous = previous_award(school)
    if previous is None or previous.decided_on is None:
        return None
    return dates.renewal_opens_on(previous.decided_on, expires_on=previous.award_expires_on)


def application_get_for_user(user, pk) -> Application:
    application = get_object_or_404(Application.objects.select_related("school", "criteria_set", "previous"), pk=pk)
    if not permissions.can_view_portfolio(user, application.school):
        raise Http404("No such application")
    return application


def response_get_for_user(user, application_pk, number) -> CriterionResponse:
    application = application_get_for_user(user, application_pk)
    return get_object_or_404(
        CriterionResponse.objects.select_related("criterion", "application__school"),
        application=application,
        criterion__number=number,
    )


def responses_for_application(application):
    return (
        application.responses.select_related("criterion")
        .prefetch_related("evidence__criteria")
        .order_by("criterion__number")
    )


def evidence_link_count(application) -> int:
    """How many evidence links the application's portfolio lists (an item on two criteria counts twice)."""
    return CriterionResponse.evidence.through.objects.filter(criterionresponse__application=application).count()


def pdf_export_get_for_user(user, application_pk, export_pk) -> PortfolioExport:
    """One background PDF of an application the user may see, or 404 (the PDF view's rule)."""
    application = application_get_for_user(user, application_pk)
    return get_object_or_404(
        PortfolioExport.objects.select_related("application__school"), application=application, pk=export_pk
    )


def latest_pdf_export(application) -> PortfolioExport | None:
    """The application's most recently asked-for background PDF, if any."""
    return application.pdf_exports.first()


def evidence_for_application(application):
    """Every evidence item linked to any criterion of the application, once each."""
    return (
        EvidenceItem.objects.filter(responses__application=application)
        .distinct()
        .prefetch_related("criteria")
        .order_by("produced_on", "pk")
    )


def evidence_item_in_application(application, evidence_id) -> EvidenceItem:
    """One item of the application's portfolio, or 404 (for validators' download view)."""
    return get_object_or_404(evidence_for_application(application), pk=evidence_id)


@dataclass
class CriterionRow:
    """A criterion on the task list: its state and how many linked items are, or will be, too old
    (counted in SQL: the page needs the numbers, not the items)."""

    response: CriterionResponse
    status: str  # "Not started", "In progress", "Ready", "Submitted"; "Reopened: ..." when reopened
    evidence_count: int
    stale_count: int = 0
    nearly_stale_count: int = 0
    stale_by_meeting_count: int = 0
    unchecked_count: int = 0  # files not through the virus check yet

    @property
    def criterion(self):
        return self.response.criterion

    @property
    def rating(self):
        """The school's self-rating of this criterion (readiness), or None."""
        return getattr(self.response, "self_rating", None)


def _evidence_age_counts(as_of: date, meeting_date: date | None) -> dict:
    """Per criterion response: linked items, those out of date on `as_of`, those going out of date
    within the warning period, and those still in date today but not by the meeting. The rules of
    portfolios.dates (is_stale_from, is_nearly_stale_from) on the stored stale_from column."""
    warn_until = as_of + timedelta(days=dates.EVIDENCE_WARNING_DAYS)
    by_meeting = (
        Count("evidence", filter=Q(evidence__stale_from__gt=as_of, evidence__stale_from__lte=meeting_date))
        if meeting_date
        else Value(0)
    )
    return {
        "evidence_count": Count("evidence"),
        "stale_count": Count("evidence", filter=Q(evidence__stale_from__lte=as_of)),
        "nearly_stale_count": Count(
            "evidence", filter=Q(evidence__stale_from__gt=as_of, evidence__stale_from__lte=warn_until)
        ),
        "stale_by_meeting_count": by_meeting,
        # Files not through the virus check yet (or removed by it) cannot be submitted.
        "unchecked_count": Count(
            "evidence", filter=~Q(evidence__file="") & Q(evidence__scan_state=EvidenceItem.Scan.PENDING)
        ),
    }


def task_list(application, as_of: date | None = None) -> list[CriterionRow]:
    """Each criterion with its state, evidence count, age warnings and self-rating, for the task
    list, the check-answers page and the reviewer's page: one query, whatever the evidence."""
    as_of = as_of or timezone.localdate()
    rows = []
    responses = (
        application.responses.select_related("criterion", "self_rating")
        .annotate(**_evidence_age_counts(as_of, application.meeting_date))
        .order_by("criterion__number")
    )
    for response in responses:
        count, stale = response.evidence_count, response.stale_count
        has_text = bool(response.self_evaluation.strip())
        if not response.is_editable and application.state != Application.State.DRAFT:
            status = "Submitted"
        elif not has_text and not count:
            status = "Not started"
        elif has_text and count and not stale:
            status = "Ready"
        else:
            status = "In progress"
        if response.status == CriterionResponse.Status.REOPENED and application.is_editable:
            status = f"Reopened: {status.lower()}"
        rows.append(
            CriterionRow(
                response,
                status,
                count,
                stale_count=stale,
                nearly_stale_count=response.nearly_stale_count,
                stale_by_meeting_count=response.stale_by_meeting_count,
                unchecked_count=response.unchecked_count,
            )
        )
    return rows


@dataclass
class Problem:
    """A rule not met. `fix` says where it is put right (the template makes the link): "eligibility",
    "renewal", "criterion" (with `number`), "declaration", "equality_declaration", or "" (nowhere)."""

    message: str
    fix: str = ""
    number: int | None = None


def submission_problems(
    application, *, user, as_of: date | None = None, check_declarations=True, rows: list[CriterionRow] | None = None
) -> list[Problem]:
    """Every submission rule the application does not yet meet, each with where to fix it.

    The check-answers page passes check_declarations=False: the declarations are on that page.
    `rows`: the application's `task_list` for the same day, when the caller has it already (the
    counts are the same; issue 20 stopped the task list page from counting them twice).
    """
    as_of = as_of or timezone.localdate()
    problems = []
    # Who may submit is not something to fix on another page: these problems carry no link.
    if not permissions.can_submit(user, application):
        if application.is_editable:
            whose = "the school's" if is_hw_admin(user) else "your school's"
            problems.append(Problem(f"Only {whose} SLT lead can submit the application"))
        else:
            problems.append(
                Problem(f"This application is {application.get_state_display().lower()} and cannot be submitted")
            )
    school = application.school
    if not school.eligibility_allows_submission:
        reason = f": {school.eligibility_reason}" if school.eligibility_reason else ""
        problems.append(Problem(f"Your school does not yet meet the Ofsted eligibility rule{reason}", "eligibility"))
    if application.is_renewal:
        if not application.development_area.strip():
            problems.append(Problem("Enter your chosen development area", "renewal"))
        if not application.development_progress.strip():
            problems.append(Problem("Enter the progress made on your development area", "renewal"))
    if rows is None:
        rows = task_list(application, as_of)
    for row in rows:
        response = row.response
        number = response.criterion.number
        at = {"fix": "criterion", "number": number}
        if not response.self_evaluation.strip():
            problems.append(Problem(f"Write a self-evaluation for criterion {number}", **at))
        if row.evidence_count == 0:
            problems.append(Problem(f"Link at least one piece of evidence to criterion {number}", **at))
        # Criteria frozen at the first submission were judged on that day; a resubmission after a
        # request for further information is judged again only on the criteria it reopened.
        if row.unchecked_count and response.is_editable:
            problems.append(
                Problem(
                    f"Criterion {number} has a file still being checked for viruses: wait a few minutes and "
                    "try again, or unlink it",
                    **at,
                )
            )
        if row.stale_count and response.is_editable:
            problems.append(
                Problem(
                    f"Criterion {number} has evidence more than 3 years old: remove it or link newer evidence", **at
                )
            )
    if check_declarations and not application.declaration:
        problems.append(Problem("Confirm the declaration", "declaration"))
    if check_declarations and not application.equality_declaration:
        problems.append(Problem("Confirm the equality declaration", "equality_declaration"))
    return problems


@dataclass
class EvidenceFlag:
    """An item of an application's portfolio with its age flags, for validators' and admins' pages."""

    item: EvidenceItem
    stale: bool
    expiring: bool
    stale_by_meeting: bool

    @property
    def label(self) -> str:
        if self.stale:
            return f"Out of date since {self.item.stale_from:%-d %B %Y}"
        if self.stale_by_meeting:
            return f"Out of date before the meeting ({self.item.stale_from:%-d %B %Y})"
        if self.expiring:
            return f"Out of date on {self.item.stale_from:%-d %B %Y}"
        return ""


def evidence_flags_for_application(application, as_of: date | None = None) -> list[EvidenceFlag]:
    """Every item linked to the application with its flags on `as_of`: out of date (what the nightly
    sweep marks with stale_since), out of date by the meeting the application is listed for, or
    flagged by the sweep as going out of date soon (expiring_flagged_on)."""
    as_of = as_of or timezone.localdate()
    flags = []
    for item in evidence_for_application(application):
        stale = item.stale_from <= as_of
        by_meeting = not stale and bool(application.meeting_date) and item.stale_from <= application.meeting_date
        flags.append(EvidenceFlag(item, stale, not stale and item.expiring_flagged_on is not None, by_meeting))
    return flags


@dataclass(frozen=True)
class ScanBacklog:
    """Files waiting for the virus scanner, for the admin dashboard."""

    waiting: int
    oldest: datetime | None
    configured: bool
    scanner_answers: bool

    @property
    def needs_attention(self) -> bool:
        late = self.oldest is not None and timezone.now() - self.oldest > timedelta(minutes=10)
        return not self.configured or (self.waiting > 0 and (not self.scanner_answers or late))


def evidence_scan_backlog() -> ScanBacklog:
    from accreditation import virus_scan

    waiting = EvidenceItem.objects.filter(scan_state=EvidenceItem.Scan.PENDING).exclude(file="")
    summary = waiting.aggregate(count=Count("pk"), oldest=Min("uploaded_at"))
    configured = virus_scan.is_configured()
    return ScanBacklog(
        waiting=summary["count"],
        oldest=summary["oldest"],
        configured=configured,
        scanner_answers=configured and virus_scan.ping(),
    )


def evidence_stale_by(*, application, day: date, as_of: date | None = None) -> list[EvidenceItem]:
    """The application's evidence that is fresh on `as_of` (today) but will be more than 3 years
    old by `day` (a meeting date), oldest first."""
    as_of = as_of or timezone.localdate()
    return list(
        EvidenceItem.objects.filter(responses__application=application, stale_from__gt=as_of, stale_from__lte=day)
        .distinct()
        .order_by("stale_from", "pk")
    )
