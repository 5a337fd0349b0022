from datetime import date, time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import override_settings

from accreditation.models import AuditEvent, Invitation, User
from accreditation.tests.factories import AdminFactory, UserFactory
from schools.tests.factories import SchoolFactory
from validation import permissions, selectors, services
from validation.models import CalendarFeed, Conflict, GroupMember, Meeting, Team
from validation.term_dates import AcademicYearError

from .factories import ConflictFactory, GroupMemberFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def team(slug="send"):
    return Team.objects.get(slug=slug)


# The group -----------------------------------------------------------------------------------


def test_invite_creates_the_user_and_member_and_emails_a_set_password_link(django_capture_on_commit_callbacks):
    admin = AdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        member = services.member_invite(
            email=" New.Person@Example.org ", first_name="Nia", last_name="Jones", team=team(), invited_by=admin
        )
    assert member.user.email == "new.person@example.org"
    assert member.team.slug == "send" and member.is_active
    assert not member.user.has_usable_password()
    assert Invitation.objects.filter(user=member.user, created_by=admin).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    assert "validating group, for SEND" in mail.outbox[0].body
    assert "http://testserver/accounts/invitation/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="group_member.invited", actor=admin).exists()


def test_invite_an_existing_admin_adds_them_and_tells_them_without_a_new_password(django_capture_on_commit_callbacks):
    admin, colleague = AdminFactory(), AdminFactory(email="colleague@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        member = services.member_invite(
            email="colleague@example.org", first_name="x", last_name="y", team=team(), invited_by=admin
        )
    assert member.user == colleague
    assert not Invitation.objects.filter(user=colleague).exists()
    assert mail.outbox[0].subject == "You have joined the validating group"
    assert permissions.is_validator(User.objects.get(pk=colleague.pk))


def test_invite_refuses_a_person_already_in_the_group_and_saves_nothing():
    admin, member = AdminFactory(), GroupMemberFactory()
    with pytest.raises(services.Refusal, match="already a member"):
        services.member_invite(
            email=member.user.email.upper(), first_name="a", last_name="b", team=team(), invited_by=admin
        )
    assert GroupMember.objects.count() == 1


def test_invite_refuses_an_inactive_team_and_non_admins():
    admin = AdminFactory()
    old = Team.objects.create(name="Old team", slug="old", is_active=False)
    with pytest.raises(services.Refusal, match="no longer in use"):
        services.member_invite(email="a@example.org", first_name="a", last_name="b", team=old, invited_by=admin)
    with pytest.raises(PermissionDenied):
        services.member_invite(
            email="a@example.org", first_name="a", last_name="b", team=team(), invited_by=GroupMemberFactory().user
        )
    assert not User.objects.filter(email="a@example.org").exists()


