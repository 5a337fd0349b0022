"""Every write to training records: courses, bookings (with a waiting list), attendance (typed or
imported from a sheet after a preview), cascades, and using an attendance as CPD evidence."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation.errors import Refusal
from portfolios import services as evidence_services
from schools import selectors as school_selectors
from schools import versions
from schools.models import School
from schools.permissions import is_school_member

from . import permissions, selectors, sheet
from .models import Attendance, AttendanceImport, Booking, CascadeSession, Course


def _require_admin(actor):
    if not permissions.can_manage_training(actor):
        raise Refusal("Only the H&W team can change training records.")


COURSE_FIELDS = (
    "title",
    "description",
    "runs_on",
    "starts_at",
    "ends_at",
    "venue",
    "is_online",
    "capacity",
    "trainer",
    "is_training_the_trainers",
)


# What someone booked on needs to hear about when it changes.
DETAILS_ATTENDEES_RELY_ON = ("title", "runs_on", "starts_at", "ends_at", "venue", "is_online")


@transaction.atomic
def course_save(*, actor, course: Course | None = None, **fields) -> Course:
    """Create a course, or change one. Fewer places than are booked is refused (nobody loses a
    place by an edit); more places move people up from the waiting list (each is emailed that
    they have a place). When the title, date, times or venue of a course still to come change,
    everyone booked or waiting is emailed the new details (and their school's SLT lead). Audited."""
    _require_admin(actor)
    fields.setdefault("starts_at", None)
    fields.setdefault("ends_at", None)
    if fields.get("is_online"):
        fields["venue"] = ""
    elif not (fields.get("venue") or "").strip():
        raise Refusal("Enter the venue, or say the course is online")
    if fields["ends_at"] is not None and (fields["starts_at"] is None or fields["ends_at"] <= fields["starts_at"]):
        raise Refusal("The end time must be after the start time")
    if course is None:
        course = Course.objects.create(created_by=actor, **{k: fields[k] for k in COURSE_FIELDS})
        audit.record(actor=actor, action="training.course_created", target=course, summary=str(course))
        return course
    course = Course.objects.select_for_update().get(pk=course.pk)
    booked = selectors.places_booked(course)
    if fields["capacity"] < booked:
        raise Refusal(f"{booked} places are already booked: the course needs at least {booked} places")
    previous = Course(**{name: getattr(course, name) for name in COURSE_FIELDS})
    for name in COURSE_FIELDS:
        setattr(course, name, fields[name])
    course.save()
    changed = any(getattr(previous, name) != getattr(course, name) for name in DETAILS_ATTENDEES_RELY_ON)
    if changed and course.runs_on >= timezone.localdate():  # a typo mended after the event is not news
        for booking in course.bookings.exclude(status=Booking.Status.CANCELLED).select_related("school"):
            booking.course = course
            _email_booking(booking, "training_course_changed", previous=previous)
    _promote_waiting(course)
    audit.record(actor=actor, action="training.course_changed", target=course, summary=str(course))
    return course


def _email_booking(booking, template, **context):
    """Email the person booked, and separately their school's SLT lead when that is someone else.
    notifications.send writes the outbox rows in the caller's transaction and queues delivery
    after commit, so a change that rolls back sends nothing."""
    context = {
        "booking": booking,
        "course": booking.course,
        "school": booking.school,
        "link": settings.SITE_URL + reverse("portfolios:training_school", kwargs={"school_id": booking.school_id}),
        **context,
    }
    notifications.send(to=booking.attendee_email, template=template, context={**context, "for_lead": False})
    leads = [e for e in school_selectors.lead_emails(booking.school) if e.lower() != booking.attendee_email.lower()]
    if leads:
        notifications.send(to=leads, template=template, context={**context, "for_lead": True})


def _promote_waiting(course):
    """Give free places to the waiting list, first come first served, and email each person moved
    up (and their school's SLT lead). Call with the course locked."""
    free = course.capacity - selectors.places_booked(course)
    if free <= 0:
        return []
    waiting = course.bookings.filter(status=Booking.Status.WAITING).select_related("school")
    waiting = list(waiting.order_by("created_at", "id")[:free])
    for booking in waiting:
        booking.status, booking.updated_at = Booking.Status.BOOKED, timezone.now()
        booking.save(update_fields=["status", "updated_at"])
        booking.course = course
        _email_booking(booking, "training_place_offered")
    if waiting:
        audit.record_many(
            actor=None,
            action="training.booking_promoted",
            entries=[(b, f"{b.attendee_name} moved from the waiting list to a place") for b in waiting],
        )
    return waiting


@transaction.atomic
def booking_make(*, course: Course, school: School, actor, attendee_name: str, attendee_email: str) -> Booking:
    """Book a place for one of the school's staff; a full course puts them on the waiting list.
    The course row is locked, so two bookings for the last place cannot both get it. Emails the
    person booked (and the school's SLT lead) that they have a place or are on the waiting list,
    with how to cancel. Audited."""
    if not permissions.can_book(actor, school):
        raise Refusal("You can book places only for your own school.")
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.runs_on < timezone.localdate():
        raise Refusal("This course has already run: it can no longer be booked")
    status = Booking.Status.BOOKED if selectors.places_booked(course) < course.capacity else Booking.Status.WAITING
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                course=course,
                school=school,
                attendee_name=attendee_name.strip(),
                attendee_email=attendee_email.strip(),
                status=status,
                booked_by=actor,
            )
    except IntegrityError:
        raise Refusal(f"{attendee_email} already has a place or is on the waiting list for this course") from None
    audit.record(
        actor=actor,
        action="training.booked",
        target=booking,
        summary=booking.get_status_display(),
        data={"school": school.pk},
    )
    waiting = booking.status == Booking.Status.WAITING
    _email_booking(booking, "training_waiting_list" if waiting else "training_booking_confirmed")
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, actor) -> Booking:
    """Cancel a booking (the school's staff or the H&W team); a place it freed goes to the first on
    the waiting list. Emails the person (and the school's SLT lead) that the place is cancelled,
    saying whether the school or the H&W team cancelled it, and whoever moves up that they have a
    place. Cancelling a cancelled booking changes and sends nothing. Audited."""
    if not permissions.can_book(actor, booking.school):
        raise Refusal("You can cancel only your own school's bookings.")
    course = Course.objects.select_for_update().get(pk=booking.course_id)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("school").get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    if course.runs_on < timezone.localdate():
        raise Refusal("This course has already run: its bookings can no longer be cancelled")
    was_waiting = booking.status == Booking.Status.WAITING
    booking.status, booking.updated_at = Booking.Status.CANCELLED, timezone.now()
    booking.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="training.booking_cancelled", target=booking, summary=booking.attendee_name)
    booking.course = course
    _email_booking(
        booking,
        "training_booking_cancelled",
        was_waiting=was_waiting,
        by_team=not is_school_member(actor, booking.school),
    )
    _promote_waiting(course)
    return booking


