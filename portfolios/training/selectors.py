"""Reads of training records. School-scoped reads take the school explicitly; another school's
row answers 404."""

from datetime import date

from django.db.models import Count, F, Q, Sum
from django.http import Http404

from portfolios.models import Criterion

from .models import Attendance, AttendanceImport, Booking, CascadeSession, Course

CPD_CRITERION_NUMBER = 4


def courses_for_admin():
    return Course.objects.annotate(
        booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED), distinct=True),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING), distinct=True),
        attended=Count("attendances", distinct=True),
    ).order_by("-runs_on", "title")


def courses_open_for_booking(today: date):
    return (
        Course.objects.filter(runs_on__gte=today)
        .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)))
        .annotate(places_left=F("capacity") - F("booked"))
        .order_by("runs_on", "title")
    )


def course_get(pk) -> Course:
    course = Course.objects.filter(pk=pk).first()
    if course is None:
        raise Http404("No such course")
    return course


def places_booked(course) -> int:
    return course.bookings.filter(status=Booking.Status.BOOKED).count()


def bookings_for_course(course):
    return course.bookings.exclude(status=Booking.Status.CANCELLED).select_related("school").order_by("created_at")


def bookings_for_school(school):
    return (
        Booking.objects.filter(school=school)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("course")
        .order_by("course__runs_on")
    )


def booking_for_school(school, pk) -> Booking:
    booking = Booking.objects.filter(school=school, pk=pk).select_related("course", "school").first()
    if booking is None:
        raise Http404("No such booking")
    return booking


def attendances_for_course(course):
    return course.attendances.select_related("school").order_by("school__name", "attendee_name")


def attendances_for_school(school):
    return (
        Attendance.objects.filter(school=school)
        .select_related("course", "evidence_item")
        .annotate(cascade_headcount=Sum("cascade_sessions__headcount"), cascade_count=Count("cascade_sessions"))
        .order_by("-course__runs_on", "attendee_name")
    )


def attendance_for_school(school, pk) -> Attendance:
    found = Attendance.objects.filter(school=school, pk=pk).select_related("course", "school").first()
    if found is None:
        raise Http404("No such attendance")
    return found


def attendance_import_get(course, pk) -> AttendanceImport:
    found = AttendanceImport.objects.filter(course=course, pk=pk).first()
    if found is None:
        raise Http404("No such import")
    return found


def cascade_sessions_for(attendance):
    return CascadeSession.objects.filter(trainer=attendance)


def cpd_criterion() -> Criterion | None:
    """The CPD criterion of the current criteria set: where an attendance is filed as evidence."""
    return Criterion.objects.filter(criteria_set__is_current=True, number=CPD_CRITERION_NUMBER).first()


def training_reach(start: date, end: date) -> dict:
    """Courses run between `start` and `end` (inclusive) and whom they reached."""
    courses = Course.objects.filter(runs_on__range=(start, end))
    attendances = Attendance.objects.filter(course__in=courses)
    cascades = CascadeSession.objects.filter(held_on__range=(start, end))
    return {
        "courses": courses.count(),
        "places": courses.aggregate(n=Sum("capacity"))["n"] or 0,
        "attendances": attendances.count(),
        "schools": attendances.values("school").distinct().count(),
        "cascade_sessions": cascades.count(),
        "cascade_headcount": cascades.aggregate(n=Sum("headcount"))["n"] or 0,
    }


def school_ids_trained(start: date, end: date, *, trainers_only=False):
    """Ids of schools with at least one attendance at a course run between `start` and `end`."""
    attendances = Attendance.objects.filter(course__runs_on__range=(start, end))
    if trainers_only:
        attendances = attendances.filter(course__is_training_the_trainers=True)
    return attendances.values("school_id")
