from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accreditation.downloads import private_download
from accreditation.errors import Refusal
from accreditation.pdf import render_pdf
from portfolios import page_versions
from schools.versions import cached_render

from . import permissions, selectors, services
from .forms import ActionForm, PlanReviewForm


def _plan_context(request, school):
    today = timezone.localdate()
    return {
        "school": school,
        "actions": selectors.actions_for_school(school),
        "reviews": selectors.reviews_for_school(school),
        "summary": selectors.plan_summary(school, today),
        "today": today,
        "can_change": permissions.can_change_plan(request.user, school),
    }


@login_required
@cached_render("action_plan", version=page_versions.of_school, check=page_versions.may_see_plan)
def action_plan(request, school_id):
    school = selectors.school_plan_for(request.user, school_id)
    return render(request, "portfolios/action_plans/plan.html", _plan_context(request, school))


@login_required
def action_plan_pdf(request, school_id):
    school = selectors.school_plan_for(request.user, school_id)
    pdf = render_pdf("portfolios/action_plans/plan_pdf.html", _plan_context(request, school))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="action-plan-{school.urn}.pdf"'
    return private_download(response)


@login_required
def action_edit(request, school_id, action_id=None):
    school = selectors.school_plan_for(request.user, school_id)
    action = selectors.action_for(request.user, school, action_id) if action_id else None
    if not permissions.can_change_plan(request.user, school):
        raise PermissionDenied
    initial = {}
    if action is not None:
        initial = {f: getattr(action, f) for f in ("what", "lead", "due_on", "status", "notes", "criterion")}
        initial["evidence"] = list(action.evidence.values_list("pk", flat=True))
    form = ActionForm(request.POST if request.method == "POST" else None, initial=initial, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_save(school=school, actor=request.user, action=action, **form.cleaned_data)
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Action saved" if action else "Action added to the plan")
            return redirect("portfolios:action_plan", school_id=school.pk)
    context = {"form": form, "school": school, "action": action}
    return render(request, "portfolios/action_plans/action_form.html", context, status=400 if form.errors else 200)


@login_required
def plan_review(request, school_id):
    school = selectors.school_plan_for(request.user, school_id)
    if not permissions.can_change_plan(request.user, school):
        raise PermissionDenied
    form = PlanReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_review_record(school=school, actor=request.user, summary=form.cleaned_data["summary"])
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Review recorded. The next review is due in six months.")
            return redirect("portfolios:action_plan", school_id=school.pk)
    context = {**_plan_context(request, school), "form": form}
    return render(request, "portfolios/action_plans/review_form.html", context, status=400 if form.errors else 200)


@require_GET
@login_required
def all_plans(request):
    if not permissions.can_view_all_plans(request.user):
        raise Http404
    today = timezone.localdate()
    summaries = selectors.plan_summaries(as_of=today)
    context = {
        "summaries": summaries,
        "reviews_overdue": [s for s in summaries if s.review_overdue_on(today)],
        "overdue": selectors.overdue_actions(today)[:200],
        "themes": selectors.recurring_themes(),
        "today": today,
    }
    return render(request, "portfolios/action_plans/all_plans.html", context)
