from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from accreditation.errors import Refusal
from portfolios import page_versions, permissions
from portfolios import selectors as portfolio_selectors
from portfolios.guidance import selectors as guidance_selectors
from schools.versions import cached_render

from . import forms, selectors, services


@login_required
@cached_render("readiness", version=page_versions.of_application, check=page_versions.may_see_application)
def readiness(request, pk):
    application = portfolio_selectors.application_get_for_user(request.user, pk)
    context = {
        "application": application,
        "school": application.school,
        "readiness": selectors.readiness_for(application, user=request.user),
    }
    return render(request, "portfolios/readiness/readiness.html", context)


@login_required
def check_answers(request, pk):
    application = portfolio_selectors.application_get_for_user(request.user, pk)
    form = forms.CheckAnswersForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not permissions.can_submit(request.user, application):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.application_check_and_submit(application=application, actor=request.user, **form.cleaned_data)
            except (Refusal, ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", None) or [str(error)]:
                    form.add_error(None, message)
            else:
                messages.success(request, "Application submitted. We have emailed you a confirmation.")
                return redirect("portfolios:application", pk=application.pk)
    version = guidance_selectors.guidance_for_application(application)
    guidance = {entry.criterion_id: entry for entry in guidance_selectors.entries(version)}
    state = selectors.readiness_for(application, user=request.user)
    for row in state.rows:
        row.guidance = guidance.get(row.response.criterion_id)
    context = {
        "form": form,
        "application": application,
        "school": application.school,
        "readiness": state,
        "problems": state.problems,
        "guidance_version": version,
        "can_submit": permissions.can_submit(request.user, application),
    }
    return render(request, "portfolios/readiness/check.html", context)
