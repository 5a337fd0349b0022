"""Reading an attendance sheet (CSV): every row checked, nothing written here.

Columns: URN and Name are required; Role is optional. Header names are matched without regard to
case or spaces. Problems are reported per row in words an admin can act on.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from accreditation.csv_export import DANGEROUS_FIRST_CHARACTERS

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
HEADERS = {"urn": "URN", "name": "Name", "role": "Role"}


class SheetError(Exception):
    """The whole file cannot be read (encoding, headers, size): nothing has been kept."""


@dataclass
class SheetRow:
    line: int
    urn: int
    name: str
    role: str


@dataclass
class SheetResult:
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise SheetError("The file is larger than 2 MB. An attendance sheet should be much smaller: check the file.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise SheetError(
            "The file is not a CSV file saved as text (it looks like UTF-16 or a spreadsheet). "
            "In Excel choose Save as, then 'CSV UTF-8 (comma delimited)'."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SheetError(
            f"The file is not saved as UTF-8: line {line} has a character that cannot be read "
            "(often a name with an accent). In Excel choose Save as, then 'CSV UTF-8 (comma delimited)', "
            "and upload it again."
        ) from None


def _key(header: str) -> str:
    return re.sub(r"\s+", "", header).lower()


def read_sheet(raw: bytes, *, known_urns: set[int]) -> SheetResult:
    """Check every row against the register (`known_urns`) and each other. Raises SheetError for
    a file that cannot be read at all."""
    text = decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_key(h) for h in next(reader)]
    except StopIteration:
        raise SheetError("The file is empty. It needs a header row (URN, Name, Role) and a row per person.") from None
    except csv.Error as error:
        raise SheetError(f"The file cannot be read as CSV: {error}") from None
    missing = [label for key, label in HEADERS.items() if key != "role" and key not in header]
    if missing:
        raise SheetError(
            f"The first row must name the columns: {', '.join(HEADERS.values())} (Role is optional). "
            f"Missing: {', '.join(missing)}."
        )
    index = {key: header.index(key) for key in HEADERS if key in header}
    result = SheetResult()
    seen: dict[tuple[int, str], int] = {}
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if line - 1 > MAX_ROWS:
                raise SheetError(f"The file has more than {MAX_ROWS} rows. Split it into smaller sheets.")
            _check_row(line, cells, index, known_urns, seen, result)
    except csv.Error as error:
        raise SheetError(f"The file cannot be read as CSV: {error}") from None
    if not result.rows and not result.problems:
        raise SheetError("The file has a header row but nobody in it. Add a row per person who attended.")
    return result


def _check_row(line, cells, index, known_urns, seen, result):
    get = lambda key: cells[index[key]].strip() if key in index and index[key] < len(cells) else ""  # noqa: E731
    urn_text, name, role = get("urn"), get("name"), get("role")
    for label, value in (("URN", urn_text), ("name", name), ("role", role)):
        if value.startswith(DANGEROUS_FIRST_CHARACTERS):
            result.problems.append(
                (
                    line,
                    f"Row {line}: the {label} starts with “{value[0]}”, so a spreadsheet would treat it as a "
                    "formula. Type the value itself, without the formula.",
                )
            )
            return
    if not urn_text:
        result.problems.append((line, f"Row {line}: the URN is empty. Enter the school's 6-digit URN."))
        return
    if not re.fullmatch(r"\d{6,7}", urn_text):
        result.problems.append((line, f"Row {line}: the URN “{urn_text[:20]}” is not a 6-digit number."))
        return
    urn = int(urn_text)
    if urn not in known_urns:
        result.problems.append((line, f"Row {line}: no school has the URN {urn}. Check it against the register."))
        return
    if not name:
        result.problems.append((line, f"Row {line}: the name of the person who attended is empty."))
        return
    if len(name) > 200 or len(role) > 200:
        result.problems.append((line, f"Row {line}: the name and role must be 200 characters or fewer."))
        return
    key = (urn, name.casefold())
    if key in seen:
        result.problems.append((line, f"Row {line}: {name} from URN {urn} is also on row {seen[key]}. Remove one."))
        return
    seen[key] = line
    result.rows.append(SheetRow(line=line, urn=urn, name=name, role=role))
