from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accreditation import throttle
from accreditation.decorators import admin_required
from accreditation.downloads import stored_file_response
from accreditation.errors import show_refusal
from accreditation.home import page_links_for
from accreditation.middleware import client_ip
from accreditation.permissions import can_manage_accounts, is_hw_admin

from . import permissions, selectors, services, working
from .forms import (
    EligibilityRuleForm,
    FindSchoolForm,
    InspectionCorrectionDecisionForm,
    InspectionCorrectionForm,
    InspectionForm,
    InviteForm,
    OverrideForm,
    RegistrationForm,
    RejectForm,
    SchoolDetailsForm,
    WelcomePackResourceForm,
)
from .models import EligibilityRule, InspectionCorrection, Registration, School, WelcomePackResource

REGISTRATION_DONE = "registration_done"


def _posted(request):
    return request.POST if request.method == "POST" else None


def manager_required(view):
    """School pages that change the team: the school's SLT lead or an admin."""

    @wraps(view)
    @login_required
    def wrapper(request, urn, *args, **kwargs):
        school = selectors.school_for_viewer(request.user, urn)
        if not permissions.can_manage_team(request.user, school):
            raise PermissionDenied
        return view(request, school, *args, **kwargs)

    return wrapper


# --- Public registration --------------------------------------------------------------------


@never_cache
def register_find(request):
    form = FindSchoolForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        if isinstance(query, int):
            school = School.objects.filter(urn=query, from_register=True).first()
            refusal = selectors.registration_refusal(urn=query, school=school)
            if refusal:
                form.add_error("q", refusal)
            elif school is None:
                form.add_error(
                    "q",
                    f"No school with URN {query} is in the register. "
                    "Check the URN, or enter your school's details by hand",
                )
            else:
                return redirect("schools:register_school", urn=school.urn)
        else:
            results = [
                (school, selectors.registration_refusal(urn=school.urn, school=school, named=False))
                for school in selectors.register_search(query)
            ]
    return render(request, "schools/register_find.html", {"form": form, "results": results})


def _register(request, school, by_hand):
    form = RegistrationForm(_posted(request), by_hand=by_hand)
    if request.method == "POST" and form.is_valid():
        details = form.cleaned_data
        found = School.objects.filter(urn=details["urn"], from_register=True).first() if by_hand else None
        if found is not None:
            form.add_error(
                "urn", f"URN {found.urn} is in the register as {found.name}. Search for it by its URN instead"
            )
        elif not throttle.allow(
            key=f"register:{client_ip(request)}", limit=settings.REGISTRATIONS_PER_HOUR, window_seconds=3600
        ):
            form.add_error(
                None,
                "There have been too many registrations from your connection in the last hour. Try again later, "
                f"or contact the Health & Wellbeing team at {settings.HW_TEAM_EMAIL}.",
            )
        else:
            try:
                registration = services.registration_submit(school=school, details=details)
            except services.SchoolError as error:
                show_refusal(form, error)
            else:
                request.session[REGISTRATION_DONE] = registration.pk
                return redirect("schools:register_done")
    return render(request, "schools/register_form.html", {"form": form, "school": school, "by_hand": by_hand})


@never_cache
def register_school(request, urn):
    school = get_object_or_404(School, urn=urn, from_register=True)
    refusal = selectors.registration_refusal(urn=school.urn, school=school)
    if refusal:
        return render(request, "schools/register_refused.html", {"school": school, "reason": refusal})
    return _register(request, school, by_hand=False)


@never_cache
def register_by_hand(request):
    return _register(request, None, by_hand=True)


def register_done(request):
    registration = Registration.objects.filter(pk=request.session.get(REGISTRATION_DONE)).first()
    if registration is None:
        return redirect("schools:register_find")
    return render(request, "schools/register_done.html", {"registration": registration})


# --- Admin: registrations -------------------------------------------------------------------


@admin_required
def registration_queue(request):
    status = request.GET.get("status", "pending")
    by_hand = {"yes": True, "no": False}.get(request.GET.get("by_hand", ""))
    query = request.GET.get("q", "")[:200]
    registrations = selectors.registrations_for_queue(status=status, query=query, entered_by_hand=by_hand)
    page = Paginator(registrations, 25).get_page(request.GET.get("page"))
    rows = [(registration, services.registration_judgement(registration)) for registration in page]
    return render(
        request,
        "schools/registration_queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "by_hand": request.GET.get("by_hand", ""),
            "q": query,
            "statuses": Registration.Status.choices,
        },
    )


