"""Pages for personal data: the public privacy notice and accessibility statement, and the H&W
admins' retention schedule, records of processing, subject access and erasure."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accreditation.csv_export import csv_response
from accreditation.decorators import admin_required
from accreditation.errors import Refusal
from accreditation.models import User

from ..models import RetentionRun
from . import erasure, schedule, subject_access
from .forms import ErasureForm, PeriodForm, SubjectSearchForm

# The day the pages the portal shows were last checked with axe (WCAG 2.2 AA) by the browser suite.
ACCESSIBILITY_CHECKED_ON = "2 December 2026"


def _refused(form, refusal: Refusal):
    for message in refusal.messages:
        form.add_error(None, message)


@require_GET
def privacy_notice(request):
    context = {
        "rows": schedule.schedule_rows(),
        "controller": settings.COUNCIL_NAME,
        "dpo_email": settings.DATA_PROTECTION_EMAIL,
    }
    return render(request, "insight/privacy/privacy_notice.html", context)


@require_GET
def accessibility_statement(request):
    return render(request, "insight/privacy/accessibility.html", {"checked_on": ACCESSIBILITY_CHECKED_ON})


def _schedule_page(request, forms=None, status=200):
    rows = schedule.preview()
    forms = forms or {}
    for row in rows:
        kind = row["kind"]
        if kind.editable:
            row["form"] = forms.get(kind.key) or PeriodForm(kind=kind, initial={"amount": schedule.periods()[kind.key]})
    context = {"rows": rows, "runs": RetentionRun.objects.all()[:10]}
    return render(request, "insight/privacy/retention_records.html", context, status=status)


@admin_required
@require_GET
def retention_records(request):
    return _schedule_page(request)


@admin_required
@require_POST
def retention_period(request, kind):
    record_kind = schedule.KINDS_BY_KEY.get(kind)
    if record_kind is None or not record_kind.editable:
        return render(request, "errors/404.html", status=404)
    form = PeriodForm(request.POST, kind=record_kind)
    if form.is_valid():
        try:
            schedule.period_update(kind_key=kind, amount=form.cleaned_data["amount"], by=request.user)
        except Refusal as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, f"{record_kind.name}: the period is saved.")
            return redirect("insight:retention_records")
    return _schedule_page(request, forms={kind: form}, status=400)


@admin_required
@require_POST
def retention_run_now(request):
    run = schedule.sweep(trigger="admin")
    if run.status == RetentionRun.Status.SKIPPED:
        messages.info(request, "Another retention run is in progress; nothing more was removed.")
    else:
        total = sum(run.counts.values())
        messages.success(
            request, f"The retention schedule was applied: {total} record{'s' if total != 1 else ''} removed."
        )
    return redirect("insight:retention_records")


@admin_required
@require_GET
def records_of_processing(request):
    header = ["Kind of data", "What it holds", "Purpose", "Legal basis", "Retention period", "Where it is stored"]
    rows = (
        [row["kind"].name, row["kind"].holds, row["kind"].purpose, row["kind"].basis, row["period"], row["kind"].where]
        for row in schedule.schedule_rows()
    )
    return csv_response("records-of-processing.csv", header, rows)


@admin_required
@require_GET
def subject_access_search(request):
    form = SubjectSearchForm(request.GET or None)
    people, query = None, ""
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        people = subject_access.people_matching(query)
        subject_access.record_search(query=query, matches=len(people), by=request.user)
    return render(
        request,
        "insight/privacy/subject_access.html",
        {
            "form": form,
            "people": people,
            "query": form.cleaned_data.get("q") if form.is_bound and form.is_valid() else "",
        },
    )


@admin_required
@require_POST
def subject_access_download(request):
    user = None
    if request.POST.get("user"):
        user = get_object_or_404(User, pk=request.POST["user"] if request.POST["user"].isdigit() else 0)
    email = (request.POST.get("email") or "").strip()[:254]
    if user is None and not email:
        return redirect("insight:subject_access")
    name, content = subject_access.subject_access_zip(email=email, user=user, by=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@admin_required
def person_erase(request, pk):
    person = get_object_or_404(User, pk=pk)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.person_erase(user=person, by=request.user, reason=form.cleaned_data["reason"])
        except Refusal as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, "The person has been anonymised. What stays is listed below.")
            return redirect("insight:subject_access")
    context = {
        "person": person,
        "form": form,
        "refusals": erasure.erasure_refusals(person),
        "kept": erasure.what_stays(person),
    }
    return render(request, "insight/privacy/erase.html", context, status=400 if form.errors else 200)
