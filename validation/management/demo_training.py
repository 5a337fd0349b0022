"""Demo data for issue 19's lower floors: school commitments, pupils on roll, training courses,
bookings (with a waiting list), an imported attendance sheet and a Training the Trainers cascade.

Called by seed_demo (one function, kept apart to limit merge conflicts). Dates are relative to the
day it runs; running it again changes nothing.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portfolios.training import services as training_services
from portfolios.training.models import Attendance, Booking, CascadeSession, Course
from schools.commitments.models import CommitmentStatement
from schools.models import Membership, School

PUPILS = {990001: 420, 990002: 1150, 990004: 360}


def seed_training_and_commitments(admin, schools_by_urn):
    today = timezone.localdate()
    for urn, pupils in PUPILS.items():
        School.objects.filter(urn=urn, pupils__isnull=True).update(pupils=pupils)
    oak, river, brook = (schools_by_urn.get(urn) for urn in (990001, 990002, 990004))

    def statement(school, confirmed_on, **fields):
        if school is not None and not CommitmentStatement.objects.filter(school=school).exists():
            CommitmentStatement.objects.create(
                school=school, confirmed_on=confirmed_on, governor_name=school.governor_name, **fields
            )

    statement(oak, today - datetime.timedelta(days=20), charter_signed_on=today - relativedelta(years=1, days=3),
              esafety_lead="Mr Sam Ali", restorative_approaches=True, uses_termly_return=True)  # fmt: skip
    statement(river, today - relativedelta(years=1, days=10), charter_signed_on=today - relativedelta(years=2),
              uses_termly_return=True)  # a year old: due for confirmation  # fmt: skip
    statement(brook, today - relativedelta(months=2), charter_signed_on=today - relativedelta(months=8),
              esafety_lead="Ms Jo Reed", restorative_approaches=True, uses_termly_return=True)  # fmt: skip

    def course(title, days, **fields):
        found, _ = Course.objects.get_or_create(
            title=title,
            defaults={"runs_on": today + datetime.timedelta(days=days), "trainer": "Karin Hutchinson",
                      "created_by": admin, **fields},
        )  # fmt: skip
        return found

    restorative = course("Restorative approaches in schools", -30, venue="County Hall, Hertford", capacity=24)
    trainers = course("Training the Trainers: anti-bullying", -60, is_online=True, capacity=30,
                      is_training_the_trainers=True)  # fmt: skip
    online = course("Cyberbullying and online safety", 21, is_online=True, capacity=2)
    if oak and brook and not restorative.attendances.exists():
        sheet = SimpleUploadedFile(
            "restorative-attendance.csv",
            f"URN,Name,Role\n{oak.urn},Olivia Hughes,Deputy Head\n{oak.urn},Tom Baker,PSHE Coordinator\n"
            f"{brook.urn},Bea Ford,Deputy Head\n".encode(),
        )
        preview = training_services.attendance_import_preview(course=restorative, actor=admin, upload=sheet)
        training_services.attendance_import_confirm(attendance_import=preview, actor=admin)
    if river and not trainers.attendances.exists():
        trainer = Attendance.objects.create(
            course=trainers, school=river, attendee_name="Megan Lewis", attendee_role="Head of Year 8",
            source=Attendance.Source.ADMIN, recorded_by=admin,
        )  # fmt: skip
        CascadeSession.objects.create(
            trainer=trainer, held_on=today - datetime.timedelta(days=20), audience="Lunchtime supervisors", headcount=14
        )
    if oak and river and not online.bookings.exists():
        for school, name in ((oak, "Tom Baker"), (river, "Rahul Patel"), (oak, "Olivia Hughes")):
            lead = Membership.objects.filter(school=school, role=Membership.Role.LEAD).select_related("user").first()
            training_services.booking_make(
                course=online, school=school, actor=lead.user, attendee_name=name,
                attendee_email=f"{name.split()[0].lower()}@{school.name.split()[0].lower()}.example.org",
            )  # fmt: skip
    return Booking.objects.filter(course=online, status=Booking.Status.WAITING).count()
