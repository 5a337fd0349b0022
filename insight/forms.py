"""Forms for the H&W admins' exports and evidence retention pages: validation and cleaning only."""

from django import forms
from django.utils import timezone

from accreditation.forms import GDSFormMixin
from portfolios.models import Application
from portfolios.retention import MAX_YEARS, MIN_YEARS
from validation.models import Award, Decision


def _date_field(label, which):
    example = "2026-09-01" if which == "start" else "2027-08-31"
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": f"Enter the {which} date as a real date, like {example}"},
    )


class ExportFilterForm(GDSFormMixin, forms.Form):
    """Filters shared by every export; each export names what its dates mean."""

    submit_label = "Download CSV"
    date_label = "Date"
    date_from = _date_field("From", "start")
    date_to = _date_field("To", "end")
    phase = forms.ChoiceField(
        label="Phase", required=False, error_messages={"invalid_choice": "Select a phase from the list"}
    )
    district = forms.ChoiceField(
        label="District", required=False, error_messages={"invalid_choice": "Select a district from the list"}
    )

    def __init__(self, *args, phases=(), districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", "All phases")] + [(p, p) for p in phases]
        self.fields["district"].choices = [("", "All districts")] + [(d, d) for d in districts]
        self.fields["date_from"].label = f"{self.date_label} from"
        self.fields["date_to"].label = f"{self.date_label} to"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned


class SchoolExportForm(ExportFilterForm):
    date_label = "Award expiring"
    scope = forms.ChoiceField(
        label="Schools",
        choices=[("ours", "Our open schools"), ("all", "Every school in the register")],
        required=False,
        error_messages={"invalid_choice": "Select which schools from the list"},
    )
    accredited = forms.ChoiceField(
        label="Accreditation",
        choices=[("", "Any"), ("yes", "Accredited now"), ("no", "Not accredited now")],
        required=False,
        error_messages={"invalid_choice": "Select accredited or not from the list"},
    )
    field_order = ["scope", "accredited", "phase", "district", "date_from", "date_to"]


class ApplicationExportForm(ExportFilterForm):
    date_label = "Started"
    state = forms.ChoiceField(
        label="State",
        choices=[("", "Any state"), *Application.State.choices],
        required=False,
        error_messages={"invalid_choice": "Select a state from the list"},
    )
    field_order = ["state", "phase", "district", "date_from", "date_to"]


class DecisionExportForm(ExportFilterForm):
    date_label = "Meeting"
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Any outcome"), *Decision.Outcome.choices],
        required=False,
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    field_order = ["outcome", "phase", "district", "date_from", "date_to"]


class AwardExportForm(ExportFilterForm):
    date_label = "Expiring"
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Any status"), *Award.Status.choices],
        required=False,
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    field_order = ["status", "phase", "district", "date_from", "date_to"]


EXPORT_FORMS = {
    "schools": SchoolExportForm,
    "applications": ApplicationExportForm,
    "decisions": DecisionExportForm,
    "awards": AwardExportForm,
}


def _years_field(label, help_text):
    messages = {
        "required": "Enter a number of years",
        "invalid": "Enter a whole number of years, like 3",
        "min_value": "Enter a period of at least 1 year: files are never deleted before an award expires",
        "max_value": f"Enter a period of {MAX_YEARS} years or fewer",
    }
    return forms.IntegerField(
        label=label, help_text=help_text, min_value=MIN_YEARS, max_value=MAX_YEARS, error_messages=messages
    )


class RetentionScheduleForm(GDSFormMixin, forms.Form):
    submit_label = "Save the schedule"
    years_after_award_expiry = _years_field(
        "Years to keep the files of an accredited application after its award expires",
        "The award lasts 3 years; the files are kept for this many years after it ends.",
    )
    years_after_decision = _years_field(
        "Years to keep the files of an application not accredited after the decision",
        "Counted from the meeting that decided not to accredit.",
    )
    is_active = forms.BooleanField(label="Delete files on schedule every week", required=False)


class RetentionPreviewForm(GDSFormMixin, forms.Form):
    submit_label = "Preview"
    as_of = forms.DateField(
        label="Preview the files due for deletion on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Today, or a later date to see what will be due by then.",
        error_messages={"invalid": "Enter the date as a real date, like 2027-09-01"},
    )

    def clean_as_of(self):
        as_of = self.cleaned_data.get("as_of") or timezone.localdate()
        if as_of < timezone.localdate():
            raise forms.ValidationError("The preview date must be today or in the future")
        return as_of
