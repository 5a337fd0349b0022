"""The meeting: attendance, decisions, feedback letters and minutes."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation.errors import Refusal
from accreditation.models import User
from accreditation.pdf import render_pdf
from portfolios import services as portfolio_services
from portfolios.action_plans import services as action_plan_services
from portfolios.models import Application, Criterion
from schools import selectors as school_selectors

from .. import permissions, selectors
from ..feedback_areas import split_areas
from ..models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
)
from .awards import award_grant

# The meeting ---------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, meeting: Meeting, members, by: User) -> list[Attendance]:
    """Record who is present at the meeting (replacing the earlier list). Only active members."""
    if not permissions.can_run_meeting(by):
        raise PermissionDenied
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise Refusal("This meeting is cancelled. Attendance cannot be recorded.")
    members = list(members)
    if any(not m.is_active for m in members):
        raise Refusal("Only active members of the validating group can be recorded as present.")
    wanted = {m.pk for m in members}
    before = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    Attendance.objects.filter(meeting=meeting).exclude(member_id__in=wanted).delete()
    for member_id in wanted - before:
        Attendance.objects.create(meeting=meeting, member_id=member_id, recorded_by=by)
    audit.record(
        actor=by,
        action="meeting.attendance",
        target=meeting,
        summary=f"{len(wanted)} member{'s' if len(wanted) != 1 else ''} present",
        data={"present": sorted(wanted)},
    )
    return list(Attendance.objects.filter(meeting=meeting))


def _letter_defaults(outcome: str, school) -> tuple[str, str]:
    opening = {
        Decision.Outcome.ACCREDITED: (
            f"Thank you for {school.name}'s application. The validating group is pleased to accredit the school."
        ),
        Decision.Outcome.FURTHER_INFORMATION: (
            f"Thank you for {school.name}'s application. Before it can decide, the validating group needs "
            "further information on the criteria listed below."
        ),
        Decision.Outcome.NOT_ACCREDITED: (
            f"Thank you for {school.name}'s application. The validating group has decided not to accredit the "
            "school at this time."
        ),
    }[outcome]
    closing = (
        "If you have any questions about this feedback, contact the Health & Wellbeing team at "
        f"{settings.HW_TEAM_EMAIL}."
    )
    return opening, closing


def further_information_problems(
    *, outcome: str, criteria_numbers, information_needed: str, information_due_on: date | None
) -> list[tuple[str, str]]:
    """The further-information rule, in one place (the decision form, `decision_record` and the
    letter's wording all ask it): a request for further information names the criteria, what is
    needed and by when; no other outcome names criteria or a date. (field, message) pairs."""
    problems = []
    if outcome == Decision.Outcome.FURTHER_INFORMATION:
        if not criteria_numbers:
            problems.append(("criteria_numbers", "Select the criteria that need further information"))
        if not (information_needed or "").strip():
            problems.append(("information_needed", "Enter what further information is needed"))
        if information_due_on is None:
            problems.append(("information_due_on", "Enter the date the further information is needed by"))
    else:
        if criteria_numbers:
            problems.append(("criteria_numbers", "Only a request for further information names criteria"))
        if information_due_on:
            problems.append(("information_due_on", "Only a request for further information has a date"))
    return problems


def _decision_allowed(*, item: AgendaItem, by: User, numbers: list[int]):
    """Refuse a decision the meeting cannot record now (the item is locked by the caller); return
    the quorum (who is present, who is recused) when it can."""
    existing = Decision.objects.filter(agenda_item=item).select_related("recorded_by").first()
    if existing is not None:
        raise Refusal(
            f"A decision on {item.application.school.name} was already recorded at this meeting "
            f"({existing.get_outcome_display().lower()}, by {existing.recorded_by}). Nothing has been changed."
        )
    meeting = item.meeting
    if meeting.is_cancelled:
        raise Refusal("This meeting is cancelled. No decision can be recorded.")
    # A school may withdraw after its application was placed on the agenda.
    if item.application.state in (*Application.CLOSED_STATES, Application.State.DRAFT):
        raise Refusal(
            f"{item.application.school.name}'s application is {item.application.get_state_display().lower()}, "
            "so the group cannot decide it. No decision has been recorded."
        )
    if timezone.localdate() < meeting.date:
        raise Refusal(f"The meeting is on {meeting.date:%-d %B %Y}. Decisions are recorded at the meeting.")
    submitted_on = timezone.localtime(item.application.submitted_at).date()
    if meeting.date < submitted_on:
        raise Refusal(
            f"A decision cannot precede the submission: {item.application.school.name} submitted on "
            f"{submitted_on:%-d %B %Y}, after the meeting on {meeting.date:%-d %B %Y}. Move it to a later "
            "meeting. No decision has been recorded."
        )
    if permissions.is_conflicted(by, item.application.school):
        raise Refusal(
            f"You have a conflict of interest with {item.application.school.name}, so you cannot record "
            "its decision. Another member must do it."
        )
    if not permissions.can_record_decision(by, item):
        raise PermissionDenied
    quorum = selectors.quorum_for_item(item)
    if not quorum.met:
        raise Refusal(f"{quorum.message}. Record who is present first. No decision has been recorded.")
    valid_numbers = set(
        Criterion.objects.filter(criteria_set_id=item.application.criteria_set_id).values_list("number", flat=True)
    )
    if not set(numbers) <= valid_numbers:
        raise Refusal("Select criteria from the list")
    return quorum


def decision_record(
    *,
    item: AgendaItem,
    outcome: str,
    strengths: str,
    areas_for_future: str,
    by: User,
    criteria_numbers=(),
    information_needed: str = "",
    information_due_on: date | None = None,
) -> Decision:
    """Record the group's decision on one agenda item.

    Needs the meeting to have started (its date reached), a quorum of members present who are not
    conflicted with the school, and a recorder who is not conflicted. One decision per application
    per meeting: the agenda item is locked, so a second decision racing the first waits and is then
    refused. Present conflicted members are minuted as recused. Nothing reaches the school until an
    admin releases the feedback letter."""
    strengths, areas_for_future, information_needed = (
        strengths.strip(),
        areas_for_future.strip(),
        information_needed.strip(),
    )
    numbers = sorted({int(n) for n in criteria_numbers})
    if outcome not in Decision.Outcome.values:
        raise Refusal("Select the group's decision")
    errors = []
    if not strengths:
        errors.append("Enter the strengths of the application")
    if not areas_for_future:
        errors.append("Enter the areas for future consideration")
    elif any(len(area) > 2000 for area in split_areas(areas_for_future)):
        errors.append("Each area for future consideration must be 2,000 characters or fewer: put each on its own line")
    if outcome == Decision.Outcome.FURTHER_INFORMATION:
        if not numbers:
            errors.append("Select the criteria that need further information")
        if not information_needed:
            errors.append("Enter what further information is needed")
        if information_due_on is None:
            errors.append("Enter the date the further information is needed by")
    elif numbers or information_due_on:
        errors.append("Only a request for further information names criteria and a date")

    errors += [
        message
        for _, message in further_information_problems(
            outcome=outcome,
            criteria_numbers=numbers,
            information_needed=information_needed,
            information_due_on=information_due_on,
        )
    ]
    if errors:
        raise Refusal(errors)
    try:
        with transaction.atomic():
            item = (
                AgendaItem.objects.select_for_update(of=("self",))
                .select_related("application__school", "meeting")
                .get(pk=item.pk)
            )
            quorum = _decision_allowed(item=item, by=by, numbers=numbers)
            meeting = item.meeting
            opening, closing = _letter_defaults(outcome, item.application.school)
            decision = Decision.objects.create(
                agenda_item=item,
                meeting=meeting,
                application=item.application,
                outcome=outcome,
                criteria_numbers=numbers,
                information_needed=information_needed,
                information_due_on=information_due_on,
                strengths=strengths,
                areas_for_future=areas_for_future,
                future_areas=split_areas(areas_for_future),
                recorded_by=by,
                letter_opening=opening,
                letter_closing=closing,
            )
            decision.present.set(quorum.present)
            decision.recused.set(quorum.recused)
            audit.record(
                actor=by,
                action="decision.recorded",
                target=decision,
                summary=f"{item.application.school.name}: {decision.get_outcome_display()}",
                data={
                    "meeting": meeting.date.isoformat(),
                    "criteria": numbers,
                    "recused": [m.pk for m in quorum.recused],
                    "present": [m.pk for m in quorum.present],
                },
            )
    except IntegrityError:
        # The unique constraint caught a racing decision the lock did not (another agenda item).
        raise Refusal(
            "A decision on this application was already recorded at this meeting. Nothing has been changed."
        ) from None
    return decision


LETTER_EDITABLE = ["letter_opening", "strengths", "areas_for_future", "information_needed", "letter_closing"]


@transaction.atomic
def decision_update_letter(*, decision: Decision, by: User, **wording) -> Decision:
    """An admin rewords the feedback letter before release. The outcome, criteria and date stay."""
    if not permissions.can_release_feedback(by):
        raise PermissionDenied
    unknown = set(wording) - set(LETTER_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    decision = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    if decision.is_released:
        raise Refusal("This feedback has been released; its wording can no longer change.")
    errors = []
    for field, value in wording.items():
        value = value.strip()
        if field in ("strengths", "areas_for_future") and not value:
            errors.append(f"Enter the {'strengths' if field == 'strengths' else 'areas for future consideration'}")
        if field == "information_needed":
            errors += [
                message
                for problem, message in further_information_problems(
                    outcome=decision.outcome,
                    criteria_numbers=decision.criteria_numbers,
                    information_needed=value,
                    information_due_on=decision.information_due_on,
                )
                if problem == "information_needed"
            ]
        setattr(decision, field, value)
    if errors:
        raise Refusal(errors)
    decision.save(update_fields=list(wording))
    audit.record(actor=by, action="decision.letter_edited", target=decision, summary=", ".join(sorted(wording)))
    return decision


def feedback_letter_context(decision: Decision) -> dict:
    application = decision.application
    criteria = list(
        Criterion.objects.filter(
            criteria_set_id=application.criteria_set_id, number__in=decision.criteria_numbers
        ).order_by("number")
    )
    return {
        "decision": decision,
        "school": application.school,
        "application": application,
        "meeting": decision.meeting,
        "criteria": criteria,
        "award": getattr(decision, "award", None),
    }


def feedback_letter_pdf(decision: Decision) -> bytes:
    return render_pdf("validation/pdf/feedback_letter.html", feedback_letter_context(decision))


def decision_release(*, decision: Decision, by: User) -> Decision:
    """Release the feedback: record the outcome in portfolios (further information reopens only
    the named criteria), grant the award when accredited, store the letter PDF and email it to the
    school's SLT lead (after commit). Released once."""
    if not permissions.can_release_feedback(by):
        raise PermissionDenied
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("application__school", "meeting")
            .get(pk=decision.pk)
        )
        if decision.is_released:
            raise Refusal(f"This feedback was released on {timezone.localtime(decision.released_at):%-d %B %Y}.")
        application = decision.application
        # A refusal from portfolios (a Refusal too) reaches the person as it is.
        portfolio_services.application_record_outcome(
            application=application,
            outcome=decision.outcome,
            actor=by,
            reopened_criteria=decision.criteria_numbers,
            areas_for_future=decision.areas_for_future,
            decided_on=decision.meeting.date,
        )
        further = decision.outcome == Decision.Outcome.FURTHER_INFORMATION
        portfolio_services.application_record_information_request(
            application=application,
            information_needed=decision.information_needed if further else "",
            due_on=decision.information_due_on if further else None,
            requested_on=decision.meeting.date if further else None,
        )
        if decision.outcome == Decision.Outcome.ACCREDITED:
            award_grant(decision=decision, by=by)
        # Each area for future consideration becomes an action in the school's plan.
        action_plan_services.actions_add_from_feedback(
            application=application,
            areas=decision.future_areas or split_areas(decision.areas_for_future),
            decided_on=decision.meeting.date,
            source=f"decision:{decision.pk}",
            actor=by,
        )
        decision.released_at = timezone.now()
        decision.released_by = by
        name = f"attachments/feedback/{application.school_id}/{uuid.uuid4().hex}.pdf"
        decision.letter_file = default_storage.save(name, ContentFile(feedback_letter_pdf(decision)))
        decision.save(update_fields=["released_at", "released_by", "letter_file"])
        audit.record(
            actor=by,
            action="decision.released",
            target=decision,
            summary=f"{application.school.name}: {decision.get_outcome_display()}",
        )
        leads = school_selectors.lead_emails(application.school)
        context = {
            **feedback_letter_context(decision),
            "link": settings.SITE_URL + reverse("portfolios:application", args=[application.pk]),
        }
        attachment = {
            "name": f"feedback-{application.school.urn}-{decision.meeting.date:%Y-%m-%d}.pdf",
            "path": decision.letter_file,
            "content_type": "application/pdf",
        }
        notifications.send(
            to=leads or settings.HW_TEAM_EMAIL, template="feedback_released", context=context, attachments=[attachment]
        )
    return decision


