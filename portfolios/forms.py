from django import forms
from django.core.exceptions import ValidationError

from accreditation.forms import GDSDateField as CoreDateField
from accreditation.forms import GDSFormMixin

from .models import Application, Criterion, EvidenceItem


class GDSDateField(CoreDateField):
    """The GOV.UK date input for evidence dates: nothing before 1990."""

    earliest_year = 1990


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"class": "govuk-file-upload", **(attrs or {})})


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def criteria_help(application) -> str:
    """Say what ticking a criterion does: link to the open application's editable criteria, or only tag."""
    if application is not None and application.state == Application.State.DRAFT:
        return (
            "Select all that apply. Ticking a criterion also links this evidence to that criterion "
            "in your application. Evidence more than 3 years old is only tagged."
        )
    if application is not None and application.state == Application.State.FURTHER_INFORMATION:
        return (
            "Select all that apply. Ticking a criterion reopened for further information also links this "
            "evidence to it in your application; other criteria are only tagged."
        )
    if application is not None:
        return (
            "Select all that apply. Your application has been submitted, so ticking a criterion only tags "
            "this evidence in your library: it is not added to the application."
        )
    return (
        "Select all that apply. Ticking a criterion only tags this evidence in your library: "
        "your school has no application in progress to link it to."
    )


def criteria_field(criteria_set, required=False, application=None):
    return forms.ModelMultipleChoiceField(
        label="Which criteria does it support?",
        help_text=criteria_help(application),
        queryset=Criterion.objects.filter(criteria_set=criteria_set).order_by("number"),
        widget=forms.CheckboxSelectMultiple,
        required=required,
        error_messages={
            "invalid_choice": "Select criteria from the list",
            "invalid_pk_value": "Select criteria from the list",
        },
    )


class EvidenceDetailsMixin(forms.Form):
    description = forms.CharField(
        label="Description",
        help_text="What is it? Who produced it, and for whom?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    impact = forms.CharField(
        label="Impact",
        help_text="What difference did this make? The validating group looks for evidence of impact.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter the impact this evidence shows"},
    )

    def __init__(self, *args, criteria_set, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["produced_on"] = GDSDateField(
            what="the date the evidence was produced",
            label="Date the evidence was produced",
            help_text="Evidence more than 3 years old can be kept in your library, but an application cannot be "
            "submitted with it. For example, 27 3 2025",
        )
        self.fields["criteria"] = criteria_field(criteria_set, application=application)
        # Keep a sensible reading order: what, when, why, which criteria.
        order = [name for name in self.field_order_names if name in self.fields]
        self.order_fields(order)

    field_order_names = [
        "files",
        "url",
        "title",
        "description",
        "produced_on",
        "received_on",
        "impact",
        "criteria",
        "scan",
    ]


class EvidenceFilesForm(GDSFormMixin, EvidenceDetailsMixin):
    submit_label = "Upload"
    files = MultipleFileField(
        label="Files",
        help_text="PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT), JPG, PNG, MP3 or MP4. "
        "You can choose several files at once; each becomes its own item with the details below.",
        error_messages={"required": "Select one or more files to upload"},
    )
    title = forms.CharField(
        label="Title (optional)",
        help_text="Leave blank to use each file's name.",
        required=False,
        max_length=150,
    )


class EvidenceLinkForm(GDSFormMixin, EvidenceDetailsMixin):
    submit_label = "Add link"
    url = forms.URLField(
        label="Web address",
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": "Enter the web address",
            "invalid": "Enter a web address in the correct format, like https://www.example.sch.uk/anti-bullying",
        },
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})


class EvidenceHardCopyForm(GDSFormMixin, EvidenceDetailsMixin):
    submit_label = "Record hard copy"
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    scan = forms.FileField(
        label="Scan (optional)",
        help_text="A PDF or photograph of the paper evidence, if you have one.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"] = GDSDateField(
            what="the date the hard copy was received", label="Date the hard copy was received"
        )
        self.order_fields([n for n in self.field_order_names if n in self.fields])


