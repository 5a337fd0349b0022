"""The H&W admins' dashboard, CSV exports and evidence retention pages."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from accreditation.charts import Bar, bar_chart
from accreditation.csv_export import csv_response
from accreditation.decorators import admin_required
from accreditation.errors import Refusal, show_refusal
from portfolios import retention as evidence_retention
from portfolios import selectors as portfolio_selectors
from portfolios.advice import selectors as advice_selectors
from schools.versions import cached_render

from . import dashboard as figures
from . import retention, versions
from .forms import EXPORT_FORMS, RetentionPreviewForm, RetentionScheduleForm


def _charts(data):
    coverage = lambda rows: [Bar(r.label, r.accredited, r.total) for r in rows]  # noqa: E731
    return {
        "states": bar_chart(
            title="Applications by state",
            bars=[Bar(label, count) for _, label, count in data["applications_by_state"]],
            chart_id="chart-states",
        ),
        "meetings": bar_chart(
            title="Agenda size against capacity at the next meetings",
            bars=[Bar(f"{m.date:%-d %b %Y}", m.agenda_size, m.capacity) for m in data["meetings"]],
            chart_id="chart-meetings",
        ),
        "phase": bar_chart(
            title="Accredited schools by phase", bars=coverage(data["coverage_by_phase"]), chart_id="chart-phase"
        ),
        "district": bar_chart(
            title="Accredited schools by district",
            bars=coverage(data["coverage_by_district"]),
            chart_id="chart-district",
        ),
        "criteria": bar_chart(
            title="Criteria most often sent back for further information",
            bars=[Bar(f"{c.number}. {c.title}", c.times) for c in data["criteria_sent_back"]],
            chart_id="chart-criteria",
        ),
    }


@require_GET
@admin_required
@cached_render("dashboard", version=versions.county_page, seconds=figures.DASHBOARD_PAGE_SECONDS)
def dashboard(request):
    today = timezone.localdate()
    version = figures.dashboard_version(today)
    # The page caches its rendered figures under the figures' version ({% cache %} in the
    # template), so on a repeat view neither the figures nor the charts are even loaded: both
    # are lazy, evaluated at most once, only when a fragment is rendered afresh.
    data = SimpleLazyObject(lambda: figures.dashboard_cached(today, version))
    context = {
        "as_of": today,
        "version": version,
        "cache_seconds": figures.DASHBOARD_CACHE_SECONDS,
        "figures": data,
        "charts": SimpleLazyObject(lambda: _charts(data)),
        "advice_requests": advice_selectors.open_requests(),
        # Live (the scanner's own answer), outside the cached figures: see DASHBOARD_PAGE_SECONDS.
        "scan_backlog": portfolio_selectors.evidence_scan_backlog(),
    }
    return render(request, "insight/dashboard/dashboard.html", context)


def _export_forms(data=None, bound=None):
    phases, districts = figures.school_filter_values()
    return {
        name: form_class(data if name == bound else None, prefix=name, phases=phases, districts=districts)
        for name, form_class in EXPORT_FORMS.items()
    }


@require_GET
@admin_required
def exports(request):
    return render(request, "insight/exports/exports.html", {"forms": _export_forms(), "bad_form": None})


@require_GET
@admin_required
def export_download(request, name):
    if name not in EXPORT_FORMS:
        raise Http404("No such export")
    forms = _export_forms(request.GET, bound=name)
    form = forms[name]
    if not form.is_valid():
        return render(request, "insight/exports/exports.html", {"forms": forms, "bad_form": form}, status=400)
    filename, header, rows = figures.EXPORTS[name](form.cleaned_data, timezone.localdate())
    return csv_response(filename, header, rows)


@require_GET
@admin_required
def retention_preview(request):
    form = RetentionPreviewForm(request.GET if "as_of" in request.GET else None)
    as_of = form.cleaned_data["as_of"] if form.is_valid() else timezone.localdate()
    rows = retention.retention_preview(as_of=as_of) if not form.errors else []
    context = {
        "form": form,
        "as_of": as_of,
        "rows": rows,
        "total_files": sum(r.files for r in rows),
        "total_bytes": sum(r.bytes for r in rows),
        "schedule": evidence_retention.schedule_get(),
        "is_today": as_of == timezone.localdate(),
    }
    return render(request, "insight/retention/preview.html", context, status=400 if form.errors else 200)


@require_POST
@admin_required
def retention_run_now(request):
    result = retention.retention_run(as_of=timezone.localdate(), force=True)
    if result.files:
        messages.success(request, f"{result.files} evidence file{'s' if result.files != 1 else ''} deleted")
    else:
        messages.success(request, "No evidence files were due for deletion")
    if result.failed:
        messages.error(request, f"{result.failed} file(s) could not be deleted from storage; the next run tries again")
    return redirect("insight:retention_preview")


@admin_required
def retention_schedule(request):
    schedule = evidence_retention.schedule_get()
    initial = {
        "years_after_award_expiry": schedule.years_after_award_expiry,
        "years_after_decision": schedule.years_after_decision,
        "is_active": schedule.is_active,
    }
    form = RetentionScheduleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_retention.schedule_update(actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "Retention schedule saved")
            return redirect("insight:retention_preview")
    return render(request, "insight/retention/schedule.html", {"form": form, "schedule": schedule})