def further_information_extend(*, decision: Decision, due_on: date | None, by: User) -> Decision:
    """An admin gives the school a new date for the further information the group asked for.

    The date must be in the future and the request still open (released, the application still
    waiting for it). Changes the decision's date and the application's copy in one transaction,
    audits it and emails the school's SLT leads the new date (after commit). The reminders ledger
    is keyed by the due date, so the 14- and 3-day reminders for the new date go once each."""
    if not permissions.can_release_feedback(by):
        raise PermissionDenied
    today = timezone.localdate()
    if due_on is None:
        raise Refusal("Enter the new date the further information is needed by")
    if due_on <= today:
        raise Refusal(
            f"The new date must be in the future: {due_on:%-d %B %Y} is not after today, {today:%-d %B %Y}. "
            "Nothing has been changed."
        )
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("application__school", "meeting")
            .get(pk=decision.pk)
        )
        application = decision.application
        if (
            decision.outcome != Decision.Outcome.FURTHER_INFORMATION
            or not decision.is_released
            or application.state != Application.State.FURTHER_INFORMATION
        ):
            raise Refusal(
                f"{application.school.name} is not waiting to send further information, so there is no date to change."
            )
        previous = decision.information_due_on
        decision.information_due_on = due_on
        decision.save(update_fields=["information_due_on"])
        portfolio_services.application_record_information_request(
            application=application,
            information_needed=decision.information_needed,
            due_on=due_on,
            requested_on=decision.meeting.date,
        )
        audit.record(
            actor=by,
            action="decision.information_due_extended",
            target=decision,
            summary=f"{application.school.name}: further information now due {due_on:%-d %B %Y}",
            data={"from": previous.isoformat() if previous else None, "to": due_on.isoformat()},
        )
        notifications.send(
            to=school_selectors.lead_emails(application.school) or settings.HW_TEAM_EMAIL,
            template="further_information_extended",
            context={
                "decision": decision,
                "school": application.school,
                "previous": previous,
                "link": settings.SITE_URL + reverse("portfolios:application", args=[application.pk]),
            },
        )
    return decision


