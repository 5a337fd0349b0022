"""Services for the nightly evidence jobs: flag what is out of date, tell each school once.

The sweep is set-based (two UPDATEs) and idempotent: it describes the state of every item on
`as_of`, so running it twice, or once after missed days, leaves the same flags. The digest then
emails each school's SLT lead what changed since that school's previous digest; an
`EvidenceDigest` row, unique per school and day, is written with the email's outbox row, so a
retried or repeated task never sends a second one.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from accreditation import audit, notifications
from schools import selectors as school_selectors
from schools.models import School

from .models import Application, CriterionResponse, EvidenceDigest, EvidenceItem

logger = logging.getLogger(__name__)

# Evidence is flagged "expiring" this many days before it goes out of date, or earlier when the
# application it is linked to is listed for a meeting on or after that day.
EXPIRING_WITHIN_DAYS = 60
# A digest lists this many items per section, then says how many more there are.
DIGEST_LIST_LIMIT = 50


@dataclass
class SweepResult:
    newly_stale: int
    expiring_changed: int


def _listed_meeting_bound() -> date | None:
    """The latest meeting date an open application is listed for (None when none is)."""
    return (
        Application.objects.exclude(state__in=Application.CLOSED_STATES)
        .filter(meeting_date__isnull=False)
        .aggregate(latest=Max("meeting_date"))["latest"]
    )


def evidence_expiring_condition(as_of: date) -> Q:
    """Still in date on `as_of`, but out of date within EXPIRING_WITHIN_DAYS or by the meeting an
    open application linking it is listed for."""
    soon = as_of + timedelta(days=EXPIRING_WITHIN_DAYS)
    latest_meeting = _listed_meeting_bound()
    if latest_meeting is None or latest_meeting <= soon:
        return Q(stale_from__gt=as_of, stale_from__lte=soon)
    Link = CriterionResponse.evidence.through
    before_meeting = Exists(
        Link.objects.filter(
            evidenceitem_id=OuterRef("pk"),
            criterionresponse__application__meeting_date__gte=OuterRef("stale_from"),
        ).exclude(criterionresponse__application__state__in=Application.CLOSED_STATES)
    )
    # The upper bound keeps the scan on the stale_from index; the subquery only decides the rest.
    return Q(stale_from__gt=as_of, stale_from__lte=latest_meeting) & (Q(stale_from__lte=soon) | before_meeting)


def evidence_sweep_staleness(*, as_of: date) -> SweepResult:
    """Flag every item out of date on `as_of` (stale_since = the day it went out of date) and set
    or clear the "expiring" flag (expiring_flagged_on = the day it was first flagged) so it matches
    the rule on `as_of`: three set-based UPDATEs in one transaction. Sends nothing. Idempotent;
    correct after missed days."""
    expiring = evidence_expiring_condition(as_of)
    with transaction.atomic():
        newly_stale = EvidenceItem.objects.filter(stale_from__lte=as_of, stale_since__isnull=True).update(
            stale_since=F("stale_from")
        )
        # Flagging and unflagging are separate statements so each is driven by an index (the
        # stale_from range; the partial index on flagged rows) rather than a scan of the table.
        flagged = EvidenceItem.objects.filter(expiring, expiring_flagged_on__isnull=True).update(
            expiring_flagged_on=as_of
        )
        unflagged = EvidenceItem.objects.filter(~expiring, expiring_flagged_on__isnull=False).update(
            expiring_flagged_on=None
        )
        expiring_changed = flagged + unflagged
    logger.info(
        "Evidence sweep for %s: %s newly stale, %s expiring flags changed", as_of, newly_stale, expiring_changed
    )
    return SweepResult(newly_stale=newly_stale, expiring_changed=expiring_changed)


def _changed_since_last_digest(as_of: date):
    """Items flagged since their school's previous digest (before `as_of`): newly stale, or newly
    expiring and not yet stale. A school never sent a digest gets everything flagged."""
    previous = (
        EvidenceDigest.objects.filter(school=OuterRef("school"), digest_date__lt=as_of)
        .order_by("-digest_date")
        .values("digest_date")[:1]
    )
    return EvidenceItem.objects.annotate(since=Coalesce(Subquery(previous), Value(date.min))).filter(
        Q(stale_since__isnull=False, stale_since__gt=F("since"), stale_since__lte=as_of)
        | Q(
            stale_since__isnull=True,
            expiring_flagged_on__isnull=False,
            expiring_flagged_on__gt=F("since"),
            expiring_flagged_on__lte=as_of,
        )
    )


def schools_with_evidence_changes(*, as_of: date) -> list[int]:
    """Ids of the schools whose digest for `as_of` would list something and is not yet sent."""
    sent_today = EvidenceDigest.objects.filter(digest_date=as_of).values("school_id")
    return sorted(
        set(_changed_since_last_digest(as_of).exclude(school_id__in=sent_today).values_list("school_id", flat=True))
    )


def evidence_digest_send(*, school: School, as_of: date) -> EvidenceDigest | None:
    """Email the school's SLT lead one digest of the evidence flagged since the previous digest.

    Records an EvidenceDigest (unique per school and day) and the outbox row in one transaction;
    returns None, sending nothing, when nothing changed, the digest for `as_of` exists already, or
    the school has no active lead (its changes then wait for the next digest).
    """
    items = list(
        _changed_since_last_digest(as_of)
        .filter(school=school)
        .order_by("stale_from", "title", "pk")
        .values("pk", "title", "stale_from", "stale_since")
    )
    if not items:
        return None
    leads = school_selectors.lead_emails(school)
    if not leads:
        logger.warning("School %s has evidence changes but no active SLT lead; no digest sent", school.pk)
        return None
    stale = [i for i in items if i["stale_since"] is not None]
    expiring = [i for i in items if i["stale_since"] is None]
    application = (
        Application.objects.filter(school=school, meeting_date__isnull=False)
        .exclude(state__in=Application.CLOSED_STATES)
        .first()
    )
    meeting_date = application.meeting_date if application else None
    for item in expiring:
        item["before_meeting"] = bool(meeting_date and item["stale_from"] <= meeting_date) and (
            item["stale_from"] > as_of + timedelta(days=EXPIRING_WITHIN_DAYS)
        )
    with transaction.atomic():
        digest, created = EvidenceDigest.objects.get_or_create(
            school=school,
            digest_date=as_of,
            defaults={
                "stale_ids": [i["pk"] for i in stale],
                "expiring_ids": [i["pk"] for i in expiring],
                "sent_to": leads,
            },
        )
        if not created:
            return None
        site = settings.SITE_URL
        notifications.send(
            to=leads,
            template="evidence_digest",
            context={
                "school": school,
                "as_of": as_of,
                "stale": stale[:DIGEST_LIST_LIMIT],
                "stale_more": max(0, len(stale) - DIGEST_LIST_LIMIT),
                "stale_count": len(stale),
                "expiring": expiring[:DIGEST_LIST_LIMIT],
                "expiring_more": max(0, len(expiring) - DIGEST_LIST_LIMIT),
                "expiring_count": len(expiring),
                "meeting_date": meeting_date,
                "expiring_days": EXPIRING_WITHIN_DAYS,
                "library_link": site + reverse("portfolios:evidence_library", args=[school.pk]),
                "application_link": site + reverse("portfolios:application", args=[application.pk])
                if application
                else "",
            },
        )
        audit.record(
            actor=None,
            action="evidence.digest_sent",
            target=school,
            summary=f"{len(stale)} newly out of date, {len(expiring)} about to go out of date",
            data={"digest_date": as_of.isoformat(), "stale": digest.stale_ids, "expiring": digest.expiring_ids},
        )
    return digest


def draft_applications():
    """Open applications still being written (for the cut-off reminders validation sends)."""
    return Application.objects.filter(state=Application.State.DRAFT).select_related("school").order_by("school__name")


def applications_waiting_for_a_meeting():
    """Submitted (or resubmitted) applications not yet listed for a meeting, oldest first."""
    return (
        Application.objects.filter(state=Application.State.SUBMITTED)
        .select_related("school")
        .order_by("submitted_at", "pk")
    )
