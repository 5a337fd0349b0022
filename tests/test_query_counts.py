"""Queries per page, pinned at two data sizes, so an N+1 cannot come back unnoticed.

The pages the benchmark times (benchmarks/run.py): the school task list, the evidence library,
the validator's meeting agenda, the admin dashboard, the public register, the readiness check,
the action plan and the county indicators. Each is
built at a small and a larger size (more evidence, more agenda items, more awards); the count
must be the same at both and equal to the number pinned here. Not timings: counts only.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios.action_plans.models import Action
from portfolios.models import Application, CriterionResponse
from portfolios.tests.factories import EvidenceItemFactory, criteria
from schools.tests.factories import LeadFactory, SchoolFactory
from validation.models import AgendaItem, Attendance, Award, Decision, Meeting, Review, Team
from validation.tests.factories import GroupMemberFactory

pytestmark = pytest.mark.django_db

SIZES = (2, 7)
# Queries each page makes (second request, so one-off work such as the session's first write does
# not count). Raise a number only with a reason: a count that grows with the data is an N+1.
# Issue 20: every signed-in page loads the person with the second-factor gate's answers (is a
# validator, has a device) in the one query that loads them, instead of three more: school pages -3,
# validators' and admins' pages -1 (their verified second factor skipped the rest already).
PINNED = {
    # Issue 16: + the open advice request and the sent comments (one query each). Issue 20: the
    # criteria, their evidence counts and age warnings and the self-ratings in one query (was three).
    # Later in issue 20: the submission problems read the task list's rows (was its own count).
    "task_list": 9,  # 8 + the version (cached pages, below)
    # Issue 16: + the page count, the open application and next meeting (age filter), the criteria.
    "evidence_library": 13,
    "validator_agenda": 15,  # + its version, with the count waiting (cached pages, below)
    # Issue 20: the results are rendered once per version (the newest audit entry): one query.
    "public_register": 1,
    # Issue 20 adds the newer school pages: the readiness check and the action plan.
    "readiness": 9,
    "action_plan": 10,  # 8 with no actions (the benchmark school): the criteria and evidence of actions
}
# Later in issue 20 the school pages are cached whole (schools.versions): a drawn page above also
# reads its school's version first (+1); a served page is only that: the session, the person, the
# version (with the school's id) and the access rule for that school (the person's memberships);
# the meeting page: the session, the person, their second factor and the agenda's version (with
# the count waiting).
SERVED = {"task_list": 4, "evidence_library": 4, "readiness": 4, "action_plan": 4, "validator_agenda": 4}
# The county pages served to an admin: the session, the person, their second factor and the county's
# version (the newest audit entry and the newest school change, in one statement since 3 December).
SERVED_COUNTY = {"admin_dashboard": 4, "indicators": 4}
DASHBOARD_MAX = 30  # the admin dashboard is still growing: bounded, and equal at both sizes
# Newer pages (issue 20 adds them to the budget): bounded, and equal at both sizes.
ADMIN_PAGES = {"indicators": "insight:indicators", "board_reports": "insight:board_reports"}
ADMIN_PAGES_MAX = 20


def build(size: int):
    """A school with `size` evidence items on each of the 8 criteria of a draft application; a
    meeting whose agenda lists `size` applications (half decided), reviewed by one validator; and
    `size` current awards for the register."""
    today = timezone.localdate()
    lead = LeadFactory()
    school = lead.school
    crits = criteria()
    application = Application.objects.create(school=school, criteria_set=crits[0].criteria_set)
    for criterion in crits:
        response = CriterionResponse.objects.create(
            application=application, criterion=criterion, self_evaluation=f"We meet criterion {criterion.number}."
        )
        items = [
            EvidenceItemFactory(school=school, produced_on=today - timedelta(days=400 * n), criteria=[criterion])
            for n in range(size)
        ]
        response.evidence.set(items)
        # The action plan: `size` actions on each criterion, some of them done.
        for n in range(size):
            Action.objects.create(
                school=school,
                what=f"Criterion {criterion.number}: step {n}",
                lead="Deputy head",
                due_on=today + timedelta(days=30 * (n + 1)),
                criterion=criterion,
                status=Action.Status.DONE if n % 2 else Action.Status.NOT_STARTED,
                completed_on=today if n % 2 else None,
                created_by=lead.user,
            )

    teams = list(Team.objects.order_by("pk")[:2])
    validator = GroupMemberFactory(team=teams[0])
    colleague = GroupMemberFactory(team=teams[1])
    admin = AdminFactory()
    meeting = Meeting.objects.create(
        academic_year="2026-27",
        date=date(2026, 11, 25) + timedelta(days=size),
        starts_at=time(16, 0),
        submission_cutoff=date(2026, 10, 28),
        capacity=30,
    )
    for member in (validator, colleague):
        Attendance.objects.create(meeting=meeting, member=member)
    submitted = timezone.make_aware(datetime(2026, 10, 20, 15, 0))
    for n in range(size):
        other = SchoolFactory()
        decided = n % 2 == 1
        listed = Application.objects.create(
            school=other,
            criteria_set=crits[0].criteria_set,
            state=Application.State.ACCREDITED if decided else Application.State.SCHEDULED,
            meeting_date=meeting.date,
            submitted_at=submitted,
        )
        item = AgendaItem.objects.create(meeting=meeting, application=listed, submitted_at=submitted)
        Review.objects.create(agenda_item=item, member=validator)
        Review.objects.create(agenda_item=item, member=colleague)
        if decided:
            decision = Decision.objects.create(
                agenda_item=item,
                meeting=meeting,
                application=listed,
                outcome=Decision.Outcome.ACCREDITED,
                strengths="Pupil voice throughout",
                areas_for_future="Peer mentoring",
                recorded_by=admin,
            )
            decision.present.set([validator, colleague])
        # The register: a current award for another school each time.
        awarded = SchoolFactory()
        award_app = Application.objects.create(
            school=awarded, criteria_set=crits[0].criteria_set, state=Application.State.ACCREDITED
        )
        award_meeting_item = AgendaItem.objects.create(meeting=meeting, application=award_app, submitted_at=submitted)
        award_decision = Decision.objects.create(
            agenda_item=award_meeting_item,
            meeting=meeting,
            application=award_app,
            outcome=Decision.Outcome.ACCREDITED,
            strengths="Strong",
            areas_for_future="More",
            released_at=timezone.now(),
        )
        Award.objects.create(
            school=awarded,
            application=award_app,
            decision=award_decision,
            awarded_on=today - timedelta(days=30 + n),
            expires_on=today + timedelta(days=1000),
            verification_code=f"code-{size}-{n}",
        )
    return {
        "lead": lead.user,
        "validator": validator.user,
        "admin": admin,
        "paths": {
            "task_list": reverse("portfolios:application", args=[application.pk]),
            "evidence_library": reverse("portfolios:evidence_library", args=[school.pk]),
            "validator_agenda": reverse("validation:meeting", args=[meeting.pk]),
            "public_register": reverse("validation:register"),
            "readiness": reverse("portfolios:readiness", args=[application.pk]),
            "action_plan": reverse("portfolios:action_plan", args=[school.pk]),
        },
    }


def queries_for(client, path) -> tuple[int, bytes]:
    """Queries of the second visit: the page drawn (a cached school page is stored on this one)."""
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries), response.content


def served_queries(client, path) -> int:
    """Queries of the visit after that: a cached school page served (schools.versions)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def counts_at(client_factory, size):
    world = build(size)
    who = {
        "task_list": "lead",
        "evidence_library": "lead",
        "validator_agenda": "validator",
        "public_register": None,
        "readiness": "lead",
        "action_plan": "lead",
    }
    counts, pages = {}, {}
    for key, path in world["paths"].items():
        client = client_factory()
        if who[key]:
            login(client, world[who[key]])
        counts[key], pages[key] = queries_for(client, path)
        if key in SERVED:
            counts[f"{key}_served"] = served_queries(client, path)
    admin_client = login(client_factory(), world["admin"])
    dashboard = admin_client.get("/dashboard/")
    counts["admin_dashboard"] = queries_for(admin_client, "/dashboard/" if dashboard.status_code == 200 else "/")[0]
    # Issue 20: the newer admin pages and the floor (the sign-in page, signed out) join the budget.
    for key, url_name in ADMIN_PAGES.items():
        counts[key], pages[key] = queries_for(admin_client, reverse(url_name))
    for key, path in (("admin_dashboard", "/dashboard/"), ("indicators", reverse("insight:indicators"))):
        counts[f"{key}_served"] = served_queries(admin_client, path)
    counts["floor"] = queries_for(client_factory(), reverse("accounts:login"))[0]
    return counts, pages, world


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


