from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accreditation.decorators import admin_required
from accreditation.downloads import stored_file_response
from accreditation.errors import Refusal
from accreditation.permissions import is_hw_admin
from portfolios import selectors as portfolio_selectors
from schools.permissions import is_school_lead

from . import forms, selectors, services


@login_required
def library(request):
    criteria = portfolio_selectors.current_criteria_set().criteria.all()
    form = forms.LibraryFilterForm(request.GET or None, criteria=criteria)
    form.is_valid()  # a value that does not fit is ignored, the rest still filter
    filters = getattr(form, "cleaned_data", {})
    rows = selectors.library(
        query=filters.get("q", ""), criterion=filters.get("criterion"), phase=filters.get("phase", "")
    )
    context = {
        "form": form,
        "exemplars": rows[:200],
        "filtered": bool(request.GET),
        "is_admin": is_hw_admin(request.user),
    }
    return render(request, "portfolios/exemplars/library.html", context)


@login_required
def detail(request, pk):
    exemplar = selectors.exemplar_get_for_user(request.user, pk)
    context = {"exemplar": exemplar, "is_admin": is_hw_admin(request.user)}
    return render(request, "portfolios/exemplars/detail.html", context)


@require_GET
@login_required
def download(request, pk):
    exemplar = selectors.exemplar_get_for_user(request.user, pk)
    if not exemplar.file:
        raise Http404("No file")
    return stored_file_response(exemplar.file.name, filename=exemplar.original_name, content_type=exemplar.content_type)


@admin_required
def publish(request):
    form = forms.ExemplarForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            exemplar = services.exemplar_publish(actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"“{exemplar.title}” published in the good-practice library")
            return redirect("portfolios:exemplar", pk=exemplar.pk)
    return render(request, "portfolios/exemplars/publish.html", {"form": form})


@admin_required
@require_POST
def unpublish(request, pk):
    exemplar = selectors.exemplar_get_for_user(request.user, pk)
    services.exemplar_unpublish(actor=request.user, exemplar=exemplar, reason=request.POST.get("reason", "")[:300])
    messages.success(request, f"“{exemplar.title}” taken out of the library")
    return redirect("portfolios:good_practice")


@login_required
def consent(request, pk):
    application = portfolio_selectors.application_get_for_user(request.user, pk)
    if application.state == application.State.DRAFT or not is_school_lead(request.user, application.school):
        raise PermissionDenied
    current = selectors.consent_for(application)
    initial = {"may_share": current.may_share, "may_name": current.may_name} if current else {}
    form = forms.ConsentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(application=application, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Your choice about sharing good practice is saved")
            return redirect("portfolios:application", pk=application.pk)
    return render(request, "portfolios/exemplars/consent.html", {"form": form, "application": application})
