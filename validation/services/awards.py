"""Awards and certificates."""

import secrets
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.models import User
from accreditation.pdf import render_pdf
from portfolios import dates as portfolio_dates

from ..models import (
    Award,
    Decision,
)

# Awards --------------------------------------------------------------------------------------

AWARD_YEARS = 3


def award_expiry(awarded_on: date) -> date:
    """An award made on D expires on D + 3 calendar years: the helper portfolios.dates uses."""
    return portfolio_dates.add_years(awarded_on, AWARD_YEARS)


def award_grant(*, decision: Decision, by: User | None, expires_on=None) -> Award:
    """Create the award for an accredited decision: awarded on the meeting date, expiring 3
    calendar years later (never entered by hand), with an unguessable verification code. A
    renewal supersedes the school's current award."""
    if expires_on is not None:
        raise Refusal(
            "The expiry date cannot be entered by hand: an award always expires 3 years after the meeting that "
            "made it. Nothing has been saved."
        )
    if decision.outcome != Decision.Outcome.ACCREDITED:
        raise Refusal("Only an accredited decision makes an award.")
    with transaction.atomic():
        school = decision.application.school
        superseded = Award.objects.select_for_update().filter(school=school, status=Award.Status.CURRENT)
        now = timezone.now()
        for old in superseded:
            old.status = Award.Status.SUPERSEDED
            old.status_changed_at = now
            old.save(update_fields=["status", "status_changed_at"])
            audit.record(actor=by, action="award.superseded", target=old, summary=f"{school.name}: renewed")
        awarded_on = decision.meeting.date
        award = Award.objects.create(
            school=school,
            application=decision.application,
            decision=decision,
            awarded_on=awarded_on,
            expires_on=award_expiry(awarded_on),
            verification_code=secrets.token_urlsafe(18),
        )
        audit.record(
            actor=by,
            action="award.granted",
            target=award,
            summary=f"{school.name}: {awarded_on:%-d %B %Y} to {award.expires_on:%-d %B %Y}",
        )
    return award


def certificate_pdf(award: Award) -> bytes:
    return render_pdf(
        "validation/pdf/certificate.html",
        {
            "award": award,
            "school": award.school,
            "verify_url": settings.SITE_URL + reverse("validation:verify", args=[award.verification_code]),
        },
    )
