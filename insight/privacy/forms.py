from django import forms

from accreditation.forms import GDSFormMixin


class PeriodForm(GDSFormMixin, forms.Form):
    """One kind's period; the bounds and their reasons are the schedule's (checked by the service)."""

    submit_label = "Save period"
    amount = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        error_messages={
            "required": "Enter a period",
            "invalid": "Enter the period as a whole number",
            "min_value": "Enter a period of at least 1",
            "max_value": "Enter a shorter period",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, prefix=kind.key, **kwargs)
        self.fields["amount"].label = f"{kind.name}: period in {kind.unit}"
        self.fields[
            "amount"
        ].help_text = f"Between {kind.minimum} and {kind.maximum} {kind.unit}, counted {kind.after.split(' (')[0]}."


class SubjectSearchForm(GDSFormMixin, forms.Form):
    submit_label = "Search"
    q = forms.CharField(
        label="Email address or name",
        max_length=254,
        error_messages={"required": "Enter an email address or a name", "max_length": "Enter 254 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        self.helper.disable_csrf = True


class ErasureForm(GDSFormMixin, forms.Form):
    submit_label = "Anonymise this person"
    reason = forms.CharField(
        label="Reason for erasure",
        help_text="For example, the reference of the person's request. Do not include their name.",
        max_length=200,
        error_messages={
            "required": "Enter the reason for erasure",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )
