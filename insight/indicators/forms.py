from django import forms
from django.utils import timezone

from accreditation.forms import GDSFormMixin
from schools.forms import text_field

from .models import Indicator
from .sources import MANUAL, SOURCES, Period


def year_choices(first=2005, ahead=6):
    current = Period.containing(timezone.localdate()).year
    return [(str(y), Period(y).label) for y in range(current + ahead, first - 1, -1)]


def measure_choices():
    """What an indicator measures: a source and, where it has one, its parameter ("source|parameter")."""
    groups = []
    for source in SOURCES.values():
        if source.parameter_choices is None:
            groups.append((f"{source.key}|", source.label))
        else:
            options = [
                (f"{source.key}|{value}", f"{source.label}: {label}") for value, label in source.parameter_choices()
            ]
            groups.append((source.label, options))
    groups.append((f"{MANUAL}|", "A figure typed in each year, with its evidence"))
    return groups


def _decimal(label, what, required=True):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a number, like 45 or 12.5",
            "max_decimal_places": f"Enter {what} with at most 2 decimal places",
            "max_digits": f"Enter {what} as a smaller number",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
    )


def _year(label, what, required=True):
    return forms.TypedChoiceField(
        label=label,
        required=required,
        coerce=int,
        empty_value=None,
        choices=[("", "Choose a year")],
        error_messages={"required": f"Choose {what}"},
    )


class IndicatorForm(GDSFormMixin, forms.Form):
    submit_label = "Save the indicator"

    name = text_field(
        "Name", "the indicator's name", help_text="For example, LI2 Children who have experienced bullying."
    )
    description = forms.CharField(
        label="Description (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    measure = forms.ChoiceField(
        label="Where the figures come from", error_messages={"required": "Choose where the figures come from"}
    )
    unit = forms.ChoiceField(
        label="Unit of figures typed in",
        help_text="Only for figures typed in each year: the portal's own figures have their own unit.",
        choices=Indicator.Unit.choices,
        initial=Indicator.Unit.PERCENTAGE,
    )
    higher_is_better = forms.TypedChoiceField(
        label="Which way is better?",
        coerce=lambda v: v == "higher",
        choices=[("higher", "Higher is better"), ("lower", "Lower is better")],
        initial="higher",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which way is better"},
    )
    baseline_value = _decimal("Baseline value (optional)", "the baseline value", required=False)
    baseline_year = _year("Baseline year (optional)", "the baseline year", required=False)
    lead_officer = text_field("Lead officer (optional)", "the lead officer", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "Choose a source"), *measure_choices()]
        self.fields["baseline_year"].choices = [("", "No baseline"), *year_choices()]

    def clean(self):
        data = super().clean()
        source, _, parameter = (data.get("measure") or "|").partition("|")
        data["source"], data["parameter"] = source, parameter
        return data

    def service_fields(self):
        data = self.cleaned_data
        return {
            key: data[key]
            for key in (
                "name", "description", "source", "parameter", "unit", "higher_is_better",
                "baseline_value", "baseline_year", "lead_officer",
            )
        }  # fmt: skip


class TargetForm(GDSFormMixin, forms.Form):
    submit_label = "Set the target"

    year = _year("Year", "the year")
    value = _decimal("Target", "the target")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Choose a year"), *year_choices()]


class ManualFigureForm(GDSFormMixin, forms.Form):
    submit_label = "Record the figure"

    year = _year("Year", "the year")
    value = _decimal("Figure", "the figure")
    evidence = forms.CharField(
        label="Where the figure comes from",
        help_text="For example, the TellUs survey, 2026, question 12.",
        max_length=2000,
        error_messages={"required": "Enter where the figure comes from"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Choose a year"), *year_choices(ahead=0)]
