"""Showing figures: "No data" for a missing figure (never 0), a % sign for percentages."""

from decimal import Decimal

from django import template

register = template.Library()


def _number(value) -> str:
    if isinstance(value, Decimal | float):
        text = f"{value:,.1f}"
        return text[:-2] if text.endswith(".0") else text
    return f"{value:,}"


@register.filter
def figure(value, unit=""):
    """`value` (a Figure, a number or None) as text in `unit` ("percentage", "rate", "count")."""
    if value is None or value == "":
        return "No data"
    number = getattr(value, "value", value)
    return _number(number) + ("%" if unit == "percentage" else "")
