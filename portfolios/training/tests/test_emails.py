"""Training emails: a place booked, the waiting list, a place that comes up, a cancellation and a
changed course each tell the person booked and, separately, their school's SLT lead; through the
one outbox, after commit, and never when the change rolls back."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.models import OutboxMessage
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios.training import services
from portfolios.training.models import Booking, Course, clock
from schools.tests.factories import LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 2, 10, 10, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    lead = LeadFactory(school__name="St Mary's & St John's Primary", user__email="lead@oak.example")
    colleague = MembershipFactory(school=lead.school, user__email="colleague@oak.example")
    course = Course.objects.create(
        title="Restorative approaches", runs_on=date(2027, 3, 3), starts_at=time(9, 30), ends_at=time(12, 30),
        venue="County Hall, Hertford", capacity=1, trainer="Alex Trainer",
    )  # fmt: skip
    return {"admin": AdminFactory(), "lead": lead, "colleague": colleague, "course": course}


def book(world, name, *, actor=None, course=None):
    return services.booking_make(
        course=course or world["course"],
        school=world["lead"].school,
        actor=actor or world["colleague"].user,
        attendee_name=name,
        attendee_email=f"{name.split()[0].lower()}@oak.example",
    )


def sent(mailoutbox):
    """{first recipient: (subject, text body)} of what was delivered."""
    return {message.to[0]: (message.subject, message.body) for message in mailoutbox}


def test_a_booked_place_is_confirmed_to_the_attendee_and_the_lead(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(world, "Ann Smith")
    emails = sent(mailoutbox)
    assert sorted(emails) == ["ann@oak.example", "lead@oak.example"]
    subject, body = emails["ann@oak.example"]
    assert subject == "Your place is booked: Restorative approaches, 3 March 2027"
    assert "Dear Ann Smith," in body
    assert "You have a place on this course, booked by St Mary's & St John's Primary" in body
    for line in (
        "Course: Restorative approaches",
        "Date: Wednesday 3 March 2027",
        "Time: 9:30am to 12:30pm",
        "Where: County Hall, Hertford",
        "Trainer: Alex Trainer",
        "How to cancel",
        settings.SITE_URL + reverse("portfolios:training_school", args=[world["lead"].school.pk]),
        settings.HW_TEAM_EMAIL,
    ):
        assert line in body
    subject, body = emails["lead@oak.example"]
    assert subject == "Place booked for Ann Smith: Restorative approaches, 3 March 2027"
    assert "Dear colleague," in body and "Ann Smith from St Mary's & St John's Primary has a place" in body
    html = mailoutbox[0].alternatives[0][0]
    assert "St Mary&#x27;s &amp; St John&#x27;s" in html and "9:30am to 12:30pm" in html


def test_the_lead_booking_themselves_gets_one_email(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_make(course=world["course"], school=world["lead"].school, actor=world["lead"].user,
                              attendee_name="Lee Lead", attendee_email="LEAD@oak.example")  # fmt: skip
    assert [m.to for m in mailoutbox] == [["LEAD@oak.example"]]
    assert "Dear Lee Lead," in mailoutbox[0].body


def test_an_online_course_without_times_says_so(world, mailoutbox, django_capture_on_commit_callbacks):
    online = Course.objects.create(title="Cyberbullying", runs_on=date(2027, 3, 4), is_online=True, capacity=5,
                                   trainer="B Trainer")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        book(world, "Ann Smith", course=online)
    body = sent(mailoutbox)["ann@oak.example"][1]
    assert "Where: Online" in body and "Time:" not in body


def test_waiting_list_then_a_cancellation_moves_the_next_person_up(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ann = book(world, "Ann Smith")
        bob = book(world, "Bob Jones")
    assert bob.status == Booking.Status.WAITING
    subject, body = sent(mailoutbox[2:])["bob@oak.example"]
    assert subject == "You are on the waiting list: Restorative approaches, 3 March 2027"
    assert "This course is full" in body and "If you get a place, we will email again" in body
    lead_subject, _ = sent(mailoutbox[2:])["lead@oak.example"]
    assert lead_subject == "Bob Jones is on the waiting list: Restorative approaches, 3 March 2027"

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=ann, actor=world["colleague"].user)
    subjects = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert subjects == [
        ("ann@oak.example", "Booking cancelled: Restorative approaches, 3 March 2027"),
        ("bob@oak.example", "You now have a place: Restorative approaches, 3 March 2027"),
        ("lead@oak.example", "Bob Jones now has a place: Restorative approaches, 3 March 2027"),
        ("lead@oak.example", "Booking cancelled: Restorative approaches, 3 March 2027"),
    ]
    cancelled = next(m.body for m in mailoutbox if m.to == ["ann@oak.example"])
    assert "St Mary's & St John's Primary has cancelled your place on this course" in cancelled
    assert "Health and Wellbeing team has cancelled" not in cancelled and "can book again" in cancelled
    offered = next(m.body for m in mailoutbox if m.to == ["bob@oak.example"])
    assert "you have moved from the waiting list to a place" in offered and "Time: 9:30am to 12:30pm" in offered
    assert "You do not need to do anything to accept it" in offered

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # cancelling again changes and sends nothing
        services.booking_cancel(booking=ann, actor=world["colleague"].user)
    assert mailoutbox == []


def test_the_hw_team_cancelling_says_so_and_a_waiting_place_is_taken_off_the_list(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    book(world, "Ann Smith")
    bob = book(world, "Bob Jones")
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=bob, actor=world["admin"])
    emails = sent(mailoutbox)
    assert sorted(emails) == ["bob@oak.example", "lead@oak.example"]  # nobody moved up: Ann keeps her place
    subject, body = emails["bob@oak.example"]
    assert subject == "Taken off the waiting list: Restorative approaches, 3 March 2027"
    assert "The Health and Wellbeing team has cancelled your place on the waiting list for this course" in body
    assert f"or want to ask about a place again, email the Health and Wellbeing team at {settings.HW_TEAM_EMAIL}" in (
        body
    )
    assert "book again" not in body
    assert "Bob Jones's place on the waiting list" in emails["lead@oak.example"][1]


def test_a_changed_course_tells_everyone_booked_or_waiting_what_changed(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    book(world, "Ann Smith")
    book(world, "Bob Jones")
    course = world["course"]
    fields = {name: getattr(course, name) for name in services.COURSE_FIELDS}
    with django_capture_on_commit_callbacks(execute=True):
        services.course_save(actor=world["admin"], course=course, **fields | {"description": "Bring a pen"})
    assert mailoutbox == []  # nothing an attendee relies on changed

    with django_capture_on_commit_callbacks(execute=True):
        services.course_save(actor=world["admin"], course=course, **fields | {
            "runs_on": date(2027, 3, 10), "starts_at": time(13, 0), "ends_at": time(15, 30),
            "venue": "Fairfield Centre"})  # fmt: skip
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ann@oak.example", "bob@oak.example", "lead@oak.example", "lead@oak.example"
    ]  # fmt: skip
    assert {m.subject for m in mailoutbox} == {"Course changed: Restorative approaches, 10 March 2027"}
    ann = sent(mailoutbox)["ann@oak.example"][1]
    now, before = ann.split("Before the change:")
    assert "Date: Wednesday 10 March 2027" in now and "Time: 1pm to 3:30pm" in now and "Where: Fairfield Centre" in now
    assert "Date: Wednesday 3 March 2027" in before and "Time: 9:30am to 12:30pm" in before
    assert "County Hall, Hertford" in before and "The place is still booked" in before
    bob = sent(mailoutbox)["bob@oak.example"][1]
    assert "you are on the waiting list for" in bob and "You are still on the waiting list" in bob

    mailoutbox.clear()
    course.refresh_from_db()
    fields = {name: getattr(course, name) for name in services.COURSE_FIELDS}
    with django_capture_on_commit_callbacks(execute=True):  # one more place: Bob moves up and is told
        services.course_save(actor=world["admin"], course=course, **fields | {"capacity": 2})
    assert Booking.objects.get(attendee_name="Bob Jones").status == Booking.Status.BOOKED
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("bob@oak.example", "You now have a place: Restorative approaches, 10 March 2027"),
        ("lead@oak.example", "Bob Jones now has a place: Restorative approaches, 10 March 2027"),
    ]


def test_mending_a_course_after_it_has_run_emails_nobody(world, mailoutbox, django_capture_on_commit_callbacks):
    book(world, "Ann Smith")
    course = Course.objects.create(title="Restorative approachs", runs_on=date(2027, 2, 3), venue="Hall",
                                   capacity=5, trainer="T")  # fmt: skip
    Booking.objects.create(course=course, school=world["lead"].school, attendee_name="Bob",
                           attendee_email="bob@oak.example")  # fmt: skip
    fields = {name: getattr(course, name) for name in services.COURSE_FIELDS}
    with django_capture_on_commit_callbacks(execute=True):
        services.course_save(actor=world["admin"], course=course, **fields | {"title": "Restorative approaches"})
    assert mailoutbox == []


def test_nothing_is_sent_when_the_change_rolls_back(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            book(world, "Ann Smith")
            raise RuntimeError("something later in the same transaction failed")
    assert not Booking.objects.exists()
    assert not OutboxMessage.objects.exists() and mailoutbox == []


def test_a_refused_booking_sends_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(world, "Ann Smith")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refusal, match="already has a place"):
        book(world, "Ann Smith")
    assert mailoutbox == [] and OutboxMessage.objects.count() == 2


def test_booking_and_cancelling_through_the_pages_sends_the_emails(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, world["colleague"].user)
    school = world["lead"].school
    page = client.get(reverse("portfolios:training_book", args=[school.pk, world["course"].pk])).content.decode()
    assert "Wednesday 3 March 2027, 9:30am to 12:30pm" in page and "We will email the person attending" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portfolios:training_book", args=[school.pk, world["course"].pk]),
                    {"attendee_name": "Ann Smith", "attendee_email": "ann@oak.example"})  # fmt: skip
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@oak.example", "lead@oak.example"]
    booking = Booking.objects.get()
    mailoutbox.clear()
    login(client, world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portfolios:training_booking_cancel", args=[school.pk, booking.pk]))
    assert "The Health and Wellbeing team has cancelled" in sent(mailoutbox)["ann@oak.example"][1]


def test_course_times_are_typed_as_people_write_them(client, world):
    login(client, world["admin"])
    data = {"title": "Peer mentoring", "runs_on_0": "5", "runs_on_1": "5", "runs_on_2": "2027", "venue": "Hall",
            "capacity": "10", "trainer": "T", "starts_at": "9.30am", "ends_at": "3:30 PM"}  # fmt: skip
    response = client.post(reverse("portfolios:training_course_add"), data)
    course = Course.objects.get(title="Peer mentoring")
    assert response.status_code == 302 and (course.starts_at, course.ends_at) == (time(9, 30), time(15, 30))
    assert "9:30am to 3:30pm" in client.get(response["Location"]).content.decode()

    response = client.post(reverse("portfolios:training_course_add"), data | {"starts_at": "2pm", "ends_at": "11am"})
    page = response.content.decode()
    assert response.status_code == 200 and "The end time must be after the start time" in page
    assert 'value="2pm"' in page and 'value="11am"' in page  # what was typed is kept
    response = client.post(reverse("portfolios:training_course_add"), data | {"starts_at": "", "ends_at": "noon"})
    assert "Enter the end time as a time of day" in response.content.decode()
    assert Course.objects.filter(title="Peer mentoring").count() == 1


@pytest.mark.parametrize(
    "value, words",
    [(time(9), "9am"), (time(9, 5), "9:05am"), (time(12), "midday"), (time(0), "midnight"), (time(17, 30), "5:30pm")],
)
def test_times_read_the_gov_uk_way(value, words):
    assert clock(value) == words
