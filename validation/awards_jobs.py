"""Award expiry: reminders before an award runs out, and the nightly lapse (services; the thin
tasks are in validation/tasks.py).

An award made on D expires on D + 3 calendar years (validation.services.award_expiry). Its SLT
lead and the H&W team hear 9 months and 6 months before that day (the renewal invitations, with a
link straight into starting the renewal), then 3 months and 1 month before. Each reminder is
recorded with `accreditation.notifications.send_once(kind="award_expiry", key="<award id>:<stage>")`
in the same transaction as its emails, so a run twice or a retry sends nothing twice. A reminder is
due from its day until the award expires (a window, never one exact day), so a missed night is
made up the next; after several missed nights only the latest stage due goes out, and the earlier
stages are recorded as skipped (a SentNotice with no message) so they never go later. An award
renewed in time (superseded, or with a newer award for the school) gets no more reminders.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation.models import OutboxMessage, SentNotice
from accreditation.observability import current_request_id
from portfolios.dates import add_months
from schools import selectors as school_selectors

from .models import Award

logger = logging.getLogger(__name__)

AWARD_EXPIRY_KIND = "award_expiry"


@dataclass(frozen=True)
class ExpiryStage:
    key: str  # in the SentNotice key: "<award id>:6m"
    months: int
    words: str  # "6 months"


# Earliest first. The 9- and 6-month reminders are the renewal invitations (issue 17): they link
# straight into starting the renewal.
EXPIRY_STAGES = (
    ExpiryStage("9m", 9, "9 months"),
    ExpiryStage("6m", 6, "6 months"),
    ExpiryStage("3m", 3, "3 months"),
    ExpiryStage("1m", 1, "1 month"),
)
# Reminders start this many months before expiry.
FIRST_REMINDER_MONTHS = EXPIRY_STAGES[0].months


def time_left(as_of: date, expires_on: date) -> str:
    """How long from `as_of` to `expires_on`, in whole calendar months, or days under a month:
    "6 months", "1 month", "12 days"."""
    months = 0
    while add_months(as_of, months + 1) <= expires_on:
        months += 1
    if months:
        return f"{months} month{'s' if months != 1 else ''}"
    days = (expires_on - as_of).days
    return f"{days} day{'s' if days != 1 else ''}"


def stage_due_on(expires_on: date, stage: ExpiryStage) -> date:
    return add_months(expires_on, -stage.months)


def due_stages(expires_on: date, as_of: date) -> list[ExpiryStage]:
    """The stages whose day has come on `as_of`, earliest first; none once the award has expired."""
    if as_of >= expires_on:
        return []
    return [stage for stage in EXPIRY_STAGES if stage_due_on(expires_on, stage) <= as_of]


def newer_award():
    """A newer award for the same school: the renewal accredited in time."""
    return Award.objects.filter(school_id=OuterRef("school_id"), awarded_on__gt=OuterRef("awarded_on"))


def window_end(as_of: date) -> date:
    """The last expiry date that can have a reminder due on `as_of`. Three days past six months:
    an award expiring on 31 August has its six-month day on 28 February, when six months ahead is
    only 28 August; due_stages (or its SQL twin) then decides exactly."""
    return add_months(as_of, FIRST_REMINDER_MONTHS) + timedelta(days=3)


def awards_due_a_reminder(*, as_of: date):
    """Current, unexpired, unrenewed awards expiring within FIRST_REMINDER_MONTHS of `as_of`."""
    return (
        Award.objects.filter(
            status=Award.Status.CURRENT,
            expires_on__gt=as_of,
            expires_on__lte=window_end(as_of),
        )
        .exclude(Exists(newer_award()))
        .order_by("expires_on", "pk")
    )


def awards_needing_a_reminder(*, as_of: date) -> list[int]:
    """The awards (ids, soonest expiry first) whose latest reminder stage due on `as_of` has not been
    recorded yet: the only ones worth a task tonight. Two queries whatever the number of awards:
    the candidates in the window (awards_due_a_reminder) with their expiry dates, then the
    SentNotice keys already recorded among them. The stage is worked out with `due_stages`, the rule
    the sending service applies, so the sweep and the sender never disagree about a month's end.
    (Queueing every award in the six-month window each night, as this did before issue 20, made
    about a sixth of all awards into tasks that found nothing to send.)"""
    if connection.vendor == "postgresql":
        # One statement: PostgreSQL's date - interval clamps to the month's end exactly as
        # add_months does (31 August - 6 months = 28 or 29 February), so its stage is due_stages'.
        with connection.cursor() as cursor:
            cursor.execute(_REMINDER_SQL, {"as_of": as_of, "window_end": window_end(as_of), "kind": AWARD_EXPIRY_KIND})
            return [row[0] for row in cursor.fetchall()]
    candidates = []
    for award_id, expires_on in awards_due_a_reminder(as_of=as_of).values_list("pk", "expires_on"):
        stages = due_stages(expires_on, as_of)
        if stages:
            candidates.append((award_id, f"{award_id}:{stages[-1].key}"))
    if not candidates:
        return []
    recorded = set(
        SentNotice.objects.filter(kind=AWARD_EXPIRY_KIND, key__in=[key for _, key in candidates]).values_list(
            "key", flat=True
        )
    )
    return [award_id for award_id, key in candidates if key not in recorded]


def _reminder_sql() -> str:
    """awards_needing_a_reminder on PostgreSQL: awards_due_a_reminder's window, the latest stage
    due (EXPIRY_STAGES, latest first in the CASE) and no SentNotice for it yet."""
    latest_first = sorted(EXPIRY_STAGES, key=lambda stage: stage.months)
    case = " ".join(
        f"WHEN (a.expires_on - interval '{stage.months} months')::date <= %(as_of)s THEN '{stage.key}'"
        for stage in latest_first
    )
    # Only constants (EXPIRY_STAGES) are formatted in; every value is a query parameter.
    return f"""
