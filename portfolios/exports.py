"""The portfolio as a PDF, and its evidence files as a streamed ZIP with an index.

Both are used by the school's and the H&W team's views here, and by validators' views in
validation (after their own assignment and conflict checks). A large portfolio's PDF is made in
the background by portfolios.pdf_exports, through the same function.
"""

import csv
import io
import re
import zipfile

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from accreditation.csv_export import neutralise
from accreditation.pdf import pdf_from_documents, render_document, render_pdf

from . import selectors, uploads

CHUNK = 64 * 1024


def export_name(application, suffix):
    school = re.sub(r"[^A-Za-z0-9]+", "-", application.school.name).strip("-").lower()
    return f"portfolio-{application.school.urn}-{school}-{application.pk}.{suffix}"


PORTFOLIO_TEMPLATE = "portfolios/export/portfolio_pdf.html"
# Not a tagged PDF: WeasyPrint's pdf_tags=True (a structure tree for screen readers) costs 10-15%
# of the render, which the 1.5-second budget for 200 items cannot spare (docs/decisions.md).


def portfolio_pdf_context(application, responses) -> dict:
    """What the portfolio template needs for the whole portfolio (a part overrides `responses`,
    `include_front` and `first_page`)."""
    return {
        "application": application,
        "school": application.school,
        "responses": responses,
        "generated_at": timezone.now(),
        "evidence_count": sum(len(response.evidence.all()) for response in responses),
        "criteria_count": len(responses),
        "include_front": True,
        "first_page": 1,
    }


def pdf_made_in_background(evidence_links: int) -> bool:
    """Whether a portfolio with this many evidence links is made in the background (a PDF with
    more than PORTFOLIO_PDF_INLINE_MAX_ITEMS takes longer to lay out than a browser should wait)."""
    return evidence_links > settings.PORTFOLIO_PDF_INLINE_MAX_ITEMS


def portfolio_pdf(application, *, on_progress=None) -> bytes:
    """Cover, school details, the renewal's development area, then each criterion with its
    self-evaluation and the evidence list (dates and impact).

    Without `on_progress`: one pass, the quickest way. With it, the PDF is laid out in parts (the
    front matter, then each criterion, page numbers running on) and `on_progress(stage=...,
    items_done=..., items_total=..., criteria_done=..., criteria_total=...)` is called after
    each criterion (stage "laying_out") and once before the file is written (stage "writing").
    """
    responses = list(selectors.responses_for_application(application))
    context = portfolio_pdf_context(application, responses)
    if on_progress is None:
        return render_pdf(PORTFOLIO_TEMPLATE, context)
    totals = {"items_total": context["evidence_count"], "criteria_total": len(responses)}
    documents = [render_document(PORTFOLIO_TEMPLATE, {**context, "responses": []})]
    pages = len(documents[0].pages)
    items_done = 0
    for number, response in enumerate(responses, start=1):
        part = {**context, "responses": [response], "include_front": False, "first_page": pages + 1}
        documents.append(render_document(PORTFOLIO_TEMPLATE, part))
        pages += len(documents[-1].pages)
        items_done += len(response.evidence.all())
        on_progress(stage="laying_out", items_done=items_done, criteria_done=number, **totals)
    on_progress(stage="writing", items_done=items_done, criteria_done=len(responses), **totals)
    return pdf_from_documents(documents)


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
