"""The kept sections ready for a page or the PDF: commentary beside each, a chart where one fits."""

from django.utils.safestring import mark_safe

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


# WeasyPrint does not apply CSS `fill` to SVG, so the PDF's chart gets its colours as attributes.
PDF_FILLS = {
    'class="app-bar-chart__label"': "#0b0c0c",
    'class="app-bar-chart__value"': "#0b0c0c",
    'class="app-bar-chart__track"': "#f3f2f1",
    'class="app-bar-chart__bar"': "#1d70b8",
    'class="app-bar-chart__bar app-bar-chart__bar--over"': "#d4351c",
}


def _for_pdf(svg):
    for css_class, colour in PDF_FILLS.items():
        svg = svg.replace(css_class, f'{css_class} fill="{colour}"')
    return mark_safe(svg)  # noqa: S308 - the chart's text was escaped when drawn


def _pdf_or_page(svg, for_pdf):
    return _for_pdf(svg) if svg and for_pdf else svg


def sections_for_display(report, *, for_pdf=False):
    shown = []
    for section in report.sections:
        shown.append(
            {
                **section,
                "commentary": report.commentary.get(section["key"], ""),
                "chart_svg": _pdf_or_page(_chart(section, chart_id=f"chart-{section['key']}"), for_pdf),
                "short_title": SECTION_TITLES.get(section["key"], section["title"]),
            }
        )
    return shown