SELECT a.id FROM validation_award a
WHERE a.status = 'current' AND a.expires_on > %(as_of)s AND a.expires_on <= %(window_end)s
  AND (a.expires_on - interval '{FIRST_REMINDER_MONTHS} months')::date <= %(as_of)s
  AND NOT EXISTS (SELECT 1 FROM validation_award b WHERE b.school_id = a.school_id AND b.awarded_on > a.awarded_on)
  AND NOT EXISTS (
    SELECT 1 FROM accreditation_sentnotice n
    WHERE n.kind = %(kind)s AND n.key = a.id::text || ':' || CASE {case} END)
ORDER BY a.expires_on, a.id
"""  # noqa: S608


_REMINDER_SQL = _reminder_sql()


def award_expiry_reminder_send(*, award: Award, as_of: date) -> OutboxMessage | None:
    """Send the latest expiry reminder due on `as_of` for `award`, once: the school's SLT lead gets
    one email and the H&W team (settings.HW_TEAM_EMAIL) another, which says when the school has no
    active lead to tell. The
    earlier stages not yet sent are recorded as skipped, so they never follow. Nothing for an award
    that is no longer current, has been renewed, or has expired. Returns the school's message, or
    None when nothing was sent."""
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("school").filter(pk=award.pk).first()
        if award is None or award.status != Award.Status.CURRENT:
            return None
        if Award.objects.filter(school_id=award.school_id, awarded_on__gt=award.awarded_on).exists():
            return None
        stages = due_stages(award.expires_on, as_of)
        if not stages:
            return None
        latest, skipped = stages[-1], stages[:-1]
        for stage in skipped:
            _, created = SentNotice.objects.get_or_create(kind=AWARD_EXPIRY_KIND, key=f"{award.pk}:{stage.key}")
            if created:
                logger.info("Award %s: the %s reminder was missed; it is skipped", award.pk, stage.words)
        school = award.school
        leads = school_selectors.lead_emails(school)
        context = {
            "award": award,
            "school": school,
            "stage": latest,
            "time_left": time_left(as_of, award.expires_on),
            "has_lead": bool(leads),
            "link": settings.SITE_URL + reverse("portfolios:school", args=[school.pk]),
            "renewal_link": settings.SITE_URL + reverse("portfolios:renewal_start", args=[school.pk]),
            "is_invitation": latest.months >= 6,
            "register_link": settings.SITE_URL + reverse("validation:register"),
        }
        key = f"{award.pk}:{latest.key}"
        if leads:
            message = notifications.send_once(
                kind=AWARD_EXPIRY_KIND, key=key, to=leads, template="award_expiry_reminder", context=context
            )
            if message is not None:
                notifications.send(to=settings.HW_TEAM_EMAIL, template="award_expiry_team", context=context)
        else:
            message = notifications.send_once(
                kind=AWARD_EXPIRY_KIND,
                key=key,
                to=settings.HW_TEAM_EMAIL,
                template="award_expiry_team",
                context=context,
            )
        if message is None:
            return None
        audit.record(
            actor=None,
            action="award.expiry_reminder_sent",
            target=award,
            summary=f"{school.name}: expires {award.expires_on:%-d %B %Y} ({latest.words} reminder)",
            data={"stage": latest.key, "skipped": [s.key for s in skipped]},
        )
    return message


def awards_lapse(*, as_of: date) -> int:
    """Mark lapsed every current award that has expired by `as_of` and write each one's audit entry
    (running it again changes nothing). A lapsed award leaves the public register and the verify
    page says it is no longer current; one followed by a renewal (which starts the day it ends) is
    superseded, not lapsed. Returns how many lapsed.

    On PostgreSQL this is one statement (an UPDATE ... RETURNING feeding the audit INSERT, below),
    so at a national 50,000 awards it costs what the bare UPDATE costs plus the audit rows; a second
    run at the same moment waits on the rows' locks, then finds none current. Elsewhere (SQLite in
    tests) the same in three statements through the ORM."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # PostgreSQL's planner prices this statement (its per-award lookups) above jit_above_cost
            # and then spends 10-15 ms compiling it, more than the statement takes on a quiet night
            # (issue 20, EXPLAIN ANALYZE at 50,000 awards); for this transaction only.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                _LAPSE_SQL,
                {
                    "lapsed": Award.Status.LAPSED,
                    "superseded": Award.Status.SUPERSEDED,
                    "current": Award.Status.CURRENT,
                    "as_of": as_of,
                    "now": now,
                    "ip": audit.current_ip.get(),
                    "request_id": current_request_id.get(),
                    "target_type": Award._meta.label_lower,
                },
            )
            count = cursor.fetchone()[0]
    else:
        with transaction.atomic():
            # Locking the rows first makes a second run at the same moment wait, then find none.
            lapsing = list(
                Award.objects.select_for_update(of=("self",))
                .select_related("school")
                .filter(status=Award.Status.CURRENT, expires_on__lte=as_of)
            )
            if not lapsing:
                return 0
            # An award followed by a renewal (which starts the day it ends) is superseded, not lapsed.
            renewed = set(
                Award.objects.filter(pk__in=[a.pk for a in lapsing])
                .filter(Exists(newer_award()))
                .values_list("pk", flat=True)
            )
            count = Award.objects.filter(pk__in=[a.pk for a in lapsing if a.pk not in renewed]).update(
                status=Award.Status.LAPSED, status_changed_at=now
            )
            if renewed:
                Award.objects.filter(pk__in=renewed).update(status=Award.Status.SUPERSEDED, status_changed_at=now)
            for award in lapsing:  # the audit labels read as the stored rows now do
                award.status = Award.Status.SUPERSEDED if award.pk in renewed else Award.Status.LAPSED
                award.status_changed_at = now
            # One INSERT for all the audit entries (a row each), not one per award.
            audit.record_many(
                actor=None,
                action="award.lapsed",
                entries=[
                    (
                        award,
                        f"{award.school.name}: expired {award.expires_on:%-d %B %Y}"
                        + (" (renewed: the next award starts that day)" if award.pk in renewed else ""),
                    )
                    for award in lapsing
                ],
            )
    logger.info("Awards lapsed on %s: %s", as_of, count)
    return count


