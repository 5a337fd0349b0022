from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accreditation.csv_export import csv_response
from accreditation.decorators import admin_required
from accreditation.errors import show_refusal
from schools.models import IncidentType, Term
from schools.selectors import school_for_user

from . import charts, permissions, selectors, services, uses
from .forms import AddYearForm, IncidentReturnForm, IncidentTypeForm, TermForm
from .rules import parse_academic_year, propose_terms


def _posted(request):
    return request.POST if request.method == "POST" else None


def _own_school(request):
    school = school_for_user(request.user)
    if school is None:
        raise Http404("No school")
    return school


# ----------------------------------------------------------------------------- school users


@login_required
def returns_home(request):
    if permissions.can_manage_returns(request.user) and school_for_user(request.user) is None:
        return redirect("schools:returns_trends")
    school = _own_school(request)
    today = timezone.localdate()
    trend = selectors.school_trend(school, exact=True)
    context = {
        "school": school,
        "rows": selectors.terms_for_school(school, today),
        "today": today,
        "trend": trend,
        "chart": charts.trend_chart(trend, chart_id="school-trend", include_total=True) if trend.terms else None,
        "uses": uses.uses_for(school),
    }
    return render(request, "schools/returns/school_home.html", context)


def _return_form(request, school, *, current=None, correction=False):
    initial = IncidentReturnForm.initial_from(current) if current else None
    return IncidentReturnForm(
        _posted(request),
        initial=initial,
        incident_types=selectors.types_for_form(current),
        year_groups=selectors.year_groups_for(school, current),
        correction=correction,
    )


@login_required
def return_submit(request, term_id):
    school = _own_school(request)
    term = selectors.term_for_return(term_id)
    existing = school.incident_returns.filter(term=term).first()
    if existing is not None and request.method == "GET":
        messages.info(request, f"Your school has already made its return for the {term}. You can correct it here.")
        return redirect("schools:return_detail", pk=existing.pk)
    form = _return_form(request, school)
    if request.method == "POST" and form.is_valid():
        try:
            incident_return = services.return_submit(school=school, term=term, actor=request.user, figures=form.figures)
        except services.ReturnRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"Return for the {term} submitted")
            return redirect("schools:return_detail", pk=incident_return.pk)
    is_open = term.is_open_on(timezone.localdate())
    context = {"form": form, "term": term, "school": school, "is_open": is_open}
    return render(request, "schools/returns/form.html", context)


@login_required
def return_detail(request, pk):
    incident_return = selectors.return_for_viewer(request.user, pk)
    exact = permissions.sees_unsuppressed(request.user, incident_return.school)
    versions = [
        {"version": v, "figures": selectors.shown_figures(v, exact=exact)} for v in incident_return.versions.all()
    ]
    context = {
        "incident_return": incident_return,
        "school": incident_return.school,
        "current": versions[0],
        "earlier": versions[1:],
        "can_correct": permissions.can_submit_return(request.user, incident_return.school),
    }
    return render(request, "schools/returns/detail.html", context)


@login_required
def return_correct(request, pk):
    incident_return = selectors.return_for_viewer(request.user, pk)
    if not permissions.can_submit_return(request.user, incident_return.school):
        raise Http404("No such return")
    current = selectors.current_version(incident_return)
    form = _return_form(request, incident_return.school, current=current, correction=True)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.return_correct(
                incident_return=incident_return,
                actor=request.user,
                figures=form.figures,
                reason=form.cleaned_data["reason"],
            )
        except services.ReturnRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"Correction saved as version {version.number}. Earlier versions are kept.")
            return redirect("schools:return_detail", pk=incident_return.pk)
    context = {"form": form, "term": incident_return.term, "school": incident_return.school}
    context |= {"incident_return": incident_return, "current": current}
    return render(request, "schools/returns/form.html", context)


# ----------------------------------------------------------------------------- the authority


