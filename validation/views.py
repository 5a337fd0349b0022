from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accreditation.downloads import private_download, stored_file_response
from accreditation.errors import show_refusal
from portfolios import exports
from portfolios import selectors as portfolio_selectors
from portfolios import services as portfolio_services
from portfolios.advice import selectors as advice_selectors
from schools.commitments import selectors as commitment_selectors
from schools.permissions import is_school_member
from schools.versions import cached_render

from . import ical, page_versions, permissions, selectors, services
from .forms import (
    AcademicYearForm,
    AgendaMoveForm,
    AttendanceForm,
    ConflictForm,
    DecisionForm,
    FurtherInformationExtendForm,
    LetterForm,
    MeetingForm,
    MemberInviteForm,
    MemberTeamForm,
    ReviewerForm,
    ReviewForm,
    TeamForm,
)
from .models import CalendarFeed, Conflict, GroupMember, Meeting, Review, Team

SESSION_NEW_CALENDAR_TOKEN = "validation_new_calendar_token"  # noqa: S105 - a session key, not a secret


def _require(predicate):
    if not predicate:
        raise PermissionDenied


# The group (admins) --------------------------------------------------------------------------


@login_required
def group(request):
    _require(permissions.can_manage_group(request.user))
    members = selectors.members_list()
    return render(request, "validation/group.html", {"members": members, "teams": selectors.teams_list()})


@login_required
def member_invite(request):
    _require(permissions.can_manage_group(request.user))
    form = MemberInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_invite(**form.cleaned_data, invited_by=request.user)
        except services.Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{member.user} has been added to the group and sent an email.")
            return redirect("validation:member", pk=member.pk)
    return render(request, "validation/member_invite.html", {"form": form})


@login_required
def member_detail(request, pk):
    _require(permissions.can_manage_group(request.user))
    member = get_object_or_404(GroupMember.objects.select_related("user", "team"), pk=pk)
    conflicts = selectors.conflicts_for_member(member)
    return render(request, "validation/member_detail.html", {"member": member, "conflicts": conflicts})