# The lapse and its audit entries in one statement. Each lapsed award's school name is read by
# its primary key (a few thousand index lookups on a first night) rather than by joining every
# school: at national scale the join's hash of 51,000 schools cost more than the lookups (issue 20,
# measured with EXPLAIN ANALYZE on `seed_bench --scale national`). The labels are Award.__str__ ("<school>:
# accredited 05 March 2023 to 05 March 2026", day zero-padded) and the summary "<school>: expired
# 5 March 2026" (day not padded), as the ORM path writes them; `tests` check the two agree.
_LAPSE_SQL = """
WITH lapsed AS (
    UPDATE validation_award AS award
    SET status = CASE WHEN EXISTS (
            SELECT 1 FROM validation_award AS newer
            WHERE newer.school_id = award.school_id AND newer.awarded_on > award.awarded_on
        ) THEN %(superseded)s ELSE %(lapsed)s END,
        status_changed_at = %(now)s
    WHERE award.status = %(current)s AND award.expires_on <= %(as_of)s
    RETURNING award.id, award.awarded_on, award.expires_on, award.status,
        (SELECT school.name FROM schools_school AS school WHERE school.id = award.school_id) AS school_name
), audited AS (
    INSERT INTO accreditation_auditevent
        (created_at, actor_id, actor_label, action, target_type, target_id, target_label, summary, ip_address,
         request_id, data)
    SELECT
        %(now)s, NULL, '', 'award.lapsed', %(target_type)s, lapsed.id::text,
        left(lapsed.school_name || ': accredited ' || to_char(lapsed.awarded_on, 'DD FMMonth YYYY')
             || ' to ' || to_char(lapsed.expires_on, 'DD FMMonth YYYY'), 300),
        lapsed.school_name || ': expired ' || to_char(lapsed.expires_on, 'FMDD FMMonth YYYY')
            || CASE WHEN lapsed.status = %(superseded)s THEN ' (renewed: the next award starts that day)' ELSE '' END,
        %(ip)s, %(request_id)s, '{}'::jsonb
    FROM lapsed
)
SELECT count(*) FROM lapsed WHERE status = %(lapsed)s
"""
