"""Further information the group asked for: reminders to the school before it is due, and the H&W
team told when it is overdue (the periodic task `validation.tasks.send_further_information_reminders`).

Reminders follow validation/reminders.py: each is recorded with `notifications.send_once` under a
unique key before it is sent, and matches a window ("14 days or fewer left", "3 days or fewer
left", "overdue") rather than one exact day, so a missed run sends it on the next and a rerun sends
nothing twice.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse

from accreditation import notifications
from portfolios.models import Application
from schools import selectors as school_selectors

from .models import Decision

logger = logging.getLogger(__name__)

REMINDER_DAYS = (14, 3)
REMINDER_KIND = "further_information_reminder"
OVERDUE_KIND = "further_information_overdue"


def open_requests():
    """Released requests for further information whose application still waits for it."""
    return Decision.objects.filter(
        outcome=Decision.Outcome.FURTHER_INFORMATION,
        released_at__isnull=False,
        application__state=Application.State.FURTHER_INFORMATION,
    ).select_related("application__school", "meeting")


def overdue_requests(*, as_of: date):
    return open_requests().filter(information_due_on__lt=as_of).order_by("information_due_on")


def further_information_reminders_send(*, as_of: date) -> dict:
    """Remind each school's SLT leads 14 and 3 days before the further information is due (once
    each), and email the H&W team once when it is overdue. Returns the counts queued."""
    counts = {"reminders": 0, "overdue": 0}
    for decision in open_requests().filter(information_due_on__lte=as_of + timedelta(days=max(REMINDER_DAYS))):
        school = decision.application.school
        link = settings.SITE_URL + reverse("portfolios:application", args=[decision.application_id])
        days_left = (decision.information_due_on - as_of).days
        if days_left < 0:
            message = notifications.send_once(
                kind=OVERDUE_KIND,
                key=f"decision:{decision.pk}:due:{decision.information_due_on.isoformat()}",
                to=settings.HW_TEAM_EMAIL,
                template="further_information_overdue",
                context={"decision": decision, "school": school, "days_over": -days_left},
            )
            counts["overdue"] += message is not None
            continue
        leads = school_selectors.lead_emails(school)
        window = min(d for d in REMINDER_DAYS if days_left <= d)
        if not leads:
            continue
        message = notifications.send_once(
            kind=REMINDER_KIND,
            key=f"decision:{decision.pk}:due:{decision.information_due_on.isoformat()}:{window}",
            to=leads,
            template="further_information_reminder",
            context={"decision": decision, "school": school, "days_left": days_left, "link": link},
        )
        counts["reminders"] += message is not None
    logger.info("Further information: %(reminders)s reminders, %(overdue)s overdue notices", counts)
    return counts
