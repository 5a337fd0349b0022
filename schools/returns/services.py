"""Writes with rules for termly incident returns: terms, incident types, returns and corrections,
and the reminders. Each checks who may act, writes an audit entry and queues email after commit."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accreditation import audit, notifications
from accreditation.errors import Refusal
from accreditation.models import SentNotice
from schools.models import (
    IncidentReturn,
    IncidentType,
    ReturnCount,
    ReturnVersion,
    School,
    Term,
)

from . import permissions, selectors
from .figures import Figures, figures_problems
from .rules import parse_academic_year, propose_terms

logger = logging.getLogger(__name__)

# Schools that have not returned are reminded this many days before the due date (and once after).
REMINDER_DAYS_BEFORE = getattr(settings, "RETURN_REMINDER_DAYS", 7)


class ReturnRefused(Refusal):
    """The return (or change) cannot be made; the message says why and what to do instead."""


def _require(allowed, message="You cannot do that."):
    if not allowed:
        raise ReturnRefused(message)


# ----------------------------------------------------------------------------- terms and types


def _check_term_dates(*, starts_on, ends_on, opens_on, due_on):
    if ends_on < starts_on:
        raise ReturnRefused("The last day of term must be on or after the first day", field="ends_on")
    if opens_on < starts_on:
        raise ReturnRefused("The return cannot open before the term starts", field="opens_on")
    if due_on < opens_on:
        raise ReturnRefused("The due date must be on or after the date the return opens", field="due_on")


@transaction.atomic
def term_save(*, actor, term=None, academic_year, season, starts_on, ends_on, opens_on, due_on) -> Term:
    """Create or change a term and its return dates (H&W team). Writes an audit entry."""
    _require(permissions.can_manage_returns(actor))
    if parse_academic_year(academic_year) is None:
        raise ReturnRefused("Enter the academic year like 2026-27", field="academic_year")
    _check_term_dates(starts_on=starts_on, ends_on=ends_on, opens_on=opens_on, due_on=due_on)
    clash = Term.objects.filter(academic_year=academic_year, season=season)
    if term is not None:
        clash = clash.exclude(pk=term.pk)
    if clash.exists():
        raise ReturnRefused(f"The {season} term of {academic_year} already exists: change that one", field="season")
    creating = term is None
    term = term or Term()
    for name, value in {
        "academic_year": academic_year,
        "season": season,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "opens_on": opens_on,
        "due_on": due_on,
    }.items():
        setattr(term, name, value)
    term.updated_at = timezone.now()
    term.save()
    audit.record(
        actor=actor,
        action="returns.term_added" if creating else "returns.term_changed",
        target=term,
        summary=f"Opens {opens_on:%d %b %Y}, due {due_on:%d %b %Y}",
        data={"starts_on": str(starts_on), "ends_on": str(ends_on), "opens_on": str(opens_on), "due_on": str(due_on)},
    )
    return term


@transaction.atomic
def terms_add_year(*, actor, academic_year) -> list[Term]:
    """Add the proposed autumn, spring and summer terms of a year; seasons already there are kept."""
    _require(permissions.can_manage_returns(actor))
    start = parse_academic_year(academic_year)
    if start is None:
        raise ReturnRefused("Enter the academic year like 2026-27", field="academic_year")
    added = []
    for proposal in propose_terms(start):
        if Term.objects.filter(academic_year=academic_year, season=proposal.season).exists():
            continue
        added.append(
            term_save(
                actor=actor,
                academic_year=academic_year,
                season=proposal.season,
                starts_on=proposal.starts_on,
                ends_on=proposal.ends_on,
                opens_on=proposal.opens_on,
                due_on=proposal.due_on,
            )
        )
    return added


@transaction.atomic
def incident_type_save(*, actor, incident_type=None, name, hint="", is_active=True) -> IncidentType:
    """Add or change a type of bullying (H&W team). The slug never changes, so returns keep it."""
    _require(permissions.can_manage_returns(actor))
    name = name.strip()
    others = IncidentType.objects.exclude(pk=getattr(incident_type, "pk", None))
    if others.filter(name__iexact=name).exists():
        raise ReturnRefused(f"There is already a type called “{name}”", field="name")
    creating = incident_type is None
    if creating:
        base = slugify(name)[:36] or "type"
        slug, n = base, 2
        while IncidentType.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        position = (IncidentType.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        incident_type = IncidentType(slug=slug, position=position)
    incident_type.name, incident_type.hint, incident_type.is_active = name, hint.strip(), is_active
    incident_type.save()
    audit.record(
        actor=actor,
        action="returns.type_added" if creating else "returns.type_changed",
        target=incident_type,
        summary=f"{name} ({'in use' if is_active else 'out of use'})",
    )
    return incident_type


# ----------------------------------------------------------------------------- returns


def _write_version(incident_return, *, number, figures: Figures, actor, reason="") -> ReturnVersion:
    version = ReturnVersion.objects.create(
        incident_return=incident_return,
        number=number,
        total_incidents=figures.total,
        racist_incidents=figures.racist_incidents,
        commentary=figures.commentary.strip(),
        reason=reason.strip(),
        submitted_by=actor,
    )
    ReturnCount.objects.bulk_create(
        ReturnCount(version=version, dimension=dimension, key=key, count=count)
        for dimension, counts in (
            (ReturnCount.Dimension.TYPE, figures.types),
            (ReturnCount.Dimension.YEAR, figures.years),
            (ReturnCount.Dimension.OUTCOME, figures.outcomes),
        )
        for key, count in counts.items()
    )
    return version


def _check_figures(figures):
    problems = figures_problems(figures)
    if problems:
        raise ReturnRefused(problems[0].message, field=problems[0].field)


@transaction.atomic
def return_submit(*, school, term, actor, figures: Figures) -> IncidentReturn:
    """Record the school's return for a term that has ended (version 1). Writes an audit entry.

    Refused: someone outside the school's team, a term whose return has not opened, figures that
    do not add up, and a second return for the same term (correct the first instead).
    """
    _require(permissions.can_submit_return(actor, school), "Only your school's team can make its return")
    today = timezone.localdate()
    if not term.is_open_on(today):
        raise ReturnRefused(
            f"The return for the {term} opens on {term.opens_on:%-d %B %Y}, at the end of term. "
            "Nothing has been saved: come back then"
        )
    _check_figures(figures)
    # Lock the school so two people submitting at once cannot both pass the check below.
    School.objects.select_for_update().get(pk=school.pk)
    if IncidentReturn.objects.filter(school=school, term=term).exists():
        raise ReturnRefused(
            f"Your school has already made its return for the {term}. To change it, correct that return "
            "and give a reason"
        )
    try:
        with transaction.atomic():
            incident_return = IncidentReturn.objects.create(school=school, term=term)
    except IntegrityError as error:
        raise ReturnRefused(f"Your school has already made its return for the {term}") from error
    version = _write_version(incident_return, number=1, figures=figures, actor=actor)
    audit.record(
        actor=actor,
        action="returns.submitted",
        target=incident_return,
        summary=f"{figures.total} bullying, {figures.racist_incidents} racist incidents",
        data={"version": version.number, "school": school.pk, "term": term.pk},
    )
    return incident_return


@transaction.atomic
def return_correct(*, incident_return, actor, figures: Figures, reason) -> ReturnVersion:
    """Replace a return's figures with a new version, keeping every earlier one. Needs a reason."""
    _require(
        permissions.can_submit_return(actor, incident_return.school), "Only your school's team can correct its return"
    )
    if not (reason or "").strip():
        raise ReturnRefused("Enter the reason for the correction", field="reason")
    _check_figures(figures)
    locked = IncidentReturn.objects.select_for_update().get(pk=incident_return.pk)
    previous = ReturnVersion.objects.get(incident_return=locked, is_current=True)
    ReturnVersion.objects.filter(pk=previous.pk).update(is_current=False)
    version = _write_version(locked, number=previous.number + 1, figures=figures, actor=actor, reason=reason)
    audit.record(
        actor=actor,
        action="returns.corrected",
        target=locked,
        summary=f"Version {version.number}: {reason.strip()[:200]}",
        data={
            "version": version.number,
            "total_before": previous.total_incidents,
            "total_after": figures.total,
            "racist_before": previous.racist_incidents,
            "racist_after": figures.racist_incidents,
        },
    )
    return version


