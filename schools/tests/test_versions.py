"""The school change log behind cached pages (schools.versions)."""

import pytest

from schools import versions
from schools.models import Membership, School, SchoolChange
from schools.tasks import prune_school_changes
from schools.versions.log import school_path, schools_of

from .factories import LeadFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_paths_follow_foreign_keys_to_the_school_and_not_through_people():
    assert school_path(School) == []
    assert school_path(Membership) == ["school"]
    from accreditation.models import AuditEvent

    assert school_path(AuditEvent) is None  # reaches a person, never a school


def test_a_change_moves_that_schools_version_only():
    lead, other = LeadFactory(), SchoolFactory()
    mine, theirs = versions.version_for(lead.school.pk), versions.version_for(other.pk)
    lead.role = Membership.Role.CONTRIBUTOR
    lead.save()
    assert versions.version_for(lead.school.pk) != mine
    assert versions.version_for(other.pk) == theirs
    assert schools_of(lead) == {lead.school.pk}


def test_a_set_based_change_is_recorded_for_the_rows_it_touches():
    a, b, c = SchoolFactory(), SchoolFactory(), SchoolFactory()
    before = {s.pk: versions.version_for(s.pk) for s in (a, b, c)}
    chosen = School.objects.filter(pk__in=[a.pk, b.pk])
    with versions.changing(chosen):
        assert versions.version_for(a.pk) == before[a.pk]  # not before the statement has run
        chosen.update(name="Renamed")
    after = {s.pk: versions.version_for(s.pk) for s in (a, b, c)}
    assert after[a.pk] != before[a.pk] and after[b.pk] != before[b.pk]
    assert after[c.pk] == before[c.pk]


def test_a_change_to_every_school_moves_every_version():
    a, b = SchoolFactory(), SchoolFactory()
    before = versions.version_for(a.pk), versions.version_for(b.pk)
    versions.changed_everywhere()
    assert (versions.version_for(a.pk), versions.version_for(b.pk)) != before
    assert versions.version_for(a.pk) != before[0] and versions.version_for(b.pk) != before[1]


def test_pruning_keeps_each_schools_newest_row_so_no_version_changes():
    a, b = SchoolFactory(), SchoolFactory()
    for _ in range(3):
        versions.changed([a.pk, b.pk])
        versions.changed_everywhere()
    before = versions.version_for(a.pk), versions.version_for(b.pk)
    deleted = prune_school_changes()
    assert deleted > 0
    assert (versions.version_for(a.pk), versions.version_for(b.pk)) == before
    assert SchoolChange.objects.filter(school_id=a.pk).count() == 1
    assert SchoolChange.objects.filter(school_id__isnull=True).count() == 1
    assert prune_school_changes() == 0  # idempotent


def test_a_school_can_be_erased_with_its_log_behind_it():
    school = SchoolFactory()
    versions.changed([school.pk])
    school_id = school.pk
    school.delete()
    assert SchoolChange.objects.filter(school_id=school_id).exists()


def test_a_change_is_recorded_again_once_its_transaction_commits(django_capture_on_commit_callbacks):
    """Ids follow insert order, not commit order: the row written after the commit is newer than
    anything a reader of the old data saw (schools.versions.log._insert)."""
    from django.db import transaction

    school = SchoolFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        versions.changed([school.pk])
        inside = versions.version_for(school.pk)
    assert versions.version_for(school.pk) != inside
    assert SchoolChange.objects.filter(school_id=school.pk).count() >= 2


def test_a_persons_name_changes_every_schools_pages_and_signing_in_does_not():
    from django.utils import timezone

    lead, other = LeadFactory(), SchoolFactory()
    before = versions.version_for(other.pk)
    lead.user.last_login = timezone.now()
    lead.user.save(update_fields=["last_login"])
    assert versions.version_for(other.pk) == before
    lead.user.first_name = "Renamed"
    lead.user.save()
    assert versions.version_for(other.pk) != before