@transaction.atomic
def attendance_record(
    *, course: Course, school: School, actor, attendee_name: str, attendee_role: str = ""
) -> Attendance:
    """Record that someone from `school` attended `course` (the H&W team, after the event). Audited."""
    _require_admin(actor)
    if course.runs_on > timezone.localdate():
        raise Refusal("The course has not run yet: record attendance on or after its date")
    if Attendance.objects.filter(course=course, school=school, attendee_name__iexact=attendee_name.strip()).exists():
        raise Refusal(f"{attendee_name} from {school.name} is already recorded as attending this course")
    attendance = Attendance.objects.create(
        course=course,
        school=school,
        attendee_name=attendee_name.strip(),
        attendee_role=attendee_role.strip(),
        source=Attendance.Source.ADMIN,
        recorded_by=actor,
    )
    audit.record(actor=actor, action="training.attendance_recorded", target=attendance, data={"school": school.pk})
    return attendance


def _already_recorded(course, rows):
    existing = set(
        Attendance.objects.filter(course=course)
        .annotate(lower=Lower("attendee_name"))
        .values_list("school__urn", "lower")
    )
    return {(r["urn"], r["name"].lower()) for r in rows} & existing


@transaction.atomic
def attendance_import_preview(*, course: Course, actor, upload) -> AttendanceImport:
    """Read an attendance sheet and keep what it says for the admin to check. Writes no attendance:
    only the preview row (rows that can be imported and each row's problem). A file that cannot be
    read at all is refused and nothing is kept."""
    _require_admin(actor)
    if course.runs_on > timezone.localdate():
        raise Refusal("The course has not run yet: import its attendance sheet on or after its date")
    raw = upload.read(sheet.MAX_BYTES + 1)
    try:
        result = sheet.read_sheet(raw, known_urns=set(School.objects.values_list("urn", flat=True)))
    except sheet.SheetError as error:
        raise Refusal(str(error)) from None
    names = dict(School.objects.filter(urn__in={r.urn for r in result.rows}).values_list("urn", "name"))
    rows = [{"line": r.line, "urn": r.urn, "school": names[r.urn], "name": r.name, "role": r.role} for r in result.rows]
    problems = [{"line": line, "message": message} for line, message in result.problems]
    recorded = _already_recorded(course, rows)
    for row in [r for r in rows if (r["urn"], r["name"].lower()) in recorded]:
        rows.remove(row)
        problems.append(
            {
                "line": row["line"],
                "message": f"Row {row['line']}: {row['name']} from {row['school']} is already "
                "recorded as attending this course.",
            }
        )
    problems.sort(key=lambda p: p["line"])
    found = AttendanceImport.objects.create(
        course=course,
        file_name=getattr(upload, "name", "sheet.csv")[:255],
        rows=rows,
        problems=problems,
        uploaded_by=actor,
    )
    audit.record(
        actor=actor,
        action="training.sheet_previewed",
        target=course,
        summary=f"{found.file_name}: {len(rows)} rows, {len(problems)} problems",
        data={"import": found.pk},
    )
    return found


