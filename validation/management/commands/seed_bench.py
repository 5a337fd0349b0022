"""Benchmark data at a council's scale times ten: fills every app, fast, into PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python manage.py seed_bench            # full
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_small python manage.py seed_bench --scale small

Full scale: 5,000 schools, each with an SLT lead and 200 evidence items (1,000,000 rows, produced
over the last four years, so about a quarter are out of date and the nightly sweep has work), 600
applications across the year of meetings around today (decided, listed, waiting and drafts), and
1,500 awards (those of the year plus older ones, awarded over the last three years and a little
more, so a few are past their expiry and waiting for a lapse sweep). Every listed application has
8 criterion responses with evidence linked, an agenda item with two reviewers from different
teams, reviews (submitted once heard), a decision and an award when accredited.

For the benchmark's pages it adds a "bench" school with exactly 200 evidence items and a draft
application with all 8 criteria answered (25 items each), and a validator who reviews all 30
applications on the next meeting. The bench lead, validator and admin sign in with BENCH_PASSWORD;
the validator and the admin have an authenticator with the fixed key BENCH_TOTP_KEY, so the
benchmark computes their codes (django_otp.oath) and signs in through the real form.

Big tables go in with COPY (evidence, its criteria) or set-based INSERT ... SELECT (links); the
rest with bulk_create; one transaction per table, no per-row saves. Evidence "files" are rows
pointing at three shared small files, so nothing large is written to disk. It refuses SQLite, a
database that already holds schools, and (unless --force) running with DEBUG off.
"""

import hashlib
import io
import random
import secrets
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from portfolios.dates import add_years, stale_from
from portfolios.models import Application, CriteriaSet, CriterionResponse
from schools.models import Membership, School
from validation import models as validation_models
from validation.models import (
    AgendaItem,
    Attendance,
    Award,
    CriterionJudgement,
    Decision,
    GroupMember,
    Meeting,
    Review,
)

BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - benchmark data only; refused when DEBUG is off
BENCH_TOTP_KEY = "3132333435363738393031323334353637383930"  # hex; benchmark accounts only
BENCH_SCHOOL_URN = 899999
BENCH_LEAD = "bench.lead@bench.example.org"
BENCH_VALIDATOR = "bench.validator@bench.example.org"
BENCH_ADMIN = "bench.admin@bench.example.org"
BENCH_ITEMS = 200
# A second bench school for the library at 2,000 items (issue 20), with its own SLT lead.
BENCH_LARGE_SCHOOL_URN = 899998
BENCH_LARGE_LEAD = "bench.large.lead@bench.example.org"
BENCH_LARGE_ITEMS = 2000
AGENDA_SIZE = 30
URN_BASE = 800000

SCALES = {
    "full": {"schools": 5000, "evidence": 200, "applications": 600, "awards": 1500},
    "small": {"schools": 500, "evidence": 20, "applications": 60, "awards": 150},
    # National: England has about 20,000 schools; 50,000 awards is every one of them accredited
    # about two and a half times over. For the award lapse and expiry reminder sweeps (issue 20),
    # so a couple of evidence items per school.
    "national": {"schools": 51000, "evidence": 2, "applications": 600, "awards": 50000},
}
TREES = ["Oak", "Ash", "Elm", "Beech", "Holly"]
KINDS = ["Primary", "Academy", "Infant", "Junior"]
SHARED_FILES = [
    ("bench/shared-policy.pdf", "Anti-bullying policy.pdf", "application/pdf"),
    ("bench/shared-survey.pdf", "Pupil survey results.pdf", "application/pdf"),
    ("bench/shared-poster.png", "Assembly poster.png", "image/png"),
]
HALF_TERMS = [  # (half term, month, day) of the meeting in that half term
    ("autumn_1", 10, 15),
    ("autumn_2", 12, 3),
    ("spring_1", 2, 4),
    ("spring_2", 3, 25),
    ("summer_1", 6, 10),
    ("summer_2", 7, 8),
]


def academic_year(day: date) -> str:
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


