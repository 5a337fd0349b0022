import hashlib
import secrets

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from accreditation import throttle
from accreditation.csv_export import csv_response
from accreditation.decorators import admin_required
from accreditation.downloads import private_download
from accreditation.errors import Refusal, show_refusal
from accreditation.middleware import client_ip
from accreditation.permissions import is_hw_admin
from schools.returns.rules import year_groups_for_phase
from schools.selectors import school_for_user

from .. import selectors as portfolio_selectors
from . import charts, exports, forms, permissions, selectors, services
from .models import Question

DEVICE_COOKIE_SALT = "survey-device"


def _own_school(request):
    school = school_for_user(request.user)
    if school is None:
        raise Http404("No school")
    return school


def _window_for_viewer(request, pk):
    """A school's own window for its people; any window (aggregates only) for the H&W team."""
    if is_hw_admin(request.user) and school_for_user(request.user) is None:
        return selectors.window_for_admin(pk)
    window = selectors.window_for_school(_own_school(request), pk)
    if not permissions.can_view_results(request.user, window.school):
        raise Http404("No such survey")
    return window


# ----------------------------------------------------------------------------- pupils (no sign-in)


def _address_digest(request):
    """A one-way digest of the client address, for cache keys that expire (never stored in a table)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()[:32]


def _device_count(request, window) -> int:
    try:
        return int(request.get_signed_cookie(f"survey_{window.code}", default=0, salt=DEVICE_COOKIE_SALT))
    except ValueError:
        return 0


@require_http_methods(["GET"])
def survey_start(request):
    form = forms.CodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        if not throttle.allow(
            key=f"survey-code:{_address_digest(request)}", limit=settings.SURVEY_CODE_TRIES_PER_HOUR,
            window_seconds=3600,
        ):  # fmt: skip
            form.add_error("code", "Too many codes have been tried from your connection. Wait a while and try again")
        elif (window := selectors.window_by_code(form.cleaned_data["code"])) is None:
            form.add_error("code", "There is no survey with that code. Check the code with your teacher")
        else:
            return redirect("surveys:take", code=window.code)
    return render(request, "surveys/pupil/start.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def survey_take(request, code):
    window = selectors.window_by_code(code)
    if window is None:
        return render(request, "surveys/pupil/unavailable.html", {"state": "missing"}, status=404)
    if window.code != code:  # typed in lower case or with the dash
        return redirect("surveys:take", code=window.code)
    state = selectors.window_state(window)
    if state != "open":
        return render(request, "surveys/pupil/unavailable.html", {"window": window, "state": state})
    if _device_count(request, window) >= settings.SURVEY_RESPONSES_PER_DEVICE:
        return render(request, "surveys/pupil/unavailable.html", {"window": window, "state": "device"}, status=429)
    questions = selectors.questions_for(window)
    form = forms.SurveyForm(
        request.POST if request.method == "POST" else None, questions=questions, year_groups=window.year_groups
    )
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(
            key=f"survey:{window.pk}:{_address_digest(request)}",
            limit=settings.SURVEY_RESPONSES_PER_MINUTE,
            window_seconds=60,
        ):
            return render(request, "surveys/pupil/unavailable.html", {"window": window, "state": "busy"}, status=429)
        token = request.POST.get("submission", "")[:64]
        if token and not cache.add(f"survey-submission:{token}", 1, timeout=6 * 3600):
            return redirect("surveys:thanks", code=window.code)  # the same form sent twice: kept once
        try:
            services.response_submit(window=window, answers=form.answers)
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            response = redirect("surveys:thanks", code=window.code)
            response.set_signed_cookie(
                f"survey_{window.code}", str(_device_count(request, window) + 1), salt=DEVICE_COOKIE_SALT,
                max_age=120 * 24 * 3600, secure=request.is_secure(), httponly=True, samesite="Lax",
            )  # fmt: skip
            return response
    context = {"window": window, "form": form, "submission": secrets.token_urlsafe(24), "primary": _is_primary(window)}
    return render(request, "surveys/pupil/take.html", context, status=400 if form.errors else 200)


def _is_primary(window):
    return window.questionnaire.audience == "primary_pupil"


@require_http_methods(["GET"])
def survey_thanks(request, code):
    window = selectors.window_by_code(code)
    if window is None:
        return render(request, "surveys/pupil/unavailable.html", {"state": "missing"}, status=404)
    return render(request, "surveys/pupil/thanks.html", {"window": window, "primary": _is_primary(window)})


# ----------------------------------------------------------------------------- the school


@login_required
def window_list(request):
    if permissions.can_view_county(request.user) and school_for_user(request.user) is None:
        return redirect("surveys:county")
    school = _own_school(request)
    context = {
        "school": school,
        "windows": selectors.windows_for_school(school),
        "can_run": permissions.can_run_surveys(request.user, school),
    }
    return render(request, "surveys/window_list.html", context)


@login_required
def window_new(request):
    school = _own_school(request)
    if not permissions.can_run_surveys(request.user, school):
        raise Http404("Only the lead opens surveys")
    year_groups = year_groups_for_phase(school.phase)
    form = forms.WindowForm(request.POST or None, year_groups=year_groups)
    if request.method == "POST" and form.is_valid():
        try:
            window = services.window_open(school=school, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"“{window.title}” is set up. Its code is {window.display_code}")
            return redirect("surveys:window", pk=window.pk)
    return render(request, "surveys/window_form.html", {"form": form, "school": school})


def _qr_svg(url):
    svg = segno.make(url, error="m").svg_inline(scale=6, svgclass="app-survey-qr", lineclass=None, omitsize=True)
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code for the survey link" ', 1))  # noqa: S308


@login_required
def window_detail(request, pk):
    window = _window_for_viewer(request, pk)
    link = request.build_absolute_uri(reverse("surveys:take", args=[window.code]))
    results = selectors.window_results(window)
    charts.attach(results.questions)
    lead = permissions.can_read_written_answers(request.user, window.school)
    context = {
        "window": window,
        "school": window.school,
        "state": selectors.window_state(window),
        "link": link,
        "qr": _qr_svg(link),
        "results": results,
        "written": selectors.written_answers(window) if lead and results.total.shown else None,
        "is_lead": lead,
        "can_close": permissions.can_close_window(request.user, window),
        "can_cancel": permissions.can_cancel_window(request.user, window),
        "can_change_closing_date": permissions.can_change_closing_date(request.user, window),
    }
    return render(request, "surveys/window_detail.html", context)


def _lead_window(request, pk):
    """The school's own window, for its SLT lead only (anyone else: 404)."""
    window = selectors.window_for_school(_own_school(request), pk)
    if not permissions.can_run_surveys(request.user, window.school):
        raise Http404("Only the lead changes a survey")
    return window


