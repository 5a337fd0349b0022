"""Demo data for trying the portal: run it twice and nothing changes the second time."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from schools import services as school_services
from schools.models import EligibilityRule, Inspection, Membership, Registration, School, WelcomePackResource
from validation import services as validation_services
from validation.models import Conflict, GroupMember, Team

DEMO_PASSWORD = "anti-bullying-demo"  # noqa: S105 - published demo password; refused when DEBUG is off

DEMO_MEETINGS_YEAR = "2026-27"
ADMIN = ("hw.admin@example.org", "Harriet", "Walsh", "Health & Wellbeing team manager")
VALIDATORS = [
    ("validator.hw@example.org", "Vikram", "Shah", "health-wellbeing"),
    ("validator.send@example.org", "Sophie", "Evans", "send"),
    ("validator.governance@example.org", "Gareth", "Owen", "school-governance"),
]
SCHOOLS = [
    {
        "urn": 990001,
        "name": "Oakfield Primary School (demo)",
        "phase": "Primary",
        "type_name": "Community school",
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
    "head_teacher": "Natalie Cooper",
    "governor_name": "Mr John Ellis",
}
WELCOME_LINK = (
    "Preventing and tackling bullying (Department for Education)",
    "https://www.gov.uk/government/publications/preventing-and-tackling-bullying",
    "Advice for head teachers, staff and governing bodies.",
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
            school, _ = School.objects.update_or_create(
                urn=spec["urn"],
                defaults={
                    "name": spec["name"],
                    "la_code": settings.LOCAL_AUTHORITY_CODES[0],
                    "la_name": "Hertfordshire",
                    "phase": spec["phase"],
                    "type_name": spec["type_name"],
                    "status": "Open",
                    "town": spec["town"],
                    "postcode": spec["postcode"],
                    "district": spec["district"],
                    "head_teacher": spec["head_teacher"],
                    "governor_name": spec["governor_name"],
                    "from_register": False,
                },
            )
            # A good 2019-framework inspection, so the demo schools are eligible to submit.
            Inspection.objects.get_or_create(
                school=school,
                inspected_on=datetime.date(2023, 3, 15),
                defaults={"rule": EligibilityRule.objects.get(framework="ofsted-2019"), "judgement": "2"},
            )
            school_services.school_eligibility_refresh(school=school)
            for key, role in (("lead", Membership.Role.LEAD), ("colleague", Membership.Role.CONTRIBUTOR)):
                email, first, last, title = spec[key]
                user = self.person(email, first, last, title)
                Membership.objects.update_or_create(
                    user=user, defaults={"school": school, "role": role, "is_active": True}
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

        self.validating_group()

        WelcomePackResource.objects.get_or_create(
            url=WELCOME_LINK[1], defaults={"title": WELCOME_LINK[0], "description": WELCOME_LINK[2]}
        )

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /accounts/sign-in/ with:"))
        width = max(len(role) for role, _ in logins)
        for role, email in logins:
            self.stdout.write(f"  {role:<{width}}  {email}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(f"  One registration is waiting for approval: {PENDING['school_name']}")

    def validating_group(self):
        """The 2026-27 meetings and one declared conflict (Vikram is a governor at Oakfield)."""
        validation_services.meetings_schedule(academic_year=DEMO_MEETINGS_YEAR, by=None)
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

    def person(self, email, first, last, title, is_hw_admin=False):
        user, created = get_user_model().objects.get_or_create(
            email=email,
            defaults={"first_name": first, "last_name": last, "job_title": title, "is_hw_admin": is_hw_admin},
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user
