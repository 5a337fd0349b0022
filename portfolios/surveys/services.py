"""Every write about surveys: windows, responses, questionnaire wording, results as evidence."""

import secrets
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.pdf import render_pdf
from schools import versions
from schools.models import School

from .. import services as portfolio_services
from . import permissions
from .models import Question, Questionnaire, SurveyAnswer, SurveyResponse, SurveyWindow

# Letters and digits a child copies from a board without confusing them (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_WINDOW_DAYS = 92
TEXT_LIMIT = 1000


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _overlapping(school, *, opens_on, closes_on, year_groups, audience, exclude_pk=None):
    """Windows of the school whose dates overlap and which ask the same year groups (or, for
    surveys without year groups, the same audience)."""
    candidates = SurveyWindow.objects.filter(school=school, opens_on__lte=closes_on, closes_on__gte=opens_on)
    clashes = []
    for window in candidates.exclude(pk=exclude_pk).select_related("questionnaire"):
        shared = set(window.year_groups) & set(year_groups)
        if shared or (not year_groups and not window.year_groups and window.questionnaire.audience == audience):
            clashes.append((window, sorted(shared)))
    return clashes


def _clash_messages(school, *, opens_on, closes_on, year_groups, audience, exclude_pk=None, advice=None):
    messages = []
    for window, shared in _overlapping(
        school, opens_on=opens_on, closes_on=closes_on, year_groups=year_groups, audience=audience,
        exclude_pk=exclude_pk,
    ):  # fmt: skip
        labels = dict(questionnaire_year_groups(window.questionnaire))
        which = ", ".join(labels.get(c, c) for c in shared) or window.questionnaire.get_audience_display().lower()
        messages.append(
            f"“{window.title}” is open from {window.opens_on:%-d %B %Y} to {window.closes_on:%-d %B %Y} for "
            f"{which}. {advice or 'Choose dates that do not overlap it, or other year groups'}"
        )
    return messages


@transaction.atomic
def window_open(*, school, actor, audience, title, opens_on, closes_on, year_groups) -> SurveyWindow:
    """Open a survey window with the current questionnaire for `audience`. Checks the dates (not in
    the past, at most 92 days), the year groups (pupil surveys need at least one, from the
    questionnaire's list) and that no other window of the school overlaps for the same year groups.
    Writes an audit entry; sends nothing."""
    if not permissions.can_run_surveys(actor, school):
        raise Refusal("Only your school's SLT lead can open a survey")
    School.objects.select_for_update().get(pk=school.pk)  # two leads' tabs cannot both squeeze in
    questionnaire = Questionnaire.objects.filter(audience=audience, is_current=True).first()
    if questionnaire is None:
        raise Refusal("Choose which survey to run")
    problems = []
    today = timezone.localdate()
    if opens_on < today:
        problems.append("The opening date must be today or in the future")
    if closes_on < opens_on:
        problems.append("The closing date must be on or after the opening date")
    elif (closes_on - opens_on).days >= MAX_WINDOW_DAYS:
        problems.append(f"A survey can be open for at most {MAX_WINDOW_DAYS} days")
    requested = set(year_groups)
    year_groups = [code for code, _ in questionnaire_year_groups(questionnaire) if code in requested]
    if questionnaire.is_for_pupils and not year_groups:
        offered = questionnaire_year_groups(questionnaire)
        problems.append(
            f"Select the year groups who will answer the survey ({questionnaire.title.lower()}: "
            f"{offered[0][1]} to {offered[-1][1]})"
        )
    if not problems:
        problems = _clash_messages(
            school, opens_on=opens_on, closes_on=closes_on, year_groups=year_groups, audience=audience
        )
    if problems:
        raise Refusal(problems)
    for _ in range(5):
        try:
            with transaction.atomic():
                window = SurveyWindow.objects.create(
                    school=school,
                    questionnaire=questionnaire,
                    title=title.strip() or questionnaire.title,
                    opens_on=opens_on,
                    closes_on=closes_on,
                    year_groups=year_groups,
                    code=new_code(),
                    created_by=actor,
                )
            break
        except IntegrityError:  # the code was taken: draw another
            continue
    else:  # pragma: no cover - 31^8 codes
        raise Refusal("The portal could not make a survey code. Try again")
    audit.record(
        actor=actor,
        action="survey.window_opened",
        target=window,
        summary=f"{window.title} for {school.name}, {opens_on} to {closes_on}",
        data={"school": school.pk, "questionnaire": questionnaire.pk, "year_groups": year_groups},
    )
    return window


