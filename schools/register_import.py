"""Loading England's register of schools (a GIAS "edubasealldata" CSV extract).

Columns are matched by name, since their order drifts between releases. The file is checked
(encoding, required columns) before anything is written, then rows are upserted by URN in
batches: a bad row is reported with its line number and skipped, and a re-run changes nothing.
Only register fields are written; what the portal keeps (governor, eligibility) is left alone.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from accreditation.errors import Refusal

from . import versions
from .models import School

REQUIRED = {"urn": "URN", "name": "EstablishmentName", "la_code": "LA (code)"}
OPTIONAL = {
    "la_name": "LA (name)",
    "establishment_number": "EstablishmentNumber",
    "type_name": "TypeOfEstablishment (name)",
    "phase": "PhaseOfEducation (name)",
    "status": "EstablishmentStatus (name)",
    "street": "Street",
    "locality": "Locality",
    "address3": "Address3",
    "town": "Town",
    "county": "County (name)",
    "postcode": "Postcode",
    "district": "DistrictAdministrative (name)",
    "register_updated": "LastChangedDate",
    "pupils": "NumberOfPupils",
}
HEAD = ("HeadTitle (name)", "HeadFirstName", "HeadLastName")
REGISTER_FIELDS = [*REQUIRED, *OPTIONAL, "head_teacher", "from_register"]
BATCH = 1000


class RegisterFileError(Refusal):
    """The whole file cannot be imported; nothing has been written."""


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)


def decode(raw: bytes, encoding: str, name: str) -> str:
    """The file's text, or a RegisterFileError naming the encoding problem."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise RegisterFileError(
            f"{name} looks like a UTF-16 file (it contains zero bytes). GIAS extracts are Windows-1252 "
            "(cp1252) CSV files: download the extract again, or save it as CSV."
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw, encoding = raw[3:], "utf-8"
    elif encoding.lower().replace("-", "") in ("cp1252", "windows1252") and not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise RegisterFileError(
                f"{name} is encoded as UTF-8, not Windows-1252 (cp1252) as GIAS extracts are, so names "
                "with accents or curly apostrophes would be garbled. Run the command again with --encoding utf-8."
            )
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RegisterFileError(
            f"{name} is not a {encoding} file: byte 0x{raw[error.start]:02x} on line {line} cannot be read. "
            "GIAS extracts are Windows-1252 (cp1252); if the file was saved in another encoding, pass --encoding."
        ) from error
    except LookupError as error:
        raise RegisterFileError(f"Unknown encoding “{encoding}”.") from error


def check_columns(header: list[str], name: str) -> None:
    present = {column.strip() for column in header}
    missing = [column for column in REQUIRED.values() if column not in present]
    if missing:
        shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
        raise RegisterFileError(
            f"{name} has no {' or '.join(f'“{c}”' for c in missing)} column, so it cannot be matched to schools. "
            f"Columns found: {shown or 'none'}. Use a GIAS “edubasealldata” extract."
        )


def parse_date(text: str) -> date | None:
    text = text.strip()
    return datetime.strptime(text, "%d-%m-%Y").date() if text else None


def clean_row(row: dict) -> dict:
    """Register fields for one CSV row; ValueError says what is wrong with it."""
    get = lambda column: (row.get(column) or "").strip()  # noqa: E731
    urn = get("URN")
    if not re.fullmatch(r"\d{6,7}", urn):
        raise ValueError(f"URN “{urn[:20]}” is not a 6-digit number" if urn else "the URN is empty")
    la_code = get("LA (code)")
    if not la_code.isdigit() or int(la_code) > 32767:
        raise ValueError(f"LA code “{la_code[:20]}” is not a number")
    values = {"urn": int(urn), "la_code": int(la_code), "name": get("EstablishmentName")}
    if not values["name"]:
        raise ValueError("the establishment name is empty")
    for key, column in OPTIONAL.items():
        values[key] = get(column)
    try:
        values["register_updated"] = parse_date(values["register_updated"])
    except ValueError:
        raise ValueError(f"LastChangedDate “{values['register_updated'][:20]}” is not a date like 31-08-2024") from None
    pupils = values["pupils"]
    if pupils and not pupils.isdigit():
        raise ValueError(f"NumberOfPupils “{pupils[:20]}” is not a whole number")
    values["pupils"] = int(pupils) if pupils else None
    values["head_teacher"] = " ".join(part for part in (get(column) for column in HEAD) if part)
    values["from_register"] = True
    for key, value in values.items():
        limit = getattr(School._meta.get_field(key), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ValueError(f"{key.replace('_', ' ')} is longer than {limit} characters")
    return values


def import_register(
    raw: bytes, *, name="the file", encoding="cp1252", progress=None, progress_every=5000
) -> ImportResult:
    """Upsert the register's rows by URN. `progress(done, total)` is called every `progress_every` rows."""
    text = decode(raw, encoding, name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise RegisterFileError(f"{name} is empty.") from None
    check_columns(header, name)
    total = sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1
    reader = csv.DictReader(io.StringIO(text, newline=""), fieldnames=header)
    next(reader)
    result = ImportResult()
    batch: dict[int, dict] = {}
    for row in reader:
        result.rows += 1
        line = reader.line_num
        try:
            values = clean_row(row)
        except ValueError as error:
            result.bad_rows.append((line, str(error)))
        else:
            if values["urn"] in batch:
                result.bad_rows.append((line, f"URN {values['urn']} appears twice in the file; the later row is used"))
            batch[values["urn"]] = values
        if len(batch) >= BATCH:
            _upsert(batch, result)
            batch = {}
        if progress and result.rows % progress_every == 0:
            progress(result.rows, total)
    if batch:
        _upsert(batch, result)
    if progress and result.rows % progress_every:
        progress(result.rows, total)
    return result


@transaction.atomic
def _upsert(batch: dict[int, dict], result: ImportResult) -> None:
    existing = {school.urn: school for school in School.objects.select_for_update().filter(urn__in=batch)}
    to_create, to_update = [], []
    for urn, values in batch.items():
        school = existing.get(urn)
        if school is None:
            to_create.append(School(**values))
            continue
        if not values["head_teacher"]:
            values["head_teacher"] = school.head_teacher
        changed = [key for key, value in values.items() if getattr(school, key) != value]
        if changed:
            for key in changed:
                setattr(school, key, values[key])
            to_update.append(school)
        else:
            result.unchanged += 1
    School.objects.bulk_create(to_create)
    if to_update:
        School.objects.bulk_update(to_update, REGISTER_FIELDS)
    versions.changed(school.pk for school in [*to_create, *to_update])
    result.created += len(to_create)
    result.updated += len(to_update)
