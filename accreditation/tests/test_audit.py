import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation import audit
from accreditation.csv_export import neutralise
from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 1992 555", "'+44 1992 555"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Oakfield Primary", "Oakfield Primary"),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert neutralise(value) == expected


class TestAuditTrail:
    def test_admin_searches_and_downloads(self, client):
        admin = AdminFactory()
        school_user = UserFactory(email="lead@oakfield.example.org")
        audit.record(
            actor=school_user, action="application.submitted", target=school_user, summary="=cmd|' /C calc'!A0"
        )
        audit.record(actor=admin, action="registration.approved", target=admin)
        login(client, admin)
        page = client.get(reverse("insight:audit_trail"), {"text": "oakfield"}).content.decode()
        assert "application.submitted" in page and "registration.approved" not in page
        by_kind = client.get(reverse("insight:audit_trail"), {"action": "registration"}).content.decode()
        assert "registration.approved" in by_kind and "application.submitted" not in by_kind
        download = client.get(reverse("insight:audit_trail"), {"text": "oakfield", "format": "csv"})
        assert download["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
        rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
        assert rows[0][:3] == ["when", "who", "action"]
        assert rows[1][5] == "'=cmd|' /C calc'!A0"

    def test_bad_dates_are_explained(self, client):
        login(client, AdminFactory())
        response = client.get(
            reverse("insight:audit_trail"),
            {"date_from_0": "1", "date_from_1": "12", "date_from_2": "2026"}
            | {"date_to_0": "1", "date_to_1": "1", "date_to_2": "2026"},
        )
        page = response.content.decode()
        assert "The end date must be the same as or after the start date" in page
        assert 'href="#id_date_to_0"' in page

    def test_dates_are_day_month_year_boxes_and_must_be_real(self, client):
        login(client, AdminFactory())
        page = client.get(reverse("insight:audit_trail")).content.decode()
        assert 'type="date"' not in page
        assert 'name="date_from_0"' in page and 'name="date_from_1"' in page and 'name="date_from_2"' in page
        assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">From</legend>' in page
        impossible = client.get(
            reverse("insight:audit_trail"), {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"}
        )
        assert "The start date must be a real date" in impossible.content.decode()
        partial = client.get(reverse("insight:audit_trail"), {"date_to_0": "3", "date_to_2": "2026"})
        assert "Enter the month" in partial.content.decode()

    def test_date_filters_choose_entries(self, client):
        admin = AdminFactory()
        old = audit.record(actor=admin, action="school.updated", summary="Old change")
        AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(datetime(2026, 3, 1, 12)))
        audit.record(actor=admin, action="school.updated", summary="Recent change")
        login(client, admin)
        page = client.get(
            reverse("insight:audit_trail"), {"date_to_0": "2", "date_to_1": "3", "date_to_2": "2026"}
        ).content.decode()
        assert "Old change" in page and "Recent change" not in page

    def test_only_admins_see_it_and_nobody_edits_it(self, client):
        login(client, UserFactory())
        assert client.get(reverse("insight:audit_trail")).status_code == 403
        assert client.post(reverse("insight:audit_trail")).status_code == 405
        admin = AdminFactory()
        audit.record(actor=admin, action="x.y")
        login(client, admin)
        assert client.post(reverse("insight:audit_trail"), {"text": "changed"}).status_code == 405
        assert AuditEvent.objects.get().action == "x.y"
