from django import forms

from accreditation.forms import GDSDateField, GDSFormMixin
from schools.forms import text_field

from .build import SECTIONS


class BoardReportForm(GDSFormMixin, forms.Form):
    submit_label = "Produce the report"

    title = text_field(
        "Title (optional)",
        "a title",
        required=False,
        help_text="For example, Report to the Safeguarding Board, spring 2027.",
    )
    period_start = GDSDateField(what="the start of the period", label="From", help_text="For example, 1 9 2026")
    period_end = GDSDateField(
        what="the end of the period", not_future=False, label="To", help_text="For example, 31 8 2027"
    )


class CommentaryForm(GDSFormMixin, forms.Form):
    submit_label = "Save the commentary"

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        titles = {key: title for key, title, _ in SECTIONS}
        for section in sections:
            self.fields[section["key"]] = forms.CharField(
                label=f"Commentary: {titles.get(section['key'], section['title']).lower()}",
                required=False,
                max_length=5000,
                error_messages={"max_length": "Keep each commentary to 5,000 characters or fewer"},
                widget=forms.Textarea(attrs={"rows": 4}),
            )
