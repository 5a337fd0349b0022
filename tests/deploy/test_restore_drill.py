"""The runbook's restore drill, for real: dump the test database with pg_dump -Fc, restore it
into a fresh database, run manage.py check against it and compare every table's row count."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accreditation.models import AuditEvent
from conftest import missing_service
from portfolios.tests.factories import ensure_criteria
from schools.tests.factories import LeadFactory

from .stack import database_url_of

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.drill, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def drill(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(DEBUG="true", PYTHON=sys.executable)
    return subprocess.run(
        ["bash", "deploy/restore_drill.sh", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


@pytest.fixture
def source():
    if connection.vendor != "postgresql":
        missing_service("the restore drill needs the test database on PostgreSQL (set DATABASE_URL)")
    ensure_criteria()
    for _ in range(3):
        lead = LeadFactory()
        AuditEvent.objects.create(action="drill.test", summary=f"row for {lead.school.name}")
    return database_url_of(connection)


def test_a_backup_restores_into_a_working_portal_with_every_row(source, tmp_path):
    restore_db = f"{connection.settings_dict['NAME']}_restore"
    result = drill(source, restore_db, str(tmp_path / "portal.dump"))
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "RESTORE DRILL PASSED" in result.stdout
        assert (tmp_path / "portal.dump").read_bytes()[:5] == b"PGDMP"  # custom format
        # The script compared every table; check one by hand as well.
        source_count = AuditEvent.objects.filter(action="drill.test").count()
        restored = subprocess.run(
            [
                "psql",
                "-qAt",
                f"{source.rsplit('/', 1)[0]}/{restore_db}",
                "-c",
                "SELECT count(*) FROM accreditation_auditevent WHERE action = 'drill.test'",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert int(restored.stdout.strip()) == source_count == 3
    finally:
        subprocess.run(
            [
                "psql",
                "-q",
                f"{source.rsplit('/', 1)[0]}/postgres",
                "-c",
                f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)',
            ],
            capture_output=True,
        )


def test_a_damaged_restore_fails_the_drill(source, tmp_path):
    """The comparison is real: rows added to the source after the dump make the counts differ."""
    dump = tmp_path / "portal.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), source], check=True)
    AuditEvent.objects.create(action="drill.after_the_dump")
    restore_db = f"{connection.settings_dict['NAME']}_restore"
    result = drill(source, restore_db, str(dump))
    try:
        assert result.returncode != 0
        assert "row counts differ" in result.stderr and "accreditation_auditevent" in result.stdout
    finally:
        subprocess.run(
            [
                "psql",
                "-q",
                f"{source.rsplit('/', 1)[0]}/postgres",
                "-c",
                f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)',
            ],
            capture_output=True,
        )
