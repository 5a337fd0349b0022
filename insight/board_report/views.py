"""The board report: request one, follow its progress, read it, comment, download PDF and CSVs."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accreditation.csv_export import csv_response
from accreditation.decorators import admin_required
from accreditation.errors import Refusal

from . import services
from .forms import BoardReportForm, CommentaryForm
from .models import BoardReport
from .presentation import sections_for_display


@admin_required
def report_list(request):
    form = BoardReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.board_report_request(actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            return redirect("insight:board_report", pk=report.pk)
    reports = BoardReport.objects.defer("pdf", "sections").select_related("requested_by")[:50]
    return render(request, "insight/board_report/list.html", {"form": form, "reports": reports})


def _report(pk) -> BoardReport:
    return get_object_or_404(BoardReport, pk=pk)


@admin_required
def report_detail(request, pk):
    report = _report(pk)
    form = CommentaryForm(sections=report.sections, initial=report.commentary) if report.is_ready else None
    context = {"report": report, "sections": sections_for_display(report), "form": form}
    return render(request, "insight/board_report/detail.html", context)


@require_POST
@admin_required
def report_commentary(request, pk):
    report = _report(pk)
    form = CommentaryForm(request.POST, sections=report.sections)
    if form.is_valid():
        try:
            services.board_report_comment(report=report, actor=request.user, commentary=form.cleaned_data)
        except Refusal as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, "The commentary is saved; the PDF now includes it.")
        return redirect("insight:board_report", pk=report.pk)
    context = {"report": report, "sections": sections_for_display(report), "form": form}
    return render(request, "insight/board_report/detail.html", context, status=400)


@require_POST
@admin_required
def report_retry(request, pk):
    try:
        services.board_report_retry(report=_report(pk), actor=request.user)
    except Refusal as refusal:
        messages.error(request, refusal.messages[0])
    return redirect("insight:board_report", pk=pk)


@require_GET
@admin_required
def report_pdf(request, pk):
    report = _report(pk)
    if not report.pdf:
        raise Http404("The PDF is not ready yet")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="board-report-{report.period_start}-{report.period_end}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@admin_required
def report_csv(request, pk, table):
    report = _report(pk)
    found = report.table(table)
    if found is None:
        raise Http404("No such table")
    return csv_response(f"board-report-{report.pk}-{table}.csv", found["header"], found["rows"])
