"""The council's indicators: list, define, targets, typed figures (H&W admins)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accreditation.decorators import admin_required
from accreditation.errors import Refusal
from insight.versions import county_page
from schools.versions import cached_render

from . import selectors, services
from .charts import trend_chart
from .forms import IndicatorForm, ManualFigureForm, TargetForm
from .sources import MANUAL


def _posted(request):
    return request.POST if request.method == "POST" else None


def _attempt(form, action):
    try:
        return action()
    except Refusal as refusal:
        for message in refusal.messages:
            form.add_error(None, message)
        return None


@admin_required
@cached_render("indicators", version=county_page)
def indicator_list(request):
    context = {"rows": selectors.all_figures(timezone.localdate())}
    return render(request, "insight/indicators/list.html", context)


@admin_required
def indicator_edit(request, pk=None):
    indicator = selectors.indicator_get(pk) if pk else None
    initial = {}
    if indicator is not None:
        initial = {
            "name": indicator.name, "description": indicator.description, "unit": indicator.unit,
            "measure": f"{indicator.source}|{indicator.parameter}", "lead_officer": indicator.lead_officer,
            "higher_is_better": "higher" if indicator.higher_is_better else "lower",
            "baseline_value": indicator.baseline_value, "baseline_year": indicator.baseline_year,
        }  # fmt: skip
    form = IndicatorForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        saved = _attempt(form, lambda: services.indicator_save(actor=request.user, indicator=indicator, **fields))
        if saved is not None:
            messages.success(request, f"The indicator “{saved.name}” is saved.")
            return redirect("insight:indicator", pk=saved.pk)
    heading = "Change the indicator" if indicator else "Define an indicator"
    return render(request, "insight/indicators/form.html", {"form": form, "indicator": indicator, "heading": heading})


def _detail(request, indicator, *, target_form=None, figure_form=None, status=200):
    figures = selectors.figures_for(indicator, timezone.localdate())
    suffix = "%" if indicator.unit == "percentage" else ""
    context = {
        "indicator": indicator,
        "figures": figures,
        "source": selectors.source_label(indicator),
        "chart": trend_chart(figures, chart_id="indicator-trend", unit_suffix=suffix),
        "target_form": target_form or TargetForm(),
        "figure_form": (figure_form or ManualFigureForm()) if indicator.source == MANUAL else None,
        "suffix": suffix,
    }
    return render(request, "insight/indicators/detail.html", context, status=status)


@admin_required
def indicator_detail(request, pk):
    return _detail(request, selectors.indicator_get(pk))


@require_POST
@admin_required
def target_set(request, pk):
    indicator = selectors.indicator_get(pk)
    form = TargetForm(request.POST)
    if form.is_valid() and _attempt(
        form, lambda: services.indicator_target_set(indicator=indicator, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "The target is set.")
        return redirect("insight:indicator", pk=indicator.pk)
    return _detail(request, indicator, target_form=form, status=400)


@require_POST
@admin_required
def target_remove(request, pk, year):
    indicator = selectors.indicator_get(pk)
    services.indicator_target_remove(indicator=indicator, actor=request.user, year=year)
    messages.success(request, "The target is removed.")
    return redirect("insight:indicator", pk=indicator.pk)


@require_POST
@admin_required
def figure_record(request, pk):
    indicator = selectors.indicator_get(pk)
    form = ManualFigureForm(request.POST)
    if form.is_valid() and _attempt(
        form, lambda: services.manual_figure_record(indicator=indicator, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "The figure is recorded.")
        return redirect("insight:indicator", pk=indicator.pk)
    return _detail(request, indicator, figure_form=form, status=400)
