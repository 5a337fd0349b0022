"""What leaves the portal about surveys: aggregates only, suppressed like the pages (no written
answers, no response rows), as CSV rows and PDFs."""

from django.utils import timezone

from accreditation.pdf import render_pdf


def _pct(value):
    return "" if value is None else f"{value:g}"


def window_rows(results):
    """(header, rows) for a window's CSV: one row per answer, with the comparisons."""
    header = ["Section", "Question", "Answer", "Count", "Percent", "Previous survey percent", "County percent"]
    rows = [["Responses", "All responses", "", results.total.label, "", "", ""]]
    rows += [["Responses by year group", "", label, cell.label, "", "", ""] for label, cell in results.by_year]
    for result in results.questions:
        if not result.shown:
            rows.append(["Answers", result.question.text, "(fewer than 10 answered)", result.base.label, "", "", ""])
            continue
        for row in result.rows:
            rows.append(["Answers", result.question.text, row.label, row.count.label, _pct(row.percent),
                         _pct(row.previous_percent), _pct(row.county_percent)])  # fmt: skip
    for breakdown in results.breakdowns:
        for row in breakdown.rows:
            rows.append(["Bullied in the last twelve months, by " + breakdown.question.text, "", row.label,
                         row.respondents.label, _pct(row.percent_yes), "", ""])  # fmt: skip
    return header, rows


def county_rows(filters, total, results):
    header = ["Academic year", "Survey", "Phase", "District", "Question", "Answer", "Count", "Percent"]
    scope = [filters["academic_year"], filters["audience"], filters["phase"] or "All", filters["district"] or "All"]
    rows = [[*scope, "All responses", "", total.label, ""]]
    for result in results:
        if not result.shown:
            rows.append([*scope, result.question.text, "(fewer than 10 answered)", result.base.label, ""])
            continue
        rows += [[*scope, result.question.text, r.label, r.count.label, _pct(r.percent)] for r in result.rows]
    return header, rows


def sheet_pdf(*, window, link, start, qr) -> bytes:
    """The classroom sheet: the link, the QR code and the short code, large."""
    return render_pdf("surveys/sheet_pdf.html", {"window": window, "link": link, "start": start, "qr": qr,
                                                  "generated_at": timezone.now()})  # fmt: skip