def _lock_window(window) -> SurveyWindow:
    return (
        SurveyWindow.objects.select_for_update(of=("self",)).select_related("questionnaire", "school").get(pk=window.pk)
    )


@transaction.atomic
def window_close(*, window, actor) -> SurveyWindow:
    """Close an open survey now, before its closing date (the survey finished in one lesson).

    Sets closes_on to today and closed_at to now: the pupils' page then refuses new answers with its
    "This survey has closed" page, and everything that compares dates (the before-and-after
    comparison, the overlap rule) sees the survey as it would see one that closed today. Results
    stay as they are. Refused for someone other than the school's SLT lead, a survey not open yet
    (cancel it instead) and one already closed. Writes an audit entry; sends nothing."""
    if not permissions.can_run_surveys(actor, window.school):
        raise Refusal("Only your school's SLT lead can close a survey")
    window = _lock_window(window)  # waits for answers being sent this moment (response_submit)
    today = timezone.localdate()
    state = window.state_on(today)
    if state == "upcoming":
        raise Refusal("This survey has not opened yet. Cancel it instead")
    if state == "closed":
        raise Refusal(f"This survey closed on {window.closes_on:%-d %B %Y}")
    planned = window.closes_on
    window.closes_on, window.closed_at = today, timezone.now()
    window.save(update_fields=["closes_on", "closed_at"])
    audit.record(
        actor=actor,
        action="survey.window_closed",
        target=window,
        summary=f"{window.title} for {window.school.name} closed early on {today} (it was to close on {planned})",
        data={"school": window.school_id, "planned_closes_on": str(planned), "responses": window.responses.count()},
    )
    return window


@transaction.atomic
def window_cancel(*, window, actor) -> None:
    """Cancel a survey that has not opened yet: nobody can have answered it, so the window and its
    code are deleted (the audit entry keeps what it was). Refused once it has opened (close it
    instead) and for anyone but the school's SLT lead. Sends nothing."""
    if not permissions.can_run_surveys(actor, window.school):
        raise Refusal("Only your school's SLT lead can cancel a survey")
    window = _lock_window(window)
    state = window.state_on(timezone.localdate())
    if state != "upcoming" or window.responses.exists():
        raise Refusal("This survey has opened, so it cannot be cancelled. Close it instead")
    audit.record(
        actor=actor,
        action="survey.window_cancelled",
        target=window,
        summary=f"{window.title} for {window.school.name}, {window.opens_on} to {window.closes_on}, cancelled "
        "before it opened",
        data={"school": window.school_id, "code": window.code},
    )
    window.delete()