def _refused(request, window, refusal):
    messages.error(request, " ".join(refusal.messages))
    return redirect("surveys:window", pk=window.pk)


@login_required
def window_close(request, pk):
    window = _lead_window(request, pk)
    if not permissions.can_close_window(request.user, window):
        return redirect("surveys:window", pk=window.pk)
    if request.method == "POST":
        try:
            services.window_close(window=window, actor=request.user)
        except Refusal as refusal:
            return _refused(request, window, refusal)
        messages.success(request, f"“{window.title}” is closed. The link no longer accepts answers")
        return redirect("surveys:window", pk=window.pk)
    context = {"window": window, "school": window.school, "responses": window.responses.count()}
    return render(request, "surveys/window_close.html", context)


@login_required
def window_cancel(request, pk):
    window = _lead_window(request, pk)
    if not permissions.can_cancel_window(request.user, window):
        return redirect("surveys:window", pk=window.pk)
    if request.method == "POST":
        try:
            services.window_cancel(window=window, actor=request.user)
        except Refusal as refusal:
            return _refused(request, window, refusal)
        messages.success(request, f"“{window.title}” is cancelled")
        return redirect("surveys:windows")
    return render(request, "surveys/window_cancel.html", {"window": window, "school": window.school})


@login_required
def window_closing_date(request, pk):
    window = _lead_window(request, pk)
    if not permissions.can_change_closing_date(request.user, window):
        return redirect("surveys:window", pk=window.pk)
    form = forms.ClosingDateForm(request.POST or None, initial={"closes_on": window.closes_on})
    if request.method == "POST" and form.is_valid():
        try:
            window = services.window_change_closing_date(window=window, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"“{window.title}” now closes at the end of {window.closes_on:%A %-d %B %Y}")
            return redirect("surveys:window", pk=window.pk)
    context = {
        "form": form,
        "window": window,
        "school": window.school,
        "state": selectors.window_state(window),
        "max_days": services.MAX_WINDOW_DAYS,
    }
    return render(request, "surveys/window_closing_date.html", context)


