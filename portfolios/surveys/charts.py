"""Survey charts: one bar chart per question, drawn by accreditation.charts (server-side SVG, no
script), from figures already suppressed. A suppressed question gets no chart."""

from accreditation.charts import Bar, bar_chart

# The bar chart's rules for a PDF, which has no site stylesheet (the same colours as portal.scss).
PRINT_CSS = (
    ".app-bar-chart{width:100%;max-width:640px;height:auto}"
    ".app-bar-chart__label,.app-bar-chart__value{font-family:Arial,sans-serif;font-size:14px;fill:#0b0c0c}"
    ".app-bar-chart__track{fill:#f3f2f1;stroke:#b1b4b6}.app-bar-chart__bar{fill:#1d70b8}"
)


def question_chart(result, *, chart_id) -> str:
    bars = [
        Bar(label=row.label, value=row.percent or 0, out_of=100, value_label=f"{row.percent:g}% ({row.count.n})")
        for row in result.rows
    ]
    return bar_chart(
        title=f"{result.question.text} Percentage of the {result.base.n} who answered.",
        bars=bars,
        chart_id=chart_id,
        description="Bar chart of the percentage choosing each answer. The table below gives the same figures.",
    )


def attach(question_results, *, prefix="q"):
    """Give every question with figures to show its chart (`result.chart`); returns the list."""
    for result in question_results:
        result.chart = question_chart(result, chart_id=f"{prefix}{result.question.number}") if result.shown else ""
    return question_results
