"""Reads of schools' commitment statements. School-scoped reads take the school explicitly."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import OuterRef, Subquery

from .models import CommitmentStatement
from .registry import COMMITMENTS

VALID_FOR = relativedelta(years=1)


def current_statement(school) -> CommitmentStatement | None:
    """The school's latest statement, or None if it has never confirmed one."""
    return CommitmentStatement.objects.filter(school=school).select_related("confirmed_by").first()


def statement_history(school):
    return CommitmentStatement.objects.filter(school=school).select_related("confirmed_by")


def due_on(statement: CommitmentStatement) -> date:
    """The day a statement is a year old and should be confirmed again (29 Feb -> 28 Feb)."""
    return statement.confirmed_on + VALID_FOR


def is_due(statement: CommitmentStatement | None, today: date) -> bool:
    return statement is None or due_on(statement) <= today


def latest_statements(as_of: date):
    """Each school's latest statement confirmed on or before `as_of` (one row per school)."""
    latest = (
        CommitmentStatement.objects.filter(school=OuterRef("school"), confirmed_on__lte=as_of)
        .order_by("-confirmed_on", "-created_at", "-id")
        .values("pk")[:1]
    )
    return CommitmentStatement.objects.filter(confirmed_on__lte=as_of, pk=Subquery(latest))


def statements_in_force(as_of: date):
    """Latest statements that were less than a year old on `as_of`: what counts as a commitment then."""
    return latest_statements(as_of).filter(confirmed_on__gt=as_of - VALID_FOR)


def school_ids_with(key: str, as_of: date):
    """Ids of schools whose statement in force on `as_of` includes the commitment `key`."""
    return statements_in_force(as_of).filter(COMMITMENTS[key].condition).values("school_id")


def statements_due_reminder(today: date):
    """Schools' latest statements that are a year old or more on `today`."""
    return latest_statements(today).filter(confirmed_on__lte=today - VALID_FOR).select_related("school")