@transaction.atomic
def attendance_import_confirm(*, attendance_import: AttendanceImport, actor) -> list[Attendance]:
    """Import the previewed rows as attendances, all or nothing. Refused while any row has a
    problem, or if someone recorded the same people since the preview. Audited; sends nothing."""
    _require_admin(actor)
    found = AttendanceImport.objects.select_for_update().get(pk=attendance_import.pk)
    if found.status != AttendanceImport.Status.PREVIEW:
        raise Refusal(f"This sheet has already been {found.get_status_display().lower()}")
    if found.problems:
        raise Refusal("Correct the rows with problems and upload the sheet again: nothing has been imported")
    course = Course.objects.select_for_update().get(pk=found.course_id)
    if _already_recorded(course, found.rows):
        raise Refusal("Some of these people were recorded since the preview. Upload the sheet again to check it")
    schools = dict(School.objects.filter(urn__in={r["urn"] for r in found.rows}).values_list("urn", "pk"))
    created = Attendance.objects.bulk_create(
        [
            Attendance(
                course=course,
                school_id=schools[row["urn"]],
                attendee_name=row["name"],
                attendee_role=row["role"],
                source=Attendance.Source.IMPORT,
                attendance_import=found,
                recorded_by=actor,
            )
            for row in found.rows
        ]
    )
    versions.changed(attendance.school_id for attendance in created)
    found.status, found.decided_at = AttendanceImport.Status.IMPORTED, timezone.now()
    found.save(update_fields=["status", "decided_at"])
    audit.record(
        actor=actor,
        action="training.sheet_imported",
        target=course,
        summary=f"{found.file_name}: {len(created)} attendances",
        data={"import": found.pk},
    )
    return created


@transaction.atomic
def attendance_import_discard(*, attendance_import: AttendanceImport, actor) -> AttendanceImport:
    """Throw a preview away; nothing was imported from it. Audited."""
    _require_admin(actor)
    found = AttendanceImport.objects.select_for_update().get(pk=attendance_import.pk)
    if found.status == AttendanceImport.Status.PREVIEW:
        found.status, found.decided_at = AttendanceImport.Status.DISCARDED, timezone.now()
        found.save(update_fields=["status", "decided_at"])
        audit.record(actor=actor, action="training.sheet_discarded", target=found.course, summary=found.file_name)
    return found


@transaction.atomic
def attendance_use_as_evidence(*, attendance: Attendance, actor, impact: str):
    """File the attendance in the school's evidence, tagged to the CPD criterion, through
    portfolios' evidence service (which links it to an open application and audits). Sends nothing."""
    attendance = Attendance.objects.select_for_update().select_related("course", "school").get(pk=attendance.pk)
    if not permissions.can_use_as_evidence(actor, attendance):
        raise Refusal("This attendance is already in the school's evidence, or you cannot add to it.")
    criterion = selectors.cpd_criterion()
    course = attendance.course
    try:
        item = evidence_services.evidence_add_link(
            school=attendance.school,
            actor=actor,
            url=settings.SITE_URL + reverse("portfolios:training_school", kwargs={"school_id": attendance.school_id}),
            title=f"Training: {course.title} ({attendance.attendee_name})",
            description=f"{attendance.attendee_name} attended {course.title} on {course.runs_on:%-d %B %Y}, "
            f"run by {course.trainer} ({course.where}). Recorded by the council's H&W team.",
            produced_on=course.runs_on,
            impact=impact,
            criteria=[criterion] if criterion else [],
        )
    except (ValidationError, PermissionDenied) as error:
        raise Refusal(getattr(error, "messages", None) or [str(error)]) from None
    attendance.evidence_item = item
    attendance.save(update_fields=["evidence_item"])
    return item


@transaction.atomic
def cascade_session_record(
    *, attendance: Attendance, actor, held_on: date, audience: str, headcount: int
) -> CascadeSession:
    """Record a session a trained trainer ran in school after a Training the Trainers course. Audited."""
    if not permissions.can_record_cascade(actor, attendance):
        raise Refusal("Cascade sessions are recorded for Training the Trainers courses, by the trainer's school.")
    if held_on < attendance.course.runs_on:
        raise Refusal("The session must be on or after the Training the Trainers course")
    if held_on > timezone.localdate():
        raise Refusal("The date of the session must be today or in the past")
    if headcount < 1:
        raise Refusal("Enter how many people were trained, 1 or more")
    session = CascadeSession.objects.create(
        trainer=attendance, held_on=held_on, audience=audience.strip(), headcount=headcount, recorded_by=actor
    )
    audit.record(
        actor=actor,
        action="training.cascade_recorded",
        target=attendance,
        summary=f"{headcount} trained on {held_on:%-d %B %Y}",
        data={"session": session.pk, "school": attendance.school_id},
    )
    return session