def _trend_request(request):
    by = request.GET.get("by", "type")
    by = by if by in selectors.TREND_DIMENSIONS else "type"
    measure = request.GET.get("measure", "bullying")
    measure = measure if measure in selectors.MEASURES else "bullying"
    phases, districts = selectors.trend_filters()
    phase = request.GET.get("phase", "")
    district = request.GET.get("district", "")
    terms = selectors.trend_terms(timezone.localdate())
    trend = selectors.authority_trend(
        terms=terms,
        by=by,
        measure=measure,
        phase=phase if phase in phases else "",
        district=district if district in districts else "",
    )
    choices = {"by": by, "measure": measure, "phase": phase, "district": district}
    return trend, choices, phases, districts


@admin_required
def returns_trends(request):
    trend, choices, phases, districts = _trend_request(request)
    context = {
        "trend": trend,
        "chart": charts.trend_chart(trend, chart_id="authority-trend", include_total=True) if trend.terms else None,
        "choices": choices,
        "phases": phases,
        "districts": districts,
        "dimensions": selectors.TREND_DIMENSIONS,
        "measures": selectors.MEASURES,
        "query": request.GET.urlencode(),
    }
    return render(request, "schools/returns/trends.html", context)


@admin_required
def returns_trends_csv(request):
    trend, choices, _, _ = _trend_request(request)
    header = [trend.first_column] + [term.short_label for term in trend.terms]
    rows = [[label, *[("" if v is None else v) for v in values]] for label, values in trend.rows]
    rows.append(["All returns", *[("" if v is None else v) for v in trend.total]])
    rows.append(["Returns received", *trend.returns_received])
    return csv_response(f"incident-returns-by-{choices['by']}-{choices['measure']}.csv", header, rows)


@admin_required
def returns_late(request):
    late = selectors.late_returns(timezone.localdate())
    return render(request, "schools/returns/late.html", {"late": late})


@admin_required
def term_list(request):
    terms = Term.objects.order_by("-starts_on")
    return render(request, "schools/returns/terms.html", {"terms": terms, "today": timezone.localdate()})


@admin_required
def term_add_year(request):
    initial = {"academic_year": request.GET.get("year") or AddYearForm.default_year(timezone.localdate())}
    form = AddYearForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.terms_add_year(actor=request.user, academic_year=form.cleaned_data["academic_year"])
        except services.ReturnRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"{len(added)} term{'s' if len(added) != 1 else ''} added. Check their dates.")
            return redirect("schools:term_list")
    year = form.cleaned_data["academic_year"] if form.is_bound and form.is_valid() else initial["academic_year"]
    start = parse_academic_year(year)
    proposal = propose_terms(start) if start else []
    return render(request, "schools/returns/term_add.html", {"form": form, "proposal": proposal, "year": year})


@admin_required
def term_edit(request, pk=None):
    term = get_object_or_404(Term, pk=pk) if pk else None
    fields = ("academic_year", "season", "starts_on", "ends_on", "opens_on", "due_on")
    initial = {f: getattr(term, f) for f in fields} if term else None
    form = TermForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.term_save(actor=request.user, term=term, **form.cleaned_data)
        except services.ReturnRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"{saved} saved")
            return redirect("schools:term_list")
    return render(request, "schools/returns/term_form.html", {"form": form, "term": term})


@admin_required
def incident_type_list(request):
    return render(request, "schools/returns/types.html", {"types": IncidentType.objects.all()})


@admin_required
def incident_type_edit(request, pk=None):
    incident_type = get_object_or_404(IncidentType, pk=pk) if pk else None
    initial = (
        {"name": incident_type.name, "hint": incident_type.hint, "is_active": incident_type.is_active}
        if (incident_type)
        else {"is_active": True}
    )
    form = IncidentTypeForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.incident_type_save(actor=request.user, incident_type=incident_type, **form.cleaned_data)
        except services.ReturnRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"“{saved.name}” saved")
            return redirect("schools:incident_type_list")
    return render(request, "schools/returns/type_form.html", {"form": form, "incident_type": incident_type})
