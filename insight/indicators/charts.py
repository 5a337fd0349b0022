"""An indicator's trend: a small line chart drawn as SVG on the server (no script, no style attribute).

Actuals are a solid line with points; targets are hollow diamonds joined by a dashed line. A year
with no data has no point (never a 0). The page shows the same figures in a table beside it.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
ACTUAL, TARGET, GRID = "#1d70b8", "#d4351c", "#b1b4b6"


def _fmt(value) -> str:
    return f"{value:g}"


def trend_chart(figures, *, chart_id: str, unit_suffix: str = "") -> str:
    rows = figures.rows
    values = [r.actual.value for r in rows if r.actual is not None] + [r.target for r in rows if r.target is not None]
    if figures.indicator.baseline_value is not None:
        values.append(figures.indicator.baseline_value)
    top = float(max(values)) if values else 1.0
    top = 100.0 if unit_suffix == "%" and top <= 100 else (top * 1.15 or 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(rows) - 1, 1)
    x = lambda i: LEFT + i * step  # noqa: E731
    y = lambda v: TOP + plot_h - plot_h * float(v) / top  # noqa: E731
    title = f"{figures.indicator.name}: actual and target by year"
    parts = [
        f'<svg class="app-trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">Line chart. Solid line: actual; dashed line: target. '
        "The table gives the same figures.</desc>",
    ]
    for fraction in (0, 0.5, 1):
        gy = TOP + plot_h - plot_h * fraction
        parts.append(
            f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">'
            f"{escape(_fmt(round(top * fraction, 1)))}{escape(unit_suffix)}</text>"
        )
    for i, row in enumerate(rows):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 14}" text-anchor="middle" font-size="12" fill="#0b0c0c">'
            f"{escape(row.period.label)}</text>"
        )
    for series, colour, dashed in (
        ([(i, r.actual.value) for i, r in enumerate(rows) if r.actual is not None], ACTUAL, False),
        ([(i, r.target) for i, r in enumerate(rows) if r.target is not None], TARGET, True),
    ):
        if len(series) > 1:
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in series)
            dash = ' stroke-dasharray="6 4"' if dashed else ""
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3"{dash}/>')
        for i, v in series:
            if dashed:
                cx, cy = x(i), y(v)
                parts.append(
                    f'<polygon points="{cx:.1f},{cy - 6:.1f} {cx + 6:.1f},{cy:.1f} '
                    f'{cx:.1f},{cy + 6:.1f} {cx - 6:.1f},{cy:.1f}" '
                    f'fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
                )
            else:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="5" fill="{colour}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
