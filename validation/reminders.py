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
from django.urls import reverse

from accreditation import notifications
from accreditation.models import OutboxMessage, User
from portfolios import jobs as portfolio_jobs
from schools.models import Registration

from .models import Meeting

logger = logging.getLogger(__name__)

# Schools with a draft hear about a meeting's submission cut-off this many days before it.
DRAFT_REMINDER_DAYS = 14
DRAFT_REMINDER_KIND = "draft_cutoff_reminder"
WEEKLY_DIGEST_KIND = "admin_weekly_digest"


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
        leads = portfolio_jobs.lead_emails(school)
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


# The sections, in the order the email shows them. Reviews overdue, decisions not yet released and
# awards lapsing in the next month belong here too: add a function (as_of) -> DigestSection for
# each once validation has those models (see docs/decisions.md, "Background jobs").
WEEKLY_DIGEST_SECTIONS = [_registrations_waiting, _applications_waiting]


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
