"""Training records: bookings and the waiting list, the attendance sheet import, cascades, CPD evidence."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios.models import EvidenceItem
from portfolios.tests.factories import ensure_criteria
from portfolios.training import services
from portfolios.training.models import Attendance, AttendanceImport, Booking, CascadeSession, Course
from schools.tests.factories import LeadFactory, SchoolFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 2, 10, 10, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    admin = AdminFactory()
    lead = LeadFactory(school__urn=117083, school__name="Oak Primary")
    other = LeadFactory(school__urn=117084, school__name="Ash Primary")
    past = Course.objects.create(title="Restorative approaches", runs_on=date(2027, 2, 3), venue="County Hall",
                                 capacity=20, trainer="A Trainer")  # fmt: skip
    coming = Course.objects.create(title="Cyberbullying", runs_on=date(2027, 3, 3), is_online=True, capacity=2,
                                   trainer="B Trainer")  # fmt: skip
    return {"admin": admin, "lead": lead, "other": other, "past": past, "coming": coming}


def sheet(text, name="attendance.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_a_full_course_puts_people_on_the_waiting_list_and_a_cancellation_moves_them_up(world):
    lead, course = world["lead"], world["coming"]
    book = lambda name: services.booking_make(  # noqa: E731
        course=course, school=lead.school, actor=lead.user, attendee_name=name, attendee_email=f"{name}@oak.example"
    )
    first, second, third = book("ann"), book("bob"), book("cat")
    assert [b.status for b in (first, second, third)] == ["booked", "booked", "waiting"]
    with pytest.raises(Refusal, match="already has a place"):
        book("ann")
    services.booking_cancel(booking=first, actor=lead.user)
    third.refresh_from_db()
    assert third.status == "booked"
    assert Booking.objects.filter(course=course, status="booked").count() == 2


def test_another_school_cannot_book_or_cancel_for_this_one(world):
    with pytest.raises(Refusal):
        services.booking_make(course=world["coming"], school=world["lead"].school, actor=world["other"].user,
                              attendee_name="x", attendee_email="x@example.org")  # fmt: skip
    assert not Booking.objects.exists()


def test_capacity_below_the_places_booked_is_refused(world):
    lead, course = world["lead"], world["coming"]
    for name in ("ann", "bob"):
        services.booking_make(course=course, school=lead.school, actor=lead.user, attendee_name=name,
                              attendee_email=f"{name}@oak.example")  # fmt: skip
    fields = {f: getattr(course, f) for f in services.COURSE_FIELDS} | {"capacity": 1}
    with pytest.raises(Refusal, match="2 places are already booked"):
        services.course_save(actor=world["admin"], course=course, **fields)
    assert Course.objects.get(pk=course.pk).capacity == 2


def test_a_clean_sheet_is_previewed_then_imported_only_when_confirmed(world):
    found = services.attendance_import_preview(
        course=world["past"], actor=world["admin"],
        upload=sheet("URN,Name,Role\n117083,Ann Smith,Teacher\n117084,Bob Jones,\n"),
    )  # fmt: skip
    assert found.problems == [] and [r["school"] for r in found.rows] == ["Oak Primary", "Ash Primary"]
    assert not Attendance.objects.exists()
    created = services.attendance_import_confirm(attendance_import=found, actor=world["admin"])
    assert len(created) == 2 and Attendance.objects.filter(source="import").count() == 2
    with pytest.raises(Refusal, match="already been imported"):
        services.attendance_import_confirm(attendance_import=found, actor=world["admin"])
    assert Attendance.objects.count() == 2


def test_row_errors_are_listed_and_nothing_can_be_imported(world):
    Attendance.objects.create(course=world["past"], school=world["lead"].school, attendee_name="Dan", source="admin")
    text = (
        "urn , NAME,role\n"
        "117083,Ann Smith,Teacher\n"
        "999999,Nobody,\n"
        "117083,ann smith,TA\n"
        '=HYPERLINK("x"),Eve,\n'
        "117084,@SUM(1),\n"
        "11708,Short,\n"
        "117084,,\n"
        "117083,Dan,\n"
    )
    found = services.attendance_import_preview(course=world["past"], actor=world["admin"], upload=sheet(text))
    messages = [p["message"] for p in found.problems]
    assert messages == [
        "Row 3: no school has the URN 999999. Check it against the register.",
        "Row 4: ann smith from URN 117083 is also on row 2. Remove one.",
        "Row 5: the URN starts with “=”, so a spreadsheet would treat it as a formula. Type the value itself, "
        "without the formula.",
        "Row 6: the name starts with “@”, so a spreadsheet would treat it as a formula. Type the value itself, "
        "without the formula.",
        "Row 7: the URN “11708” is not a 6-digit number.",
        "Row 8: the name of the person who attended is empty.",
        "Row 9: Dan from Oak Primary is already recorded as attending this course.",
    ]
    assert not found.can_confirm
    with pytest.raises(Refusal, match="nothing has been imported"):
        services.attendance_import_confirm(attendance_import=found, actor=world["admin"])
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("URN,Name\n117083,Zoë\n".encode("cp1252"), "not saved as UTF-8: line 2"),
        ("URN,Name\n117083,Ann\n".encode("utf-16"), "UTF-16"),
        (b"", "The file is empty"),
        (b"School,Person\n117083,Ann\n", "Missing: URN, Name"),
        (b"URN,Name\n", "nobody in it"),
    ],
)
def test_unreadable_files_are_refused_whole_and_nothing_is_kept(world, raw, message):
    with pytest.raises(Refusal, match=message):
        services.attendance_import_preview(
            course=world["past"], actor=world["admin"], upload=SimpleUploadedFile("a.csv", raw)
        )
    assert not AttendanceImport.objects.exists() and not Attendance.objects.exists()


def test_a_utf8_sheet_with_a_byte_order_mark_and_accents_reads(world):
    found = services.attendance_import_preview(
        course=world["past"], actor=world["admin"], upload=sheet("\ufeffURN,Name\n117083,Zoë Brontë\n")
    )
    assert found.rows[0]["name"] == "Zoë Brontë" and found.can_confirm


def test_a_course_not_yet_run_takes_no_attendance(world):
    with pytest.raises(Refusal, match="has not run yet"):
        services.attendance_record(course=world["coming"], school=world["lead"].school, actor=world["admin"],
                                   attendee_name="Ann")  # fmt: skip


def test_an_attendance_becomes_cpd_evidence_through_the_evidence_service(world):
    ensure_criteria()
    lead = world["lead"]
    attendance = services.attendance_record(course=world["past"], school=lead.school, actor=world["admin"],
                                            attendee_name="Ann Smith")  # fmt: skip
    with pytest.raises(Refusal):
        services.attendance_use_as_evidence(attendance=attendance, actor=world["other"].user, impact="x")
    item = services.attendance_use_as_evidence(attendance=attendance, actor=lead.user, impact="Staff use it.")
    assert item.kind == EvidenceItem.Kind.LINK and item.school == lead.school
    assert item.produced_on == date(2027, 2, 3)
    assert list(item.criteria.values_list("number", flat=True)) == [4]
    attendance.refresh_from_db()
    assert attendance.evidence_item == item
    with pytest.raises(Refusal):
        services.attendance_use_as_evidence(attendance=attendance, actor=lead.user, impact="again")
    assert EvidenceItem.objects.count() == 1


def test_training_the_trainers_cascades_are_recorded_by_the_trainers_school(world):
    lead = world["lead"]
    trainers = Course.objects.create(title="Training the Trainers", runs_on=date(2027, 1, 20), venue="Hall",
                                     capacity=10, trainer="C", is_training_the_trainers=True)  # fmt: skip
    trained = Attendance.objects.create(course=trainers, school=lead.school, attendee_name="Ann", source="admin")
    plain = Attendance.objects.create(course=world["past"], school=lead.school, attendee_name="Ann", source="admin")
    with pytest.raises(Refusal, match="Training the Trainers"):
        services.cascade_session_record(attendance=plain, actor=lead.user, held_on=date(2027, 2, 5),
                                        audience="Staff", headcount=10)  # fmt: skip
    with pytest.raises(Refusal, match="on or after"):
        services.cascade_session_record(attendance=trained, actor=lead.user, held_on=date(2027, 1, 2),
                                        audience="Staff", headcount=10)  # fmt: skip
    services.cascade_session_record(attendance=trained, actor=lead.user, held_on=date(2027, 2, 5),
                                    audience="Lunchtime supervisors", headcount=12)  # fmt: skip
    assert list(CascadeSession.objects.values_list("headcount", flat=True)) == [12]


def test_admin_imports_a_sheet_through_the_pages(client, world):
    login(client, world["admin"])
    course = world["past"]
    response = client.post(
        reverse("portfolios:training_sheet_upload", args=[course.pk]),
        {"sheet": sheet("URN,Name,Role\n117083,Ann Smith,Teacher\n")},
    )
    found = AttendanceImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/sheet/{found.pk}/")
    preview = client.get(response["Location"]).content.decode()
    assert "Ann Smith" in preview and "Import 1 attendance" in preview
    assert not Attendance.objects.exists()
    client.post(reverse("portfolios:training_import_confirm", args=[course.pk, found.pk]))
    assert Attendance.objects.get().attendee_name == "Ann Smith"


def test_a_school_sees_its_own_training_and_not_anothers(client, world):
    Attendance.objects.create(course=world["past"], school=world["lead"].school, attendee_name="Ann", source="admin")
    login(client, world["lead"].user)
    own = client.get(reverse("portfolios:training_school", args=[world["lead"].school.pk]))
    assert own.status_code == 200 and "Restorative approaches" in own.content.decode()
    other = client.get(reverse("portfolios:training_school", args=[world["other"].school.pk]))
    assert other.status_code == 404
    SchoolFactory()


def test_the_retention_schedule_removes_training_records_of_old_courses_only(world):
    from insight.privacy import schedule
    from insight.privacy.subject_access import collect

    old = Course.objects.create(title="Old", runs_on=date(2020, 1, 8), venue="Hall", capacity=5, trainer="T")
    Attendance.objects.create(course=old, school=world["lead"].school, attendee_name="Ann", source="admin")
    Booking.objects.create(
        course=old, school=world["lead"].school, attendee_name="Ann", attendee_email="ann@oak.example"
    )
    kept = Attendance.objects.create(
        course=world["past"], school=world["lead"].school, attendee_name="Bob", source="admin"
    )
    assert collect(email="ann@oak.example")["training places booked"][0]["course"] == "Old"
    kind = schedule.KINDS_BY_KEY["training-records"]
    assert kind.due(NOW, 72) == 2
    assert kind.purge(NOW, 72) == 2
    assert list(Attendance.objects.all()) == [kept] and not Booking.objects.exists()
    assert kind.due(NOW, 72) == 0