class Command(BaseCommand):
    help = "Load benchmark data (default: 5,000 schools, 1,000,000 evidence items) into an empty PostgreSQL database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="full")
        parser.add_argument("--schools", type=int, help="schools (default from --scale)")
        parser.add_argument("--evidence", type=int, help="evidence items per school (the bench school has 200)")
        parser.add_argument("--applications", type=int, help="applications across the year of meetings")
        parser.add_argument("--awards", type=int, help="awards (current, expiring over 3 years)")
        parser.add_argument("--seed", type=int, default=9)
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_bench needs PostgreSQL: set DATABASE_URL to a database of its own.")
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG is off: this looks like production. Use --force on a benchmark database.")
        if School.objects.exists():
            raise CommandError("This database already holds schools: seed_bench needs an empty (migrated) database.")
        scale = dict(SCALES[options["scale"]])
        for key in scale:
            if options.get(key) is not None:
                scale[key] = options[key]
        self.rng = random.Random(options["seed"])  # noqa: S311 - reproducible data, not a secret
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.timings = []
        started = time.perf_counter()
        self.load(**scale)
        self.stdout.write(f"{'total':<28}{time.perf_counter() - started:>9.1f} s")

    # ------------------------------------------------------------------------------------------
    def step(self, label):
        return _Step(self, label)

    def load(self, *, schools, evidence, applications, awards):
        self.criteria_set = CriteriaSet.objects.get(is_current=True)
        self.criteria = list(self.criteria_set.criteria.order_by("number"))
        self.load_people_and_schools(schools)
        self.load_evidence(evidence)
        self.meetings = self.load_meetings()
        plan = self.plan_applications(applications, awards, schools)
        self.load_applications(plan)
        self.load_agendas(plan)
        self.load_awards()
        with self.step("analyze"):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    # ------------------------------------------------------------------------------------------
    def load_people_and_schools(self, count):
        User = get_user_model()
        password = make_password(BENCH_PASSWORD)
        with self.step("schools"), transaction.atomic():
            School.objects.bulk_create(
                [
                    School(
                        urn=URN_BASE + n,
                        name=f"{TREES[n % 5]} {KINDS[n % 4]} School {n}",
                        la_code=919,
                        la_name="Hertfordshire",
                        phase=["Primary", "Secondary"][n % 2],
                        status="Open",
                        town=["St Albans", "Watford", "Stevenage", "Hitchin", "Hertford"][n % 5],
                        postcode=f"AL{n % 10} {n % 9}ZZ",
                        head_teacher=f"Head Teacher {n}",
                        governor_name=f"Governor {n}",
                        eligibility=School.Eligibility.MET,
                    )
                    for n in range(count)
                ]
                + [
                    School(
                        urn=BENCH_SCHOOL_URN,
                        name="Bench Primary School",
                        la_code=919,
                        status="Open",
                        town="St Albans",
                        eligibility=School.Eligibility.MET,
                        head_teacher="Mrs Bench",
                        governor_name="Mr Bench",
                    ),
                    School(
                        urn=BENCH_LARGE_SCHOOL_URN,
                        name="Bench Large Secondary School",
                        la_code=919,
                        status="Open",
                        town="Watford",
                        eligibility=School.Eligibility.MET,
                        head_teacher="Mr Large",
                        governor_name="Ms Large",
                    ),
                ],
                batch_size=5000,
            )
        self.school_ids = list(
            School.objects.filter(urn__lt=BENCH_LARGE_SCHOOL_URN).order_by("urn").values_list("pk", flat=True)
        )
        self.bench_school = School.objects.get(urn=BENCH_SCHOOL_URN)
        self.large_school = School.objects.get(urn=BENCH_LARGE_SCHOOL_URN)
        with self.step("users"), transaction.atomic():
            users = [
                User(
                    email=f"lead{n}@school{n}.bench.example.org", first_name="Lead", last_name=str(n), password=password
                )
                for n in range(count)
            ]
            users.append(User(email=BENCH_LEAD, first_name="Bench", last_name="Lead", password=password))
            users.append(User(email=BENCH_LARGE_LEAD, first_name="Large", last_name="Lead", password=password))
            users.append(
                User(email=BENCH_ADMIN, first_name="Bench", last_name="Admin", is_hw_admin=True, password=password)
            )
            validators = [
                User(
                    email=f"validator{n}@bench.example.org", first_name="Validator", last_name=str(n), password=password
                )
                for n in range(25)
            ]
            validators.append(User(email=BENCH_VALIDATOR, first_name="Bench", last_name="Validator", password=password))
            User.objects.bulk_create(users + validators, batch_size=5000)
        by_email = dict(User.objects.values_list("email", "pk"))
        self.lead_ids = [by_email[f"lead{n}@school{n}.bench.example.org"] for n in range(count)]
        self.admin_id = by_email[BENCH_ADMIN]
        with self.step("memberships"), transaction.atomic():
            Membership.objects.bulk_create(
                [
                    Membership(user_id=user_id, school_id=school_id, role=Membership.Role.LEAD)
                    for user_id, school_id in zip(self.lead_ids, self.school_ids, strict=True)
                ]
                + [Membership(user_id=by_email[BENCH_LEAD], school=self.bench_school, role=Membership.Role.LEAD)]
                + [Membership(user_id=by_email[BENCH_LARGE_LEAD], school=self.large_school, role=Membership.Role.LEAD)],
                batch_size=5000,
            )
        with self.step("validating group"), transaction.atomic():
            teams = list(validation_models.Team.objects.filter(is_active=True).order_by("pk"))
            members = [
                GroupMember(user_id=by_email[f"validator{n}@bench.example.org"], team=teams[n % len(teams)])
                for n in range(25)
            ]
            members.append(GroupMember(user_id=by_email[BENCH_VALIDATOR], team=teams[0]))
            GroupMember.objects.bulk_create(members)
            self.members = list(GroupMember.objects.select_related("user").order_by("pk"))
            self.bench_member = next(m for m in self.members if m.user.email == BENCH_VALIDATOR)
            self.others = [m for m in self.members if m is not self.bench_member]
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.bulk_create(
                [
                    TOTPDevice(
                        user_id=by_email[email], name="Benchmark authenticator", confirmed=True, key=BENCH_TOTP_KEY
                    )
                    for email in (BENCH_ADMIN, BENCH_VALIDATOR)
                ]
            )

    def load_evidence(self, per_school):
        for name, _, _ in SHARED_FILES:
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(b"%PDF-1.4 benchmark placeholder\n"))
        shared = [
            (name, original, ctype, hashlib.sha256(name.encode()).hexdigest()) for name, original, ctype in SHARED_FILES
        ]
        days = 4 * 365
        stale = {n: stale_from(self.today - timedelta(days=n)).isoformat() for n in range(days + 1)}
        now = self.now.isoformat()
        rng = self.rng
        columns = (
            "school_id, kind, title, description, produced_on, impact, url, file, original_name, size, sha256, "
            "content_type, uploaded_by_id, uploaded_at, updated_at, stale_from, scan_state, scanned_at, scan_signature"
        )
        owners = [(sid, lid, per_school) for sid, lid in zip(self.school_ids, self.lead_ids, strict=True)]
        owners.append((self.bench_school.pk, None, BENCH_ITEMS))
        owners.append((self.large_school.pk, None, BENCH_LARGE_ITEMS))
        total = sum(n for _, _, n in owners)
        bench_ids = {self.bench_school.pk, self.large_school.pk}
        with self.step(f"evidence ({total:,})"), transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY portfolios_evidenceitem ({columns}) FROM STDIN") as copy:
                buffer = io.StringIO()
                for school_id, lead_id, count in owners:
                    lead = str(lead_id) if lead_id else r"\N"
                    for n in range(count):
                        ago = rng.randrange(days) if school_id not in bench_ids else (n * 7) % days
                        produced = (self.today - timedelta(days=ago)).isoformat()
                        if n % 10 == 0:
                            name, original, ctype, digest = shared[n % 3]
                            kind, url, extra = "file", "", f"{name}\t{original}\t48213\t{digest}\t{ctype}"
                        else:
                            kind, url, extra = "link", "https://www.example.sch.uk/anti-bullying", "\t\t0\t\t"
                        # Every seeded file has passed the virus check (links have nothing to scan).
                        scan = "clean"
                        buffer.write(
                            f"{school_id}\t{kind}\tEvidence {n}: anti-bullying week {n % 40}\tWhat we did, for whom\t"
                            f"{produced}\tFewer incidents reported in the playground\t{url}\t{extra}\t{lead}\t"
                            f"{now}\t{now}\t{stale[ago]}\t{scan}\t{now}\t\n"
                        )
                    if buffer.tell() > 4_000_000:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
        with self.step("evidence criteria"), transaction.atomic(), connection.cursor() as cursor:
            # Each item supports one criterion (by id, round the 8); the bench school's 25 per criterion.
            cursor.execute(
                """INSERT INTO portfolios_evidenceitem_criteria (evidenceitem_id, criterion_id)
                   SELECT e.id, c.id FROM portfolios_evidenceitem e
                   JOIN portfolios_criterion c ON c.criteria_set_id = %s AND c.number = (e.id %% 8) + 1""",
                [self.criteria_set.pk],
            )

    def load_meetings(self):
        earliest, latest = add_years(self.today, -3) - timedelta(days=120), self.today + timedelta(days=183)
        meetings = []
        for year in range(earliest.year - 1, latest.year + 1):
            for half_term, month, day in HALF_TERMS:
                when = date(year, month, day)
                if earliest <= when <= latest and when != self.today:
                    meetings.append(
                        Meeting(
                            academic_year=academic_year(when),
                            half_term=half_term,
                            date=when,
                            starts_at=dtime(16, 0),
                            location="County Hall, Hertford",
                            submission_cutoff=when - timedelta(days=28),
                            capacity=200,
                            status=Meeting.Status.HELD if when < self.today else Meeting.Status.PLANNED,
                        )
                    )
        with self.step("meetings"), transaction.atomic():
            Meeting.objects.bulk_create(meetings)
        return list(Meeting.objects.order_by("date"))

    def plan_applications(self, applications, awards, schools):
        """Which school's application goes where: (school index, state, meeting or None, accredited)."""
        window = self.today - timedelta(days=183)
        future = [m for m in self.meetings if m.date > self.today]
        past_year = [m for m in self.meetings if window <= m.date < self.today]
        older = [m for m in self.meetings if m.date < window]
        rest = applications - AGENDA_SIZE
        decided, scheduled, waiting = rest // 2, rest * 3 // 10, rest // 10
        drafts = rest - decided - scheduled - waiting
        plan = []
        school = iter(range(schools))
        for _ in range(AGENDA_SIZE):
            plan.append((next(school), Application.State.SCHEDULED, future[0], False))
        for n in range(scheduled):
            plan.append(
                (
                    next(school),
                    Application.State.SCHEDULED,
                    future[1 + n % (len(future) - 1)] if len(future) > 1 else future[0],
                    False,
                )
            )
        accredited_now = 0
        for n in range(decided):
            accredited = n % 7 != 6
            accredited_now += accredited
            state = Application.State.ACCREDITED if accredited else Application.State.NOT_ACCREDITED
            plan.append((next(school), state, past_year[n % len(past_year)], accredited))
        for _ in range(waiting):
            plan.append((next(school), Application.State.SUBMITTED, None, False))
        for _ in range(drafts):
            plan.append((next(school), Application.State.DRAFT, None, False))
        for n in range(max(0, awards - accredited_now)):
            plan.append((next(school), Application.State.ACCREDITED, older[n % len(older)], True))
        for meeting in self.meetings:
            meeting.capacity = max(AGENDA_SIZE, sum(1 for p in plan if p[2] is meeting))
        Meeting.objects.bulk_update(self.meetings, ["capacity"])
        self.next_meeting = future[0]
        return plan

    def load_applications(self, plan):
        listed = (Application.State.SCHEDULED, Application.State.ACCREDITED, Application.State.NOT_ACCREDITED)
        rows = []
        for index, state, meeting, _ in plan:
            submitted = None
            if state != Application.State.DRAFT:
                cutoff = meeting.submission_cutoff if meeting else self.today - timedelta(days=3)
                submitted = timezone.make_aware(datetime.combine(cutoff - timedelta(days=index % 20), dtime(15, 0)))
            decided = state in (Application.State.ACCREDITED, Application.State.NOT_ACCREDITED)
            rows.append(
                Application(
                    school_id=self.school_ids[index],
                    criteria_set=self.criteria_set,
                    state=state,
                    declaration=state != Application.State.DRAFT,
                    equality_declaration=state != Application.State.DRAFT,
                    meeting_date=meeting.date if state in listed else None,
                    decided_on=meeting.date if decided else None,
                    decided_at=timezone.make_aware(datetime.combine(meeting.date, dtime(18, 0))) if decided else None,
                    created_by_id=self.lead_ids[index],
                    created_at=(submitted or self.now) - timedelta(days=60),
                    updated_at=submitted or self.now,
                    submitted_by_id=self.lead_ids[index] if submitted else None,
                    first_submitted_at=submitted,
                    submitted_at=submitted,
                    scheduled_at=submitted if meeting else None,
                    areas_for_future="Extend the peer mentoring scheme to the new Year 7" if decided else "",
                )
            )
        rows.append(
            Application(
                school=self.bench_school,
                criteria_set=self.criteria_set,
                state=Application.State.DRAFT,
                created_at=self.now,
            )
        )
        with self.step(f"applications ({len(rows):,})"), transaction.atomic():
            created = Application.objects.bulk_create(rows, batch_size=2000)
        self.applications = created[:-1]
        self.bench_application = created[-1]
        with self.step("criterion responses"), transaction.atomic():
            responses = [
                CriterionResponse(
                    application=application,
                    criterion=criterion,
                    self_evaluation=f"How we meet criterion {criterion.number}: our policy, training and pupil voice.",
                    status=CriterionResponse.Status.OPEN
                    if application.state == Application.State.DRAFT
                    else CriterionResponse.Status.FROZEN,
                )
                for application in created
                for criterion in self.criteria
            ]
            CriterionResponse.objects.bulk_create(responses, batch_size=5000)
        with self.step("evidence linked to criteria"), transaction.atomic(), connection.cursor() as cursor:
            # Five of the school's most recent items supporting each criterion; the bench school's all 25.
            cursor.execute(
                """INSERT INTO portfolios_criterionresponse_evidence (criterionresponse_id, evidenceitem_id)
                   SELECT r.id, x.id FROM portfolios_criterionresponse r
                   JOIN portfolios_application a ON a.id = r.application_id
                   CROSS JOIN LATERAL (
                       SELECT e.id FROM portfolios_evidenceitem e
                       JOIN portfolios_evidenceitem_criteria ec ON ec.evidenceitem_id = e.id
                       WHERE e.school_id = a.school_id AND ec.criterion_id = r.criterion_id
                       ORDER BY e.produced_on DESC, e.id
                       LIMIT CASE WHEN a.id = %s THEN 1000 ELSE 5 END) x""",
                [self.bench_application.pk],
            )

    def load_agendas(self, plan):
        items, placed = [], []
        for application, (_, state, meeting, _) in zip(self.applications, plan, strict=True):
            if meeting is not None:
                items.append(
                    AgendaItem(
                        meeting=meeting,
                        application=application,
                        submitted_at=application.submitted_at,
                        placed_at=application.submitted_at + timedelta(minutes=5),
                    )
                )
                placed.append(state)
        with self.step(f"agenda items ({len(items):,})"), transaction.atomic():
            items = AgendaItem.objects.bulk_create(items, batch_size=5000)
        reviews, rng = [], self.rng
        for item, state in zip(items, placed, strict=True):
            heard = state != Application.State.SCHEDULED
            if item.meeting_id == self.next_meeting.pk:
                first = self.bench_member
            else:
                first = self.others[rng.randrange(len(self.others))]
            second = rng.choice([m for m in self.others if m.team_id != first.team_id])
            for member in (first, second):
                recommendation = (
                    (
                        Review.Recommendation.ACCREDIT
                        if state == Application.State.ACCREDITED
                        else Review.Recommendation.NOT_ACCREDIT
                    )
                    if heard
                    else ""
                )
                reviews.append(
                    Review(
                        agenda_item=item,
                        member=member,
                        assigned_at=item.placed_at,
                        recommendation=recommendation,
                        comment="A clear portfolio with good evidence of impact." if heard else "",
                        saved_at=item.placed_at + timedelta(days=7) if heard else None,
                        submitted_at=item.placed_at + timedelta(days=7) if heard else None,
                    )
                )
        with self.step(f"reviews ({len(reviews):,})"), transaction.atomic():
            reviews = Review.objects.bulk_create(reviews, batch_size=5000)
        judgements = [
            CriterionJudgement(
                review=review,
                criterion=criterion,
                judgement=CriterionJudgement.Judgement.MET
                if review.recommendation == Review.Recommendation.ACCREDIT
                else CriterionJudgement.Judgement.NOT_YET_MET,
                comment=""
                if review.recommendation == Review.Recommendation.ACCREDIT
                else "Needs more evidence of impact",
            )
            for review in reviews
            if review.submitted_at
            for criterion in self.criteria
        ]
        with self.step(f"judgements ({len(judgements):,})"), transaction.atomic():
            CriterionJudgement.objects.bulk_create(judgements, batch_size=5000)
        held = [m for m in self.meetings if m.status == Meeting.Status.HELD]
        with self.step("attendance"), transaction.atomic():
            Attendance.objects.bulk_create(
                [Attendance(meeting=m, member=member) for m in held for member in self.others[:8]], batch_size=5000
            )
        decisions = []
        for item, state in zip(items, placed, strict=True):
            if state == Application.State.SCHEDULED:
                continue
            accredited = state == Application.State.ACCREDITED
            heard_at = timezone.make_aware(datetime.combine(item.meeting.date, dtime(18, 0)))
            decisions.append(
                Decision(
                    agenda_item=item,
                    meeting_id=item.meeting_id,
                    application_id=item.application_id,
                    outcome=Decision.Outcome.ACCREDITED if accredited else Decision.Outcome.NOT_ACCREDITED,
                    strengths="Pupil voice runs through the whole portfolio.",
                    areas_for_future="Extend the peer mentoring scheme to the new Year 7.",
                    recorded_by_id=self.admin_id,
                    recorded_at=heard_at,
                    released_at=heard_at + timedelta(days=10),
                    released_by_id=self.admin_id,
                )
            )
        with self.step(f"decisions ({len(decisions):,})"), transaction.atomic():
            self.decisions = Decision.objects.bulk_create(decisions, batch_size=5000)

    def load_awards(self):
        school_of = {a.pk: a.school_id for a in self.applications}
        meeting_date = {m.pk: m.date for m in self.meetings}
        awards = [
            Award(
                school_id=school_of[d.application_id],
                application_id=d.application_id,
                decision=d,
                awarded_on=meeting_date[d.meeting_id],
                expires_on=add_years(meeting_date[d.meeting_id], 3),
                verification_code=secrets.token_urlsafe(18),
                created_at=d.released_at,
            )
            for d in self.decisions
            if d.outcome == Decision.Outcome.ACCREDITED
        ]
        with self.step(f"awards ({len(awards):,})"), transaction.atomic():
            Award.objects.bulk_create(awards, batch_size=5000)


class _Step:
    """Times one table's load and prints it."""

    def __init__(self, command, label):
        self.command, self.label = command, label

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            elapsed = time.perf_counter() - self.started
            self.command.timings.append((self.label, elapsed))
            self.command.stdout.write(f"{self.label:<28}{elapsed:>9.1f} s")
        return False
