"""Presentation of portfolio facts the selectors return as data: task list tags, where to fix a
submission problem."""

from django import template
from django.urls import reverse

register = template.Library()

TAGS = {
    "Submitted": "govuk-tag--grey",
    "Not started": "govuk-tag--blue",
    "Ready": "govuk-tag--green",
    "In progress": "govuk-tag--light-blue",
}


@register.filter
def task_status_tag(status: str) -> str:
    """The GOV.UK tag colour for a task list status; a reopened criterion is orange until ready."""
    if status.startswith("Reopened: "):
        return "govuk-tag--green" if status == "Reopened: ready" else "govuk-tag--orange"
    return TAGS.get(status, "govuk-tag--grey")


@register.simple_tag
def problem_url(problem, application) -> str:
    """Where the person puts the problem right ("" when there is nowhere to go)."""
    submit = reverse("portfolios:submit", args=[application.pk])
    match problem.fix:
        case "eligibility":
            return reverse("home")
        case "renewal":
            return reverse("portfolios:renewal", args=[application.pk])
        case "criterion":
            return reverse("portfolios:criterion", args=[application.pk, problem.number])
        case "declaration" | "equality_declaration":
            return f"{submit}#id_{problem.fix}"
    return ""
