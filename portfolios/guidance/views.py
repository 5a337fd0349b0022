from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from accreditation.decorators import admin_required
from accreditation.errors import Refusal
from portfolios import selectors as portfolio_selectors
from portfolios.models import Criterion

from . import forms, selectors, services


@login_required
def guide(request):
    """The whole guide, for reading or printing: the current version, or ?version=N."""
    criteria_set = portfolio_selectors.current_criteria_set()
    number = request.GET.get("version", "")
    version = (
        selectors.version_get(criteria_set, int(number))
        if number.isdigit() and len(number) < 5
        else selectors.current_version(criteria_set)
    )
    context = {
        "criteria_set": criteria_set,
        "version": version,
        "current": selectors.current_version(criteria_set),
        "entries": selectors.entries(version, figures=selectors.sent_back_figures()),
    }
    return render(request, "portfolios/guidance/guide.html", context)


@admin_required
def manage(request):
    criteria_set = portfolio_selectors.current_criteria_set()
    version = selectors.current_version(criteria_set)
    context = {
        "criteria_set": criteria_set,
        "version": version,
        "entries": selectors.entries(version),
        "versions": selectors.versions_for(criteria_set),
    }
    return render(request, "portfolios/guidance/manage.html", context)


@admin_required
def edit(request, number):
    criteria_set = portfolio_selectors.current_criteria_set()
    criterion = get_object_or_404(Criterion, criteria_set=criteria_set, number=number)
    entry = selectors.entry_for(selectors.current_version(criteria_set), criterion)
    initial = {name: getattr(entry, name) for name in entry.FIELDS} if entry else {}
    form = forms.GuidanceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.guidance_publish(criterion=criterion, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Guidance for criterion {number} published as version {version.number}")
            return redirect("portfolios:guidance_manage")
    return render(request, "portfolios/guidance/edit.html", {"form": form, "criterion": criterion})