@transaction.atomic
def window_change_closing_date(*, window, actor, closes_on) -> SurveyWindow:
    """Move the closing date of a survey that is open or not open yet: earlier or later. The same
    rules as opening one apply: not before today, not before the opening date, at most 92 days
    open, and no overlap with another of the school's surveys for the same year groups. Refused for
    a closed survey (open a new one) and for anyone but the school's SLT lead. Writes an audit
    entry when the date changes; sends nothing."""
    if not permissions.can_run_surveys(actor, window.school):
        raise Refusal("Only your school's SLT lead can change a survey's closing date")
    School.objects.select_for_update().get(pk=window.school_id)  # as window_open: one change at a time
    window = _lock_window(window)
    today = timezone.localdate()
    if window.state_on(today) == "closed":
        raise Refusal(f"This survey closed on {window.closes_on:%-d %B %Y}. To ask again, open a new survey")
    problems = []
    if closes_on < today:
        problems.append("The closing date must be today or in the future")
    elif closes_on < window.opens_on:
        problems.append(f"The closing date must be on or after the opening date, {window.opens_on:%-d %B %Y}")
    elif (closes_on - window.opens_on).days >= MAX_WINDOW_DAYS:
        last = window.opens_on + timedelta(days=MAX_WINDOW_DAYS - 1)
        problems.append(
            f"A survey can be open for at most {MAX_WINDOW_DAYS} days: the closing date must be on or before "
            f"{last:%-d %B %Y}"
        )
    else:
        problems = _clash_messages(
            window.school, opens_on=window.opens_on, closes_on=closes_on, year_groups=window.year_groups,
            audience=window.questionnaire.audience, exclude_pk=window.pk,
            advice="Choose a closing date before it opens",
        )  # fmt: skip
    if problems:
        raise Refusal(problems, field="closes_on")
    if closes_on == window.closes_on:
        return window
    before = window.closes_on
    window.closes_on = closes_on
    window.save(update_fields=["closes_on"])
    audit.record(
        actor=actor,
        action="survey.closing_date_changed",
        target=window,
        summary=f"{window.title} for {window.school.name} now closes on {closes_on} (was {before})",
        data={"school": window.school_id, "before": str(before), "after": str(closes_on)},
    )
    return window


def questionnaire_year_groups(questionnaire) -> list[tuple[str, str]]:
    question = questionnaire.questions.filter(key="year_group").first()
    return [(value, label) for value, label in question.options] if question else []


@transaction.atomic
def response_submit(*, window, answers: dict) -> SurveyResponse:
    """Store one anonymous response: `answers` maps a question to a value, a list of values or text.

    Stores only the window, today's date and the answers (no person, address, device or session;
    no audit entry, since the audit trail records the client address). Refused when the window is
    not open today, the year group is not one the window asks, a choice is not one offered, or a
    written answer is over 1,000 characters. Sends nothing."""
    today = timezone.localdate()
    # Locked (FOR NO KEY UPDATE), so an answer sent while the lead closes the survey is either
    # stored before the close or refused after it, never stored once the survey shows as closed.
    locked = SurveyWindow.objects.select_for_update(no_key=True, of=("self",))
    window = locked.select_related("questionnaire").get(pk=window.pk)
    if not window.is_open_on(today):
        raise Refusal("This survey is not open")
    questions = {q.pk: q for q in window.questionnaire.questions.all()}
    rows, problems = [], []
    for question_id, answer in answers.items():
        question = questions.get(getattr(question_id, "pk", question_id))
        if question is None or answer in (None, "", [], ()):
            continue
        if question.kind == Question.Kind.TEXT:
            text = str(answer).strip()
            if len(text) > TEXT_LIMIT:
                problems.append(f"Your answer to “{question.text}” is too long: use {TEXT_LIMIT:,} characters or fewer")
            elif text:
                rows.append(SurveyAnswer(question=question, text=text))
            continue
        values = list(answer) if isinstance(answer, list | tuple) else [answer]
        offered = question.option_labels
        if question.key == "year_group" and window.year_groups:
            offered = {v: label for v, label in offered.items() if v in window.year_groups}
        if any(value not in offered for value in values) or (question.kind != "multiple" and len(values) > 1):
            problems.append(f"Choose one of the answers given for “{question.text}”")
            continue
        rows += [SurveyAnswer(question=question, value=value) for value in dict.fromkeys(values)]
    answered = {row.question_id for row in rows}
    for question in questions.values():
        if question.required and question.pk not in answered:
            problems.append(f"Answer “{question.text}”")
    if problems:
        raise Refusal(problems)
    response = SurveyResponse.objects.create(window=window, submitted_on=today)
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    return response