@admin_required
def registration_detail(request, pk):
    registration = get_object_or_404(
        Registration.objects.select_related("school", "inspection_rule", "decided_by"), pk=pk
    )
    return render(
        request,
        "schools/registration_detail.html",
        {
            "registration": registration,
            "judgement": services.registration_judgement(registration),
            "refusal": services._approval_refusal(registration) if registration.status == "pending" else None,
        },
    )


@require_POST
@admin_required
def registration_approve(request, pk):
    registration = get_object_or_404(Registration, pk=pk)
    try:
        registration = services.registration_approve(
            registration=registration,
            actor=request.user,
            details_confirmed=request.POST.get("details_confirmed") == "yes",
        )
    except services.SchoolError as error:
        messages.error(request, str(error))
        return redirect("schools:registration_detail", pk=pk)
    messages.success(
        request,
        f"{registration.school_name} is approved. We have emailed {registration.lead_email} "
        "a link to set a password and the welcome pack.",
    )
    return redirect("schools:registration_queue")


@admin_required
def registration_reject(request, pk):
    registration = get_object_or_404(Registration, pk=pk)
    form = RejectForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_reject(
                registration=registration, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.SchoolError as error:
            messages.error(request, str(error))
            return redirect("schools:registration_detail", pk=pk)
        messages.success(
            request,
            f"{registration.school_name}'s registration is rejected. "
            f"We have emailed the reason to {registration.lead_email}.",
        )
        return redirect("schools:registration_queue")
    return render(request, "schools/registration_reject.html", {"form": form, "registration": registration})


# --- Schools and their teams ----------------------------------------------------------------


@login_required
def my_school(request):
    school = selectors.school_for_user(request.user)
    if school is None:
        raise Http404("You are not in a school's team")
    return redirect("schools:school_detail", urn=school.urn)


@admin_required
def school_list(request):
    query = request.GET.get("q", "")[:200]
    page = Paginator(selectors.schools_for_admin(query=query), 25).get_page(request.GET.get("page"))
    return render(request, "schools/school_list.html", {"page": page, "q": query})


@login_required
def school_detail(request, urn):
    school = selectors.school_for_viewer(request.user, urn)
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "team": selectors.team_for_school(school),
            "inspections": school.inspections.select_related("rule", "recorded_by"),
            "corrections": school.inspection_corrections.select_related("requested_by", "decided_by")[:5],
            "can_request_correction": permissions.can_request_inspection_correction(request.user, school),
            "can_manage": permissions.can_manage_team(request.user, school),
            "is_admin": is_hw_admin(request.user),
            "welcome_pack": selectors.welcome_pack(),
            "override_form": OverrideForm(),
        },
    )


def _form_page(request, form, template, context, on_valid):
    """Render `form`; on a valid POST call `on_valid(cleaned)` -> (message, redirect target)."""
    if request.method == "POST" and form.is_valid():
        try:
            message, target = on_valid(form.cleaned_data)
        except services.SchoolError as error:
            show_refusal(form, error)
        else:
            messages.success(request, message)
            return redirect(target)
    return render(request, template, {"form": form, **context})


@manager_required
def school_edit(request, school):
    form = SchoolDetailsForm(
        _posted(request), initial={"head_teacher": school.head_teacher, "governor_name": school.governor_name}
    )

    def save(data):
        services.school_details_update(school=school, actor=request.user, **data)
        return "The school's details are saved.", school.get_absolute_url()

    return _form_page(
        request, form, "schools/school_form.html", {"school": school, "heading": "Change the school's details"}, save
    )


@admin_required
def inspection_add(request, urn):
    school = get_object_or_404(School, urn=urn)
    form = InspectionForm(_posted(request))

    def save(data):
        services.inspection_record(
            school=school,
            actor=request.user,
            inspected_on=data["inspected_on"],
            rule=data["inspection_rule"],
            judgement=data["inspection_judgement"],
            safeguarding=data["inspection_safeguarding"],
        )
        return "The inspection is recorded and the school's eligibility judged again.", school.get_absolute_url()

    return _form_page(
        request, form, "schools/school_form.html", {"school": school, "heading": "Record an Ofsted inspection"}, save
    )


