"""A small county for the indicator and board report tests, built at fixed dates."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from insight.tests.insight_data import application, decided
from portfolios.models import Application
from portfolios.training.models import Attendance, CascadeSession, Course
from schools.commitments.models import CommitmentStatement
from schools.models import Term
from schools.returns import services as returns_services
from schools.returns.tests.factories import ensure_incident_types, figures
from schools.tests.factories import LeadFactory, SchoolFactory

LONDON = ZoneInfo("Europe/London")
SET_UP = datetime(2026, 10, 1, 10, tzinfo=LONDON)
TODAY = datetime(2027, 3, 15, 10, tzinfo=LONDON)  # in academic year 2026-27


def build_county(clock):
    """Schools in two districts and two phases (plus a closed one and one from another LA),
    awards, applications, two terms of returns, commitments and training."""
    clock.move_to(SET_UP, tick=False)
    ensure_incident_types()
    specs = [
        ("Oak Primary", "Primary", "Watford", 200),
        ("Ash Primary", "Primary", "Watford", 300),
        ("Elm Primary", "Primary", "Dacorum", None),
        ("Yew Secondary", "Secondary", "Dacorum", 1000),
        ("Fir Secondary", "Secondary", "Watford", 800),
        ("Birch Infant", "Primary", "Dacorum", 100),
    ]
    leads = {}
    for name, phase, district, pupils in specs:
        school = SchoolFactory(name=name, phase=phase, district=district, pupils=pupils)
        leads[name] = LeadFactory(school=school)
    closed = SchoolFactory(name="Old Primary", status="Closed", phase="Primary", district="Watford")
    elsewhere = SchoolFactory(name="Far Primary", la_code=202, phase="Primary", district="Camden")
    schools = {name: lead.school for name, lead in leads.items()}

    # Awards: two held today, one expired before today, one at a school we do not count.
    decided(schools["Oak Primary"], meeting_date=date(2025, 6, 11))
    decided(schools["Yew Secondary"], meeting_date=date(2026, 11, 25))
    decided(schools["Ash Primary"], meeting_date=date(2023, 6, 14))  # expired 14 June 2026
    decided(closed, meeting_date=date(2026, 6, 10))
    decided(elsewhere, meeting_date=date(2026, 6, 10))
    # Applications in progress: a draft at Elm, a submitted one at Fir, a withdrawn one at Birch.
    application(schools["Elm Primary"])
    application(schools["Fir Secondary"], Application.State.SUBMITTED)
    withdrawn = application(schools["Birch Infant"], Application.State.WITHDRAWN)
    Application.objects.filter(pk=withdrawn.pk).update(withdrawn_at=SET_UP)

    autumn = Term.objects.create(
        academic_year="2026-27", season="autumn", starts_on=date(2026, 9, 3), ends_on=date(2026, 12, 18),
        opens_on=date(2026, 12, 18), due_on=date(2027, 1, 15),
    )  # fmt: skip
    spring = Term.objects.create(
        academic_year="2026-27", season="spring", starts_on=date(2027, 1, 5), ends_on=date(2027, 3, 26),
        opens_on=date(2027, 3, 12), due_on=date(2027, 4, 23),
    )  # fmt: skip
    clock.move_to(TODAY, tick=False)
    made = {
        ("Oak Primary", autumn): figures(total=12, racist=4, types={"other": 9, "racist": 3}),
        ("Ash Primary", autumn): figures(total=7, racist=1, types={"other": 7}),
        ("Elm Primary", autumn): figures(total=30, racist=2, types={"other": 30}),  # pupils unknown
        ("Yew Secondary", autumn): figures(total=40, racist=10, types={"other": 32, "racist": 8}),
        ("Oak Primary", spring): figures(total=5, racist=0, types={"other": 5}),
    }
    for (name, term), numbers in made.items():
        returns_services.return_submit(school=schools[name], term=term, actor=leads[name].user, figures=numbers)

    statement = CommitmentStatement.objects.create
    statement(school=schools["Oak Primary"], charter_signed_on=date(2026, 1, 5), governor_name="Ms Governor",
              esafety_lead="Mr Safe", restorative_approaches=True, uses_termly_return=True,
              confirmed_on=date(2026, 9, 20))  # fmt: skip
    statement(school=schools["Ash Primary"], charter_signed_on=date(2025, 1, 5), confirmed_on=date(2025, 9, 20))
    statement(school=schools["Ash Primary"], governor_name="Dr Who", restorative_approaches=True,
              confirmed_on=date(2027, 1, 10))  # the latest: no charter any more  # fmt: skip
    statement(
        school=schools["Yew Secondary"], charter_signed_on=date(2024, 1, 5), confirmed_on=date(2026, 3, 1)
    )  # too old
    statement(school=closed, charter_signed_on=date(2026, 1, 5), confirmed_on=date(2026, 9, 20))

    course = Course.objects.create(title="Restorative approaches", runs_on=date(2026, 11, 4), venue="County Hall",
                                   capacity=20, trainer="A Trainer")  # fmt: skip
    trainers = Course.objects.create(title="Training the Trainers", runs_on=date(2027, 2, 3), is_online=True,
                                     capacity=20, trainer="B Trainer", is_training_the_trainers=True)  # fmt: skip
    old = Course.objects.create(title="Old course", runs_on=date(2026, 5, 4), venue="Hall", capacity=5, trainer="C")
    Attendance.objects.create(course=course, school=schools["Oak Primary"], attendee_name="Ann", source="admin")
    Attendance.objects.create(course=course, school=schools["Oak Primary"], attendee_name="Bob", source="admin")
    Attendance.objects.create(course=course, school=closed, attendee_name="Cat", source="admin")
    cascade = Attendance.objects.create(
        course=trainers, school=schools["Fir Secondary"], attendee_name="Dan", source="admin"
    )
    Attendance.objects.create(course=old, school=schools["Birch Infant"], attendee_name="Eve", source="admin")
    CascadeSession.objects.create(trainer=cascade, held_on=date(2027, 3, 1), audience="Lunchtime staff", headcount=14)
    return {"schools": schools, "leads": leads, "closed": closed, "elsewhere": elsewhere, "terms": (autumn, spring)}