@transaction.atomic
def question_update(*, question, actor, text, hint) -> Question:
    """Change a question's wording. If any window has used its questionnaire, the questionnaire is
    copied to a new current version with the change, so that window keeps the words its pupils
    read; otherwise the version is changed in place. Returns the question changed. Audited."""
    if not permissions.can_manage_questionnaires(actor):
        raise Refusal("Only the H&W team can change questionnaires")
    text, hint = text.strip(), hint.strip()
    if not text:
        raise Refusal("Enter the question")
    questionnaire = Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id)
    if questionnaire.windows.exists():
        latest = Questionnaire.objects.filter(audience=questionnaire.audience).order_by("-version").first()
        copy = Questionnaire.objects.create(
            audience=questionnaire.audience,
            version=latest.version + 1,
            title=questionnaire.title,
            introduction=questionnaire.introduction,
            introduced_on=timezone.localdate(),
        )
        for old in questionnaire.questions.all():
            Question.objects.create(
                questionnaire=copy,
                number=old.number,
                key=old.key,
                kind=old.kind,
                text=text if old.pk == question.pk else old.text,
                hint=hint if old.pk == question.pk else old.hint,
                options=old.options,
                required=old.required,
            )
        Questionnaire.objects.filter(audience=questionnaire.audience, is_current=True).update(is_current=False)
        Questionnaire.objects.filter(pk=copy.pk).update(is_current=True)
        changed = Question.objects.select_related("questionnaire").get(questionnaire=copy, number=question.number)
        summary = f"{copy} made from version {questionnaire.version}: question {question.number} reworded"
    else:
        Question.objects.filter(pk=question.pk).update(text=text, hint=hint)
        changed = Question.objects.get(pk=question.pk)
        summary = f"{questionnaire}: question {question.number} reworded"
    versions.changed_everywhere()  # questionnaires are every school's
    audit.record(
        actor=actor,
        action="survey.question_changed",
        target=changed.questionnaire,
        summary=summary,
        data={"before": question.text, "after": text},
    )
    return changed


def snapshot_pdf(*, window, results, previous) -> bytes:
    from . import charts

    charts.attach(results.questions, prefix="print-q")
    return render_pdf(
        "surveys/snapshot_pdf.html",
        {
            "window": window,
            "results": results,
            "previous": previous,
            "chart_css": charts.PRINT_CSS,
            "generated_at": timezone.now(),
        },
    )


def snapshot_attach(*, window, actor, criteria):
    """Make a PDF of the window's suppressed results (no written answers) and add it to the
    school's evidence library through the evidence service, linked to `criteria` and dated today
    (which also links it to an open application's criteria, as any evidence does). Audited there.
    Refused while fewer than 10 people have answered."""
    from . import selectors

    if not permissions.can_run_surveys(actor, window.school):
        raise Refusal("Only your school's SLT lead can add survey results to the evidence library")
    results = selectors.window_results(window)
    if not results.total.shown:
        raise Refusal("Fewer than 10 people have answered this survey, so there are no results to add yet")
    pdf = snapshot_pdf(window=window, results=results, previous=selectors.previous_window(window))
    upload = SimpleUploadedFile(f"Survey results {window.title}.pdf".replace("/", "-"), pdf, "application/pdf")
    item = portfolio_services.evidence_add_files(
        school=window.school,
        actor=actor,
        files=[upload],
        title=f"Survey results: {window.title}",
        description=(
            f"{window.questionnaire.title}, {window.opens_on:%-d %B %Y} to {window.closes_on:%-d %B %Y}: "
            f"{results.total.n} responses. Made by the portal; groups of fewer than 10 are not shown."
        ),
        produced_on=timezone.localdate(),
        impact="What our pupils, parents or staff told us about bullying and feeling safe at school.",
        criteria=criteria,
    )[0]
    return item