@login_required
def inspection_correction_request(request, urn):
    school = selectors.school_for_viewer(request.user, urn)
    if not permissions.can_request_inspection_correction(request.user, school):
        raise PermissionDenied
    form = InspectionCorrectionForm(_posted(request))

    def save(data):
        services.inspection_correction_request(school=school, actor=request.user, reason=data["reason"])
        return (
            "Your request is sent. The Health & Wellbeing team will check it and email you their answer.",
            school.get_absolute_url(),
        )

    heading = "Ask for a correction of your inspection data"
    return _form_page(request, form, "schools/inspection_correction.html", {"school": school, "heading": heading}, save)


@admin_required
def inspection_correction_list(request):
    corrections = InspectionCorrection.objects.select_related("school", "requested_by", "decided_by")
    return render(request, "schools/inspection_correction_list.html", {"corrections": corrections[:200]})


@admin_required
def inspection_correction_decide(request, pk):
    correction = get_object_or_404(InspectionCorrection.objects.select_related("school", "requested_by"), pk=pk)
    form = InspectionCorrectionDecisionForm(_posted(request))
    accepted = request.POST.get("decision") == "accept"

    def save(data):
        services.inspection_correction_decide(
            correction=correction, actor=request.user, accept=data["decision"] == "accept", note=data["note"]
        )
        if accepted:
            return "Accepted. Now record the corrected inspection.", reverse(
                "schools:inspection_add", args=[correction.school.urn]
            )
        return "Rejected. We have emailed your note to the school.", reverse("schools:inspection_correction_list")

    context = {"school": correction.school, "correction": correction, "heading": "Decide a correction request"}
    return _form_page(request, form, "schools/inspection_correction.html", context, save)


@require_POST
@admin_required
def eligibility_override(request, urn):
    school = get_object_or_404(School, urn=urn)
    form = OverrideForm(request.POST)

    def save(data):
        services.school_eligibility_override(school=school, actor=request.user, reason=data["reason"])
        return f"{school.name} is now eligible by override.", school.get_absolute_url()

    return _form_page(
        request, form, "schools/school_form.html", {"school": school, "heading": "Override eligibility"}, save
    )


@require_POST
@admin_required
def eligibility_override_remove(request, urn):
    school = get_object_or_404(School, urn=urn)
    try:
        services.school_eligibility_override_remove(school=school, actor=request.user)
    except services.SchoolError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The override is removed; the most recent inspection decides eligibility.")
    return redirect(school.get_absolute_url())


@require_POST
@admin_required
def welcome_pack_resend(request, urn):
    school = get_object_or_404(School, urn=urn)
    lead = school.memberships.filter(role="lead", is_active=True).select_related("user").first()
    if lead is None:
        messages.error(request, "The school has no SLT lead to send the welcome pack to.")
    else:
        services.welcome_pack_send(school=school, to=lead.user.email, actor=request.user)
        messages.success(request, f"The welcome pack is sent to {lead.user.email}.")
    return redirect(school.get_absolute_url())


@manager_required
def team_invite(request, school):
    form = InviteForm(_posted(request))

    def save(data):
        services.member_invite(school=school, actor=request.user, **data)
        return f"We have emailed {data['email']} a link to set a password.", school.get_absolute_url()

    return _form_page(
        request, form, "schools/school_form.html", {"school": school, "heading": "Invite a colleague"}, save
    )


@manager_required
def team_make_lead(request, school, membership_id):
    membership = selectors.team_member(school, membership_id)
    return _team_confirm(request, school, membership, "make_lead")


@manager_required
def team_deactivate(request, school, membership_id):
    membership = selectors.team_member(school, membership_id)
    return _team_confirm(request, school, membership, "deactivate")


