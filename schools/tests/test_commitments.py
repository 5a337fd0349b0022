"""School commitments: confirmed yearly, reminded once when a year old (issue 19)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.models import SentNotice
from accreditation.tests.helpers import login
from schools.commitments import selectors, services
from schools.commitments.models import CommitmentStatement
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def confirm(lead, **changes):
    fields = {"charter_signed_on": date(2024, 2, 29), "esafety_lead": "Mr Safe", "restorative_approaches": True,
              "uses_termly_return": False} | changes  # fmt: skip
    return services.commitment_confirm(school=lead.school, actor=lead.user, **fields)


def test_each_confirmation_is_a_dated_row_with_the_schools_governor(time_machine):
    time_machine.move_to(datetime(2028, 2, 29, 9, tzinfo=LONDON), tick=False)
    lead = LeadFactory(school__governor_name="Mrs Gov")
    first = confirm(lead)
    second = confirm(lead, esafety_lead="")
    assert selectors.current_statement(lead.school) == second
    assert (first.governor_name, first.confirmed_on) == ("Mrs Gov", date(2028, 2, 29))
    assert selectors.due_on(second) == date(2029, 2, 28)  # a year from 29 February is 28 February


def test_another_school_or_a_future_charter_date_is_refused(time_machine):
    time_machine.move_to(datetime(2027, 5, 1, 9, tzinfo=LONDON), tick=False)
    lead, other = LeadFactory(), LeadFactory()
    with pytest.raises(Refusal):
        services.commitment_confirm(school=lead.school, actor=other.user, charter_signed_on=None, esafety_lead="",
                                    restorative_approaches=False, uses_termly_return=False)  # fmt: skip
    with pytest.raises(Refusal, match="today or in the past"):
        confirm(lead, charter_signed_on=date(2027, 5, 2))
    assert not CommitmentStatement.objects.exists()


def test_the_reminder_goes_once_when_a_statement_is_a_year_old(time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(datetime(2026, 3, 10, 9, tzinfo=LONDON), tick=False)
    lead = LeadFactory()
    statement = confirm(lead)
    assert services.commitments_remind(today=date(2027, 3, 9)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.commitments_remind(today=date(2027, 3, 10)) == 1
        assert services.commitments_remind(today=date(2027, 3, 11)) == 0  # run again: nothing more
    assert [m.to for m in mail.outbox] == [[lead.user.email]]
    assert "confirm" in mail.outbox[0].subject.lower()
    assert SentNotice.objects.get(kind="commitments_yearly").key == str(statement.pk)
    time_machine.move_to(datetime(2027, 3, 12, 9, tzinfo=LONDON), tick=False)
    confirm(lead)
    assert services.commitments_remind(today=date(2027, 4, 1)) == 0  # confirmed again: not due


def test_the_school_page_shows_and_confirms_the_commitments(client, time_machine):
    time_machine.move_to(datetime(2027, 5, 1, 9, tzinfo=LONDON), tick=False)
    lead, other = LeadFactory(school__governor_name="Mrs Gov"), LeadFactory()
    login(client, lead.user)
    url = reverse("schools:commitments", args=[lead.school.urn])
    assert "has not yet confirmed" in client.get(url).content.decode()
    response = client.post(url, {"charter_signed_on_0": "5", "charter_signed_on_1": "1", "charter_signed_on_2": "2027",
                                 "esafety_lead": "Mr Safe", "restorative_approaches": "on"})  # fmt: skip
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Signed on 5 January 2027" in page and "Mrs Gov" in page and "Due for confirmation on 1 May 2028" in page
    bad = client.post(url, {"charter_signed_on_0": "31", "charter_signed_on_1": "2", "charter_signed_on_2": "2027"})
    assert bad.status_code == 200 and "must be a real date" in bad.content.decode()
    assert CommitmentStatement.objects.count() == 1
    assert client.get(reverse("schools:commitments", args=[other.school.urn])).status_code == 404
