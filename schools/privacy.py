"""Personal details schools' records hold about people: the registration form's SLT lead, head
teacher and governor. Used by the retention schedule and by erasure (the insight app)."""

from django.db import transaction
from django.db.models import QuerySet

from . import versions
from .models import Registration


def registrations_refused_before(cutoff) -> QuerySet:
    """Registrations refused on or before `cutoff` (a datetime): the schedule deletes them."""
    return Registration.objects.filter(status=Registration.Status.REJECTED, decided_at__lte=cutoff)


@transaction.atomic
def registrations_purge(*, cutoff) -> int:
    """Delete refused registrations decided on or before `cutoff`. The school row (from the
    register) stays; nothing else points at a registration. Returns how many went."""
    deleted, _ = registrations_refused_before(cutoff).delete()
    return deleted


def registrations_for_email(email: str) -> QuerySet:
    return Registration.objects.filter(lead_email__iexact=email).select_related("school")


@transaction.atomic
def registrations_anonymise_person(*, email: str, label: str) -> int:
    """Replace the SLT lead's name, email and phone on registrations they sent with `label`.
    The school's name and the decision stay (they are about the school, not the person)."""
    registrations = registrations_for_email(email)
    with versions.changing(registrations):
        return registrations.update(lead_name=label, lead_email="", lead_phone="", lead_role="")