@pytest.mark.parametrize("size", SIZES)
def test_each_page_makes_its_pinned_number_of_queries(client_factory, size):
    counts, pages, _ = counts_at(client_factory, size)
    # The pages show what was built, so the counts are for real content.
    # The library shows pages of 50 (issue 16).
    assert pages["evidence_library"].count(b"/portfolio/evidence/") >= min(8 * size, 50)
    assert pages["validator_agenda"].count(b"/agenda/") >= 1
    assert pages["public_register"].count(b"<tr") >= size
    assert pages["readiness"].count(b"Work on criterion ") == 8  # a row for each criterion
    assert pages["action_plan"].count(b"step ") >= 8 * size
    for key, pinned in PINNED.items():
        assert counts[key] == pinned, f"{key}: {counts[key]} queries at size {size}, pinned at {pinned}"
    for key, pinned in SERVED.items():
        served = counts[f"{key}_served"]
        assert served == pinned, f"{key} served: {served} queries at size {size}, pinned at {pinned}"
    for key, pinned in SERVED_COUNTY.items():
        served = counts[f"{key}_served"]
        assert served == pinned, f"{key} served: {served} queries at size {size}, pinned at {pinned}"
    assert counts["admin_dashboard"] <= DASHBOARD_MAX
    for key in ADMIN_PAGES:
        assert counts[key] <= ADMIN_PAGES_MAX, f"{key}: {counts[key]} queries"
    assert counts["floor"] == 0  # the sign-in page, signed out, touches no table


