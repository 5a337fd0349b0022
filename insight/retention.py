"""Which decided applications have passed their retention date, from validation's own dates.

The schedule and the deleting are portfolios' (portfolios.retention); the dates the periods count
from are here: an accredited application's award expiry, and the meeting date of a decision not
to accredit. Periods are calendar years ("3 years after" 29 February 2024 is 28 February 2027),
the rule portfolios.dates.add_years uses everywhere.
"""

import logging
from datetime import date, timedelta

from django.db.models import Max, Q

from portfolios import retention as evidence_retention
from portfolios.dates import add_years
from portfolios.models import Application
from validation.models import Award, Decision

logger = logging.getLogger(__name__)


def latest_start(as_of: date, years: int) -> date:
    """The last day D with add_years(D, years) <= as_of: anything that started on or before it is due."""
    candidate = add_years(as_of, -years)
    # add_years maps 29 February to 28 February, so 29 February may also be due on a 28 February.
    following = candidate + timedelta(days=1)
    if following.month == 2 and following.day == 29 and add_years(following, years) <= as_of:
        return following
    return candidate


def applications_due(*, as_of: date, schedule=None) -> list[int]:
    """Ids of decided applications whose evidence files are due for removal on `as_of`.

    Accredited: the award expired at least `years_after_award_expiry` years ago and is not current
    on `as_of`. Not accredited: the decision not to accredit was made at a meeting at least
    `years_after_decision` years ago. Set-based: two queries.
    """
    schedule = schedule or evidence_retention.schedule_get()
    award_due = latest_start(as_of, schedule.years_after_award_expiry)
    accredited = Award.objects.filter(expires_on__lte=award_due).filter(
        ~Q(status=Award.Status.CURRENT) | Q(expires_on__lte=as_of)
    )
    decision_due = latest_start(as_of, schedule.years_after_decision)
    not_accredited = (
        Decision.objects.filter(
            outcome=Decision.Outcome.NOT_ACCREDITED, application__state=Application.State.NOT_ACCREDITED
        )
        .values("application_id")
        .annotate(decided=Max("meeting__date"))
        .filter(decided__lte=decision_due)
    )
    ids = set(accredited.values_list("application_id", flat=True))
    ids |= {row["application_id"] for row in not_accredited}
    return sorted(ids)


def retention_preview(*, as_of: date):
    """What the schedule would remove on `as_of`, by school (counts and sizes; no file is opened)."""
    return evidence_retention.removal_preview(applications_due(as_of=as_of))


def retention_run(*, as_of: date, force: bool = False):
    """Delete the evidence files due on `as_of` (portfolios does the deleting and the audit entry).

    Does nothing while the schedule is switched off, unless `force` (an admin's "Run now").
    """
    schedule = evidence_retention.schedule_get()
    if not schedule.is_active and not force:
        logger.info("retention: schedule switched off; nothing removed")
        return None
    ids = applications_due(as_of=as_of, schedule=schedule)
    return evidence_retention.evidence_remove_files_for_applications(application_ids=ids, as_of=as_of)
