"""seed_demo places its story relative to the day it runs: whatever today is (run the suite with
--as-of to try other days), a newcomer can record Riverside's decision and download a certificate."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accreditation.models import User
from accreditation.tests.helpers import login
from validation import selectors, services
from validation.models import AgendaItem, Attendance, Award, Decision, Meeting

pytestmark = pytest.mark.django_db


def test_the_demo_story_is_placed_relative_to_today_and_riverside_can_be_decided_now(client):
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())
    today = timezone.localdate()
    held = Meeting.objects.get(date=today - timedelta(days=7))
    assert held.status == Meeting.Status.HELD and Attendance.objects.filter(meeting=held).count() == 3
    brookfield = Decision.objects.get(meeting=held)
    assert brookfield.is_released and brookfield.award.awarded_on == held.date
    assert b"%PDF" in services.minutes_pdf(held)[:8]
    expiring = Award.objects.get(school__name__startswith="Hollybush")
    assert today < expiring.expires_on <= today + timedelta(days=183)
    assert not selectors.meeting_date_disagreements().exists()
    from schools.returns.models import IncidentReturn

    oakfield_returns = IncidentReturn.objects.filter(school__name__startswith="Oakfield")
    assert oakfield_returns.count() == 3 and all(r.term.opens_on <= today for r in oakfield_returns)

    item = AgendaItem.objects.get(application__school__name__startswith="Riverside")
    assert item.meeting.date == today and all(r.is_submitted for r in item.reviews.all())
    admin = User.objects.get(email="hw.admin@example.org")
    decision = services.decision_record(
        item=item, outcome=Decision.Outcome.ACCREDITED, strengths="Pupils lead.", areas_for_future="Parents.", by=admin
    )
    services.decision_release(decision=decision, by=admin)
    award = Award.objects.get(school__name__startswith="Riverside")
    login(client, admin)
    response = client.get(reverse("validation:certificate", args=[award.pk]))
    assert response.status_code == 200 and b"".join(response).startswith(b"%PDF")

    call_command("seed_demo", "--allow-production", stdout=io.StringIO())  # idempotent the same day
    assert Award.objects.count() == 3 and Meeting.objects.filter(date=today).count() == 1
    assert IncidentReturn.objects.count() == 6
