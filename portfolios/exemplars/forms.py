from django import forms

from accreditation.forms import GDSFormMixin
from portfolios.models import Criterion

from . import selectors


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    criterion = forms.TypedChoiceField(label="Criterion", required=False, coerce=int, empty_value=None)
    phase = forms.ChoiceField(label="Phase", required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "All criteria")] + [
            (c.number, f"{c.number}. {c.short_title}") for c in criteria
        ]
        self.fields["phase"].choices = [("", "All phases")] + [(p, p) for p in selectors.phases()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"


class ExemplarForm(GDSFormMixin, forms.Form):
    submit_label = "Publish"
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    extract = forms.CharField(
        label="Anonymised extract",
        help_text="Remove the names of the school, pupils, staff and places.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": "Enter the extract"},
    )
    why_it_worked = forms.CharField(
        label="Why it worked",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Say why it worked"},
    )
    show_school_name = forms.BooleanField(
        label="Show the school's name (only if the school agreed to be named)", required=False
    )
    upload = forms.FileField(
        label="A file to go with it (optional)",
        help_text="Checked like any evidence upload: PDF, Word, Excel, PowerPoint, OpenDocument text, JPG, PNG.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"] = forms.ModelChoiceField(
            label="Accredited portfolio (schools that agreed to share)",
            queryset=selectors.consenting_applications(),
            empty_label="Choose a portfolio",
            error_messages={"required": "Choose a portfolio", "invalid_choice": "Choose a portfolio from the list"},
        )
        self.fields["application"].label_from_instance = lambda a: f"{a.school.name} ({a.decided_on:%B %Y})"
        self.fields["criterion"] = forms.ModelChoiceField(
            label="Criterion",
            queryset=Criterion.objects.filter(criteria_set__is_current=True).order_by("number"),
            empty_label="Choose a criterion",
            error_messages={"required": "Choose a criterion", "invalid_choice": "Choose a criterion from the list"},
        )
        self.order_fields(["application", "criterion", "title", "extract", "why_it_worked", "show_school_name"])


class ConsentForm(GDSFormMixin, forms.Form):
    submit_label = "Save"
    may_share = forms.BooleanField(
        label="The Health & Wellbeing team may share anonymised extracts of this portfolio in the good-practice "
        "library",
        required=False,
    )
    may_name = forms.BooleanField(label="Our school may be named beside those extracts", required=False)

    def clean(self):
        data = super().clean()
        if data.get("may_name") and not data.get("may_share"):
            self.add_error("may_name", "Agree to share extracts before agreeing to be named")
        return data
