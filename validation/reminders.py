"""Reminder and digest services for the periodic jobs (the tasks in validation/tasks.py call them).

Every reminder is recorded with `accreditation.notifications.send_once`: a SentNotice row, unique
per kind and key, written in the same transaction as the outbox row and before it, so a job run
twice, retried, or catching up after missed days never sends one twice. Reminders match a window
("on or after the day it is due, until it no longer makes sense"), never one exact day, so a missed
run still sends them on the next.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse

from accreditation import notifications
from accreditation.models import OutboxMessage, User
from portfolios import jobs as portfolio_jobs
from portfolios.dates import add_months
from schools import selectors as school_selectors
from schools.models import Registration

from . import awards_jobs
from .models import Award, Conflict, Decision, Meeting, Review

logger = logging.getLogger(__name__)

# Schools with a draft hear about a meeting's submission cut-off this many days before it.
DRAFT_REMINDER_DAYS = 14
DRAFT_REMINDER_KIND = "draft_cutoff_reminder"
WEEKLY_DIGEST_KIND = "admin_weekly_digest"
# Each assigned reviewer gets the agenda pack this many days before the meeting.
AGENDA_PACK_DAYS = 7
AGENDA_PACK_KIND = "agenda_pack"
# The weekly digest calls a review overdue when it is not submitted this close to its meeting.
REVIEW_OVERDUE_DAYS = 3


def next_cutoff_meeting(*, as_of: date) -> Meeting | None:
    """The meeting whose submission cut-off is the next one from `as_of` (inclusive), if it falls
    within DRAFT_REMINDER_DAYS. Cancelled meetings do not count."""
    return (
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
        .filter(submission_cutoff__gte=as_of, submission_cutoff__lte=as_of + timedelta(days=DRAFT_REMINDER_DAYS))
        .order_by("submission_cutoff", "date")
        .first()
    )


def draft_reminders_send(*, as_of: date) -> int:
    """Remind the SLT lead of every school with a draft application that the next meeting's cut-off
    is near: from DRAFT_REMINDER_DAYS before it until the cut-off day itself, once per school and
    meeting (kind "draft_cutoff_reminder"). Returns how many reminders were queued."""
    meeting = next_cutoff_meeting(as_of=as_of)
    if meeting is None:
        return 0
    sent = 0
    for application in portfolio_jobs.draft_applications():
        school = application.school
        leads = school_selectors.lead_emails(school)
        if not leads:
            continue
        message = notifications.send_once(
            kind=DRAFT_REMINDER_KIND,
            key=f"meeting:{meeting.pk}:school:{school.pk}",
            to=leads,
            template="draft_cutoff_reminder",
            context={
                "school": school,
                "meeting": meeting,
                "days_left": (meeting.submission_cutoff - as_of).days,
                "link": settings.SITE_URL + reverse("portfolios:application", args=[application.pk]),
            },
        )
        sent += message is not None
    logger.info("Draft reminders for the meeting on %s: %s sent", meeting.date, sent)
    return sent


# ----------------------------------------------------------------------------- agenda packs


def reviews_due_an_agenda_pack(*, as_of: date):
    """Reviews of undecided items on planned meetings from `as_of` to AGENDA_PACK_DAYS ahead, by
    active members with an active account, never for a school the member is conflicted with."""
    open_conflict = Conflict.objects.filter(
        member_id=OuterRef("member_id"),
        school_id=OuterRef("agenda_item__application__school_id"),
        withdrawn_at__isnull=True,
    )
    return (
        Review.objects.filter(
            agenda_item__meeting__status=Meeting.Status.PLANNED,
            agenda_item__meeting__date__gte=as_of,
            agenda_item__meeting__date__lte=as_of + timedelta(days=AGENDA_PACK_DAYS),
            agenda_item__decision__isnull=True,
            member__is_active=True,
            member__user__is_active=True,
        )
        .exclude(Exists(open_conflict))
        .select_related("member__user", "agenda_item__meeting", "agenda_item__application__school")
        .order_by("agenda_item__meeting__date", "pk")
    )


def agenda_pack_send(*, review: Review, as_of: date) -> OutboxMessage | None:
    """Email `review`'s reviewer the agenda pack for its meeting, once per review and meeting (kind
    "agenda_pack", key "review:<id>:meeting:<id>"): the meeting's time and place, and links to the
    review page and the portfolio PDF. Evidence stays behind sign-in, so the pack carries links,
    not files. A review moved to another meeting gets a new pack for it."""
    item = review.agenda_item
    meeting = item.meeting
    site = settings.SITE_URL
    return notifications.send_once(
        kind=AGENDA_PACK_KIND,
        key=f"review:{review.pk}:meeting:{meeting.pk}",
        to=review.member.user.email,
        template="agenda_pack",
        context={
            "user": review.member.user,
            "review": review,
            "school": item.application.school,
            "application": item.application,
            "meeting": meeting,
            "days_left": (meeting.date - as_of).days,
            "review_link": site + reverse("validation:review", args=[review.pk]),
            "pdf_link": site + reverse("validation:review_portfolio_pdf", args=[review.pk]),
            "meeting_link": site + reverse("validation:meeting", args=[meeting.pk]),
        },
    )


def agenda_packs_send(*, as_of: date) -> int:
    """Send every agenda pack due on `as_of`: from AGENDA_PACK_DAYS before the meeting until its
    day, so a missed run still sends it before the meeting. Returns how many were queued."""
    sent = 0
    for review in reviews_due_an_agenda_pack(as_of=as_of):
        sent += agenda_pack_send(review=review, as_of=as_of) is not None
    logger.info("Agenda packs on %s: %s sent", as_of, sent)
    return sent


# ----------------------------------------------------------------------------- weekly admin digest


@dataclass
class DigestSection:
    title: str
    short: str  # for the subject line: "Registrations waiting: 2"
    rows: list = field(default_factory=list)  # (text, link) pairs
    link: str = ""
    link_text: str = ""


def _registrations_waiting(as_of: date) -> DigestSection:
    site = settings.SITE_URL
    waiting = Registration.objects.filter(status=Registration.Status.PENDING).order_by("submitted_at")
    return DigestSection(
        title="Registrations waiting for a decision",
        short="registrations waiting",
        rows=[
            (
                f"{r.school_name} (URN {r.urn}), received {r.submitted_at:%-d %B %Y}",
                site + reverse("schools:registration_detail", args=[r.pk]),
            )
            for r in waiting
        ],
        link=site + reverse("schools:registration_queue"),
        link_text="See all registrations",
    )


def _applications_waiting(as_of: date) -> DigestSection:
    site = settings.SITE_URL
    return DigestSection(
        title="Applications submitted but not yet on a meeting's agenda",
        short="applications to list",
        rows=[
            (
                f"{a.school.name} (URN {a.school.urn}), {a.get_kind_display().lower()}, submitted "
                f"{a.submitted_at:%-d %B %Y}"
                if a.submitted_at
                else f"{a.school.name} (URN {a.school.urn})",
                site + reverse("portfolios:application", args=[a.pk]),
            )
            for a in portfolio_jobs.applications_waiting_for_a_meeting()
        ],
    )


def _reviews_overdue(as_of: date) -> DigestSection:
    site = settings.SITE_URL
    overdue = (
        Review.objects.filter(
            submitted_at__isnull=True,
            agenda_item__decision__isnull=True,
            agenda_item__meeting__date__lte=as_of + timedelta(days=REVIEW_OVERDUE_DAYS),
        )
        .exclude(agenda_item__meeting__status=Meeting.Status.CANCELLED)
        .select_related("member__user", "agenda_item__meeting", "agenda_item__application__school")
        .order_by("agenda_item__meeting__date", "pk")
    )
    return DigestSection(
        title=f"Reviews not submitted, with the meeting {REVIEW_OVERDUE_DAYS} days away or past",
        short="reviews overdue",
        rows=[
            (
                f"{r.member.user.get_full_name() or r.member.user.email}: {r.agenda_item.application.school.name} "
                f"(URN {r.agenda_item.application.school.urn}), meeting {r.agenda_item.meeting.date:%-d %B %Y}"
                + (", draft saved" if r.saved_at else ", not started"),
                site + reverse("validation:meeting", args=[r.agenda_item.meeting_id]),
            )
            for r in overdue
        ],
    )


def _decisions_not_released(as_of: date) -> DigestSection:
    site = settings.SITE_URL
    waiting = Decision.objects.filter(released_at__isnull=True).select_related("application__school", "meeting")
    return DigestSection(
        title="Decisions whose feedback is not yet released to the school",
        short="decisions to release",
        rows=[
            (
                f"{d.application.school.name} (URN {d.application.school.urn}): {d.get_outcome_display().lower()}, "
                f"meeting {d.meeting.date:%-d %B %Y}",
                site + reverse("validation:feedback", args=[d.pk]),
            )
            for d in waiting.order_by("meeting__date", "pk")
        ],
        link=site + reverse("validation:feedback_list"),
        link_text="See all feedback waiting",
    )


def _awards_lapsing(as_of: date) -> DigestSection:
    site = settings.SITE_URL
    lapsing = (
        Award.objects.filter(status=Award.Status.CURRENT, expires_on__gt=as_of, expires_on__lte=add_months(as_of, 1))
        .exclude(Exists(awards_jobs.newer_award()))
        .select_related("school")
        .order_by("expires_on", "school__name")
    )
    return DigestSection(
        title="Awards ending in the next month, not yet renewed",
        short="awards ending",
        rows=[
            (
                f"{a.school.name} (URN {a.school.urn}), ends {a.expires_on:%-d %B %Y}",
                site + reverse("portfolios:school", args=[a.school_id]),
            )
            for a in lapsing
        ],
    )


# The sections, in the order the email shows them: each a function (as_of) -> DigestSection.
WEEKLY_DIGEST_SECTIONS = [
    _registrations_waiting,
    _applications_waiting,
    _reviews_overdue,
    _decisions_not_released,
    _awards_lapsing,
]


def _admin_addresses() -> list[str]:
    admins = list(
        User.objects.filter(is_hw_admin=True, is_active=True).order_by("email").values_list("email", flat=True)
    )
    return admins or [settings.HW_TEAM_EMAIL]


def admin_weekly_digest_send(*, as_of: date) -> OutboxMessage | None:
    """Email the H&W admins (or, with none, the team's address) one digest of what waits for them,
    once per ISO week (kind "admin_weekly_digest", key like "2027-W10"): a Monday missed is made up
    later that week, never twice. Nothing is sent, or recorded, when every section is empty."""
    sections = [section(as_of) for section in WEEKLY_DIGEST_SECTIONS]
    sections = [s for s in sections if s.rows]
    if not sections:
        logger.info("Weekly digest for %s: nothing waiting, nothing sent", as_of)
        return None
    year, week, _ = as_of.isocalendar()
    return notifications.send_once(
        kind=WEEKLY_DIGEST_KIND,
        key=f"{year}-W{week:02}",
        to=_admin_addresses(),
        template="admin_weekly_digest",
        context={"as_of": as_of, "sections": sections, "week_start": as_of - timedelta(days=as_of.weekday())},
    )
