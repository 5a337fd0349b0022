import factory

from accreditation.tests.factories import UserFactory
from schools.models import Membership, Registration, School


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 800000 + n)
    name = factory.Sequence(lambda n: f"Test School {n}")
    la_code = 919
    la_name = "Hertfordshire"
    phase = "Primary"
    status = "Open"
    eligibility = School.Eligibility.MET
    town = "Hertford"
    postcode = "SG13 8DQ"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Membership.Role.CONTRIBUTOR


class LeadFactory(MembershipFactory):
    role = Membership.Role.LEAD


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    urn = factory.Sequence(lambda n: 700000 + n)
    school_name = factory.Sequence(lambda n: f"Registering School {n}")
    lead_name = "Lee Lead"
    lead_role = "Deputy Head"
    lead_email = factory.Sequence(lambda n: f"lead{n}@school.example.org")
    lead_phone = "01992 555 555"
    head_teacher = "Hana Head"
    governor_name = "Gus Governor"
    equality_declaration = True


def ensure_default_eligibility_rules():
    """Put back the five default rules the data migration installs. Transactional tests (the
    browser's) flush the database after each test, migration data included."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("schools.migrations.0004_default_eligibility_rules")
    migration.add_defaults(apps, None)