def _team_confirm(request, school, membership, action):
    if request.method == "POST":
        service = services.lead_hand_over if action == "make_lead" else services.member_deactivate
        try:
            service(school=school, actor=request.user, membership=membership)
        except services.SchoolError as error:
            messages.error(request, str(error))
            return redirect(school.get_absolute_url())
        name = membership.user.get_full_name() or membership.user.email
        messages.success(
            request,
            f"{name} is now the SLT lead."
            if action == "make_lead"
            else f"{name}'s account is deactivated and signed out.",
        )
        return redirect(
            "home"
            if action == "make_lead" and not permissions.can_manage_team(_fresh(request.user), school)
            else school.get_absolute_url()
        )
    return render(request, "schools/team_confirm.html", {"school": school, "membership": membership, "action": action})


def _fresh(user):
    if hasattr(user, "_school_memberships"):
        del user._school_memberships
    return user


# --- Welcome pack ---------------------------------------------------------------------------


@admin_required
def welcome_pack_admin(request):
    return render(request, "schools/welcome_pack.html", {"resources": selectors.welcome_pack(active_only=False)})


@admin_required
def welcome_pack_edit(request, resource_id=None):
    resource = get_object_or_404(WelcomePackResource, pk=resource_id) if resource_id else None
    initial = {"position": 0, "is_active": True}
    if resource:
        initial = {key: getattr(resource, key) for key in ("title", "description", "url", "position", "is_active")}
    form = WelcomePackResourceForm(
        _posted(request), request.FILES if request.method == "POST" else None, initial=initial, resource=resource
    )

    def save(data):
        services.welcome_pack_resource_save(actor=request.user, resource=resource, **data)
        return f"“{data['title']}” is saved in the welcome pack.", "schools:welcome_pack_admin"

    return _form_page(request, form, "schools/welcome_pack_form.html", {"resource": resource}, save)


@require_POST
@admin_required
def welcome_pack_delete(request, resource_id):
    resource = get_object_or_404(WelcomePackResource, pk=resource_id)
    services.welcome_pack_resource_delete(actor=request.user, resource=resource)
    messages.success(request, f"“{resource.title}” is removed from the welcome pack.")
    return redirect("schools:welcome_pack_admin")


@login_required
def welcome_pack_download(request, resource_id):
    resource = selectors.welcome_pack_resource_for_download(request.user, resource_id)
    return stored_file_response(
        resource.file.name,
        filename=resource.file_name or resource.file.name.rsplit("/", 1)[-1],
        content_type=resource.content_type,
    )


# --- Eligibility rules ----------------------------------------------------------------------


@admin_required
def scheme_admin(request):
    context = {
        "can_manage_accounts": can_manage_accounts(request.user),
        "more_links": page_links_for("scheme_admin", request.user),  # e.g. insight's audit trail
    }
    return render(request, "schools/scheme_admin.html", context)


@admin_required
def rule_list(request):
    return render(request, "schools/rule_list.html", {"rules": EligibilityRule.objects.all()})


@admin_required
def rule_edit(request, pk):
    rule = get_object_or_404(EligibilityRule, pk=pk)
    form = EligibilityRuleForm(_posted(request), instance=rule)

    if request.method == "POST" and form.is_valid():
        changes = {key: form.cleaned_data[key] for key in form.Meta.fields}
        # The form has applied the values to `rule` already; the service saves, audits and re-judges.
        services.eligibility_rule_update(rule=EligibilityRule.objects.get(pk=pk), actor=request.user, **changes)
        messages.success(request, f"The {rule.name} rule is saved. Schools judged under it have been judged again.")
        return redirect("schools:rule_list")
    return render(request, "schools/rule_form.html", {"form": form, "rule": rule})


# --- Working for several schools ------------------------------------------------------------


@login_required
def switch_school(request):
    """People in several schools' teams choose which school they are working as (kept in the
    session); only that school's work is shown until they switch again."""
    memberships = selectors.memberships_for_user(request.user)
    if not memberships:
        raise Http404("You are not in a school's team")
    current = selectors.membership_for_user(request.user)
    error = None
    if request.method == "POST":
        chosen = (
            selectors.membership_in(request.user, request.POST.get("school") or 0)
            if (request.POST.get("school", "").isdigit())
            else None
        )
        if chosen is None:
            error = "Choose the school you are working as"
        else:
            request.session[working.SESSION_KEY] = chosen.school_id
            messages.success(request, f"You are now working as {chosen.school.name}.")
            return redirect("home")
    context = {"memberships": memberships, "current": current, "error": error}
    return render(request, "schools/switch_school.html", context, status=400 if error else 200)
