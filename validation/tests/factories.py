import factory

from accreditation.tests.factories import UserFactory
from validation.models import GroupMember, Team


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    user = factory.SubFactory(UserFactory)
    team = factory.LazyFunction(
        lambda: Team.objects.get_or_create(slug="health-wellbeing", defaults={"name": "Health & Wellbeing"})[0]
    )
