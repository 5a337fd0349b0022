"""The kept sections ready for a page or the PDF: commentary beside each, a chart where one fits."""

from accreditation.charts import Bar, bar_chart

from .build import SECTION_TITLES


def _chart(section, *, chart_id):
    spec = section.get("chart")
    if not spec:
        return None
    table = next((t for t in section["tables"] if t["key"] == spec["table"]), None)
    rows = [r for r in (table or {}).get("rows", []) if r[0] != "All our open schools"]
    if not rows:
        return None
    bars = [Bar(str(r[spec["label"]]), r[spec["value"]], r[spec["out_of"]]) for r in rows]
    return bar_chart(title=spec["title"], bars=bars, chart_id=chart_id)


def sections_for_display(report, *, for_pdf=False):
    shown = []
    for section in report.sections:
        shown.append(
            {
                **section,
                "commentary": report.commentary.get(section["key"], ""),
                "chart_svg": _chart(section, chart_id=f"chart-{section['key']}{'-pdf' if for_pdf else ''}"),
                "short_title": SECTION_TITLES.get(section["key"], section["title"]),
            }
        )
    return shown