def test_counts_do_not_grow_with_the_data(client_factory):
    small, _, _ = counts_at(client_factory, SIZES[0])
    large, _, _ = counts_at(client_factory, SIZES[1])
    assert small == large


def lapse_queries(size) -> tuple[int, int]:
    """Queries the nightly award lapse makes when `size` awards have expired, and the audit
    entries it wrote."""
    from accreditation.models import AuditEvent
    from validation.awards_jobs import awards_lapse

    build(size)
    after_expiry = timezone.localdate() + timedelta(days=1001)
    with CaptureQueriesContext(connection) as queries:
        lapsed = awards_lapse(as_of=after_expiry)
    assert lapsed == size
    assert Award.objects.filter(status=Award.Status.LAPSED).count() == size
    entries = AuditEvent.objects.filter(action="award.lapsed")
    assert all(e.target_type == "validation.award" and "expired" in e.summary for e in entries)
    return len(queries), entries.count()


def test_the_award_lapse_writes_its_audit_entries_in_one_insert():
    small, small_entries = lapse_queries(SIZES[0])
    Award.objects.all().delete()
    from accreditation.models import AuditEvent

    AuditEvent.objects.all().delete()
    large, large_entries = lapse_queries(SIZES[1])
    assert (small_entries, large_entries) == SIZES
    assert small == large


def test_the_library_lists_each_items_criterion_numbers(client_factory):
    _, pages, _ = counts_at(client_factory, SIZES[0])
    for number in range(1, 9):
        assert f'<td class="govuk-table__cell">{number}</td>'.encode() in pages["evidence_library"]
