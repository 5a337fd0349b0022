from django import forms

from accreditation.forms import GDSFormMixin

HINT = "One point a line. Plain English; anything that looks like HTML is shown as typed."


class GuidanceForm(GDSFormMixin, forms.Form):
    submit_label = "Publish a new version"
    looks_for = forms.CharField(
        label="What the group looks for",
        help_text=HINT,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Enter what the group looks for"},
    )
    evidence_examples = forms.CharField(
        label="Examples of evidence",
        help_text=HINT,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Enter at least one example of evidence"},
    )
    common_reasons = forms.CharField(
        label="Common reasons it was sent back",
        help_text=HINT,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    helpful_types = forms.CharField(
        label="Evidence types that help",
        help_text=HINT,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    change_note = forms.CharField(
        label="What changed (optional)",
        help_text="Shown in the version history.",
        max_length=300,
        required=False,
    )
