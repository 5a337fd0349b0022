from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accreditation.downloads import private_download, stored_file_response
from accreditation.errors import Refusal, show_refusal
from accreditation.permissions import is_hw_admin
from schools.models import School
from schools.permissions import is_school_lead
from schools.selectors import school_for_user
from schools.versions import cached_render

from . import (
    exports,
    forms,
    meetings,
    page_versions,
    pdf_exports,
    permissions,
    renewals,
    returns_summary,
    selectors,
    services,
    uploads,
)
from .advice import selectors as advice_selectors
from .exemplars import selectors as exemplar_selectors
from .guidance import selectors as guidance_selectors
from .models import Application, Criterion
from .readiness import forms as readiness_forms
from .readiness import services as readiness_services


def _bound(request):
    """Form data only for a POST (an empty POST still binds, so its errors show)."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


@login_required
def portfolio_home(request):
    if is_hw_admin(request.user):
        return redirect("portfolios:admin_schools")
    school = school_for_user(request.user)
    if school is None:
        raise Http404("No school")
    return redirect("portfolios:school", school_id=school.pk)


@login_required
def admin_schools(request):
    if not is_hw_admin(request.user):
        raise Http404
    schools = (
        School.objects.filter(Q(memberships__is_active=True) | Q(applications__isnull=False))
        .distinct()
        .annotate(evidence_count=Count("evidence_items", distinct=True))
        .order_by("name")
    )
    applications = selectors.applications_for_admin().exclude(state__in=Application.CLOSED_STATES)
    return render(request, "portfolios/admin_schools.html", {"schools": schools, "applications": applications})


@login_required
def school_portfolio(request, school_id):
    school = selectors.school_for_portfolio(request.user, school_id)
    applications = selectors.applications_for_school(school)
    current = next((a for a in applications if a.is_open), None)
    opens_on = selectors.renewal_opens_on(school)
    renewal_not_open = opens_on is not None and timezone.localdate() < opens_on
    return render(
        request,
        "portfolios/school.html",
        {
            "school": school,
            "current": current,
            "past": [a for a in applications if not a.is_open],
            "previous_award": selectors.previous_award(school),
            "evidence_count": selectors.evidence_for_school(school).count(),
            "can_start": current is None
            and not renewal_not_open
            and permissions.can_start_application(request.user, school),
            "renewal_opens_on": opens_on,
            "renewal_not_open": renewal_not_open,
            "renewal_window_months": settings.RENEWAL_WINDOW_MONTHS,
            "can_record_hard_copy": current is None and permissions.can_record_hard_copy(request.user),
        },
    )


@login_required
@cached_render(
    "evidence_library",
    version=page_versions.of_school,
    check=page_versions.may_see_portfolio,
    query=("criterion", "kind", "age", "sort", "page"),  # a search (q) is drawn each time
)
def evidence_library(request, school_id):
    school = selectors.school_for_portfolio(request.user, school_id)
    today = timezone.localdate()
    open_app = selectors.open_application(school)
    if open_app is not None and open_app.meeting_date:
        meeting_date = open_app.meeting_date
    else:
        meeting_date = getattr(meetings.next_meeting_for_submission(today), "date", None)
    criteria = Criterion.objects.filter(criteria_set__is_current=True).order_by("number")
    form = forms.LibraryFilterForm(request.GET, criteria=criteria, meeting_date=meeting_date)
    filters = form.filters()
    items = selectors.evidence_search(school, as_of=today, meeting_date=meeting_date, **filters)
    page = Paginator(items, selectors.LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portfolios/evidence_library.html",
        {
            "school": school,
            "form": form,
            "page": page,
            "items": page.object_list,
            "filtered": bool(filters.keys() - {"sort"}),
            "query_string": urlencode(filters),
            "frozen_ids": selectors.frozen_evidence_ids(school),
            "used": uploads.human_size(selectors.evidence_used_bytes(school)),
            "can_manage": permissions.can_manage_evidence(request.user, school),
            "today": today,
        },
    )


def _linked_note(items) -> str:
    numbers = sorted({n for item in items for n in getattr(item, "linked_criteria", [])})
    if not numbers:
        return ""
    listed = ", ".join(map(str, numbers[:-1])) + (" and " if len(numbers) > 1 else "") + str(numbers[-1])
    return f", and linked to criteri{'a' if len(numbers) > 1 else 'on'} {listed} of your application"


def _ask_for_files_again(request, form):
    """A browser never re-sends a chosen file: say so on the file field when other errors sent the page back."""
    for name in ("files", "scan"):
        if name in form.fields and request.FILES.getlist(name) and not form.has_error(name):
            form.add_error(name, "Choose the file again: files are not kept when there is a problem on the page")


def _evidence_form_view(request, school_id, form_class, template, save):
    school = selectors.school_for_portfolio(request.user, school_id)
    if not permissions.can_manage_evidence(request.user, school):
        raise PermissionDenied
    criteria_set = selectors.current_criteria_set()
    form = form_class(*_bound(request), criteria_set=criteria_set, application=selectors.open_application(school))
    is_xhr = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    if request.method == "POST" and form.is_valid():
        try:
            message = save(school, form.cleaned_data)
        except Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, message)
            url = reverse("portfolios:evidence_library", args=[school.pk])
            return JsonResponse({"redirect": url}) if is_xhr else redirect(url)
    if request.method == "POST":
        _ask_for_files_again(request, form)
    status = 400 if request.method == "POST" and is_xhr else 200
    context = {"form": form, "school": school, "max_size": uploads.human_size(settings.EVIDENCE_MAX_FILE_BYTES)}
    return render(request, template, context, status=status)


@login_required
def evidence_upload(request, school_id):
    def save(school, data):
        items = services.evidence_add_files(
            school=school,
            actor=request.user,
            files=data["files"],
            title=data["title"],
            description=data["description"],
            produced_on=data["produced_on"],
            impact=data["impact"],
            criteria=data["criteria"],
        )
        return f"{len(items)} file{'s' if len(items) != 1 else ''} added to your evidence library{_linked_note(items)}"

    return _evidence_form_view(request, school_id, forms.EvidenceFilesForm, "portfolios/evidence_upload.html", save)


@login_required
def evidence_add_link(request, school_id):
    def save(school, data):
        item = services.evidence_add_link(school=school, actor=request.user, **data)
        return f"“{item.title}” added to your evidence library{_linked_note([item])}"

    return _evidence_form_view(request, school_id, forms.EvidenceLinkForm, "portfolios/evidence_link.html", save)


@login_required
def evidence_add_hard_copy(request, school_id):
    def save(school, data):
        item = services.evidence_add_hard_copy(school=school, actor=request.user, **data)
        return f"Hard copy “{item.title}” recorded{_linked_note([item])}"

    return _evidence_form_view(
        request, school_id, forms.EvidenceHardCopyForm, "portfolios/evidence_hard_copy.html", save
    )


@login_required
def evidence_detail(request, pk):
    item = selectors.evidence_get_for_user(request.user, pk)
    return render(
        request,
        "portfolios/evidence_detail.html",
        {
            "item": item,
            "school": item.school,
            "frozen": selectors.evidence_is_frozen(item),
            "can_manage": permissions.can_manage_evidence(request.user, item.school),
            "applications": Application.objects.filter(responses__evidence=item).distinct(),
        },
    )


@login_required
def evidence_edit(request, pk):
    item = selectors.evidence_get_for_user(request.user, pk)
    if not permissions.can_manage_evidence(request.user, item.school):
        raise PermissionDenied
    initial = {
        "title": item.title,
        "description": item.description,
        "produced_on": item.produced_on,
        "impact": item.impact,
        "criteria": item.criteria.all(),
        "url": item.url,
        "received_on": item.received_on,
    }
    form = forms.EvidenceEditForm(
        *_bound(request)[:1],
        initial=initial,
        item=item,
        criteria_set=selectors.current_criteria_set(),
        application=selectors.open_application(item.school),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(item=item, actor=request.user, **form.cleaned_data)
        except Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"“{item.title}” updated{_linked_note([item])}")
            return redirect("portfolios:evidence_detail", pk=item.pk)
    frozen = selectors.evidence_is_frozen(item)
    return render(request, "portfolios/evidence_edit.html", {"form": form, "item": item, "frozen": frozen})


@login_required
def evidence_delete(request, pk):
    item = selectors.evidence_get_for_user(request.user, pk)
    if not permissions.can_manage_evidence(request.user, item.school):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            services.evidence_delete(item=item, actor=request.user)
        except Refusal as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, f"“{item.title}” deleted")
            return redirect("portfolios:evidence_library", school_id=item.school_id)
    frozen = selectors.evidence_is_frozen(item)
    return render(request, "portfolios/evidence_delete.html", {"item": item, "frozen": frozen, "error": error})


@login_required
def evidence_download(request, pk):
    item = selectors.evidence_get_for_user(request.user, pk)
    if not item.file_available:  # no file, or not (yet) through the virus check
        raise Http404("No file")
    services.evidence_download_record(actor=request.user, item=item, via="evidence library")
    return stored_file_response(item.file.name, filename=item.original_name, content_type=item.content_type)


@login_required
@require_POST
def application_start(request, school_id):
    school = selectors.school_for_portfolio(request.user, school_id)
    try:
        application = services.application_start(school=school, actor=request.user)
    except Refusal as error:
        messages.error(request, error.messages[0])
        return redirect("portfolios:school", school_id=school.pk)
    messages.success(request, f"{application.get_kind_display()} started")
    return redirect("portfolios:application", pk=application.pk)


@login_required
def renewal_start(request, school_id):
    """Start a renewal from the last award: the development area from its feedback, evidence
    carried forward, what must be replaced, the action plan and when the new award would run."""
    school = selectors.school_for_portfolio(request.user, school_id)
    previous = selectors.previous_award(school)
    if previous is None:
        raise Http404("No award to renew")
    if not permissions.can_start_application(request.user, school):
        raise PermissionDenied
    current = selectors.open_application(school)
    areas = renewals.previous_areas(previous)
    form = forms.RenewalStartForm(request.POST if request.method == "POST" else None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                school=school, actor=request.user, development_area=form.cleaned_data["development_area"]
            )
        except Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Renewal started: your development area and evidence still in date are filled in")
            return redirect("portfolios:application", pk=application.pk)
    context = {
        "school": school,
        "previous": previous,
        "current": current,
        "form": form,
        "areas": areas,
        "carry": renewals.carry_forward(previous),
        "preview": renewals.award_preview(school),
    }
    return render(request, "portfolios/renewal_start.html", context, status=400 if form.errors else 200)


@login_required
def application_start_hard_copy(request, school_id):
    school = selectors.school_for_portfolio(request.user, school_id)
    if not permissions.can_record_hard_copy(request.user):
        raise PermissionDenied
    form = forms.HardCopyApplicationForm(*_bound(request)[:1])
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                school=school, actor=request.user, hard_copy_received_on=form.cleaned_data["received_on"]
            )
        except Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Paper portfolio started: record its evidence and link it to each criterion")
            return redirect("portfolios:application", pk=application.pk)
    return render(request, "portfolios/application_hard_copy.html", {"form": form, "school": school})


@login_required
@cached_render("task_list", version=page_versions.of_application, check=page_versions.may_see_application)
def application_detail(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    rows = selectors.task_list(application)
    comments = list(advice_selectors.comments_for_application(application).filter(request__completed_at__isnull=False))
    pdf_in_background = exports.pdf_made_in_background(sum(row.evidence_count for row in rows))
    return render(
        request,
        "portfolios/application.html",
        {
            "application": application,
            "school": application.school,
            "rows": rows,
            "problems": selectors.submission_problems(
                application, user=request.user, check_declarations=False, rows=rows
            ),
            "can_work": permissions.can_work_on_application(request.user, application),
            "can_submit": permissions.can_submit(request.user, application),
            "can_withdraw": permissions.can_withdraw(request.user, application),
            "transitions": application.transitions.select_related("actor"),
            "advice_open": advice_selectors.open_request_for(application),
            "advice_comments": comments,
            "today": timezone.localdate(),
            "advice_shared": bool(comments) and advice_selectors.is_shared(application),
            "consent": exemplar_selectors.consent_for(application)
            if application.state != Application.State.DRAFT
            else None,
            "is_lead": is_school_lead(request.user, application.school),
            "pdf_in_background": pdf_in_background,
            "pdf_export": selectors.latest_pdf_export(application) if pdf_in_background else None,
        },
    )


@login_required
def criterion_edit(request, pk, number):
    response = selectors.response_get_for_user(request.user, pk, number)
    application = response.application
    criterion = response.criterion
    rating = getattr(response, "self_rating", None)  # the criterion's self-rating, if the school gave one
    linked = list(response.evidence.all())
    initial = {
        "self_evaluation": response.self_evaluation,
        "evidence": linked,
        "rating": rating.rating if rating else "not_started",
        "reason": rating.reason if rating else "",
    }
    for index, ids in (rating.outcome_evidence if rating else {}).items():
        initial[f"outcome_{index}"] = ids
    form = readiness_forms.CriterionWorkForm(
        *_bound(request)[:1],
        initial=initial,
        school=application.school,
        outcomes=criterion.outcomes,
        linked_ids=[item.pk for item in linked],
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.outcome_names}
        try:
            readiness_services.criterion_self_evaluate(response=response, actor=request.user, **data)
        except Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Criterion {number} saved")
            return redirect("portfolios:application", pk=application.pk)
    version = guidance_selectors.guidance_for_application(application)
    entry = guidance_selectors.entry_for(version, criterion)
    context = {
        "form": form,
        "response": response,
        "application": application,
        "criterion": criterion,
        "can_edit": permissions.can_edit_response(request.user, response),
        "linked": linked,
        "rating": rating,
        "today": timezone.localdate(),
        "guidance": entry,
        "figure": guidance_selectors.sent_back_figures().get(number),
        "advice_comments": advice_selectors.comments_for_criterion(application, criterion),
        "can_mark_advice": application.state == Application.State.DRAFT
        and permissions.can_work_on_application(request.user, application)
        and not is_hw_admin(request.user),
    }
    return render(request, "portfolios/criterion.html", context)


@login_required
def renewal_edit(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    if not application.is_renewal:
        raise Http404
    if not permissions.can_work_on_application(request.user, application):
        raise PermissionDenied
    initial = {
        "development_area": application.development_area,
        "development_progress": application.development_progress,
    }
    form = forms.RenewalForm(*_bound(request)[:1], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update_renewal(application=application, actor=request.user, **form.cleaned_data)
        except Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Development area saved")
            return redirect("portfolios:application", pk=application.pk)
    return render(request, "portfolios/renewal.html", {"form": form, "application": application})


@login_required
def application_submit(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    form = forms.SubmitForm(*_bound(request)[:1])
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(application=application, actor=request.user, **form.cleaned_data)
        except (Refusal, PermissionDenied) as error:
            show_refusal(form, error if isinstance(error, Refusal) else Refusal(str(error)))
        else:
            messages.success(request, "Application submitted. We have emailed you a confirmation.")
            return redirect("portfolios:application", pk=application.pk)
    rows = selectors.task_list(application)
    context = {
        "form": form,
        "application": application,
        "problems": selectors.submission_problems(application, user=request.user, check_declarations=False, rows=rows),
        "rows": rows,
        "award_preview": renewals.award_preview(application.school) if application.is_renewal else None,
    }
    return render(request, "portfolios/submit.html", context)


@login_required
def application_withdraw(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    if not permissions.can_withdraw(request.user, application):
        raise PermissionDenied
    form = forms.WithdrawForm(*_bound(request)[:1])
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(application=application, actor=request.user, **form.cleaned_data)
        except Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Application withdrawn")
            return redirect("portfolios:school", school_id=application.school_id)
    return render(request, "portfolios/withdraw.html", {"form": form, "application": application})


@login_required
def export_pdf(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    if exports.pdf_made_in_background(selectors.evidence_link_count(application)):
        export = pdf_exports.portfolio_export_request(application=application, actor=request.user)
        return redirect("portfolios:pdf_export", pk=application.pk, export_id=export.pk)
    response = HttpResponse(exports.portfolio_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.export_name(application, "pdf")}"'
    return private_download(response)


# While an export is being made its page asks the browser to load it again this often (seconds).
PDF_EXPORT_REFRESH_SECONDS = 3


@login_required
def pdf_export(request, pk, export_id):
    export = selectors.pdf_export_get_for_user(request.user, pk, export_id)
    context = {"export": export, "application": export.application, "refresh_seconds": PDF_EXPORT_REFRESH_SECONDS}
    return render(request, "portfolios/pdf_export.html", context)


@login_required
def pdf_export_download(request, pk, export_id):
    export = selectors.pdf_export_get_for_user(request.user, pk, export_id)
    if export.status != export.Status.DONE:
        raise Http404("The PDF is not ready")
    name = exports.export_name(export.application, "pdf")
    return stored_file_response(export.file.name, filename=name, content_type="application/pdf")


@login_required
@require_POST
def pdf_export_again(request, pk, export_id):
    export = selectors.pdf_export_get_for_user(request.user, pk, export_id)
    again = pdf_exports.portfolio_export_request(application=export.application, actor=request.user)
    return redirect("portfolios:pdf_export", pk=pk, export_id=again.pk)


@login_required
def export_zip(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    services.evidence_download_record(actor=request.user, application=application, via="portfolio export")
    response = StreamingHttpResponse(exports.evidence_zip_chunks(application), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exports.export_name(application, "zip")}"'
    return private_download(response)


@login_required
def returns_summary_add(request, school_id):
    school = selectors.school_for_portfolio(request.user, school_id)
    if not permissions.can_manage_evidence(request.user, school):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            item = returns_summary.returns_summary_attach(school=school, actor=request.user)
        except Refusal as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, f"“{item.title}” added to your evidence library for criterion 8")
            return redirect("portfolios:evidence_detail", pk=item.pk)
    trend = returns_summary.summary_trend(school)
    context = {"school": school, "trend": trend, "error": error}
    return render(request, "portfolios/returns_summary.html", context, status=400 if error else 200)
