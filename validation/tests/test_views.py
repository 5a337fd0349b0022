import re
from datetime import date

import icalendar
import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accreditation.models import AuditEvent
from accreditation.tests.factories import UserFactory
from schools.tests.factories import LeadFactory, SchoolFactory
from validation import services
from validation.models import CalendarFeed, Conflict, GroupMember, Meeting, Team

from .factories import ConflictFactory, GroupMemberFactory, MeetingFactory
from .helpers import meeting_data

try:
    from accreditation.tests.helpers import login
except ImportError:  # before two-factor sign-in (issue 11) lands, signing in is one step

    def login(client, user):
        client.force_login(user)
        return client


pytestmark = pytest.mark.django_db


# Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("validation:group", []),
        ("validation:member_invite", []),
        ("validation:teams", []),
        ("validation:meetings_schedule", []),
    ],
)
def test_admin_pages_are_refused_to_validators_and_school_users(client, name, args):
    login(client, GroupMemberFactory().user)
    assert client.get(reverse(name, args=args)).status_code == 403
    login(client, LeadFactory().user)
    assert client.get(reverse(name, args=args)).status_code == 403


def test_pages_need_sign_in(client):
    response = client.get(reverse("validation:profile"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_state_changing_views_refuse_get(admin_client, member):
    assert admin_client.get(reverse("validation:member_deactivate", args=[member.pk])).status_code == 405
    assert admin_client.get(reverse("validation:calendar_renew")).status_code == 405
    member.refresh_from_db()
    assert member.is_active


def test_meeting_edit_refused_to_validators(member_client, time_machine):
    time_machine.move_to("2026-09-01 10:00", tick=False)  # the list shows the meeting while it is to come
    meeting = MeetingFactory()
    assert member_client.get(reverse("validation:meeting_edit", args=[meeting.pk])).status_code == 403
    response = member_client.get(reverse("validation:meetings"))
    assert response.status_code == 200
    assert "Schedule a year" not in response.content.decode()
    assert meeting.date.strftime("%-d %b %Y") in response.content.decode()


# The group -----------------------------------------------------------------------------------


def test_admin_invites_a_member(admin_client, django_capture_on_commit_callbacks):
    send = Team.objects.get(slug="send")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("validation:member_invite"),
            {"first_name": "Nia", "last_name": "Jones", "email": "nia@example.org", "team": send.pk},
        )
    member = GroupMember.objects.get(user__email="nia@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("validation:member", args=[member.pk])
    assert member.team == send
    assert mail.outbox[0].to == ["nia@example.org"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Enter their first name"),
        ({"first_name": "A", "last_name": "B", "email": "not-an-email"}, "Enter an email address in the correct"),
        ({"first_name": "A", "last_name": "B", "email": "a@example.org"}, "Select a team"),
    ],
)
def test_invite_form_errors(admin_client, data, message):
    response = admin_client.post(reverse("validation:member_invite"), data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode() and message in response.content.decode()
    assert not GroupMember.objects.exists()


def test_invite_form_refuses_an_existing_member(admin_client, member):
    response = admin_client.post(
        reverse("validation:member_invite"),
        {"first_name": "A", "last_name": "B", "email": member.user.email, "team": member.team.pk},
    )
    assert "is already a member of the validating group" in response.content.decode()
    assert GroupMember.objects.count() == 1


def test_admin_changes_team_and_deactivates_then_reactivates(admin_client, member):
    send = Team.objects.get(slug="send")
    admin_client.post(reverse("validation:member_team", args=[member.pk]), {"team": send.pk})
    member.refresh_from_db()
    assert member.team == send
    response = admin_client.post(reverse("validation:member_deactivate", args=[member.pk]), follow=True)
    assert "has been deactivated" in response.content.decode()
    member.refresh_from_db()
    assert not member.is_active
    admin_client.post(reverse("validation:member_reactivate", args=[member.pk]))
    member.refresh_from_db()
    assert member.is_active
    assert AuditEvent.objects.filter(action="group_member.deactivated").count() == 1


def test_group_page_lists_members_with_conflict_counts(admin_client, member):
    ConflictFactory(member=member)
    body = admin_client.get(reverse("validation:group")).content.decode()
    assert "Vera Valid" in body and "Health &amp; Wellbeing" in body


def test_teams_add_rename_deactivate(admin_client):
    response = admin_client.post(reverse("validation:teams"), {"name": "Early Years"}, follow=True)
    assert "The team Early Years has been added" in response.content.decode()
    team = Team.objects.get(name="Early Years")
    response = admin_client.post(reverse("validation:teams"), {"name": "early years"})
    assert "There is already a team called early years" in response.content.decode()
    admin_client.post(reverse("validation:team_edit", args=[team.pk]), {"name": "Early Years Team"})
    team.refresh_from_db()
    assert team.name == "Early Years Team"
    response = admin_client.post(reverse("validation:team_edit", args=[team.pk]), {"name": ""})
    assert "Enter the team&#x27;s name" in response.content.decode()
    response = admin_client.post(reverse("validation:team_deactivate", args=[team.pk]), follow=True)
    assert "Early Years Team is no longer offered for new members" in response.content.decode()
    team.refresh_from_db()
    assert not team.is_active
    invite = admin_client.get(reverse("validation:member_invite")).content.decode()
    assert "Early Years Team" not in invite and "School Governance" in invite


# Conflicts -----------------------------------------------------------------------------------


def test_validator_declares_a_conflict_by_urn(member_client, member):
    school = SchoolFactory(urn=117083, name="Oakfield Primary")
    response = member_client.post(
        reverse("validation:conflict_declare"), {"school_query": "117083", "kind": "governor"}, follow=True
    )
    assert "Conflict of interest with Oakfield Primary declared" in response.content.decode()
    conflict = Conflict.objects.get(member=member)
    assert conflict.school == school and conflict.kind == "governor" and conflict.declared_by == member.user


def test_validator_declares_a_conflict_by_unique_name(member_client, member):
    school = SchoolFactory(name="Hillside Academy")
    member_client.post(
        reverse("validation:conflict_declare"),
        {"school_query": "hillside", "kind": "other", "details": "My child attends"},
    )
    assert Conflict.objects.get(member=member).school == school


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "governor"}, "Enter the school&#x27;s URN or name"),
        ({"school_query": "999999", "kind": "governor"}, "No school in the council&#x27;s area has the URN 999999"),
        ({"school_query": "Nowhere", "kind": "governor"}, "No school in the council&#x27;s area has a name containing"),
        ({"school_query": "Oak", "kind": "governor"}, "More than one school matches “Oak”: select the one you mean"),
        ({"school_query": "Oakfield Primary"}, "Select your interest in the school"),
        ({"school_query": "Oakfield Primary", "kind": "other"}, "Describe your interest in the school"),
    ],
)
def test_conflict_form_errors(member_client, data, message):
    SchoolFactory(name="Oakfield Primary")
    SchoolFactory(name="Oakwood Infants", urn=117090)
    response = member_client.post(reverse("validation:conflict_declare"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body and message in body
    assert not Conflict.objects.exists()


def test_ambiguous_school_lists_the_matches_with_urns(member_client):
    SchoolFactory(name="Oakfield Primary", urn=111111)
    SchoolFactory(name="Oakwood Infants", urn=222222)
    body = member_client.post(reverse("validation:conflict_declare"), {"school_query": "oak", "kind": "adviser"})
    body = body.content.decode()
    assert "111111" in body and "222222" in body


def test_duplicate_conflict_is_refused_in_the_form(member_client, member):
    school = SchoolFactory(name="Oakfield Primary")
    ConflictFactory(member=member, school=school)
    response = member_client.post(
        reverse("validation:conflict_declare"), {"school_query": str(school.urn), "kind": "adviser"}
    )
    assert "A conflict of interest with Oakfield Primary is already declared" in response.content.decode()
    assert Conflict.objects.count() == 1


def test_validator_lists_and_withdraws_own_conflict_but_not_anothers(member_client, member):
    mine = ConflictFactory(member=member, school__name="Mine School")
    theirs = ConflictFactory(school__name="Their School")
    body = member_client.get(reverse("validation:conflicts")).content.decode()
    assert "Mine School" in body and "Their School" not in body
    assert member_client.post(reverse("validation:conflict_withdraw", args=[theirs.pk])).status_code == 403
    member_client.post(reverse("validation:conflict_withdraw", args=[mine.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.withdrawn_at is not None and theirs.withdrawn_at is None


def test_admin_records_a_conflict_on_a_members_behalf(admin_client, member):
    school = SchoolFactory()
    response = admin_client.post(
        reverse("validation:member_conflict_declare", args=[member.pk]),
        {"school_query": str(school.urn), "kind": "adviser"},
    )
    assert response["Location"] == reverse("validation:member", args=[member.pk])
    conflict = Conflict.objects.get()
    assert conflict.member == member and conflict.declared_by != member.user


def test_school_users_and_admins_without_membership_have_no_conflicts_page(client):
    login(client, UserFactory())
    assert client.get(reverse("validation:conflicts")).status_code == 403


# Meetings ------------------------------------------------------------------------------------


def test_schedule_page_proposes_then_confirms(admin_client):
    form = admin_client.get(reverse("validation:meetings_schedule")).content.decode()
    assert re.search(r'<form method="post"', form) and 'name="csrfmiddlewaretoken"' in form
    # The year is posted, never put in the URL (nor the CSRF token with it).
    assert (
        admin_client.get(reverse("validation:meetings_schedule"), {"academic_year": "2026-27"}).context["proposals"]
        is None
    )
    response = admin_client.post(reverse("validation:meetings_schedule"), {"academic_year": "2026-27"})
    body = response.content.decode()
    assert "Wednesday 30 September 2026" in body and "Confirm and schedule 6 meetings" in body
    assert not Meeting.objects.exists()
    response = admin_client.post(
        reverse("validation:meetings_schedule"), {"academic_year": "2026-27", "confirm": "yes"}, follow=True
    )
    assert "6 meetings scheduled for 2026-27" in response.content.decode()
    assert Meeting.objects.count() == 6
    response = admin_client.post(
        reverse("validation:meetings_schedule"), {"academic_year": "2026-27", "confirm": "yes"}, follow=True
    )
    assert "were already scheduled. Nothing was added" in response.content.decode()
    assert Meeting.objects.count() == 6
    body = admin_client.post(reverse("validation:meetings_schedule"), {"academic_year": "2026-27"}).content.decode()
    assert "All six meetings for 2026-27 are already scheduled" in body


@pytest.mark.parametrize(
    "year, message",
    [
        ("2026", "Enter the academic year in the format 2026-27"),
        ("2026-28", "The academic year must run from one year to the next, like 2026-27"),
        ("", "Enter the academic year, for example 2026-27"),
    ],
)
def test_schedule_page_refuses_malformed_years(admin_client, time_machine, year, message):
    time_machine.move_to("2026-06-01 10:00", tick=False)  # the example offered is next year's
    response = admin_client.post(reverse("validation:meetings_schedule"), {"academic_year": year, "confirm": "yes"})
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    assert not Meeting.objects.exists()


def test_admin_adjusts_a_meeting(admin_client, time_machine):
    time_machine.move_to("2026-09-01 10:00", tick=False)
    meeting = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
    response = admin_client.post(
        reverse("validation:meeting_edit", args=[meeting.pk]),
        meeting_data(meeting, date="2026-10-08", location="Room 2", online_link="https://meet.example.org/abc"),
        follow=True,
    )
    assert "Validating group meeting, 8 October 2026 has been updated" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.date == date(2026, 10, 8) and meeting.location == "Room 2"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"submission_cutoff": "2026-10-09"}, "The submission cut-off must be before the meeting date"),
        ({"submission_cutoff": "2026-10-07"}, "The submission cut-off must be before the meeting date"),
        ({"capacity": "0"}, "Capacity must be 1 application or more"),
        ({"capacity": "-3"}, "Capacity must be 1 application or more"),
        ({"capacity": "lots"}, "Enter the capacity as a whole number"),
        ({"date": "2027-09-08"}, "The meeting date must be in the academic year 2026-27"),
        ({"date": "2026-02-30"}, "The meeting date must be a real date"),
        ({"date": "2026-10-x"}, "The meeting date must be a real date"),
        ({"date_0": ""}, "Enter the meeting date"),
        ({"date_0": "", "date_1": "", "date_2": ""}, "Enter the meeting date"),
        ({"submission_cutoff": "26-9-16"}, "The submission cut-off date must be a real date"),
        ({"date": "2026-10-14"}, "Another meeting is already on this date"),
        ({"online_link": "not a link"}, "Enter the online meeting link as a full address"),
        ({"starts_at": "25:00"}, "Enter a start time like 13:30"),
    ],
)
def test_meeting_form_refuses_bad_input_and_saves_nothing(admin_client, changes, message):
    MeetingFactory(date=date(2026, 10, 14))
    meeting = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
    response = admin_client.post(
        reverse("validation:meeting_edit", args=[meeting.pk]), meeting_data(meeting, location="Changed", **changes)
    )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body and message in body
    assert body.count(message) <= 2  # once in the summary, once by the field: not repeated in Django's words
    assert "Constraint" not in body
    meeting.refresh_from_db()
    assert meeting.location == "County Hall, Hertford"


# Calendar ------------------------------------------------------------------------------------


def test_profile_creates_a_calendar_link_shown_once(member_client, member):
    response = member_client.post(reverse("validation:calendar_renew"), follow=True)
    body = response.content.decode()
    feed = CalendarFeed.objects.get(user=member.user)
    start = body.index("/calendar/")
    token = body[start + len("/calendar/") : body.index(".ics", start)]
    assert CalendarFeed.hash_token(token) == feed.token_hash
    assert ".ics" not in member_client.get(reverse("validation:profile")).content.decode()


def test_calendar_feed_lists_meetings_with_london_times_and_cancellations(client, member, time_machine):
    time_machine.move_to("2026-09-01 10:00", tick=False)  # the feed lists this year's meetings
    planned = MeetingFactory(date=date(2026, 10, 7), online_link="https://meet.example.org/abc")
    cancelled = MeetingFactory(date=date(2026, 10, 14), status=Meeting.Status.CANCELLED)
    token = services.calendar_feed_renew(user=member.user)
    response = client.get(reverse("validation:calendar", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    event = events[f"meeting-{planned.pk}@testserver"]
    assert event["dtstart"].dt.isoformat() == "2026-10-07T13:30:00+01:00"
    assert str(event["dtstart"].dt.tzinfo) == "Europe/London"
    assert str(event["location"]) == "County Hall, Hertford"
    assert str(event["url"]) == "https://meet.example.org/abc"
    assert str(event["status"]) == "CONFIRMED"
    assert str(events[f"meeting-{cancelled.pk}@testserver"]["status"]) == "CANCELLED"
    assert b"BEGIN:VTIMEZONE" in response.content and b"TZID:Europe/London" in response.content
    assert CalendarFeed.objects.get(user=member.user).last_fetched_at is not None


def test_winter_meetings_are_in_gmt(client, member, time_machine):
    time_machine.move_to("2026-09-01 10:00", tick=False)
    MeetingFactory(date=date(2027, 1, 20), submission_cutoff=date(2026, 12, 30))
    token = services.calendar_feed_renew(user=member.user)
    calendar = icalendar.Calendar.from_ical(client.get(reverse("validation:calendar", args=[token])).content)
    assert next(iter(calendar.walk("VEVENT")))["dtstart"].dt.isoformat() == "2027-01-20T13:30:00+00:00"


def test_unknown_or_replaced_token_is_404(client, member):
    assert client.get(reverse("validation:calendar", args=["not-a-token"])).status_code == 404
    old = services.calendar_feed_renew(user=member.user)
    services.calendar_feed_renew(user=member.user)
    assert client.get(reverse("validation:calendar", args=[old])).status_code == 404


# Home and navigation -------------------------------------------------------------------------


def test_validator_home_shows_next_meeting_and_nav(client, member, time_machine):
    time_machine.move_to("2026-10-01 09:00 +01:00")
    # Sign in after the clock moves: a session begun a month earlier would have expired.
    from accreditation.tests.helpers import login

    login(client, member.user)
    member_client = client
    MeetingFactory(date=date(2026, 9, 30), submission_cutoff=date(2026, 9, 9))
    MeetingFactory(date=date(2026, 11, 25), submission_cutoff=date(2026, 11, 4))
    body = member_client.get(reverse("home")).content.decode()
    assert "Wednesday 25 November 2026 at 13:30" in body
    assert 'href="/meetings/"' in body and 'href="/validating-group/profile/"' in body
    assert 'href="/validating-group/"' not in body


def test_admin_home_links_to_meetings_and_group(admin_client):
    body = admin_client.get(reverse("home")).content.decode()
    assert 'href="/meetings/"' in body and 'href="/validating-group/"' in body
    assert "Schedule the validating group's meetings" in body


# The command ---------------------------------------------------------------------------------


def test_schedule_meetings_command_is_idempotent(capsys):
    call_command("schedule_meetings", "2026-27")
    assert "Scheduled 6 meetings for 2026-27" in capsys.readouterr().out
    call_command("schedule_meetings", "2026-27")
    assert "already scheduled. Nothing added" in capsys.readouterr().out
    assert Meeting.objects.count() == 6


def test_schedule_meetings_dry_run_saves_nothing(capsys):
    call_command("schedule_meetings", "2026-27", "--dry-run")
    assert "Dry run: nothing saved" in capsys.readouterr().out
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("year", ["2026", "2026-28"])
def test_schedule_meetings_command_refuses_malformed_years(year):
    with pytest.raises(CommandError, match="academic year"):
        call_command("schedule_meetings", year)
    assert not Meeting.objects.exists()