# ----------------------------------------------------------------------------- reminders


# What each reminder is recorded under in the send-once ledger (accreditation.models.SentNotice).
REMINDER_KINDS = {"due_soon": "return_due_soon", "overdue": "return_overdue"}
LATE_LIST_KIND = "returns_late_list"


def reminder_key(school, term) -> str:
    return f"{school.pk}:{term.pk}"


def return_reminders_send(*, today=None) -> dict:
    """Email schools whose return is due within REMINDER_DAYS_BEFORE days, or overdue, and have not
    made it; tell the H&W team once per term which returns are late.

    Set-based and safe to repeat: every term in its window is looked at (a missed day catches up),
    and each reminder is recorded once (`notifications.send_once`: a SentNotice row with a unique
    kind and key, written before its email in the same transaction), so a school is never reminded
    twice at the same stage.
    """
    today = today or timezone.localdate()
    sent = {"due_soon": 0, "overdue": 0, "late_lists": 0}
    due_soon = Term.objects.filter(
        opens_on__lte=today, due_on__gte=today, due_on__lte=today + timedelta(days=REMINDER_DAYS_BEFORE)
    )
    # Overdue reminders and the team's list only for terms due in the last four weeks: a school
    # that joined long after a term is not chased for it.
    overdue = Term.objects.filter(due_on__lt=today, due_on__gte=today - timedelta(days=28))
    link = settings.SITE_URL + reverse("schools:returns_home")
    for stage, terms in (("due_soon", due_soon), ("overdue", overdue)):
        for term in terms:
            for school in selectors.missing_returns(term):
                recipients = selectors.recipients_for_school(school)
                if not recipients:
                    continue
                message = notifications.send_once(
                    kind=REMINDER_KINDS[stage],
                    key=reminder_key(school, term),
                    to=recipients,
                    template=f"return_{stage}",
                    context={"school": school, "term": term, "link": link},
                )
                sent[stage] += message is not None
    for term in overdue:
        sent["late_lists"] += late_returns_notify(term=term)
    logger.info("Termly return reminders: %s", sent)
    return sent


def late_returns_notify(*, term) -> int:
    """Send the H&W team the list of schools late with the term's return, once. 1 if sent."""
    late = list(selectors.missing_returns(term))
    if not late:
        # Decided once, when the term is past due: schools that return later are not listed later.
        SentNotice.objects.get_or_create(kind=LATE_LIST_KIND, key=str(term.pk))
        return 0
    admins = get_user_model().objects.filter(is_hw_admin=True, is_active=True).values_list("email", flat=True)
    message = notifications.send_once(
        kind=LATE_LIST_KIND,
        key=str(term.pk),
        to=[settings.HW_TEAM_EMAIL, *admins],
        template="returns_late_list",
        context={"term": term, "schools": late, "link": settings.SITE_URL + reverse("schools:returns_late")},
    )
    return 0 if message is None else 1
