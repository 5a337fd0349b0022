from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accreditation.decorators import admin_required
from accreditation.errors import Refusal
from accreditation.permissions import is_hw_admin
from portfolios import permissions
from portfolios import selectors as portfolio_selectors
from portfolios.models import Criterion
from schools.permissions import is_school_lead

from . import forms, selectors, services
from .models import AdviceComment


@login_required
def ask(request, pk):
    application = portfolio_selectors.application_get_for_user(request.user, pk)
    if not permissions.can_work_on_application(request.user, application):
        raise Http404
    form = forms.AdviceRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.advice_request(application=application, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Request sent. An adviser will comment on your draft; we will email you.")
            return redirect("portfolios:application", pk=application.pk)
    context = {"form": form, "application": application, "open": selectors.open_request_for(application)}
    return render(request, "portfolios/advice/ask.html", context)


@admin_required
def queue(request):
    return render(request, "portfolios/advice/queue.html", {"requests": selectors.open_requests()})


@admin_required
def respond(request, pk):
    advice = selectors.request_get(pk)
    application = advice.application
    form = forms.CommentForm(
        request.POST if request.method == "POST" else None,
        criteria=Criterion.objects.filter(criteria_set=application.criteria_set).order_by("number"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.advice_comment_add(request=advice, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Comment added to criterion {form.cleaned_data['criterion'].number}")
            return redirect("portfolios:advice_request", pk=advice.pk)
    context = {
        "advice": advice,
        "application": application,
        "form": form,
        "comments": advice.comments.select_related("criterion", "author"),
        "rows": portfolio_selectors.responses_for_application(application),
    }
    return render(request, "portfolios/advice/respond.html", context)


@admin_required
@require_POST
def complete(request, pk):
    advice = selectors.request_get(pk)
    try:
        services.advice_complete(request=advice, actor=request.user)
    except Refusal as refusal:
        messages.error(request, refusal.messages[0])
        return redirect("portfolios:advice_request", pk=advice.pk)
    messages.success(request, f"Advice sent to {advice.application.school.name}")
    return redirect("portfolios:advice_queue")


@login_required
@require_POST
def mark(request, pk):
    comment = get_object_or_404(AdviceComment.objects.select_related("request__application", "criterion"), pk=pk)
    application = portfolio_selectors.application_get_for_user(request.user, comment.request.application_id)
    if comment.request.completed_at is None:
        raise Http404
    may_work = permissions.can_work_on_application(request.user, application) and not is_hw_admin(request.user)
    if application.is_editable and not may_work:
        raise PermissionDenied
    try:
        services.advice_comment_mark(
            comment=comment, actor=request.user, addressed=request.POST.get("addressed") == "1"
        )
    except Refusal as refusal:
        messages.error(request, refusal.messages[0])
    return redirect("portfolios:criterion", pk=application.pk, number=comment.criterion.number)


@login_required
@require_POST
def share(request, pk):
    application = portfolio_selectors.application_get_for_user(request.user, pk)
    if not is_school_lead(request.user, application.school):
        raise PermissionDenied
    wanted = request.POST.get("share") == "1"
    try:
        services.advice_share(application=application, actor=request.user, share=wanted)
    except Refusal as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(
            request,
            "The validating group can now read your adviser's comments"
            if wanted
            else "Your adviser's comments are private to your school again",
        )
    return redirect("portfolios:application", pk=application.pk)
