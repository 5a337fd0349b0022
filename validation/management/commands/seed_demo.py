"""Demo data for trying the portal: run it twice and nothing changes the second time."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portfolios import selectors as portfolio_selectors
from portfolios import services as portfolio_services
from portfolios.models import Application, EvidenceItem
from schools import services as school_services
from schools.models import EligibilityRule, Inspection, Membership, Registration, School, WelcomePackResource
from validation import services as validation_services
from validation import term_dates
from validation.models import AgendaItem, Award, Conflict, Decision, GroupMember, Meeting, Team
from validation.services.meetings import default_cutoff, meeting_defaults
from validation.services.reviews import reviewers_assign

DEMO_PASSWORD = "anti-bullying-demo"  # noqa: S105 - published demo password; refused when DEBUG is off

ADMIN = ("hw.admin@example.org", "Harriet", "Walsh", "Health & Wellbeing team manager")
VALIDATORS = [
    ("validator.hw@example.org", "Vikram", "Shah", "health-wellbeing"),
    ("validator.send@example.org", "Sophie", "Evans", "send"),
    ("validator.governance@example.org", "Gareth", "Owen", "school-governance"),
]
ACCREDITED = {
    "urn": 990004,
    "name": "Brookfield Junior School (demo)",
    "phase": "Primary",
    "type_name": "Community school",
    "street": "Brook Lane",
    "town": "Hitchin",
    "postcode": "SG4 9ZZ",
    "district": "North Hertfordshire",
    "head_teacher": "Mr Ian Price",
    "governor_name": "Mrs Joy Patel",
    "inspected_on": datetime.date(2022, 11, 9),
    "lead": ("lead@brookfield.example.org", "Bea", "Ford", "Deputy Head"),
}
EXPIRING = {
    "urn": 990005,
    "name": "Hollybush Church of England Primary School (demo)",
    "phase": "Primary",
    "type_name": "Voluntary aided school",
    "street": "Hollybush Lane",
    "town": "Hemel Hempstead",
    "postcode": "HP1 9ZZ",
    "district": "Dacorum",
    "head_teacher": "Mrs Fiona Reid",
    "governor_name": "Revd Mark Hall",
    "inspected_on": datetime.date(2021, 6, 16),
    "lead": ("lead@hollybush.example.org", "Helen", "Moss", "Deputy Head"),
}
SCHOOLS = [
    {
        "urn": 990001,
        "name": "Oakfield Primary School (demo)",
        "phase": "Primary",
        "type_name": "Community school",
        "street": "Oakfield Road",
        "town": "St Albans",
        "postcode": "AL1 9ZZ",
        "district": "St Albans",
        "head_teacher": "Mrs Anne Clarke",
        "governor_name": "Mr David Brown",
        "lead": ("lead@oakfield.example.org", "Olivia", "Hughes", "Deputy Head"),
        "colleague": ("teacher@oakfield.example.org", "Tom", "Baker", "PSHE Coordinator"),
    },
    {
        "urn": 990002,
        "name": "Riverside Academy (demo)",
        "phase": "Secondary",
        "type_name": "Academy converter",
        "street": "Riverside Way",
        "town": "Watford",
        "postcode": "WD17 9ZZ",
        "district": "Watford",
        "head_teacher": "Mr Paul Green",
        "governor_name": "Ms Rachel King",
        "lead": ("lead@riverside.example.org", "Rahul", "Patel", "Assistant Head (Pastoral)"),
        "colleague": ("teacher@riverside.example.org", "Megan", "Lewis", "Head of Year 8"),
    },
]
PENDING = {
    "urn": 990003,
    "school_name": "Meadow Lane Infant School (demo)",
    "lead_name": "Natalie Cooper",
    "lead_role": "Headteacher",
    "lead_email": "lead@meadowlane.example.org",
    "lead_phone": "01707 000 000",
    "school_address": "Meadow Lane\nWelwyn Garden City",
    "school_postcode": "AL8 9ZZ",
    "head_teacher": "Natalie Cooper",
    "governor_name": "Mr John Ellis",
}
WELCOME_LINK = (
    "Preventing and tackling bullying (Department for Education)",
    "https://www.gov.uk/government/publications/preventing-and-tackling-bullying",
    "Advice for head teachers, staff and governing bodies.",
)


DEMO_EVIDENCE = [
    # title, web address (None: a PDF file), produced days ago, impact, criteria
    (
        "Anti-bullying policy (reviewed)",
        None,
        120,
        "Pupils helped rewrite it; 9 in 10 in the survey know how to report bullying.",
        [1, 3],
    ),
    (
        "Governors' safeguarding committee minutes",
        None,
        60,
        "Governors asked for termly incident data by type, now reported each term.",
        [2],
    ),
    (
        "Anti-bullying page on the school website",
        "https://www.example.sch.uk/anti-bullying",
        30,
        "Parents' questions about reporting fell after the page went up.",
        [3, 7],
    ),
    (
        "Staff training record 2023",
        None,
        3 * 365 - 40,
        "All staff trained; consistent responses to incidents (nearly 3 years old: replace soon).",
        [4],
    ),
]
DEMO_SELF_EVALUATIONS = {
    1: "Our deputy head leads the scheme and reports to SLT each half term on incidents and actions.",
    2: "Our named governor reviews anti-bullying data termly and reports to the full governing body.",
    3: "Our policy follows DfE and county guidance and was reviewed this year with pupils and parents.",
}


def demo_pdf(text: str) -> bytes:
    """A one-page PDF saying `text`, so the demo has real files to download."""
    safe = text.replace("(", "[").replace(")", "]")
    body = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
        b"endobj\n4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body + b"\nendstream endobj\n"
        b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


class Command(BaseCommand):
    help = "Create demo users, schools and a pending registration (idempotent). Prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off. Demo accounts have a published password: never on a live portal.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("DEBUG is off: refusing to create demo accounts with a published password.")
        logins = []
        email, first, last, title = ADMIN
        self.person(email, first, last, title, is_hw_admin=True)
        logins.append(("H&W admin", email))

        for email, first, last, team_slug in VALIDATORS:
            user = self.person(email, first, last, "Validating group member")
            GroupMember.objects.update_or_create(user=user, defaults={"team": Team.objects.get(slug=team_slug)})
            logins.append((f"Validator ({Team.objects.get(slug=team_slug).name})", email))

        for spec in SCHOOLS:
            school = self.school(spec)
            for key, role in (("lead", Membership.Role.LEAD), ("colleague", Membership.Role.CONTRIBUTOR)):
                email, first, last, title = spec[key]
                user = self.person(email, first, last, title)
                Membership.objects.update_or_create(
                    user=user, school=school, defaults={"role": role, "is_active": True}
                )
                logins.append((f"{school.name}: {role.label}", email))

        Registration.objects.update_or_create(
            urn=PENDING["urn"],
            defaults={
                **PENDING,
                "entered_by_hand": True,
                "equality_declaration": True,
                "inspected_on": datetime.date(2024, 1, 24),
                "inspection_rule": EligibilityRule.objects.get(framework="ofsted-2019"),
                "inspection_judgement": "2",
                "status": Registration.Status.PENDING,
            },
        )

        # The story is placed relative to today: nothing here is locked to a month or a year.
        today = timezone.localdate()
        self.validating_group(today)
        self.portfolio()
        logins.append(self.accredited(today))
        self.agenda(today)
        logins.append(self.expiring_award(today))
        self.incident_returns(today)
        self.failed_email()
        self.inspection_correction()
        self.surveys()
        logins.append(award_to_renewal_demo(self))
        self.good_practice()

        WelcomePackResource.objects.get_or_create(
            url=WELCOME_LINK[1], defaults={"title": WELCOME_LINK[0], "description": WELCOME_LINK[2]}
        )
        self.strategy()

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /accounts/sign-in/ with:"))
        width = max(len(role) for role, _ in logins)
        for role, email in logins:
            self.stdout.write(f"  {role:<{width}}  {email}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(f"  One registration is waiting for approval: {PENDING['school_name']}")

    def strategy(self):
        """Issue 19: commitments, training and (by name: nothing imports insight) indicators and a board report."""
        from django.core.management import call_command

        from validation.management.demo_training import seed_training_and_commitments

        admin = get_user_model().objects.get(email=ADMIN[0])
        schools = {s.urn: s for s in School.objects.filter(urn__in=[990001, 990002, 990004])}
        seed_training_and_commitments(admin, schools)
        transaction.on_commit(lambda: call_command("seed_demo_insight", stdout=self.stdout))

    def surveys(self):
        """Oakfield's pupil surveys before and after anti-bullying week (portfolios/surveys/demo.py)."""
        from portfolios.surveys.demo import seed_demo_surveys

        school = School.objects.get(urn=SCHOOLS[0]["urn"])
        seed_demo_surveys(school=school, lead=get_user_model().objects.get(email=SCHOOLS[0]["lead"][0]))

    def school(self, spec):
        """A demo school as if imported from the register, with a good 2019-framework inspection so
        it is eligible to submit."""
        school, _ = School.objects.update_or_create(
            urn=spec["urn"],
            defaults={
                "name": spec["name"],
                "la_code": settings.LOCAL_AUTHORITY_CODES[0],
                "la_name": "Hertfordshire",
                "phase": spec["phase"],
                "type_name": spec["type_name"],
                "status": "Open",
                "street": spec["street"],
                "town": spec["town"],
                "postcode": spec["postcode"],
                "district": spec["district"],
                "head_teacher": spec["head_teacher"],
                "governor_name": spec["governor_name"],
                "from_register": True,
                "register_updated": datetime.date(2026, 9, 1),
            },
        )
        Inspection.objects.get_or_create(
            school=school,
            inspected_on=spec.get("inspected_on", datetime.date(2023, 3, 15)),
            defaults={"rule": EligibilityRule.objects.get(framework="ofsted-2019"), "judgement": "2"},
        )
        school_services.school_eligibility_refresh(school=school)
        return school

    def validating_group(self, today):
        """This academic year's and next year's meetings and one declared conflict (Vikram is a
        governor at Oakfield)."""
        this_year = term_dates.academic_year_of(today)
        validation_services.meetings_schedule(academic_year=this_year, by=None)
        validation_services.meetings_schedule(
            academic_year=term_dates.academic_year_of(today + relativedelta(years=1)), by=None
        )
        member = GroupMember.objects.get(user__email=VALIDATORS[0][0])
        Conflict.objects.get_or_create(
            member=member,
            school=School.objects.get(urn=SCHOOLS[0]["urn"]),
            withdrawn_at=None,
            defaults={
                "kind": Conflict.Kind.GOVERNOR,
                "details": "Co-opted governor since 2023.",
                "declared_by": member.user,
            },
        )

    def portfolio(self):
        """Oakfield's draft first application: a few evidence items and criteria 1 to 3 written."""
        school = School.objects.get(urn=SCHOOLS[0]["urn"])
        lead = get_user_model().objects.get(email=SCHOOLS[0]["lead"][0])
        today = timezone.localdate()
        for title, url, days_ago, impact, numbers in DEMO_EVIDENCE:
            if EvidenceItem.objects.filter(school=school, title=title).exists():
                continue
            common = {
                "school": school,
                "actor": lead,
                "title": title,
                "description": "Demo evidence.",
                "produced_on": today - datetime.timedelta(days=days_ago),
                "impact": impact,
                "criteria": list(portfolio_selectors.current_criteria_set().criteria.filter(number__in=numbers)),
            }
            if url:
                portfolio_services.evidence_add_link(url=url, **common)
            else:
                upload = SimpleUploadedFile(f"{title}.pdf", demo_pdf(title), content_type="application/pdf")
                portfolio_services.evidence_add_files(files=[upload], **common)
        if Application.objects.filter(school=school).exists():
            return
        application = portfolio_services.application_start(school=school, actor=lead)
        for response in application.responses.filter(criterion__number__in=[1, 2, 3]):
            number = response.criterion.number
            portfolio_services.response_update(
                response=response,
                actor=lead,
                self_evaluation=DEMO_SELF_EVALUATIONS[number],
                evidence=EvidenceItem.objects.filter(school=school, criteria__number=number),
            )

    # The meetings of the story --------------------------------------------------------------

    def demo_meeting(self, day):
        """The meeting on `day` (a scheduled one if it falls there), else one made for the demo with
        the usual cut-off. Cancelled and held meetings are left as they are."""
        meeting = Meeting.objects.filter(date=day).first()
        if meeting is None:
            meeting = Meeting.objects.create(
                academic_year=term_dates.academic_year_of(day),
                date=day,
                submission_cutoff=default_cutoff(day),
                **meeting_defaults(),
            )
        return meeting

    def submitted_application(self, *, school, lead, title, produced_on, submitted_on, impact):
        """A complete application with one evidence item on every criterion, submitted through the
        real service and then dated as submitted on `submitted_on` (the demo's story began then)."""
        upload = SimpleUploadedFile(f"{title}.pdf", demo_pdf(title), "application/pdf")
        [item] = portfolio_services.evidence_add_files(
            school=school,
            actor=lead,
            files=[upload],
            title=title,
            description="Demo evidence.",
            produced_on=produced_on,
            impact=impact,
            criteria=list(portfolio_selectors.current_criteria_set().criteria.all()),
        )
        application = portfolio_services.application_start(school=school, actor=lead)
        for response in application.responses.all():
            portfolio_services.response_update(
                response=response,
                actor=lead,
                self_evaluation=f"How {school.name} meets criterion {response.criterion.number} (demo).",
                evidence=[item],
            )
        portfolio_services.application_submit(
            application=application, actor=lead, declaration=True, equality_declaration=True
        )
        moment = timezone.make_aware(datetime.datetime.combine(submitted_on, datetime.time(15, 30)))
        Application.objects.filter(pk=application.pk).update(
            submitted_at=moment, first_submitted_at=moment, created_at=moment - datetime.timedelta(days=30)
        )
        application.transitions.update(created_at=moment)
        application.refresh_from_db()
        return application

    def list_on(self, *, application, meeting, admin):
        """Put the application on `meeting`'s agenda (a past meeting: the placing job only looks
        forward) with the meeting's date copied, as agenda_place does, and two reviewers."""
        item = AgendaItem.objects.create(
            meeting=meeting, application=application, submitted_at=application.submitted_at, placed_by=admin
        )
        portfolio_services.application_list_for_meeting(application=application, meeting_date=meeting.date, actor=admin)
        reviewers_assign(item=item, by=admin)
        return item

    def reviews_in(self, item, recommendation="accredit"):
        """Each assigned reviewer judges every criterion met and submits."""
        criteria = {r.criterion_id: ("met", "") for r in item.application.responses.all()}
        for review in item.reviews.select_related("member__user").filter(submitted_at__isnull=True):
            validation_services.review_save(
                review=review,
                by=review.member.user,
                judgements=criteria,
                recommendation=recommendation,
                comment="Clear evidence on every criterion; pupils' voices come through.",
                submit=True,
            )

    def all_present(self, meeting, admin):
        members = GroupMember.objects.filter(user__email__in=[v[0] for v in VALIDATORS], is_active=True)
        validation_services.attendance_record(meeting=meeting, members=members, by=admin)

    def decided_and_released(self, *, item, admin, strengths, areas):
        """The decision recorded and released through the real services (quorum, letter, award)."""
        decision = validation_services.decision_record(
            item=item, outcome=Decision.Outcome.ACCREDITED, strengths=strengths, areas_for_future=areas, by=admin
        )
        return validation_services.decision_release(decision=decision, by=admin)

    def heard_and_decided(self, *, application, meeting, admin, strengths, areas):
        """The application listed on `meeting`, reviewed, the members present, the decision recorded
        and released through the real services, and the meeting marked held."""
        item = self.list_on(application=application, meeting=meeting, admin=admin)
        self.reviews_in(item)
        self.all_present(meeting, admin)
        self.decided_and_released(item=item, admin=admin, strengths=strengths, areas=areas)
        if meeting.status == Meeting.Status.PLANNED:
            validation_services.meeting_update(meeting=meeting, by=admin, status=Meeting.Status.HELD)

    def accredited(self, today):
        """Brookfield, accredited at a meeting held last week: submitted six weeks ago, reviewed,
        attendance taken (so the minutes PDF says who attended), decided and released through the
        real services, and the meeting marked held. The register, certificate, verification page
        and dashboard have something to show."""
        school, lead, login = self.demo_school_with_lead(ACCREDITED, "accredited")
        if Award.objects.filter(school=school).exists() or Application.objects.filter(school=school).exists():
            return login
        admin = get_user_model().objects.get(email=ADMIN[0])
        meeting = self.demo_meeting(today - datetime.timedelta(days=7))
        application = self.submitted_application(
            school=school,
            lead=lead,
            title="Anti-bullying review (Brookfield)",
            produced_on=today - datetime.timedelta(days=200),
            submitted_on=meeting.submission_cutoff - datetime.timedelta(days=14),
            impact="Pupils report bullying sooner and say staff act on it.",
        )
        self.heard_and_decided(
            application=application,
            meeting=meeting,
            admin=admin,
            strengths="Pupils lead the peer mentoring scheme; governors review incident data each term.",
            areas=(
                "Involve parents in the annual review of the policy.\n"
                "Train lunchtime supervisors in responding to bullying."
            ),
        )
        return login

    def good_practice(self):
        """Issue 16: Brookfield agreed to share, so one exemplar is in the good-practice library;
        Oakfield's draft has self-ratings on criteria 1 to 3, an adviser's comments already sent
        and a second request waiting on the dashboard."""
        from portfolios.advice import services as advice_services
        from portfolios.advice.models import AdviceRequest
        from portfolios.exemplars import services as exemplar_services
        from portfolios.exemplars.models import Exemplar
        from portfolios.readiness import services as readiness_services
        from portfolios.readiness.models import SelfRating

        admin = get_user_model().objects.get(email=ADMIN[0])
        brookfield = Application.objects.filter(
            school__urn=ACCREDITED["urn"], state=Application.State.ACCREDITED
        ).first()
        if brookfield and not Exemplar.objects.filter(application=brookfield).exists():
            brookfield_lead = get_user_model().objects.get(email=ACCREDITED["lead"][0])
            exemplar_services.consent_record(
                application=brookfield, actor=brookfield_lead, may_share=True, may_name=True
            )
            exemplar_services.exemplar_publish(
                actor=admin,
                application=brookfield,
                criterion=brookfield.responses.get(criterion__number=6).criterion,
                title="Pupil mentors trained by older pupils",
                extract="Year 6 mentors train the new Year 5 mentors each summer term, with a member of staff "
                "watching. Mentors keep a simple log of who they helped and how.",
                why_it_worked="Pupils own the scheme; the log shows it is used and what it resolves.",
                show_school_name=True,
            )
        draft = Application.objects.filter(school__urn=SCHOOLS[0]["urn"], state=Application.State.DRAFT).first()
        if draft is None:
            return
        lead = get_user_model().objects.get(email=SCHOOLS[0]["lead"][0])
        ratings = {
            1: ("met", "Named deputy head; SLT minutes each half term"),
            2: ("partly_met", "Governor named, no monitoring minutes yet"),
            3: ("met", "Policy reviewed in June with pupils"),
        }
        for response in draft.responses.select_related("criterion").filter(criterion__number__in=ratings):
            if SelfRating.objects.filter(response=response).exists():
                continue
            rating, reason = ratings[response.criterion.number]
            linked = list(response.evidence.values_list("pk", flat=True))
            readiness_services.criterion_self_evaluate(
                response=response,
                actor=lead,
                self_evaluation=response.self_evaluation,
                evidence=linked,
                rating=rating,
                reason=reason,
                outcome_evidence={"0": linked[:1]},
            )
        if not AdviceRequest.objects.filter(application=draft).exists():
            first = advice_services.advice_request(application=draft, actor=lead, note="Is criterion 2 enough?")
            criterion_2 = draft.responses.get(criterion__number=2).criterion
            advice_services.advice_comment_add(
                request=first,
                criterion=criterion_2,
                actor=admin,
                body="The group will look for minutes where governors asked about bullying data. "
                "Add the named governor's visit notes.",
            )
            advice_services.advice_complete(request=first, actor=admin)
            advice_services.advice_request(application=draft, actor=lead, note="Could you look at criterion 3 again?")

    def inspection_correction(self):
        """Oakfield's SLT lead has asked the H&W team to correct its inspection data (issue 23):
        the admin sees it on the school's page and at /inspection-corrections/."""

        school = School.objects.get(urn=SCHOOLS[0]["urn"])
        if school.inspection_corrections.exists():
            return
        lead = get_user_model().objects.get(email=SCHOOLS[0]["lead"][0])
        school_services.inspection_correction_request(
            school=school,
            actor=lead,
            reason="Our latest Ofsted inspection was last term, not the one recorded. The report is on "
            "Ofsted's website under our URN.",
        )

    def agenda(self, today):
        """Riverside's first application, submitted four weeks ago and placed by the real placing
        service on today's meeting, with both reviews in and the members' attendance recorded: an
        admin can record the group's decision now, release it and download the certificate."""
        school = School.objects.get(urn=SCHOOLS[1]["urn"])
        lead = get_user_model().objects.get(email=SCHOOLS[1]["lead"][0])
        admin = get_user_model().objects.get(email=ADMIN[0])
        meeting = self.demo_meeting(today)
        if not Application.objects.filter(school=school).exists():
            self.submitted_application(
                school=school,
                lead=lead,
                title="Whole-school anti-bullying review",
                produced_on=today - datetime.timedelta(days=45),
                submitted_on=meeting.submission_cutoff - datetime.timedelta(days=7),
                impact="Incidents on the playground halved after the new lunchtime buddy scheme.",
            )
        # Places it if it is still waiting (today's meeting comes first); otherwise nothing.
        validation_services.agenda_place_waiting(by=None)
        item = AgendaItem.objects.filter(application__school=school, decision__isnull=True).first()
        if item is not None and item.meeting_id == meeting.pk and not meeting.is_cancelled:
            self.reviews_in(item)
            if not meeting.attendance.exists():
                self.all_present(meeting, admin)

    def expiring_award(self, today):
        """Hollybush, accredited nearly three years ago: its award expires in about four months, so
        the expiry reminders, the dashboard's "expiring" figures and the renewal journey show."""
        school, lead, login = self.demo_school_with_lead(EXPIRING, "award expiring soon")
        if Application.objects.filter(school=school).exists():
            return login
        admin = get_user_model().objects.get(email=ADMIN[0])
        held_on = today - relativedelta(years=3) + relativedelta(months=4)
        while not term_dates.is_working_day(held_on):
            held_on -= datetime.timedelta(days=1)
        meeting = self.demo_meeting(held_on)
        application = self.submitted_application(
            school=school,
            lead=lead,
            title="Anti-bullying review (Hollybush)",
            produced_on=held_on - datetime.timedelta(days=60),
            submitted_on=meeting.submission_cutoff - datetime.timedelta(days=7),
            impact="Playtime buddies cut reported incidents by a third.",
        )
        self.heard_and_decided(
            application=application,
            meeting=meeting,
            admin=admin,
            strengths="A clear reporting route every pupil could describe.",
            areas="Bring the policy review cycle in line with the governors' calendar.",
        )
        return login

    def incident_returns(self, today):
        """This and last academic year's terms, and Oakfield's and Riverside's returns for the
        last three terms whose returns have opened, so the trends page draws lines."""
        from schools.returns import services as returns_services
        from schools.returns.figures import Figures
        from schools.returns.models import IncidentReturn, IncidentType, Term
        from schools.returns.rules import academic_year_label, year_groups_for_phase
        from schools.returns.rules import academic_year_of as returns_year_of

        admin = get_user_model().objects.get(email=ADMIN[0])
        this_year = returns_year_of(today)
        for year in (this_year - 1, this_year):
            returns_services.terms_add_year(actor=admin, academic_year=academic_year_label(year))
        terms = list(Term.objects.filter(opens_on__lte=today).order_by("-opens_on")[:3])[::-1]
        slugs = list(IncidentType.objects.filter(is_active=True).exclude(slug="racist").values_list("slug", flat=True))
        for n, spec in enumerate(SCHOOLS):
            school = School.objects.get(urn=spec["urn"])
            lead = get_user_model().objects.get(email=spec["lead"][0])
            years = [code for code, _ in year_groups_for_phase(school.phase)]
            for k, term in enumerate(terms):
                if IncidentReturn.objects.filter(school=school, term=term).exists():
                    continue
                total = 14 - 3 * k + 2 * n  # falling term on term
                verbal, other = total // 2, total - total // 2
                types = dict.fromkeys([*slugs, "racist"], 0) | {slugs[0]: verbal, slugs[-1]: other}
                figures = Figures(
                    total=total,
                    racist_incidents=0,
                    types=types,
                    years=dict.fromkeys(years, 0) | {years[0]: total - total // 3, years[-1]: total // 3},
                    outcomes={"resolved": total - 1, "ongoing": 1, "referred": 0},
                    commentary="Demo return: lunchtime buddies and a new reporting box.",
                )
                returns_services.return_submit(school=school, term=term, actor=lead, figures=figures)

    def demo_school_with_lead(self, spec, label):
        school = self.school(spec)
        email, first, last, title = spec["lead"]
        lead = self.person(email, first, last, title)
        Membership.objects.update_or_create(
            user=lead, school=school, defaults={"role": Membership.Role.LEAD, "is_active": True}
        )
        return school, lead, (f"{school.name}: SLT lead ({label})", email)

    def failed_email(self):
        """Issue 24: one email the mail server refused, for the H&W admin's Email page (/mail/).
        Dated yesterday, whatever today is; created once (by its subject)."""
        from django.utils import timezone

        from accreditation.models import OutboxMessage

        OutboxMessage.objects.get_or_create(
            subject="Your Anti-bullying Accreditation account (demo: an address that bounced)",
            defaults={
                "template": "invitation",
                "to": ["head.teacher@meadowlane.example.org"],
                "body_text": "Demo message: never sent.",
                "status": OutboxMessage.Status.FAILED,
                "attempts": 1,
                "created_at": timezone.now() - datetime.timedelta(days=1),
                "last_error": "head.teacher@meadowlane.example.org: 550 5.1.1 <head.teacher@meadowlane.example.org>: "
                "Recipient address rejected: User unknown in virtual mailbox table",
            },
        )

    def person(self, email, first, last, title, is_hw_admin=False):
        user, created = get_user_model().objects.get_or_create(
            email=email,
            defaults={"first_name": first, "last_name": last, "job_title": title, "is_hw_admin": is_hw_admin},
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user


TRUST_PERSON = ("sam.patel@trust.example.org", "Sam", "Patel", "Trust anti-bullying lead")


def award_to_renewal_demo(command):
    """Issue 17: Brookfield's action plan (from its two areas, one action under way, a review
    five months ago so the next falls due soon), the certificate's signatory, and a trust's member
    of staff in two schools' teams (switching between them). Idempotent; dates relative to today."""
    from portfolios.action_plans.models import Action, PlanReview

    today = datetime.date.today()
    brookfield = School.objects.get(urn=ACCREDITED["urn"])
    first_action = Action.objects.filter(school=brookfield).order_by("source_key").first()
    if first_action is not None and first_action.status == Action.Status.NOT_STARTED:
        first_action.status, first_action.lead = Action.Status.IN_PROGRESS, "Deputy head"
        first_action.notes = "Parents' forum met in the autumn term; the policy draft went to them."
        first_action.save()
    lead = brookfield.memberships.filter(role=Membership.Role.LEAD).first()
    if not PlanReview.objects.filter(school=brookfield).exists() and lead is not None:
        PlanReview.objects.create(
            school=brookfield,
            reviewed_on=today - datetime.timedelta(days=150),
            summary="Parents' forum set up; supervisor training booked.",
            reviewed_by=lead.user,
        )
    settings_row = validation_services.certificate_settings()
    if not settings_row.signatory_name:
        settings_row.signatory_name, settings_row.signatory_role = "Jo Marsh", "Head of Health & Wellbeing"
        settings_row.save()
    email, first, last, title = TRUST_PERSON
    person = command.person(email, first, last, title)
    for school in (School.objects.get(urn=SCHOOLS[0]["urn"]), brookfield):
        Membership.objects.update_or_create(
            user=person, school=school, defaults={"role": Membership.Role.CONTRIBUTOR, "is_active": True}
        )
    return ("In two schools' teams (switch school)", email)
