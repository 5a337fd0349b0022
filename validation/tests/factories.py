import datetime

import factory

from accreditation.tests.factories import UserFactory
from validation.models import Conflict, GroupMember, Meeting, Team


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    user = factory.SubFactory(UserFactory)
    team = factory.LazyFunction(
        lambda: Team.objects.get_or_create(slug="health-wellbeing", defaults={"name": "Health & Wellbeing"})[0]
    )


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    member = factory.SubFactory(GroupMemberFactory)
    school = factory.SubFactory("schools.tests.factories.SchoolFactory")
    kind = Conflict.Kind.GOVERNOR


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    academic_year = "2026-27"
    # Weekly from 7 October 2026, wrapping so the dates stay inside the academic year 2026-27 however
    # many meetings earlier tests made.
    date = factory.Sequence(lambda n: datetime.date(2026, 10, 7) + datetime.timedelta(days=7 * (n % 40)))
    starts_at = datetime.time(13, 30)
    location = "County Hall, Hertford"
    submission_cutoff = factory.LazyAttribute(lambda m: m.date - datetime.timedelta(days=21))
    capacity = 12
