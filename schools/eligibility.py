"""The eligibility engine: which Ofsted framework applies to an inspection, whether the values
entered belong to it, and whether its judgement makes a school eligible. Pure functions over
EligibilityRule rows, so forms, services and the admin queue give the same answer."""

from dataclasses import dataclass
from datetime import date

from .models import EligibilityRule, Inspection, School


@dataclass(frozen=True)
class Judgement:
    eligibility: str
    reason: str

    @property
    def allows_submission(self):
        return self.eligibility in (School.Eligibility.MET, School.Eligibility.OVERRIDDEN)


def rule_in_force(day: date) -> EligibilityRule | None:
    """The framework Ofsted inspected under on `day`, or None before the earliest rule."""
    for rule in EligibilityRule.objects.order_by("-in_force_from"):
        if rule.in_force_on(day):
            return rule
    return None


def inspection_problems(*, rule, inspected_on, judgement, safeguarding, today: date) -> dict[str, str]:
    """Field name -> a message saying what is wrong with an inspection as entered. Empty when fine."""
    problems = {}
    if inspected_on and inspected_on > today:
        problems["inspected_on"] = "The date of the inspection must be today or in the past"
    if rule is None:
        return problems
    if inspected_on and "inspected_on" not in problems and not rule.in_force_on(inspected_on):
        actual = rule_in_force(inspected_on)
        if actual is None:
            problems["inspected_on"] = (
                f"No framework the scheme recognises was in force on {inspected_on:%-d %B %Y}. "
                "Enter the date of the school's most recent inspection"
            )
        else:
            problems["rule"] = (
                f"An inspection on {inspected_on:%-d %B %Y} was under the {actual.name}, not the {rule.name}. "
                "Select the framework in force on the inspection date"
            )
    if judgement and str(judgement) not in rule.value_codes:
        allowed = ", ".join(label for _, label in rule.values)
        problems["judgement"] = (
            f"The {rule.name} judged “{rule.judgement}” as one of: {allowed}. Select a judgement that framework uses"
        )
    if rule.records_safeguarding and safeguarding not in (Inspection.Safeguarding.MET, Inspection.Safeguarding.NOT_MET):
        problems["safeguarding"] = f"Select whether safeguarding was met: the {rule.name} records it"
    return problems


def judge(*, rule, judgement, safeguarding) -> Judgement:
    """Judge one inspection against its framework's rule."""
    label = rule.label_for(judgement)
    if safeguarding == Inspection.Safeguarding.NOT_MET:
        return Judgement(
            School.Eligibility.NOT_MET,
            f"Ofsted found safeguarding not met at the most recent inspection ({rule.name}). "
            "A school is eligible only when safeguarding is met.",
        )
    if str(judgement) in [str(v) for v in rule.passing_values]:
        return Judgement(
            School.Eligibility.MET,
            f"The most recent inspection ({rule.name}) judged “{rule.judgement}” {label}, "
            f"which meets the scheme's requirement ({' or '.join(rule.passing_labels)}).",
        )
    return Judgement(
        School.Eligibility.NOT_MET,
        f"The most recent inspection ({rule.name}) judged “{rule.judgement}” {label}. "
        f"The scheme requires {' or '.join(rule.passing_labels)}.",
    )


def judge_school(school: School) -> Judgement:
    """Judge the school's most recent inspection, or say none is recorded."""
    latest = school.inspections.select_related("rule").order_by("-inspected_on", "-recorded_at", "-id").first()
    if latest is None:
        return Judgement(School.Eligibility.UNKNOWN, "No Ofsted inspection has been recorded for the school yet.")
    return judge(rule=latest.rule, judgement=latest.judgement, safeguarding=latest.safeguarding)