@login_required
def member_team(request, pk):
    _require(permissions.can_manage_group(request.user))
    member = get_object_or_404(GroupMember.objects.select_related("user", "team"), pk=pk)
    form = MemberTeamForm(
        request.POST if request.method == "POST" else None,
        initial={"team": member.team if member.team.is_active else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_change_team(member=member, team=form.cleaned_data["team"], by=request.user)
        except services.Refusal as error:
            form.add_error("team", str(error))
        else:
            messages.success(request, f"{member.user} is now in {form.cleaned_data['team'].name}.")
            return redirect("validation:member", pk=member.pk)
    return render(request, "validation/member_team.html", {"form": form, "member": member})


@require_POST
@login_required
def member_set_active(request, pk, active):
    _require(permissions.can_manage_group(request.user))
    member = get_object_or_404(GroupMember.objects.select_related("user"), pk=pk)
    try:
        services.member_set_active(member=member, active=active, by=request.user)
    except services.Refusal as error:
        messages.error(request, str(error))
    else:
        state = "reactivated" if active else "deactivated"
        messages.success(request, f"{member.user} has been {state} in the validating group.")
    return redirect("validation:member", pk=member.pk)


@login_required
def teams(request):
    _require(permissions.can_manage_group(request.user))
    form = TeamForm(request.POST if request.method == "POST" else None)
    form.submit_label = "Add team"
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(name=form.cleaned_data["name"], by=request.user)
        except services.Refusal as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"The team {team.name} has been added.")
            return redirect("validation:teams")
    return render(request, "validation/teams.html", {"form": form, "teams": selectors.teams_list()})


@login_required
def team_edit(request, pk):
    _require(permissions.can_manage_group(request.user))
    team = get_object_or_404(Team, pk=pk)
    form = TeamForm(request.POST if request.method == "POST" else None, team=team, initial={"name": team.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_rename(team=team, name=form.cleaned_data["name"], by=request.user)
        except services.Refusal as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"The team is now called {team.name}.")
            return redirect("validation:teams")
    return render(request, "validation/team_edit.html", {"form": form, "team": team})


@require_POST
@login_required
def team_set_active(request, pk, active):
    _require(permissions.can_manage_group(request.user))
    team = get_object_or_404(Team, pk=pk)
    try:
        services.team_set_active(team=team, active=active, by=request.user)
    except services.Refusal as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{team.name} is {'in use again' if active else 'no longer offered for new members'}."
        )
    return redirect("validation:teams")


# Conflicts of interest -----------------------------------------------------------------------


def _member_for_conflicts(request, pk=None) -> GroupMember:
    """The member whose conflicts are being managed: an admin names one; a validator is their own."""
    if pk is not None:
        _require(permissions.can_manage_group(request.user))
        return get_object_or_404(GroupMember.objects.select_related("user", "team"), pk=pk)
    _require(permissions.is_validator(request.user))
    return selectors.member_for_user(request.user)


@login_required
def conflicts(request):
    member = _member_for_conflicts(request)
    context = {"member": member, "conflicts": selectors.conflicts_for_member(member), "own": True}
    return render(request, "validation/conflicts.html", context)


@login_required
def conflict_declare(request, pk=None):
    member = _member_for_conflicts(request, pk)
    form = ConflictForm(request.POST if request.method == "POST" else None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conflict = services.conflict_declare(
                member=member, school=data["school"], kind=data["kind"], details=data["details"], by=request.user
            )
        except services.Refusal as error:
            form.add_error("school_query", str(error))
        else:
            messages.success(request, f"Conflict of interest with {conflict.school.name} declared.")
            return redirect("validation:member" if pk else "validation:conflicts", **({"pk": pk} if pk else {}))
    return render(request, "validation/conflict_form.html", {"form": form, "member": member, "on_behalf": bool(pk)})


@require_POST
@login_required
def conflict_withdraw(request, pk):
    conflict = get_object_or_404(Conflict.objects.select_related("member__user", "school"), pk=pk)
    _require(permissions.can_declare_conflict(request.user, conflict.member))
    try:
        services.conflict_withdraw(conflict=conflict, by=request.user)
    except services.Refusal as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Conflict of interest with {conflict.school.name} withdrawn.")
    if conflict.member.user_id == request.user.pk:
        return redirect("validation:conflicts")
    return redirect("validation:member", pk=conflict.member_id)


# Profile and calendar ------------------------------------------------------------------------


@never_cache
@login_required
def profile(request):
    _require(permissions.is_validator(request.user))
    member = selectors.member_for_user(request.user)
    token = request.session.pop(SESSION_NEW_CALENDAR_TOKEN, None)
    context = {
        "member": member,
        "feed": CalendarFeed.objects.filter(user=request.user).first(),
        "calendar_url": request.build_absolute_uri(reverse("validation:calendar", args=[token])) if token else None,
        "open_conflicts": selectors.conflicts_for_member(member, include_withdrawn=False),
        "next_meeting": selectors.next_meeting(),
    }
    return render(request, "validation/profile.html", context)


@require_POST
@login_required
def calendar_renew(request):
    _require(permissions.is_validator(request.user))
    request.session[SESSION_NEW_CALENDAR_TOKEN] = services.calendar_feed_renew(user=request.user)
    messages.success(request, "Your new calendar link is ready. Any earlier link has stopped working.")
    return redirect("validation:profile")


@require_GET
def calendar(request, token):
    feed = selectors.feed_for_token(token)
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    body = ical.meetings_calendar(selectors.meetings_for_calendar(), name="Validating group meetings")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="validating-group-meetings.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# Meetings ------------------------------------------------------------------------------------


@login_required
def meetings(request):
    _require(permissions.can_view_meetings(request.user))
    context = {
        "meetings": selectors.meetings_from(timezone.localdate()),
        "can_manage": permissions.can_manage_meetings(request.user),
    }
    return render(request, "validation/meetings.html", context)


@login_required
def meetings_schedule(request):
    _require(permissions.can_manage_meetings(request.user))
    # A POST form: a GET would put the CSRF token and the year into the URL and the browser history.
    form = AcademicYearForm(request.POST or None)
    proposals = None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["academic_year"]
        if request.method == "POST" and "confirm" in request.POST:
            created = services.meetings_schedule(academic_year=year, by=request.user)
            messages.success(
                request,
                f"{len(created)} meetings scheduled for {year}."
                if created
                else f"All six meetings for {year} were already scheduled. Nothing was added.",
            )
            return redirect(reverse("validation:meetings") + f"#year-{year}")
        proposals = services.meetings_propose(academic_year=year)
    context = {"form": form, "proposals": proposals, "new_count": sum(not p.exists for p in proposals or [])}
    return render(request, "validation/meetings_schedule.html", context)


@login_required
def meeting_edit(request, pk):
    _require(permissions.can_manage_meetings(request.user))
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST if request.method == "POST" else None, instance=Meeting.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.meeting_update(
                meeting=meeting, by=request.user, **{f: form.cleaned_data[f] for f in MeetingForm.Meta.fields}
            )
        except services.Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{updated} has been updated.")
            for item, _, target in updated.moved_items:
                messages.info(
                    request,
                    f"{item.application.school.name} was submitted after the new cut-off, so it has been moved to "
                    f"the {target}. The school and its reviewers have been emailed.",
                )
            return redirect("validation:meetings")
    return render(request, "validation/meeting_edit.html", {"form": form, "meeting": meeting})


# Agendas -------------------------------------------------------------------------------------


def _error_messages(request, error):
    for message in error.messages:
        messages.error(request, message)


def _may_run_meeting(request, version, pk):
    _require(permissions.can_run_meeting(request.user))


@login_required
@cached_render("meeting", version=page_versions.of_meeting, check=_may_run_meeting)
def meeting_detail(request, pk):
    _require(permissions.can_run_meeting(request.user))
    meeting = get_object_or_404(Meeting, pk=pk)
    rows = selectors.minutes_for_meeting(meeting)
    can_decide = permissions.decision_checker(request.user, meeting)
    for row in rows:
        row["can_decide"] = row["decision"] is None and can_decide(row["item"])
    context = {
        "meeting": meeting,
        "rows": rows,
        "attendance": meeting.attendance.select_related("member__user", "member__team"),
        "can_manage": permissions.can_manage_agendas(request.user),
        "waiting": selectors.applications_waiting_for_meeting().count(),
    }
    return render(request, "validation/meeting_detail.html", context)


@require_POST
@login_required
def agenda_place_waiting(request):
    _require(permissions.can_manage_agendas(request.user))
    placed, waiting = services.agenda_place_waiting(by=request.user)
    for item in placed:
        messages.success(request, f"{item.application.school.name} is on the agenda of the {item.meeting}.")
    if waiting:
        names = ", ".join(a.school.name for a in waiting)
        messages.error(request, f"No planned meeting with room can take: {names}. Add a meeting or raise a capacity.")
    if not placed and not waiting:
        messages.success(request, "No submitted applications are waiting for a meeting.")
    return redirect(request.POST.get("next") or "validation:meetings")


@login_required
def agenda_move(request, pk):
    _require(permissions.can_manage_agendas(request.user))
    item = selectors.agenda_item_get(pk)
    form = AgendaMoveForm(request.POST if request.method == "POST" else None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_move(item=item, meeting=form.cleaned_data["meeting"], by=request.user)
        except services.Refusal as error:
            form.add_error("meeting", str(error))
        else:
            messages.success(request, f"{item.application.school.name} moved to the {form.cleaned_data['meeting']}.")
            return redirect("validation:meeting", pk=form.cleaned_data["meeting"].pk)
    return render(request, "validation/agenda_move.html", {"form": form, "item": item})


@login_required
def reviewer_assign(request, pk, review_pk=None):
    _require(permissions.can_manage_agendas(request.user))
    item = selectors.agenda_item_get(pk)
    replacing = (
        get_object_or_404(Review.objects.select_related("member__user"), pk=review_pk, agenda_item=item)
        if review_pk
        else None
    )
    form = ReviewerForm(
        request.POST if request.method == "POST" else None, candidates=services.reviewer_candidates(item)
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_assign(
                item=item, member=form.cleaned_data["member"], by=request.user, replacing=replacing
            )
        except services.Refusal as error:
            form.add_error("member", str(error))
        else:
            messages.success(
                request, f"{review.member.user} will review {item.application.school.name} and has been emailed."
            )
            return redirect("validation:meeting", pk=item.meeting_id)
    return render(request, "validation/reviewer_assign.html", {"form": form, "item": item, "replacing": replacing})


# Reviews -------------------------------------------------------------------------------------


@login_required
def reviews(request):
    _require(permissions.is_validator(request.user))
    context = {
        "reviews": selectors.reviews_for_user(request.user),
        "past_reviews": selectors.past_reviews_for_user(request.user),
    }
    return render(request, "validation/reviews.html", context)


@never_cache
@login_required
def review(request, pk):
    review = selectors.review_get_for_user(request.user, pk)
    application = review.agenda_item.application
    criteria = [row.criterion for row in portfolio_selectors.task_list(application)]
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        judgements=selectors.judgements_by_criterion(review),
        initial={"recommendation": review.recommendation, "comment": review.comment},
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit_review" in request.POST
        try:
            services.review_save(
                review=review,
                by=request.user,
                judgements=form.judgements(),
                submit=submit,
                recommendation=form.cleaned_data["recommendation"],
                comment=form.cleaned_data["comment"],
            )
        except services.Refusal as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Your review has been submitted." if submit else "Your draft has been saved.")
            return redirect("validation:review", pk=review.pk)
    commitments = commitment_selectors.current_statement(application.school)
    rows = portfolio_selectors.task_list(application)
    # The reviewer reads every linked item under its criterion: one query for all of them.
    prefetch_related_objects([row.response for row in rows], "evidence")
    context = {
        "review": review,
        "application": application,
        "commitments": commitments,
        "commitments_due": commitment_selectors.is_due(commitments, timezone.localdate()),
        "commitments_due_on": commitment_selectors.due_on(commitments) if commitments else None,
        "rows": rows,
        "form": form,
        "judgements": selectors.judgements_by_criterion(review),
        "can_edit": permissions.can_edit_review(request.user, review) and not hasattr(review.agenda_item, "decision"),
        "flags": {f.item.pk: f for f in portfolio_selectors.evidence_flags_for_application(application) if f.label},
        "previous_round": selectors.previous_round(application) if application.is_renewal else None,
        # Only what the school chose to share (issue 16).
        "shared_advice": advice_selectors.shared_comments_for_validators(application),
    }
    return render(request, "validation/review.html", context)


@login_required
def review_evidence(request, pk, evidence_id):
    review = selectors.review_get_for_user(request.user, pk)
    item = portfolio_selectors.evidence_item_in_application(review.agenda_item.application, evidence_id)
    if not item.file_available:  # no file, or not (yet) through the virus check
        raise Http404("No file")
    portfolio_services.evidence_download_record(actor=request.user, item=item, via="review")
    return stored_file_response(item.file.name, filename=item.original_name, content_type=item.content_type)


@login_required
def review_portfolio_pdf(request, pk):
    application = selectors.review_get_for_user(request.user, pk).agenda_item.application
    response = HttpResponse(exports.portfolio_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.export_name(application, "pdf")}"'
    return private_download(response)


@login_required
def review_evidence_zip(request, pk):
    application = selectors.review_get_for_user(request.user, pk).agenda_item.application
    portfolio_services.evidence_download_record(actor=request.user, application=application, via="review")
    response = StreamingHttpResponse(exports.evidence_zip_chunks(application), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exports.export_name(application, "zip")}"'
    return private_download(response)


# The meeting ---------------------------------------------------------------------------------


@login_required
def attendance(request, pk):
    _require(permissions.can_run_meeting(request.user))
    meeting = get_object_or_404(Meeting, pk=pk)
    present = list(meeting.attendance.values_list("member_id", flat=True))
    form = AttendanceForm(request.POST if request.method == "POST" else None, initial={"members": present})
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(meeting=meeting, members=form.cleaned_data["members"], by=request.user)
        except services.Refusal as error:
            form.add_error("members", str(error))
        else:
            messages.success(request, f"Attendance saved: {len(form.cleaned_data['members'])} members present.")
            return redirect("validation:meeting", pk=meeting.pk)
    return render(request, "validation/attendance.html", {"form": form, "meeting": meeting})


@login_required
def decision_record(request, pk):
    item = selectors.agenda_item_get(pk)
    _require(permissions.can_run_meeting(request.user))
    if permissions.is_conflicted(request.user, item.application.school):
        raise Http404("No such agenda item")
    criteria = [row.criterion for row in portfolio_selectors.task_list(item.application)]
    form = DecisionForm(request.POST if request.method == "POST" else None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_record(
                item=item,
                by=request.user,
                outcome=data["outcome"],
                criteria_numbers=data["criteria"],
                information_needed=data["information_needed"],
                information_due_on=data["information_due_on"],
                strengths=data["strengths"],
                areas_for_future=data["areas_for_future"],
            )
        except services.Refusal as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Decision recorded for {item.application.school.name}.")
            return redirect("validation:meeting", pk=item.meeting_id)
    reviews, judgements = selectors.judgements_side_by_side(item)
    context = {
        "form": form,
        "item": item,
        "quorum": selectors.quorum_for_item(item),
        "reviews": reviews,
        "judgements": judgements,
    }
    return render(request, "validation/decision_form.html", context)


@login_required
def minutes(request, pk):
    _require(permissions.can_run_meeting(request.user))
    meeting = get_object_or_404(Meeting, pk=pk)
    response = HttpResponse(services.minutes_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.date:%Y-%m-%d}.pdf"'
    return private_download(response)


# Publishing ----------------------------------------------------------------------------------


@login_required
def feedback_list(request):
    _require(permissions.can_release_feedback(request.user))
    return render(request, "validation/feedback_list.html", {"decisions": selectors.decisions_waiting_release()})


@login_required
def feedback(request, pk):
    _require(permissions.can_release_feedback(request.user))
    decision = selectors.decision_get(pk)
    initial = {f: getattr(decision, f) for f in services.LETTER_EDITABLE}
    form = LetterForm(request.POST if request.method == "POST" else None, decision=decision, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update_letter(decision=decision, by=request.user, **form.cleaned_data)
        except services.Refusal as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "The letter's wording has been saved. Check the preview before releasing it.")
            return redirect("validation:feedback", pk=decision.pk)
    context = {
        "form": form,
        "extend_form": FurtherInformationExtendForm(),
        "today": timezone.localdate(),
        **services.feedback_letter_context(decision),
    }
    return render(request, "validation/feedback.html", context)


@require_POST
@login_required
def feedback_release(request, pk):
    _require(permissions.can_release_feedback(request.user))
    decision = selectors.decision_get(pk)
    try:
        services.decision_release(decision=decision, by=request.user)
    except services.Refusal as error:
        _error_messages(request, error)
        return redirect("validation:feedback", pk=decision.pk)
    messages.success(
        request, f"Feedback released to {decision.application.school.name}: {decision.get_outcome_display().lower()}."
    )
    return redirect("validation:feedback_list")


@require_POST
@login_required
def further_information_extend(request, pk):
    """The admin gives the school a new date for the further information (the form is on the
    decision's feedback page; refusals come back there as messages)."""
    _require(permissions.can_release_feedback(request.user))
    decision = selectors.decision_get(pk)
    form = FurtherInformationExtendForm(request.POST)
    try:
        if not form.is_valid():
            raise services.Refusal([e for errors in form.errors.values() for e in errors])
        services.further_information_extend(decision=decision, due_on=form.cleaned_data["due_on"], by=request.user)
    except services.Refusal as error:
        _error_messages(request, error)
    else:
        messages.success(
            request,
            f"{decision.application.school.name} has been emailed the new date: "
            f"{form.cleaned_data['due_on']:%-d %B %Y}.",
        )
    return redirect("validation:feedback", pk=decision.pk)


@require_POST
@login_required
def further_information_list_anyway(request, pk):
    """The admin lists an overdue application for a decision on what the school submitted."""
    _require(permissions.can_release_feedback(request.user) and permissions.can_manage_agendas(request.user))
    decision = selectors.decision_get(pk)
    try:
        item = services.further_information_list_anyway(decision=decision, by=request.user)
    except services.Refusal as error:
        _error_messages(request, error)
        return redirect("validation:feedback", pk=decision.pk)
    messages.success(request, f"{decision.application.school.name} is listed for the meeting on {item.meeting}.")
    return redirect("validation:meeting", pk=item.meeting_id)


@login_required
def feedback_letter(request, pk):
    decision = selectors.decision_get(pk)
    if not decision.is_released or not (
        permissions.can_release_feedback(request.user) or is_school_member(request.user, decision.application.school)
    ):
        raise Http404("No such letter")
    return stored_file_response(
        decision.letter_file,
        filename=f"feedback-{decision.application.school.urn}-{decision.meeting.date:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )
