"""Trend charts as inline SVG, drawn on the server: no chart library, no script, no style attributes.

Colours and line styles come from CSS classes (static/scss/portal.scss; the PDF template carries
the same rules). Every chart is paired with a table of the same figures, which is what screen
readers use; the SVG has a title and a description saying so. Suppressed values ("<5") and
missing ones are not plotted: the line breaks there.
"""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
SERIES_CLASSES = 8


def _nice_max(value):
    if value <= 5:
        return 5
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return math.ceil(top)
    return int(value)


def _plottable(value):
    return isinstance(value, int) and not isinstance(value, bool)


def series_class(index: int) -> str:
    return f"chart-series-{index % SERIES_CLASSES + 1}"


COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#28a197", "#912b88", "#505a5f"]


def print_css() -> str:
    """The chart rules for a PDF, which has no site stylesheet (the same colours as portal.scss)."""
    rules = [
        ".chart-grid{stroke:#b1b4b6;stroke-width:1}",
        ".chart-axis{stroke:#0b0c0c;stroke-width:1}",
        ".chart-axis-label{font-size:13px;fill:#0b0c0c;font-family:Arial,sans-serif}",
        ".chart-line{fill:none;stroke-width:3}",
    ]
    for i, colour in enumerate(COLOURS, start=1):
        rules.append(f".chart-line.chart-series-{i}{{stroke:{colour}}}.chart-point.chart-series-{i}{{fill:{colour}}}")
        rules.append(f".app-chart-swatch.chart-series-{i}{{background-color:{colour}}}")
    return "".join(rules)


def line_chart(
    *, title: str, labels: list[tuple[str, str]], series: list[tuple[str, list]], chart_id: str, for_print=False
) -> str:
    """An SVG line chart. labels: (first line, second line) per column; series: (name, values).

    `for_print` puts the chart's rules in a <style> inside the SVG, for PDFs (never for pages: CSP).
    """
    values = [v for _, vals in series for v in vals if _plottable(v)]
    top = _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i):
        return LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y(v):
        return TOP + plot_h - (v / top) * plot_h

    parts = [
        f'<svg class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">Line chart. The table beside it gives the same figures.</desc>',
    ]
    if for_print:
        parts.append(f"<style>{print_css()}</style>")
    for tick in range(5):
        value = top * tick / 4
        ty = y(value)
        label = f"{value:g}" if value != int(value) else str(int(value))
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}"/>')
        parts.append(f'<text class="chart-axis-label" x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end">{label}</text>')
    parts.append(f'<line class="chart-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    for i, (first, second) in enumerate(labels):
        lx = x(i)
        parts.append(
            f'<text class="chart-axis-label" x="{lx:.1f}" y="{TOP + plot_h + 20}" text-anchor="middle">'
            f'<tspan x="{lx:.1f}">{escape(first)}</tspan><tspan x="{lx:.1f}" dy="16">{escape(second)}</tspan></text>'
        )
    for index, (_name, vals) in enumerate(series):
        css = series_class(index)
        run = []
        for i, value in enumerate([*vals, None]):
            if _plottable(value):
                run.append(f"{x(i):.1f},{y(value):.1f}")
                continue
            if len(run) > 1:
                parts.append(f'<polyline class="chart-line {css}" points="{" ".join(run)}"/>')
            run = []
        for i, value in enumerate(vals):
            if _plottable(value):
                parts.append(f'<circle class="chart-point {css}" cx="{x(i):.1f}" cy="{y(value):.1f}" r="4"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def legend(series_names: list[str]) -> list[tuple[str, str]]:
    """(name, CSS class) pairs for the key under a chart."""
    return [(name, series_class(i)) for i, name in enumerate(series_names)]


def term_labels(terms) -> list[tuple[str, str]]:
    return [(term.get_season_display(), term.academic_year) for term in terms]


def trend_chart(trend, *, chart_id: str, include_total=False, max_series=SERIES_CLASSES, for_print=False) -> dict:
    """Chart and legend for a Trend from returns_selectors: one line per row (the first few)."""
    limit = max_series - 1 if include_total else max_series  # one colour per line, "All" included
    series = [(label, values) for label, values in trend.rows[:limit]]
    if include_total:
        series = [("All", trend.total), *series]
    svg = line_chart(
        title=trend.title, labels=term_labels(trend.terms), series=series, chart_id=chart_id, for_print=for_print
    )
    return {"svg": svg, "legend": legend([name for name, _ in series]), "more": max(len(trend.rows) - limit, 0)}
