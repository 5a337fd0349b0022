"""Writes of schools' commitment statements and the yearly reminder."""

import logging
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation.errors import Refusal
from schools.models import Membership, School

from . import permissions, selectors
from .models import CommitmentStatement

logger = logging.getLogger(__name__)
REMINDER_KIND = "commitments_yearly"


@transaction.atomic
def commitment_confirm(
    *,
    school: School,
    actor,
    charter_signed_on: date | None,
    esafety_lead: str,
    restorative_approaches: bool,
    uses_termly_return: bool,
) -> CommitmentStatement:
    """Record the school's statement as confirmed today (a new dated row; earlier ones stay).

    The named governor is the one in the school's details (schools keep it current there), copied
    into the statement as it stands today. Writes an audit entry; sends nothing.
    """
    if not permissions.can_confirm_commitments(actor, school):
        raise Refusal("Only the school's own staff or the H&W team can confirm its commitments.")
    today = timezone.localdate()
    if charter_signed_on is not None and charter_signed_on > today:
        raise Refusal("The date the charter was signed must be today or in the past")
    school = School.objects.select_for_update().get(pk=school.pk)
    statement = CommitmentStatement.objects.create(
        school=school,
        charter_signed_on=charter_signed_on,
        governor_name=school.governor_name,
        esafety_lead=esafety_lead.strip(),
        restorative_approaches=restorative_approaches,
        uses_termly_return=uses_termly_return,
        confirmed_on=today,
        confirmed_by=actor,
    )
    audit.record(
        actor=actor,
        action="school.commitments_confirmed",
        target=school,
        summary=f"Commitments confirmed on {today:%-d %B %Y}",
        data={"statement": statement.pk},
    )
    return statement


def commitments_remind(*, today: date | None = None) -> int:
    """Email each school whose statement is a year old, once per statement (SentNotice key: the
    statement's id, so a new confirmation starts a new year). Set-based and safe to run twice or
    after missed days. Returns how many emails were queued."""
    today = today or timezone.localdate()
    sent = 0
    for statement in selectors.statements_due_reminder(today):
        to = list(
            Membership.objects.filter(school=statement.school, is_active=True, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
        if not to:
            continue
        message = notifications.send_once(
            kind=REMINDER_KIND,
            key=str(statement.pk),
            to=to,
            template="commitments_reminder",
            context={
                "school": statement.school,
                "statement": statement,
                "url": reverse("schools:commitments", kwargs={"urn": statement.school.urn}),
            },
        )
        sent += message is not None
    logger.info("Commitment reminders queued: %s", sent)
    return sent
