"""Training pages: the H&W team's courses and attendance, and each school's training record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accreditation.decorators import admin_required
from accreditation.errors import Refusal
from schools.models import School

from . import permissions, selectors, services
from .forms import AttendanceForm, BookingForm, CascadeForm, CourseForm, EvidenceForm, SheetForm


def _posted(request):
    return request.POST if request.method == "POST" else None


def _attempt(form, action):
    """Run `action()`; a Refusal goes to the form's error summary. True when it succeeded."""
    try:
        action()
    except Refusal as refusal:
        for message in refusal.messages:
            form.add_error(None, message)
        return False
    return True


def _school(request, school_id) -> School:
    school = get_object_or_404(School, pk=school_id)
    if not permissions.can_view_school_training(request.user, school):
        raise Http404("No such school")
    return school


# --- the H&W team -------------------------------------------------------------------------------


@admin_required
def course_list(request):
    return render(request, "portfolios/training/course_list.html", {"courses": selectors.courses_for_admin()})


@admin_required
def course_edit(request, pk=None):
    course = selectors.course_get(pk) if pk else None
    initial = {name: getattr(course, name) for name in services.COURSE_FIELDS} if course else {}
    form = CourseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = []
        if _attempt(
            form, lambda: saved.append(services.course_save(actor=request.user, course=course, **form.cleaned_data))
        ):
            messages.success(request, "The course is saved.")
            return redirect("portfolios:training_course", pk=saved[0].pk)
    heading = "Change the course" if course else "Add a course"
    return render(request, "portfolios/training/course_form.html", {"form": form, "course": course, "heading": heading})


@admin_required
def course_detail(request, pk):
    course = selectors.course_get(pk)
    form = AttendanceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        school = School.objects.filter(urn=form.cleaned_data["urn"]).first()
        if school is None:
            form.add_error("urn", f"No school has the URN {form.cleaned_data['urn']}")
        elif _attempt(form, lambda: services.attendance_record(
            course=course, school=school, actor=request.user,
            attendee_name=form.cleaned_data["attendee_name"], attendee_role=form.cleaned_data["attendee_role"],
        )):  # fmt: skip
            messages.success(request, f"Attendance recorded for {form.cleaned_data['attendee_name']}.")
            return redirect("portfolios:training_course", pk=course.pk)
    context = {
        "course": course,
        "bookings": selectors.bookings_for_course(course),
        "attendances": selectors.attendances_for_course(course),
        "imports": course.imports.all()[:10],
        "form": form,
        "has_run": course.runs_on <= timezone.localdate(),
    }
    return render(request, "portfolios/training/course_detail.html", context)


@admin_required
def sheet_upload(request, pk):
    course = selectors.course_get(pk)
    form = SheetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        found = []
        upload = form.cleaned_data["sheet"]
        if _attempt(
            form,
            lambda: found.append(services.attendance_import_preview(course=course, actor=request.user, upload=upload)),
        ):
            return redirect("portfolios:training_import", pk=course.pk, import_id=found[0].pk)
    return render(request, "portfolios/training/sheet_upload.html", {"course": course, "form": form})


@admin_required
def sheet_preview(request, pk, import_id):
    course = selectors.course_get(pk)
    found = selectors.attendance_import_get(course, import_id)
    return render(request, "portfolios/training/sheet_preview.html", {"course": course, "sheet": found})


@require_POST
@admin_required
def sheet_confirm(request, pk, import_id):
    course = selectors.course_get(pk)
    found = selectors.attendance_import_get(course, import_id)
    try:
        created = services.attendance_import_confirm(attendance_import=found, actor=request.user)
    except Refusal as refusal:
        return render(
            request,
            "portfolios/training/sheet_preview.html",
            {"course": course, "sheet": found, "refusal": refusal},
            status=400,
        )
    messages.success(request, f"{len(created)} attendances imported from {found.file_name}.")
    return redirect("portfolios:training_course", pk=course.pk)


@require_POST
@admin_required
def sheet_discard(request, pk, import_id):
    course = selectors.course_get(pk)
    services.attendance_import_discard(
        attendance_import=selectors.attendance_import_get(course, import_id), actor=request.user
    )
    messages.success(request, "The sheet was discarded. Nothing was imported from it.")
    return redirect("portfolios:training_course", pk=course.pk)


# --- a school's training record -----------------------------------------------------------------


@login_required
def school_training(request, school_id):
    school = _school(request, school_id)
    context = {
        "school": school,
        "attendances": selectors.attendances_for_school(school),
        "bookings": selectors.bookings_for_school(school),
        "courses": selectors.courses_open_for_booking(timezone.localdate()),
        "can_book": permissions.can_book(request.user, school),
        "is_member": not request.user.is_hw_admin,
    }
    return render(request, "portfolios/training/school_training.html", context)


@login_required
def book(request, school_id, course_id):
    school = _school(request, school_id)
    course = selectors.course_get(course_id)
    form = BookingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        made = []
        if _attempt(
            form,
            lambda: made.append(
                services.booking_make(course=course, school=school, actor=request.user, **form.cleaned_data)
            ),
        ):
            booking = made[0]
            if booking.status == booking.Status.WAITING:
                messages.success(request, f"The course is full: {booking.attendee_name} is on the waiting list.")
            else:
                messages.success(request, f"A place is booked for {booking.attendee_name}.")
            return redirect("portfolios:training_school", school_id=school.pk)
    context = {"school": school, "course": course, "form": form, "booked": selectors.places_booked(course)}
    return render(request, "portfolios/training/book.html", context)


@require_POST
@login_required
def booking_cancel(request, school_id, pk):
    school = _school(request, school_id)
    booking = selectors.booking_for_school(school, pk)
    try:
        services.booking_cancel(booking=booking, actor=request.user)
    except Refusal as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(request, f"The booking for {booking.attendee_name} is cancelled.")
    return redirect("portfolios:training_school", school_id=school.pk)


@login_required
def use_as_evidence(request, school_id, pk):
    school = _school(request, school_id)
    attendance = selectors.attendance_for_school(school, pk)
    if not permissions.can_use_as_evidence(request.user, attendance):
        raise Http404("No such attendance")
    form = EvidenceForm(_posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            form,
            lambda: services.attendance_use_as_evidence(attendance=attendance, actor=request.user, **form.cleaned_data),
        )
    ):
        messages.success(request, "The training is in the school's evidence, for the CPD criterion.")
        return redirect("portfolios:training_school", school_id=school.pk)
    return render(
        request, "portfolios/training/use_as_evidence.html", {"school": school, "attendance": attendance, "form": form}
    )


@login_required
def cascade_add(request, school_id, pk):
    school = _school(request, school_id)
    attendance = selectors.attendance_for_school(school, pk)
    if not permissions.can_record_cascade(request.user, attendance):
        raise Http404("No such attendance")
    form = CascadeForm(_posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            form,
            lambda: services.cascade_session_record(attendance=attendance, actor=request.user, **form.cleaned_data),
        )
    ):
        messages.success(request, "The session is recorded.")
        return redirect("portfolios:training_school", school_id=school.pk)
    context = {
        "school": school,
        "attendance": attendance,
        "form": form,
        "sessions": selectors.cascade_sessions_for(attendance),
    }
    return render(request, "portfolios/training/cascade_form.html", context)
