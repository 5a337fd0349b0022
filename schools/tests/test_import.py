"""import_schools: the real GIAS sample, re-runs, progress, bad rows and bad files."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from schools.models import School
from schools.tests.factories import SchoolFactory

SAMPLE = Path("/work/shared/data/gias_sample.csv")
if not SAMPLE.exists():
    SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "gias_sample.csv"

pytestmark = pytest.mark.django_db

HEADER = ["EstablishmentStatus (name)", "LA (name)", "URN", "EstablishmentName", "LA (code)", "Town", "LastChangedDate"]


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_schools", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_csv(path, rows, header=HEADER, encoding="cp1252"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared GIAS sample is not on this machine")
def test_real_sample_imports_every_school_and_a_rerun_changes_nothing():
    out, err = run(SAMPLE)
    assert "8 rows read: 8 schools added, 0 updated, 0 unchanged, 0 with problems" in out
    assert err == ""
    aldgate = School.objects.get(urn=100000)
    assert aldgate.name == "The Aldgate School"
    assert (aldgate.la_code, aldgate.la_name, aldgate.establishment_number) == (201, "City of London", "3614")
    assert aldgate.type_name == "Voluntary aided school"
    assert aldgate.phase == "Primary"
    assert aldgate.status == "Open"
    assert aldgate.street == "St James's Passage"
    assert aldgate.postcode == "EC3A 5DE"
    assert aldgate.head_teacher == "Miss Alexandra Allan"
    assert str(aldgate.register_updated) == "2024-02-09"
    assert School.objects.get(urn=100004).status == "Closed"
    westbury = School.objects.get(urn=126370)
    assert westbury.status == "Open, but proposed to close" and westbury.is_open
    dubai = School.objects.get(urn=150516)
    assert dubai.la_code == 0 and dubai.postcode == ""

    out, _ = run(SAMPLE)
    assert "0 schools added, 0 updated, 8 unchanged" in out


def test_columns_are_matched_by_name_and_portal_fields_are_kept(tmp_path):
    SchoolFactory(urn=117083, name="Old name", governor_name="Mrs Governor", la_code=919)
    path = write_csv(
        tmp_path / "r.csv",
        [["Open", "Hertfordshire", "117083", "Abbots Langley School", "919", "Watford", "01-09-2024"]],
    )
    out, _ = run(path)
    assert "1 updated" in out
    school = School.objects.get(urn=117083)
    assert school.name == "Abbots Langley School"
    assert school.governor_name == "Mrs Governor"
    assert school.town == "Watford"


def test_large_file_shows_progress_and_reports_bad_rows_with_line_numbers(tmp_path):
    rows = [
        ["Open", "Hertfordshire", str(200000 + n), f"School {n}", "919", "Hertford", "01-01-2024"] for n in range(2500)
    ]
    rows[10][2] = "12345"  # line 12
    rows[20][4] = "Herts"  # line 22
    rows[30][6] = "2024-13-45"  # line 32
    rows[40][3] = ""  # line 42
    rows[50][3] = "x" * 10_000  # line 52
    path = write_csv(tmp_path / "big.csv", rows)
    out, err = run(path, "--progress-every", "1000")
    assert "1,000 of 2,500 rows (40%)" in out
    assert "2,000 of 2,500 rows (80%)" in out
    assert "2,500 of 2,500 rows (100%)" in out
    assert "Line 12: URN “12345” is not a 6-digit number. Skipped." in err
    assert "Line 22: LA code “Herts” is not a number. Skipped." in err
    assert "Line 32: LastChangedDate “2024-13-45” is not a date like 31-08-2024. Skipped." in err
    assert "Line 42: the establishment name is empty. Skipped." in err
    assert "Line 52: name is longer than 200 characters. Skipped." in err
    assert "2,495 schools added" in out and "5 with problems" in out
    assert School.objects.count() == 2495
    assert School.objects.filter(la_code=919).count() == 2495


def test_missing_urn_column_is_refused_and_nothing_is_lost(tmp_path):
    SchoolFactory(urn=117083, name="Kept School")
    path = write_csv(
        tmp_path / "no-urn.csv",
        [["Open", "Herts", "Some School", "919"]],
        header=["EstablishmentStatus (name)", "LA (name)", "EstablishmentName", "LA (code)"],
    )
    with pytest.raises(
        CommandError,
        match=r"has no “URN” column.*Columns found: EstablishmentStatus \(name\), LA \(name\).*Nothing was imported",
    ):
        run(path)
    assert list(School.objects.values_list("name", flat=True)) == ["Kept School"]


def test_utf8_file_is_refused_with_the_encoding_named(tmp_path):
    SchoolFactory(urn=117083, name="Kept School")
    path = write_csv(
        tmp_path / "utf8.csv",
        [["Open", "Herts", "117083", "Ecole Saint-Exupéry", "919", "Hitchin", ""]],
        encoding="utf-8",
    )
    with pytest.raises(
        CommandError, match=r"encoded as UTF-8, not Windows-1252.*--encoding utf-8.*Nothing was imported"
    ):
        run(path)
    assert School.objects.get(urn=117083).name == "Kept School"
    run(path, "--encoding", "utf-8")
    assert School.objects.get(urn=117083).name == "Ecole Saint-Exupéry"


def test_utf16_and_undecodable_files_are_refused(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_text("URN,EstablishmentName,LA (code)\n117083,A,919\n", encoding="utf-16")
    with pytest.raises(CommandError, match="looks like a UTF-16 file"):
        run(path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"URN,EstablishmentName,LA (code)\n117083,Caf\x81,919\n")
    with pytest.raises(CommandError, match=r"byte 0x81 on line 2 cannot be read"):
        run(bad)
    assert School.objects.count() == 0


def test_cp1252_characters_are_read(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["Open", "Herts", "117083", "St Mary’s C of E School", "919", "Ware", ""]])
    run(path)
    assert School.objects.get(urn=117083).name == "St Mary’s C of E School"


def test_missing_file_is_reported():
    with pytest.raises(CommandError, match="does not exist"):
        run("/nonexistent/file.csv")
