"""Termly incident returns: arithmetic, suppression, versions, the pages, reminders and the CSV."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accreditation.models import AuditEvent, SentNotice
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from schools.models import IncidentReturn, IncidentType, ReturnVersion, Term
from schools.returns import services
from schools.returns.figures import figures_problems
from schools.returns.rules import (
    propose_terms,
    suppress,
    suppress_row,
    year_groups_for_phase,
)
from schools.returns.selectors import authority_trend, school_trend
from schools.tests.factories import LeadFactory, MembershipFactory

from .factories import figures, form_data, make_term, past_terms, submit

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(("count", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, 5), (17, 17), (None, None)])
def test_counts_under_five_are_suppressed(count, shown):
    assert suppress(count) == shown


def test_a_lone_suppressed_cell_beside_a_total_hides_the_next_smallest_too():
    # 3 could be worked out as 20 - 9 - 8 if only it were hidden.
    assert suppress_row([9, 8, 3], total=20) == [9, "<5", "<5"]
    assert suppress_row([9, 8, 6], total=23) == [9, 8, 6]
    assert suppress_row([2, 1, 30], total=33) == ["<5", "<5", 30]
    assert suppress_row([3], total=3) == ["<5"]


def test_year_groups_follow_the_phase():
    assert [c for c, _ in year_groups_for_phase("Primary")] == ["R", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6"]
    assert [c for c, _ in year_groups_for_phase("Secondary")] == ["Y7", "Y8", "Y9", "Y10", "Y11", "Y12", "Y13"]
    assert len(year_groups_for_phase("Not applicable")) == 14  # special schools, PRUs: every year group


def test_proposed_terms_follow_a_county_calendar():
    autumn, spring, summer = propose_terms(2026)
    assert autumn.starts_on == date(2026, 9, 3) and autumn.ends_on == date(2026, 12, 18)
    assert spring.starts_on == date(2027, 1, 4)
    assert spring.ends_on == date(2027, 3, 25)  # Easter 2027 is 28 March: the Thursday before Good Friday
    assert summer.starts_on == date(2027, 4, 12) and summer.ends_on == date(2027, 7, 21)
    for term in (autumn, spring, summer):
        assert term.opens_on == term.ends_on
        assert term.due_on.weekday() == 4 and term.due_on > term.ends_on
    assert autumn.due_on == date(2027, 1, 22)  # the Friday of the third week of the spring term
    assert summer.due_on == date(2027, 9, 17)


def test_figures_that_add_up_have_no_problems():
    assert figures_problems(figures(total=6, types={"racist": 2, "other": 4}, racist=2)) == []


def test_each_breakdown_that_is_off_is_named_with_the_difference():
    problems = figures_problems(
        figures(total=15, years={"Y3": 12}, outcomes={"resolved": 10, "ongoing": 7}, types={"other": 15})
    )
    messages = [p.message for p in problems]
    assert messages == [
        "The numbers by year group add up to 12, which is 3 fewer than the total of 15 bullying incidents. "
        "Check the numbers, or the total",
        "The numbers by outcome add up to 17, which is 2 more than the total of 15 bullying incidents. "
        "Check the numbers, or the total",
    ]
    assert [p.field for p in problems] == ["year_Y1", "outcome_resolved"]


def test_racist_incidents_cannot_be_fewer_than_racist_bullying():
    problems = figures_problems(figures(total=5, types={"racist": 4, "other": 1}, racist=2))
    assert problems[0].field == "racist_incidents"
    assert "cannot be less than the racist bullying incidents counted by type (4)" in problems[0].message


def test_negative_counts_are_refused_by_the_rules_as_well_as_the_form():
    problems = figures_problems(figures(total=-1, racist=0, types={"other": -1}, years={"Y3": -1}))
    assert problems[0].message == "The total number of bullying incidents cannot be negative: enter 0 or more"


# ----------------------------------------------------------------------------- services


def test_submit_records_version_one_with_every_count_and_an_audit_entry():
    lead = LeadFactory()
    term = make_term()
    incident_return = submit(lead.school, term, lead.user, total=6, racist=2, types={"racist": 2, "other": 4})
    version = ReturnVersion.objects.get(incident_return=incident_return)
    assert (version.number, version.is_current, version.total_incidents, version.racist_incidents) == (1, True, 6, 2)
    assert version.counts_for("type")["racist"] == 2 and version.counts_for("type")["other"] == 4
    assert version.counts_for("year") == {"R": 0, "Y1": 0, "Y2": 0, "Y3": 6, "Y4": 0, "Y5": 0, "Y6": 0}
    assert AuditEvent.objects.filter(action="returns.submitted", target_id=str(incident_return.pk)).exists()


def test_a_term_not_yet_open_is_refused():
    lead = LeadFactory()
    term = make_term(ended_days_ago=-10)
    with pytest.raises(services.ReturnRefused, match="opens on"):
        submit(lead.school, term, lead.user)
    assert not IncidentReturn.objects.exists()


def test_a_second_return_for_the_same_term_is_refused_and_the_first_kept():
    lead = LeadFactory()
    term = make_term()
    first = submit(lead.school, term, lead.user, total=4)
    with pytest.raises(services.ReturnRefused, match=r"already made its return.*correct that return"):
        submit(lead.school, term, lead.user, total=9)
    assert IncidentReturn.objects.get().pk == first.pk
    assert ReturnVersion.objects.get().total_incidents == 4
    with pytest.raises(IntegrityError):
        IncidentReturn.objects.create(school=lead.school, term=term)


def test_someone_from_another_school_cannot_submit():
    lead = LeadFactory()
    other = LeadFactory()
    with pytest.raises(services.ReturnRefused, match="Only your school's team"):
        submit(lead.school, make_term(), other.user)


def test_a_correction_needs_a_reason_and_keeps_the_earlier_version():
    lead = LeadFactory()
    incident_return = submit(lead.school, make_term(), lead.user, total=4)
    with pytest.raises(services.ReturnRefused, match="Enter the reason"):
        services.return_correct(incident_return=incident_return, actor=lead.user, figures=figures(total=6), reason=" ")
    version = services.return_correct(
        incident_return=incident_return, actor=lead.user, figures=figures(total=6), reason="Two logged late"
    )
    versions = list(ReturnVersion.objects.filter(incident_return=incident_return).order_by("number"))
    assert [(v.number, v.is_current, v.total_incidents, v.reason) for v in versions] == [
        (1, False, 4, ""),
        (2, True, 6, "Two logged late"),
    ]
    assert version.counts_for("type")["other"] == 6
    assert versions[0].counts_for("type")["other"] == 4
    event = AuditEvent.objects.get(action="returns.corrected")
    assert event.data["total_before"] == 4 and event.data["total_after"] == 6


def test_a_correction_that_does_not_add_up_saves_nothing():
    lead = LeadFactory()
    incident_return = submit(lead.school, make_term(), lead.user, total=4)
    with pytest.raises(services.ReturnRefused, match="by outcome add up to 3, which is 1 fewer"):
        services.return_correct(
            incident_return=incident_return,
            actor=lead.user,
            figures=figures(total=4, outcomes={"resolved": 3}),
            reason="Recount",
        )
    assert ReturnVersion.objects.get().number == 1


def test_adding_a_year_creates_the_proposed_terms_once():
    admin = AdminFactory()
    assert len(services.terms_add_year(actor=admin, academic_year="2026-27")) == 3
    assert services.terms_add_year(actor=admin, academic_year="2026-27") == []
    assert Term.objects.get(academic_year="2026-27", season="autumn").due_on == date(2027, 1, 22)
    with pytest.raises(services.ReturnRefused, match="like 2026-27"):
        services.terms_add_year(actor=admin, academic_year="2026-28")


def test_term_dates_must_be_in_order():
    admin = AdminFactory()
    with pytest.raises(services.ReturnRefused, match="due date must be on or after"):
        services.term_save(
            actor=admin,
            academic_year="2026-27",
            season="autumn",
            starts_on=date(2026, 9, 3),
            ends_on=date(2026, 12, 18),
            opens_on=date(2026, 12, 18),
            due_on=date(2026, 12, 1),
        )


def test_types_are_data_admins_add_and_take_out_of_use():
    admin = AdminFactory()
    assert IncidentType.objects.filter(is_active=True).count() == 8
    added = services.incident_type_save(actor=admin, name="Sectarian", hint="")
    assert added.slug == "sectarian" and added.is_active
    services.incident_type_save(actor=admin, incident_type=added, name="Sectarian bullying", is_active=False)
    added.refresh_from_db()
    assert (added.slug, added.name, added.is_active) == ("sectarian", "Sectarian bullying", False)
    with pytest.raises(services.ReturnRefused, match="already a type called"):
        services.incident_type_save(actor=admin, name="racist")


# ----------------------------------------------------------------------------- trends


def test_authority_trend_by_type_suppresses_small_counts():
    terms = past_terms(1)
    a = LeadFactory(school__phase="Primary")
    submit(a.school, terms[0], a.user, total=23, types={"racist": 3, "cyberbullying": 12, "other": 8}, racist=3)
    trend = authority_trend(terms=terms, by="type")
    rows = dict(trend.rows)
    assert rows["Cyberbullying"] == [12]
    assert rows["Racist"] == ["<5"]
    # 3 could be worked out from 23 - 12 - 8 - zeros, so zeros are hidden too (under 5 includes 0).
    assert rows["Religious"] == ["<5"]
    assert rows["Other"] == [8]
    assert trend.total == [23] and trend.returns_received == [1]


def test_authority_trend_by_school_and_district_and_phase():
    terms = past_terms(2)
    a = LeadFactory(school__name="Ash Primary", school__district="Broxbourne", school__phase="Primary")
    b = LeadFactory(school__name="Beech Secondary", school__district="Dacorum", school__phase="Secondary")
    submit(a.school, terms[0], a.user, total=3, racist=1)
    submit(b.school, terms[0], b.user, total=20, racist=7)
    submit(a.school, terms[1], a.user, total=12, racist=0)
    by_school = dict(authority_trend(terms=terms, by="school").rows)
    # 20 is hidden too in the first term: beside the total of 23 it would give Ash's 3 away.
    assert by_school == {"Ash Primary": ["<5", 12], "Beech Secondary": ["<5", None]}
    assert dict(authority_trend(terms=terms, by="district").rows)["Dacorum"] == ["<5", None]
    racist_by_phase = authority_trend(terms=terms, by="phase", measure="racist")
    assert dict(racist_by_phase.rows) == {"Primary": ["<5", "<5"], "Secondary": ["<5", None]}
    assert racist_by_phase.total == [8, "<5"]
    filtered = authority_trend(terms=terms, by="school", phase="Secondary")
    assert [label for label, _ in filtered.rows] == ["Beech Secondary"]


def test_a_corrected_return_counts_once_with_its_current_figures():
    terms = past_terms(1)
    a = LeadFactory()
    incident_return = submit(a.school, terms[0], a.user, total=6)
    services.return_correct(incident_return=incident_return, actor=a.user, figures=figures(total=9), reason="Recount")
    trend = authority_trend(terms=terms, by="school")
    assert trend.rows == [(a.school.name, [9])] and trend.total == [9]


def test_the_schools_own_trend_is_exact():
    terms = past_terms(2)
    a = LeadFactory()
    submit(a.school, terms[0], a.user, total=3, racist=1)
    submit(a.school, terms[1], a.user, total=2, racist=0)
    exact = school_trend(a.school, exact=True)
    assert exact.total == [3, 2] and exact.racist == [1, 0]
    assert school_trend(a.school, exact=False).total == ["<5", "<5"]


# ----------------------------------------------------------------------------- pages


def test_school_user_submits_through_the_form(client):
    lead = LeadFactory()
    term = make_term()
    login(client, lead.user)
    page = client.get(reverse("schools:returns_home"))
    assert "Make the return" in page.content.decode()
    url = reverse("schools:return_submit", args=[term.pk])
    response = client.post(url, form_data(total=7, racist=1, types={"racist": 1, "other": 6}))
    incident_return = IncidentReturn.objects.get(school=lead.school, term=term)
    assert response.status_code == 302 and response["Location"] == reverse(
        "schools:return_detail", args=[incident_return.pk]
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Version 1" in detail and ">7<" in detail and ">1<" in detail  # the school's exact figures


def test_breakdown_errors_show_in_the_error_summary_and_keep_the_numbers(client):
    lead = LeadFactory()
    term = make_term()
    login(client, lead.user)
    data = form_data(total=15, years={"Y3": 12})
    response = client.post(reverse("schools:return_submit", args=[term.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "The numbers by year group add up to 12, which is 3 fewer than the total of 15" in body
    assert 'value="12"' in body  # nothing lost
    assert not IncidentReturn.objects.exists()


def test_negative_and_non_numeric_counts_get_clear_messages(client):
    lead = LeadFactory()
    term = make_term()
    login(client, lead.user)
    data = form_data(total=5)
    data["type_cyberbullying"] = "-2"
    data["year_Y1"] = "three"
    body = client.post(reverse("schools:return_submit", args=[term.pk]), data).content.decode()
    assert "The number of cyberbullying incidents cannot be negative: enter 0 or more" in body
    assert "The number of incidents in Year 1 must be a whole number, like 3" in body
    assert not IncidentReturn.objects.exists()


def test_a_term_not_yet_open_shows_when_it_opens_and_refuses_a_post(client):
    lead = LeadFactory()
    term = make_term(ended_days_ago=-5, due_in_days=30)
    login(client, lead.user)
    url = reverse("schools:return_submit", args=[term.pk])
    assert "opens on" in client.get(url).content.decode()
    body = client.post(url, form_data()).content.decode()
    assert "There is a problem" in body and "Nothing has been saved" in body
    assert not IncidentReturn.objects.exists()


def test_a_second_return_for_the_term_is_sent_to_the_correction(client):
    lead = LeadFactory()
    term = make_term()
    first = submit(lead.school, term, lead.user, total=4)
    login(client, lead.user)
    url = reverse("schools:return_submit", args=[term.pk])
    assert client.get(url)["Location"] == reverse("schools:return_detail", args=[first.pk])
    body = client.post(url, form_data(total=9)).content.decode()
    assert "already made its return" in body
    assert ReturnVersion.objects.get().total_incidents == 4


def test_correction_without_a_reason_is_refused_then_saved_with_one(client):
    lead = LeadFactory()
    incident_return = submit(lead.school, make_term(), lead.user, total=4)
    login(client, lead.user)
    url = reverse("schools:return_correct", args=[incident_return.pk])
    page = client.get(url).content.decode()
    assert 'value="4"' in page  # the current figures are filled in
    body = client.post(url, form_data(total=5)).content.decode()
    assert "Enter the reason for the correction" in body
    assert ReturnVersion.objects.count() == 1
    data = form_data(total=5) | {"reason": "One more incident logged after the return"}
    assert client.post(url, data).status_code == 302
    detail = client.get(reverse("schools:return_detail", args=[incident_return.pk])).content.decode()
    assert "Version 2" in detail and "Earlier versions" in detail and "One more incident logged" in detail


def test_another_schools_return_answers_404(client):
    mine = LeadFactory()
    theirs = LeadFactory()
    their_return = submit(theirs.school, make_term(), theirs.user)
    login(client, mine.user)
    for name in ("schools:return_detail", "schools:return_correct"):
        assert client.get(reverse(name, args=[their_return.pk])).status_code == 404
    assert client.post(reverse("schools:return_correct", args=[their_return.pk]), form_data()).status_code == 404
    assert ReturnVersion.objects.count() == 1


def test_school_users_cannot_see_the_authoritys_pages(client):
    lead = LeadFactory()
    login(client, lead.user)
    assert client.get(reverse("schools:returns_trends")).status_code == 403
    assert client.get(reverse("schools:returns_trends_csv")).status_code == 403
    assert client.get(reverse("schools:term_list")).status_code == 403


def test_admin_sees_a_schools_return_suppressed(client):
    lead = LeadFactory()
    incident_return = submit(lead.school, make_term(), lead.user, total=7, racist=2, types={"racist": 2, "other": 5})
    login(client, AdminFactory())
    body = client.get(reverse("schools:return_detail", args=[incident_return.pk])).content.decode()
    assert "&lt;5" in body and ">7<" in body and ">2<" not in body
    assert "Correct this return" not in body


def test_trends_page_has_chart_and_table_with_suppression(client):
    terms = past_terms(1)
    a = LeadFactory(school__name="Ash Primary")
    submit(a.school, terms[0], a.user, total=23, types={"racist": 3, "cyberbullying": 12, "other": 8}, racist=3)
    login(client, AdminFactory())
    body = client.get(reverse("schools:returns_trends")).content.decode()
    assert '<svg class="trend-chart"' in body and 'role="img"' in body
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    assert "style=" not in main and "<script" not in main
    assert "&lt;5" in body and ">12<" in body
    assert "Download this table as CSV" in body


def test_csv_is_suppressed_and_neutralises_formulae(client):
    terms = past_terms(1)
    a = LeadFactory(school__name='=HYPERLINK("http://evil")')
    b = LeadFactory(school__name="Beech")
    c = LeadFactory(school__name="Cedar")
    submit(a.school, terms[0], a.user, total=3, racist=0)
    submit(b.school, terms[0], b.user, total=11, racist=0)
    submit(c.school, terms[0], c.user, total=9, racist=0)
    login(client, AdminFactory())
    response = client.get(reverse("schools:returns_trends_csv") + "?by=school")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["School", terms[0].short_label]
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "<5"]
    assert rows[2] == ["Beech", "11"]
    assert rows[3] == ["Cedar", "<5"]  # 9 hidden too, or 23 - 11 - 9 would give the 3 away
    assert rows[4] == ["All returns", "23"]
    assert rows[5] == ["Returns received", "3"]


def test_admin_manages_terms_and_types_through_the_pages(client):
    login(client, AdminFactory())
    response = client.post(reverse("schools:term_add_year"), {"academic_year": "2026-27"})
    assert response.status_code == 302 and Term.objects.count() == 3
    term = Term.objects.get(season="summer")
    data = {
        "academic_year": "2026-27",
        "season": "summer",
        "starts_on_0": "12", "starts_on_1": "4", "starts_on_2": "2027",
        "ends_on_0": "21", "ends_on_1": "7", "ends_on_2": "2027",
        "opens_on_0": "14", "opens_on_1": "7", "opens_on_2": "2027",
        "due_on_0": "10", "due_on_1": "7", "due_on_2": "2027",
    }  # fmt: skip
    body = client.post(reverse("schools:term_edit", args=[term.pk]), data).content.decode()
    assert "The due date must be on or after the date the return opens" in body
    data |= {"due_on_0": "24", "due_on_1": "9"}
    assert client.post(reverse("schools:term_edit", args=[term.pk]), data).status_code == 302
    term.refresh_from_db()
    assert (term.opens_on, term.due_on) == (date(2027, 7, 14), date(2027, 9, 24))
    assert (
        client.post(reverse("schools:incident_type_add"), {"name": "Sectarian", "is_active": "on"}).status_code == 302
    )
    assert IncidentType.objects.get(slug="sectarian").is_active


def test_late_returns_page_lists_schools_that_have_not_returned(client):
    term = make_term(ended_days_ago=40, due_in_days=-5)
    late = LeadFactory(school__name="Late Lane Primary")
    done = LeadFactory(school__name="Prompt Primary")
    Membership = type(late)
    Membership.objects.filter(pk__in=[late.pk, done.pk]).update(created_at=timezone.now() - timedelta(days=400))
    submit(done.school, term, done.user)
    login(client, AdminFactory())
    body = client.get(reverse("schools:returns_late")).content.decode()
    assert "Late Lane Primary" in body and "Prompt Primary" not in body


# ----------------------------------------------------------------------------- reminders


def _old_team(**kwargs):
    lead = LeadFactory(**kwargs)
    type(lead).objects.filter(pk=lead.pk).update(created_at=timezone.now() - timedelta(days=400))
    return lead


def test_reminders_go_once_to_schools_that_have_not_returned(django_capture_on_commit_callbacks):
    term = make_term(ended_days_ago=20, due_in_days=5)
    waiting = _old_team(school__name="Waiting Primary")
    colleague = MembershipFactory(school=waiting.school)
    type(colleague).objects.filter(pk=colleague.pk).update(created_at=timezone.now() - timedelta(days=400))
    done = _old_team()
    submit(done.school, term, done.user)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.return_reminders_send()
    assert result["due_soon"] == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([waiting.user.email, colleague.user.email])
    assert "due by" in mail.outbox[0].subject and str(term) in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        again = services.return_reminders_send()
    assert again["due_soon"] == 0 and len(mail.outbox) == 1
    assert SentNotice.objects.filter(kind="return_due_soon", key=f"{waiting.school.pk}:{term.pk}").count() == 1


def test_a_reminder_row_already_there_means_no_email():
    term = make_term(ended_days_ago=20, due_in_days=5)
    waiting = _old_team()
    SentNotice.objects.create(kind="return_due_soon", key=f"{waiting.school.pk}:{term.pk}")
    assert services.return_reminders_send()["due_soon"] == 0


def test_no_reminder_long_before_the_due_date():
    make_term(ended_days_ago=1, due_in_days=30)
    _old_team()
    assert services.return_reminders_send() == {"due_soon": 0, "overdue": 0, "late_lists": 0}


def test_overdue_schools_are_chased_once_and_the_team_gets_the_late_list_once(django_capture_on_commit_callbacks):
    term = make_term(ended_days_ago=40, due_in_days=-2)
    late = _old_team(school__name="Late Lane Primary")
    admin = AdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.return_reminders_send()
    assert result == {"due_soon": 0, "overdue": 1, "late_lists": 1}
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == sorted(
        [f"Overdue: your termly incident return for the {term}", f"1 late termly return for the {term}"]
    )
    team_email = next(m for m in mail.outbox if m.subject.startswith("1 late"))
    assert admin.email in team_email.to and "Late Lane Primary" in team_email.body
    assert late.user.email in next(m for m in mail.outbox if m.subject.startswith("Overdue")).to
    with django_capture_on_commit_callbacks(execute=True):
        assert services.return_reminders_send() == {"due_soon": 0, "overdue": 0, "late_lists": 0}
    assert len(mail.outbox) == 2


def test_the_reminder_job_is_scheduled_by_migration():
    job = PeriodicTask.objects.get(task="schools.tasks.send_return_reminders")
    assert job.enabled and job.crontab is not None


def test_the_reminder_task_runs_the_service():
    from schools.tasks import send_return_reminders

    make_term(ended_days_ago=20, due_in_days=5)
    _old_team()
    assert send_return_reminders.apply().result["due_soon"] == 1
