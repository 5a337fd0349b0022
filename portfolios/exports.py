"""The portfolio as a PDF, and its evidence files as a streamed ZIP with an index.

Both are used by the school's and the H&W team's views here, and by validators' views in
validation (after their own assignment and conflict checks).
"""

import csv
import io
import re
import zipfile

from django.core.files.storage import default_storage
from django.utils import timezone

from accreditation.csv_export import neutralise
from accreditation.pdf import render_pdf

from . import selectors, uploads

CHUNK = 64 * 1024


def export_name(application, suffix):
    school = re.sub(r"[^A-Za-z0-9]+", "-", application.school.name).strip("-").lower()
    return f"portfolio-{application.school.urn}-{school}-{application.pk}.{suffix}"


def portfolio_pdf(application) -> bytes:
    """Cover, school details, the renewal's development area, then each criterion with its
    self-evaluation and the evidence list (dates and impact)."""
    return render_pdf(
        "portfolios/export/portfolio_pdf.html",
        {
            "application": application,
            "school": application.school,
            "responses": selectors.responses_for_application(application),
            "generated_at": timezone.now(),
        },
    )


class _Sink:
    """A write-only file for zipfile that hands over what was written, so the ZIP streams."""

    def __init__(self):
        self.buffer = []

    def write(self, data):
        self.buffer.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self) -> bytes:
        data = b"".join(self.buffer)
        self.buffer.clear()
        return data


def zip_member_name(item) -> str:
    safe = (
        re.sub(r"[^A-Za-z0-9._-]+", "-", item.original_name).strip("-.") or f"file.{item.file.name.rsplit('.', 1)[-1]}"
    )
    return f"evidence/{item.pk:06d}-{safe}"


def evidence_zip_chunks(application):
    """Yield the ZIP in pieces: index.csv, then each file read in chunks (memory stays flat)."""
    items = list(selectors.evidence_for_application(application))
    criteria_by_item = {}
    for response in selectors.responses_for_application(application):
        for item in response.evidence.all():
            criteria_by_item.setdefault(item.pk, []).append(str(response.criterion.number))

    sink = _Sink()
    archive = zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(
        [
            "file in this ZIP",
            "title",
            "kind",
            "criteria",
            "date produced",
            "impact",
            "web address",
            "date received",
            "original file name",
            "size",
            "SHA-256",
        ]
    )
    for item in items:
        writer.writerow(
            neutralise(cell)
            for cell in [
                zip_member_name(item) if item.file_available else "",
                item.title,
                item.get_kind_display(),
                " ".join(criteria_by_item.get(item.pk, [])),
                item.produced_on.isoformat(),
                item.impact,
                item.url,
                item.received_on.isoformat() if item.received_on else "",
                item.original_name,
                uploads.human_size(item.size) if item.size else "",
                item.sha256,
            ]
        )
    archive.writestr("index.csv", index.getvalue())
    yield sink.drain()
    for item in items:
        if not item.file_available:  # only files through the virus check leave the portal
            continue
        info = zipfile.ZipInfo(zip_member_name(item), date_time=item.uploaded_at.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with default_storage.open(item.file.name, "rb") as source, archive.open(info, "w", force_zip64=True) as dest:
            while chunk := source.read(CHUNK):
                dest.write(chunk)
                yield sink.drain()
        yield sink.drain()
    archive.close()
    yield sink.drain()