class EvidenceEditForm(GDSFormMixin, EvidenceDetailsMixin):
    submit_label = "Save changes"
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        if item.kind == EvidenceItem.Kind.LINK:
            self.fields["url"] = forms.URLField(
                label="Web address",
                max_length=500,
                assume_scheme="https",
                error_messages={
                    "required": "Enter the web address",
                    "invalid": "Enter a web address in the correct format",
                },
            )
        if item.kind == EvidenceItem.Kind.HARD_COPY:
            self.fields["received_on"] = GDSDateField(
                what="the date the hard copy was received", label="Date the hard copy was received"
            )
        self.order_fields([n for n in self.field_order_names if n in self.fields])


class CriterionResponseForm(GDSFormMixin, forms.Form):
    submit_label = "Save"
    self_evaluation = forms.CharField(
        label="Self-evaluation",
        help_text="How does your school meet this criterion? Say what difference your work has made.",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=20000,
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = forms.ModelMultipleChoiceField(
            label="Evidence for this criterion",
            help_text="Select the items from your evidence library that show this criterion is met.",
            queryset=EvidenceItem.objects.filter(school=school).order_by("-produced_on", "title"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={
                "invalid_choice": "Select evidence from your school's own library",
                "invalid_pk_value": "Select evidence from your school's own library",
            },
        )
        self.fields["evidence"].label_from_instance = lambda item: (
            f"{item.title} ({item.get_kind_display().lower()}, produced {item.produced_on:%-d %B %Y})"
        )


class RenewalForm(GDSFormMixin, forms.Form):
    submit_label = "Save"
    development_area = forms.CharField(
        label="Your chosen development area",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter your chosen development area"},
    )
    development_progress = forms.CharField(
        label="Progress made on it",
        help_text="What have you done, and what difference has it made?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": "Enter the progress made on your development area"},
    )


class SubmitForm(GDSFormMixin, forms.Form):
    submit_label = "Submit application"
    declaration = forms.BooleanField(
        label="I confirm that the information in this portfolio is accurate and that the evidence is the school's own",
        error_messages={"required": "Confirm the declaration"},
    )
    equality_declaration = forms.BooleanField(
        label="I confirm that the school meets its public sector equality duties under the Equality Act 2010",
        error_messages={"required": "Confirm the equality declaration"},
    )


class HardCopyApplicationForm(GDSFormMixin, forms.Form):
    submit_label = "Start paper portfolio"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"] = GDSDateField(
            what="the date the paper portfolio was received", label="Date the paper portfolio was received"
        )


class WithdrawForm(GDSFormMixin, forms.Form):
    submit_label = "Withdraw application"
    reason = forms.CharField(
        label="Why are you withdrawing? (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RenewalStartForm(forms.Form):
    """Choose the renewal's development area among the last feedback's areas, or name another."""

    OTHER = "other"
    area = forms.ChoiceField(error_messages={"required": "Select your development area, or choose another area"})
    other_area = forms.CharField(
        required=False,
        max_length=5000,
        error_messages={"max_length": "The development area must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        self.fields["area"].choices = [(str(i), a) for i, a in enumerate(self.areas)] + [(self.OTHER, "Another area")]

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("area")
        if choice == self.OTHER:
            if not (cleaned.get("other_area") or "").strip() and "other_area" not in self.errors:
                self.add_error("other_area", "Enter your development area")
            cleaned["development_area"] = (cleaned.get("other_area") or "").strip()
        elif choice is not None:
            cleaned["development_area"] = self.areas[int(choice)]
        return cleaned


class LibraryFilterForm(forms.Form):
    """The evidence library's search and filters (GET; each value that does not fit is ignored)."""

    q = forms.CharField(label="Search titles and descriptions", required=False)
    criterion = forms.TypedChoiceField(label="Criterion", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *EvidenceItem.Kind.choices])
    age = forms.ChoiceField(label="Age", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("title", "Title A to Z"),
            ("recently_added", "Recently added"),
        ],
    )

    def __init__(self, *args, criteria, meeting_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "All criteria")] + [
            (c.number, f"{c.number}. {c.short_title}") for c in criteria
        ]
        by = f"by the meeting on {meeting_date:%-d %B %Y}" if meeting_date else "within 90 days"
        self.fields["age"].choices = [
            ("", "Any age"),
            ("fresh", "In date"),
            ("stale_by_meeting", f"Out of date {by}"),
            ("stale", "Over 3 years old"),
        ]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "govuk-input" if name == "q" else "govuk-select"

    def filters(self) -> dict:
        """The valid values only: a bad sort or criterion is ignored, not an error page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) for name in self.fields if cleaned.get(name) not in (None, "")}