def test_change_team_and_deactivate_reactivate_write_audit_entries():
    admin, member = AdminFactory(), GroupMemberFactory()
    services.member_change_team(member=member, team=team("send"), by=admin)
    member.refresh_from_db()
    assert member.team.slug == "send"
    services.member_set_active(member=member, active=False, by=admin)
    member.refresh_from_db()
    assert not member.is_active
    assert not permissions.is_validator(User.objects.get(pk=member.user_id))
    assert member.user.is_active  # the account stays
    with pytest.raises(services.Refusal, match="already a deactivated"):
        services.member_set_active(member=member, active=False, by=admin)
    services.member_set_active(member=member, active=True, by=admin)
    actions = list(AuditEvent.objects.filter(target_id=str(member.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["group_member.deactivated", "group_member.reactivated", "group_member.team_changed"]


def test_teams_are_added_renamed_and_taken_out_of_use():
    admin = AdminFactory()
    new = services.team_create(name="  Early   Years ", by=admin)
    assert new.name == "Early Years" and new.slug == "early-years"
    with pytest.raises(services.Refusal, match="already a team called"):
        services.team_create(name="early years", by=admin)
    services.team_rename(team=new, name="Early Years Foundation", by=admin)
    new.refresh_from_db()
    assert new.name == "Early Years Foundation" and new.slug == "early-years"
    services.team_set_active(team=new, active=False, by=admin)
    assert not Team.objects.get(pk=new.pk).is_active
    assert {"team.created", "team.renamed", "team.deactivated"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    with pytest.raises(PermissionDenied):
        services.team_create(name="Another", by=UserFactory())


def test_member_of_an_out_of_use_team_cannot_be_reactivated_until_moved():
    admin = AdminFactory()
    member = GroupMemberFactory(is_active=False, team=Team.objects.create(name="Gone", slug="gone", is_active=False))
    with pytest.raises(services.Refusal, match="Move them to another team first"):
        services.member_set_active(member=member, active=True, by=admin)


# Conflicts -----------------------------------------------------------------------------------


def test_member_declares_and_withdraws_a_conflict():
    member, school = GroupMemberFactory(), SchoolFactory()
    conflict = services.conflict_declare(member=member, school=school, kind="governor", by=member.user)
    assert permissions.is_conflicted(member.user, school)
    assert selectors.conflicted_member_ids(school) == {member.pk}
    assert not permissions.is_conflicted(member.user, SchoolFactory())
    services.conflict_withdraw(conflict=conflict, by=member.user)
    conflict.refresh_from_db()
    assert conflict.withdrawn_at and conflict.withdrawn_by == member.user
    assert not permissions.is_conflicted(member.user, school)
    assert selectors.conflicted_member_ids(school) == set()
    assert {"conflict.declared", "conflict.withdrawn"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_admin_declares_on_a_members_behalf_but_another_member_cannot():
    member, school = GroupMemberFactory(), SchoolFactory()
    admin = AdminFactory()
    conflict = services.conflict_declare(member=member, school=school, kind="adviser", by=admin)
    assert conflict.declared_by == admin
    with pytest.raises(PermissionDenied):
        services.conflict_declare(member=member, school=SchoolFactory(), kind="adviser", by=GroupMemberFactory().user)
    with pytest.raises(PermissionDenied):
        services.conflict_withdraw(conflict=conflict, by=GroupMemberFactory().user)


def test_a_second_open_conflict_with_the_same_school_is_refused():
    member, school = GroupMemberFactory(), SchoolFactory()
    services.conflict_declare(member=member, school=school, kind="governor", by=member.user)
    with pytest.raises(services.Refusal, match="already declared"):
        services.conflict_declare(member=member, school=school, kind="adviser", by=member.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conflict.objects.create(member=member, school=school, kind="other", details="x")
    assert Conflict.objects.count() == 1


def test_other_interest_needs_details_and_withdrawing_twice_is_refused():
    member, school = GroupMemberFactory(), SchoolFactory()
    with pytest.raises(services.Refusal, match="Describe the interest"):
        services.conflict_declare(member=member, school=school, kind="other", details="  ", by=member.user)
    conflict = ConflictFactory(member=member, school=school)
    services.conflict_withdraw(conflict=conflict, by=member.user)
    with pytest.raises(services.Refusal, match="already been withdrawn"):
        services.conflict_withdraw(conflict=conflict, by=member.user)
    # After withdrawing, the same school can be declared again.
    services.conflict_declare(member=member, school=school, kind="adviser", by=member.user)


def test_conflicted_member_ids_include_deactivated_members():
    school = SchoolFactory()
    conflict = ConflictFactory(school=school, member=GroupMemberFactory(is_active=False))
    assert selectors.conflicted_member_ids(school) == {conflict.member_id}


# Meetings ------------------------------------------------------------------------------------


def test_propose_six_meetings_one_per_half_term_without_saving():
    proposals = services.meetings_propose(academic_year="2026-27")
    assert [p.half_term.key for p in proposals] == [
        "autumn_1", "autumn_2", "spring_1", "spring_2", "summer_1", "summer_2",
    ]  # fmt: skip
    assert not Meeting.objects.exists()
    first = proposals[0].meeting
    assert first.date == date(2026, 9, 30)
    assert first.submission_cutoff == date(2026, 9, 9)  # three weeks before
    assert first.capacity == 12 and first.starts_at == time(13, 30)
    assert first.location.startswith("County Hall")
    for proposal in proposals:
        assert proposal.half_term.starts <= proposal.meeting.date <= proposal.half_term.ends
        assert proposal.meeting.date.weekday() < 5


@override_settings(MEETING_CUTOFF_DAYS=14, MEETING_DEFAULT_CAPACITY=8, MEETING_DEFAULT_LOCATION="Online only")
def test_cutoff_capacity_and_place_come_from_settings():
    meeting = services.meetings_propose(academic_year="2026-27")[0].meeting
    assert meeting.submission_cutoff == date(2026, 9, 16)
    assert meeting.capacity == 8 and meeting.location == "Online only"


def test_schedule_is_idempotent_and_audited():
    admin = AdminFactory()
    created = services.meetings_schedule(academic_year="2026-27", by=admin)
    assert len(created) == 6
    assert services.meetings_schedule(academic_year="2026-27", by=admin) == []
    assert Meeting.objects.filter(academic_year="2026-27").count() == 6
    assert AuditEvent.objects.filter(action="meeting.scheduled").count() == 6


def test_schedule_keeps_an_adjusted_meeting_and_fills_only_missing_half_terms(time_machine):
    time_machine.move_to("2026-09-01 10:00", tick=False)  # a meeting is only moved to a date to come
    admin = AdminFactory()
    services.meetings_schedule(academic_year="2026-27", by=admin)
    moved = Meeting.objects.get(half_term="autumn_2")
    services.meeting_update(meeting=moved, by=admin, date=date(2026, 12, 2), submission_cutoff=date(2026, 11, 11))
    Meeting.objects.filter(half_term="summer_2").delete()
    created = services.meetings_schedule(academic_year="2026-27", by=admin)
    assert [m.half_term for m in created] == ["summer_2"]
    assert Meeting.objects.get(half_term="autumn_2").date == date(2026, 12, 2)


def test_schedule_moves_off_a_date_an_extra_meeting_already_has():
    MeetingFactory(half_term="", date=date(2026, 9, 30), submission_cutoff=date(2026, 9, 1))
    created = services.meetings_schedule(academic_year="2026-27", by=None)
    autumn = next(m for m in created if m.half_term == "autumn_1")
    assert autumn.date != date(2026, 9, 30)
    assert Meeting.objects.count() == 7


@pytest.mark.parametrize("year", ["2026", "2026-28", "27-28", ""])
def test_schedule_refuses_a_malformed_year_and_saves_nothing(year):
    with pytest.raises(AcademicYearError):
        services.meetings_schedule(academic_year=year, by=None)
    assert not Meeting.objects.exists()


def test_schedule_by_a_non_admin_is_refused():
    with pytest.raises(PermissionDenied):
        services.meetings_schedule(academic_year="2026-27", by=GroupMemberFactory().user)


def test_update_changes_fields_and_records_what_changed():
    admin, meeting = AdminFactory(), MeetingFactory()
    services.meeting_update(
        meeting=meeting, by=admin, location="Online", online_link="https://meet.example.org/x", capacity=6
    )
    meeting.refresh_from_db()
    assert (meeting.location, meeting.online_link, meeting.capacity) == ("Online", "https://meet.example.org/x", 6)
    event = AuditEvent.objects.get(action="meeting.updated")
    assert set(event.data) == {"location", "online_link", "capacity"}
    services.meeting_update(meeting=meeting, by=admin, status=Meeting.Status.CANCELLED)
    assert AuditEvent.objects.filter(action="meeting.cancelled").exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"submission_cutoff": date(2026, 10, 8)}, "cut-off must be before the meeting date"),
        ({"submission_cutoff": date(2026, 10, 7)}, "cut-off must be before the meeting date"),
        ({"capacity": 0}, "Capacity must be 1 application or more"),
        ({"date": date(2027, 9, 8)}, "must be in the academic year 2026-27"),
    ],
)
def test_update_refuses_bad_values_and_saves_nothing(changes, message):
    admin, meeting = AdminFactory(), MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
    with pytest.raises(services.Refusal, match=message):
        services.meeting_update(meeting=meeting, by=admin, location="Changed", **changes)
    meeting.refresh_from_db()
    assert meeting.location == "County Hall, Hertford"
    assert meeting.submission_cutoff == date(2026, 9, 16) and meeting.capacity == 12
    assert not AuditEvent.objects.exists()


def test_update_refuses_a_date_another_meeting_has():
    admin = AdminFactory()
    MeetingFactory(date=date(2026, 10, 14))
    meeting = MeetingFactory(date=date(2026, 10, 7))
    with pytest.raises(services.Refusal, match="Another meeting is already on this date"):
        services.meeting_update(meeting=meeting, by=admin, date=date(2026, 10, 14))


@pytest.mark.parametrize(
    "fields",
    [
        {"submission_cutoff": date(2026, 10, 9)},
        {"submission_cutoff": date(2026, 10, 7)},
        {"capacity": 0},
        {"academic_year": "2026"},
    ],
)
def test_database_constraints_back_up_the_rules(fields):
    values = {
        "academic_year": "2026-27",
        "date": date(2026, 10, 7),
        "starts_at": time(13, 30),
        "submission_cutoff": date(2026, 9, 16),
        "capacity": 12,
    } | fields
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(**values)


def test_dates_are_unique_and_one_meeting_per_half_term():
    MeetingFactory(date=date(2026, 10, 7), half_term="autumn_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(date=date(2026, 10, 7))
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(date=date(2026, 10, 14), half_term="autumn_1")
    MeetingFactory(date=date(2026, 10, 21), half_term="")  # extra meetings are fine
    MeetingFactory(date=date(2026, 10, 28), half_term="")


def test_next_meeting_skips_past_and_cancelled_ones():
    MeetingFactory(date=date(2026, 10, 7))
    MeetingFactory(date=date(2026, 10, 14), status=Meeting.Status.CANCELLED)
    upcoming = MeetingFactory(date=date(2026, 10, 21))
    assert selectors.next_meeting(as_of=date(2026, 10, 8)) == upcoming


# Calendar feeds ------------------------------------------------------------------------------


def test_calendar_token_is_stored_hashed_and_renewing_replaces_it():
    member = GroupMemberFactory()
    first = services.calendar_feed_renew(user=member.user)
    feed = CalendarFeed.objects.get(user=member.user)
    assert feed.token_hash == CalendarFeed.hash_token(first) and first not in feed.token_hash
    assert len(first) >= 40
    second = services.calendar_feed_renew(user=member.user)
    assert second != first
    assert selectors.feed_for_token(second).user == member.user
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.feed_for_token(first)
    assert CalendarFeed.objects.count() == 1


def test_only_validators_get_a_calendar_and_a_deactivated_members_feed_stops():
    with pytest.raises(PermissionDenied):
        services.calendar_feed_renew(user=UserFactory())
    member = GroupMemberFactory()
    token = services.calendar_feed_renew(user=member.user)
    GroupMember.objects.filter(pk=member.pk).update(is_active=False)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.feed_for_token(token)
