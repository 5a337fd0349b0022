"""Training records under the retention schedule (insight.privacy.schedule names the period)."""

from datetime import datetime

from .models import AttendanceImport, Booking, CascadeSession


def records_before(cutoff: datetime):
    """Bookings, attendance sheets and attendances (with their cascades) of courses run before `cutoff`."""
    from .models import Attendance

    day = cutoff.date()
    return [
        Booking.objects.filter(course__runs_on__lt=day),
        AttendanceImport.objects.filter(course__runs_on__lt=day),
        CascadeSession.objects.filter(trainer__course__runs_on__lt=day),
        Attendance.objects.filter(course__runs_on__lt=day),
    ]


def bookings_for_email(email: str):
    """Places booked for the person with `email` (subject access)."""
    return Booking.objects.filter(attendee_email__iexact=email).select_related("course", "school")
