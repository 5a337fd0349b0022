"""Forms for termly returns: the return itself (and its correction), terms and incident types."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms

from accreditation.forms import GDSFormMixin
from schools.forms import no_markup, text_field
from schools.models import ReturnCount, Term

from .figures import Figures, figures_problems
from .rules import OUTCOMES, academic_year_label, parse_academic_year

MAX_COUNT = 100_000


def count_field(label, what, help_text=""):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": f"Enter the number of {what}, or 0 if there were none",
            "invalid": f"The number of {what} must be a whole number, like 3",
            "min_value": f"The number of {what} cannot be negative: enter 0 or more",
            "max_value": f"The number of {what} must be {MAX_COUNT:,} or fewer",
        },
    )


class IncidentReturnForm(GDSFormMixin, forms.Form):
    """The termly return: totals, breakdowns by type, year group and outcome, and a commentary.

    With `correction=True` it also asks for the reason for the correction.
    """

    submit_label = "Submit return"

    total = count_field(
        "Total number of bullying incidents this term",
        "bullying incidents",
        help_text="Count each incident once. Each breakdown below must add up to this total.",
    )
    racist_incidents = count_field(
        "Number of racist incidents this term",
        "racist incidents",
        help_text="Every incident perceived as racist by the person targeted or anyone else, whether or not it "
        "was bullying. It includes the racist bullying counted above.",
    )
    commentary = forms.CharField(
        label="Commentary (optional)",
        required=False,
        max_length=3000,
        validators=[no_markup],
        help_text="What lies behind the figures: patterns, actions taken, what has changed.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "The commentary must be 3,000 characters or fewer"},
    )

    def __init__(self, *args, incident_types, year_groups, correction=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident_types, self.year_groups, self.correction = incident_types, year_groups, correction
        for incident_type in incident_types:
            self.fields[f"type_{incident_type.slug}"] = count_field(
                incident_type.name, f"{incident_type.name.lower()} incidents", help_text=incident_type.hint
            )
        for code, label in year_groups:
            self.fields[f"year_{code}"] = count_field(label, f"incidents in {label}")
        for code, label in OUTCOMES:
            self.fields[f"outcome_{code}"] = count_field(label, f"incidents {label.lower()}")
        if correction:
            self.submit_label = "Submit correction"
            self.fields["reason"] = text_field(
                "Reason for the correction",
                "the reason for the correction",
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="For example, two incidents were logged after the return was made.",
            )
        self.helper.layout = self._layout()
        # With a layout, crispy-forms-gds converts the size itself (render_layout), so it needs the
        # short code here, not the CSS class GDSFormMixin sets for forms without a layout.
        self.helper.label_size = Size.SMALL
        self.helper.inputs[0].value = self.submit_label

    def _layout(self):
        def counts(prefix, keys):
            return [Field.text(f"{prefix}_{key}", field_width=4) for key in keys]

        parts = [
            Fieldset(
                Field.text("total", field_width=4),
                Field.text("racist_incidents", field_width=4),
                legend="Incidents this term",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML('<p class="govuk-body">Record each incident under its main type.</p>'),
                *counts("type", [t.slug for t in self.incident_types]),
                legend="Bullying incidents by type",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML('<p class="govuk-body">The year group of the pupil who was bullied.</p>'),
                *counts("year", [code for code, _ in self.year_groups]),
                legend="Bullying incidents by year group",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML('<p class="govuk-body">Where each incident stands at the end of term.</p>'),
                *counts("outcome", [code for code, _ in OUTCOMES]),
                legend="Bullying incidents by outcome",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("commentary", label_size=Size.MEDIUM),
        ]
        if self.correction:
            parts.append(Field.textarea("reason", label_size=Size.MEDIUM))
        return Layout(*parts)

    @classmethod
    def initial_from(cls, version):
        initial = {
            "total": version.total_incidents,
            "racist_incidents": version.racist_incidents,
            "commentary": version.commentary,
        }
        prefixes = {ReturnCount.Dimension.TYPE: "type", ReturnCount.Dimension.YEAR: "year"}
        prefixes[ReturnCount.Dimension.OUTCOME] = "outcome"
        for count in version.counts.all():
            initial[f"{prefixes[count.dimension]}_{count.key}"] = count.count
        return initial

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.figures = Figures(
            total=data["total"],
            racist_incidents=data["racist_incidents"],
            types={t.slug: data[f"type_{t.slug}"] for t in self.incident_types},
            years={code: data[f"year_{code}"] for code, _ in self.year_groups},
            outcomes={code: data[f"outcome_{code}"] for code, _ in OUTCOMES},
            commentary=data.get("commentary", ""),
        )
        for problem in figures_problems(self.figures):
            self.add_error(problem.field, problem.message)
        return data


class TermForm(GDSFormMixin, forms.Form):
    submit_label = "Save term"

    academic_year = text_field("Academic year", "the academic year, like 2026-27", max_length=7)
    season = forms.ChoiceField(
        label="Term",
        choices=Term.Season.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the term"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].help_text = "Like 2026-27: 1 September to 31 August."
        for name, label in (
            ("starts_on", "First day of term"),
            ("ends_on", "Last day of term"),
            ("opens_on", "Return opens on"),
            ("due_on", "Return due by"),
        ):
            self.fields[name] = DateInputField(label=label, require_all_fields=False)
            what = label[0].lower() + label[1:]
            self.fields[name].error_messages.update(
                required=f"Enter the date: {what}",
                incomplete=f"Enter the date: {what}",
                invalid=f"Enter a real date: {what}",
            )
        self.fields["opens_on"].help_text = "Usually the last day of term: schools report once the term has ended."
        self.fields["due_on"].help_text = "Schools that have not returned are reminded in the week before."

    def clean_academic_year(self):
        value = self.cleaned_data["academic_year"].strip()
        if parse_academic_year(value) is None:
            raise forms.ValidationError("Enter the academic year like 2026-27")
        return value


class AddYearForm(GDSFormMixin, forms.Form):
    submit_label = "Add these terms"
    academic_year = text_field("Academic year", "the academic year, like 2026-27", max_length=7)

    def clean_academic_year(self):
        value = self.cleaned_data["academic_year"].strip()
        if parse_academic_year(value) is None:
            raise forms.ValidationError("Enter the academic year like 2026-27")
        return value

    @staticmethod
    def default_year(today):
        from .rules import academic_year_of

        return academic_year_label(academic_year_of(today))


class IncidentTypeForm(GDSFormMixin, forms.Form):
    submit_label = "Save type"

    name = text_field("Name", "the name of the type of bullying", max_length=80)
    hint = text_field(
        "Hint (optional)", "a hint", max_length=200, required=False, help_text="Shown under the number on the form."
    )
    is_active = forms.BooleanField(
        label="In use: offered on new returns", required=False, help_text="Untick to take it out of use."
    )
