from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import ical, permissions, selectors, services
from .forms import AcademicYearForm, ConflictForm, MeetingForm, MemberInviteForm, MemberTeamForm, TeamForm
from .models import CalendarFeed, Conflict, GroupMember, Meeting, Team

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
        except services.ValidationError as error:
            form.add_error(None, str(error))
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
        except services.ValidationError as error:
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
    except services.ValidationError as error:
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
        except services.ValidationError as error:
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
        except services.ValidationError as error:
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
    except services.ValidationError as error:
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
        except services.ValidationError as error:
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
    except services.ValidationError as error:
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
    form = AcademicYearForm(request.POST or request.GET or None)
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
        except services.ValidationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{updated} has been updated.")
            return redirect("validation:meetings")
    return render(request, "validation/meeting_edit.html", {"form": form, "meeting": meeting})
