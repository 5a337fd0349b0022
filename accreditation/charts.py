"""Small charts as inline SVG drawn on the server: no chart library, no script, no style attribute.

Colours come from CSS classes (static/scss/portal.scss, `.app-bar-chart`), so the strict CSP
holds. A chart is a picture of a table the page shows beside it: the SVG has a title and a
description saying so, and screen readers read the table. Imports no app, so any app can use it.
(The termly returns' line charts, schools/returns/charts.py, are drawn the same way but are about
terms and suppression, so they stay there.)
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 90
BAR_HEIGHT = 22
GAP = 10
TOP = 8


@dataclass
class Bar:
    label: str
    value: int | float
    out_of: int | float | None = None  # drawn as a track behind the bar ("12 of 40")
    value_label: str | None = None  # text shown after the bar; defaults to the value (and "of N")


def _text(bar: Bar) -> str:
    if bar.value_label is not None:
        return bar.value_label
    value = f"{bar.value:g}" if isinstance(bar.value, float) else str(bar.value)
    return f"{value} of {bar.out_of:g}" if bar.out_of is not None else value


def bar_chart(*, title: str, bars: list[Bar], chart_id: str, description: str = "") -> str:
    """A horizontal bar chart, one bar per row, longest scale from the largest value or track."""
    scale = max([b.value for b in bars] + [b.out_of or 0 for b in bars] + [1])
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + GAP)
    description = description or "Bar chart. The table beside it gives the same figures."
    parts = [
        f'<svg class="app-bar-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = TOP + i * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        label = bar.label if len(bar.label) <= 28 else bar.label[:27] + "…"
        parts.append(
            f'<text class="app-bar-chart__label" x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        if bar.out_of is not None:
            track = plot * bar.out_of / scale
            parts.append(
                f'<rect class="app-bar-chart__track" x="{LABEL_WIDTH}" y="{y}" '
                f'width="{track:.1f}" height="{BAR_HEIGHT}"/>'
            )
        width = plot * bar.value / scale
        css = "app-bar-chart__bar"
        if bar.out_of is not None and bar.value > bar.out_of:
            css += " app-bar-chart__bar--over"
        parts.append(f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}"/>')
        end = LABEL_WIDTH + max(width, plot * (bar.out_of or 0) / scale) + 6
        parts.append(f'<text class="app-bar-chart__value" x="{end:.1f}" y="{middle:.1f}">{escape(_text(bar))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
