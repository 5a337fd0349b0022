from django import forms

from accreditation.forms import GDSDateField, GDSFormMixin
from schools.forms import text_field


class CommitmentForm(GDSFormMixin, forms.Form):
    submit_label = "Confirm these commitments"

    charter_signed_on = GDSDateField(
        what="the date the school signed the charter",
        required=False,
        label="Date the school signed the council's anti-bullying charter (optional)",
        help_text="Leave blank if the school has not signed it. For example, 27 3 2026",
    )
    esafety_lead = text_field(
        "Named e-safety lead (optional)", "the e-safety lead's name", required=False, autocomplete="off"
    )
    restorative_approaches = forms.BooleanField(label="Restorative approaches are in use in the school", required=False)
    uses_termly_return = forms.BooleanField(
        label="The school records incidents and makes the termly incident return", required=False
    )