def further_information_list_anyway(*, decision: Decision, by: User):
    """The further information is overdue: an admin lists the application for a decision on what
    the school has submitted. Moves it back to "submitted" (criteria frozen, the original
    submission time kept) and places it on the next planned meeting with room through
    `agenda_place` (which tells portfolios the date and assigns reviewers), in one transaction,
    audited. Refused, changing nothing, before the due date or when no meeting has room."""
    from .agendas import agenda_place

    if not (permissions.can_release_feedback(by) and permissions.can_manage_agendas(by)):
        raise PermissionDenied
    today = timezone.localdate()
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("application__school", "meeting")
            .get(pk=decision.pk)
        )
        application = decision.application
        name = application.school.name
        if (
            decision.outcome != Decision.Outcome.FURTHER_INFORMATION
            or not decision.is_released
            or application.state != Application.State.FURTHER_INFORMATION
        ):
            raise Refusal(f"{name} is not waiting to send further information, so there is nothing to list.")
        if decision.information_due_on >= today:
            raise Refusal(
                f"{name} has until {decision.information_due_on:%-d %B %Y} to send the further information: "
                "list it for a decision only once that date has passed. Nothing has been changed."
            )
        portfolio_services.application_list_without_further_information(
            application=application,
            actor=by,
            note=f"Listed for a decision without the further information due {decision.information_due_on:%-d %B %Y}",
        )
        item = agenda_place(application=application, by=by)
        if item is None:
            raise Refusal(
                f"No planned meeting has room for {name}'s application. Schedule a meeting or make room, "
                "then try again. Nothing has been changed."
            )
        audit.record(
            actor=by,
            action="decision.listed_without_information",
            target=decision,
            summary=f"{name}: listed for {item.meeting} without the further information",
            data={"meeting": item.meeting.date.isoformat(), "due_on": decision.information_due_on.isoformat()},
        )
    return item


def minutes_context(meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "attendance": Attendance.objects.filter(meeting=meeting).select_related("member__user", "member__team"),
        "rows": selectors.minutes_for_meeting(meeting),
        "generated_at": timezone.now(),
    }


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes: attendance, then each item with reviewers' recommendations, recusals and the
    decision with its feedback."""
    return render_pdf("validation/pdf/minutes.html", minutes_context(meeting))
