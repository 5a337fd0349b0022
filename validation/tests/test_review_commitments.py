"""Validators see the school's commitments beside the application they review (issue 19)."""

from datetime import date

import pytest
from django.urls import reverse

from accreditation.tests.helpers import login
from schools.commitments.models import CommitmentStatement

pytestmark = pytest.mark.django_db


def test_the_review_page_shows_the_schools_commitments(client, world):
    review = world["item"].reviews.select_related("member__user").first()
    login(client, review.member.user)
    url = reverse("validation:review", args=[review.pk])
    assert "The school has not yet confirmed its commitments" in client.get(url).content.decode()
    CommitmentStatement.objects.create(
        school=world["lead"].school, charter_signed_on=date(2026, 3, 2), governor_name="Mrs Gov",
        esafety_lead="Mr Safe", restorative_approaches=True, confirmed_on=date(2026, 8, 20),
    )  # fmt: skip
    body = client.get(url).content.decode()
    assert "Signed on 2 March 2026" in body and "Mrs Gov" in body and "Mr Safe" in body
    assert "Due for confirmation on 20 August 2027" in body