@login_required
def window_sheet(request, pk):
    window = _window_for_viewer(request, pk)
    link = request.build_absolute_uri(reverse("surveys:take", args=[window.code]))
    start = request.build_absolute_uri(reverse("surveys:start"))
    pdf = exports.sheet_pdf(window=window, link=link, start=start, qr=_qr_svg(link))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{window.code}.pdf"'
    return private_download(response)


@login_required
def window_csv(request, pk):
    window = _window_for_viewer(request, pk)
    rows = exports.window_rows(selectors.window_results(window))
    return private_download(csv_response(f"survey-{window.code}-results.csv", *rows))


@login_required
def window_snapshot(request, pk):
    window = selectors.window_for_school(_own_school(request), pk)
    if not permissions.can_run_surveys(request.user, window.school):
        raise Http404("Only the lead adds results to the evidence library")
    criteria = portfolio_selectors.current_criteria_set().criteria.order_by("number")
    form = forms.SnapshotForm(
        request.POST or None, criteria=criteria, initial={"criteria": criteria.filter(number__in=(6, 7, 8))}
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.snapshot_attach(window=window, actor=request.user, criteria=form.cleaned_data["criteria"])
        except Refusal as refusal:  # the evidence quota too
            show_refusal(form, refusal)
        else:
            messages.success(request, f"“{item.title}” added to your evidence library")
            return redirect("portfolios:evidence_detail", pk=item.pk)
    return render(request, "surveys/snapshot.html", {"form": form, "window": window, "school": window.school})


# ----------------------------------------------------------------------------- the H&W team


def _county_filters(request):
    choices = selectors.county_filter_choices()
    form = forms.CountyFilterForm(request.GET or None, choices=choices)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {
        "audience": data.get("audience") or "secondary_pupil",
        "academic_year": data.get("year") or choices["years"][0],
        "phase": data.get("phase", ""),
        "district": data.get("district", ""),
    }


@admin_required
def county(request):
    form, filters = _county_filters(request)
    total, results = selectors.county_question_results(**filters)
    charts.attach(results, prefix="c")
    years = selectors.academic_years_with_responses()
    scope = {"audience": filters["audience"], "academic_year": filters["academic_year"]}
    context = {
        "form": form,
        "filters": filters,
        "total": total,
        "results": results,
        "charts": {
            r.question.pk: charts.question_chart(r, chart_id=f"c{r.question.number}") for r in results if r.shown
        },
        "indicator": [selectors.county_bullied_last_twelve_months(year) for year in years],
        "by_district": selectors.county_headline_by(**scope, by="district"),
        "by_phase": selectors.county_headline_by(**scope, by="phase"),
    }
    return render(request, "surveys/county.html", context)


@admin_required
def county_csv(request):
    _, filters = _county_filters(request)
    total, results = selectors.county_question_results(**filters)
    name = f"surveys-{filters['audience']}-{filters['academic_year']}.csv"
    return private_download(csv_response(name, *exports.county_rows(filters, total, results)))


@admin_required
def questionnaire_list(request):
    return render(request, "surveys/questionnaires.html", {"questionnaires": selectors.all_questionnaires()})


@admin_required
def questionnaire_detail(request, pk):
    questionnaire = get_object_or_404(selectors.all_questionnaires(), pk=pk)
    return render(request, "surveys/questionnaire.html", {"questionnaire": questionnaire})


@admin_required
def question_edit(request, pk):
    question = get_object_or_404(Question.objects.select_related("questionnaire"), pk=pk)
    form = forms.QuestionForm(request.POST or None, initial={"text": question.text, "hint": question.hint})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.question_update(question=question, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"Question {changed.number} saved in {changed.questionnaire}")
            return redirect("surveys:questionnaire", pk=changed.questionnaire_id)
    in_use = question.questionnaire.windows.exists()
    return render(request, "surveys/question_edit.html", {"form": form, "question": question, "in_use": in_use})
