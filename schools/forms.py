import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accreditation.forms import GDSDateField, GDSFormMixin

from . import eligibility
from .models import EligibilityRule, Inspection, WelcomePackResource

URN_PATTERN = re.compile(r"[0-9]{6}")  # ASCII digits only: int() accepts full-width digits too
# URNs run from 100000: "000000" is not a URN (it would be stored as 0).
MIN_URN = 100_000
PHONE_PATTERN = re.compile(r"\+?[\d ()-]{10,20}")


def no_markup(value):
    if "<" in value or ">" in value:
        raise ValidationError("Remove the < and > characters: HTML and scripts are not accepted", code="markup")


def text_field(label, what, *, max_length=200, required=True, help_text="", widget=None, autocomplete=None, width=None):
    """A plain text field with GOV.UK messages: `what` completes "Enter ..."; `width` like "10" sizes the box."""
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    if width:
        attrs["class"] = f"govuk-input--width-{width}"
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        validators=[no_markup],
        widget=widget or forms.TextInput(attrs=attrs),
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{label.removesuffix(' (optional)')} must be {max_length} characters or fewer",
        },
    )


def clean_urn(text) -> int:
    text = (text or "").strip()
    if not URN_PATTERN.fullmatch(text) or int(text) < MIN_URN:
        raise ValidationError("Enter a URN of 6 digits from 100000, like 117083", code="invalid_urn")
    return int(text)


class FindSchoolForm(GDSFormMixin, forms.Form):
    submit_label = "Find school"
    q = forms.CharField(
        label="Your school's URN or name",
        max_length=200,
        help_text="The URN is the 6-digit unique reference number in the register of schools, like 117083.",
        error_messages={
            "required": "Enter your school's URN or name",
            "max_length": "Your school's URN or name must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A GET search: no CSRF token and no named button in the address (the page has its own button).
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.inputs = []

    def clean_q(self):
        query = self.cleaned_data["q"].strip()
        if any(char.isdigit() for char in query):
            # Anything with a digit is taken as a URN, so "117083 OR 1=1" is told what a URN is.
            return clean_urn(query)
        if len(query) < 3:
            raise ValidationError("Enter at least 3 letters of your school's name, or its 6-digit URN")
        return query


def judgement_choices():
    """Every framework's judgement values, grouped: grades (2009 to 2019) and report cards."""
    groups: dict[str, dict[str, list[str]]] = {}
    for rule in EligibilityRule.objects.all():
        group = "Report card (from November 2025)" if rule.records_safeguarding else "Grade (2009 to 2025 frameworks)"
        values = groups.setdefault(group, {})
        for value, label in rule.values:
            labels = values.setdefault(str(value), [])
            if label not in labels:
                labels.append(label)
    choices = [("", "Select the judgement")]
    for group, values in groups.items():
        choices.append(
            (
                group,
                [
                    (value, f"{value} – {' / '.join(labels)}" if value.isdigit() else " / ".join(labels))
                    for value, labels in values.items()
                ],
            )
        )
    return choices


SAFEGUARDING_CHOICES = [
    ("met", "Met"),
    ("not_met", "Not met"),
    ("not_recorded", "Not recorded (inspections before November 2025)"),
]


class InspectionFieldsMixin:
    """The most recent Ofsted inspection, checked against the framework in force on its date."""

    def add_inspection_fields(self):
        self.fields["inspected_on"] = GDSDateField(
            what="the date of the inspection",
            not_future=False,
            label="Date of the most recent Ofsted inspection",
            help_text="For example, 27 3 2024. The last day of the inspection visit.",
            require_all_fields=False,
        )
        self.fields["inspected_on"].error_messages.update(
            required="Enter the date of the most recent Ofsted inspection",
            incomplete="Enter the date of the most recent Ofsted inspection",
        )
        self.fields["inspection_rule"] = forms.ModelChoiceField(
            label="Inspection framework",
            queryset=EligibilityRule.objects.all(),
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={
                "required": "Select the inspection framework",
                "invalid_choice": "Select the inspection framework",
            },
        )
        self.fields["inspection_rule"].label_from_instance = lambda rule: f"{rule.name}: “{rule.judgement}”"
        self.fields["inspection_judgement"] = forms.ChoiceField(
            label="The judgement for behaviour and safety under that framework",
            choices=judgement_choices,
            help_text="The 2009 framework's “the extent to which pupils feel safe”, the 2012 framework's “behaviour "
            "and safety of pupils”, and so on; for report cards, “attendance and behaviour”.",
            error_messages={"required": "Select the judgement", "invalid_choice": "Select the judgement"},
        )
        self.fields["inspection_safeguarding"] = forms.ChoiceField(
            label="Safeguarding",
            choices=SAFEGUARDING_CHOICES,
            widget=forms.RadioSelect,
            required=False,
            help_text="Report cards say whether safeguarding is met.",
        )

    def clean_inspected_on(self):
        value = self.cleaned_data["inspected_on"]
        if value and value > timezone.localdate():
            raise ValidationError("The date of the inspection must be today or in the past")
        return value

    def clean_inspection_safeguarding(self):
        value = self.cleaned_data.get("inspection_safeguarding")
        return value if value in (Inspection.Safeguarding.MET, Inspection.Safeguarding.NOT_MET) else ""

    def check_inspection(self, cleaned):
        rule = cleaned.get("inspection_rule")
        problems = eligibility.inspection_problems(
            rule=rule,
            inspected_on=cleaned.get("inspected_on"),
            judgement=cleaned.get("inspection_judgement"),
            safeguarding=cleaned.get("inspection_safeguarding", ""),
            today=timezone.localdate(),
        )
        field_names = {
            "inspected_on": "inspected_on",
            "rule": "inspection_rule",
            "judgement": "inspection_judgement",
            "safeguarding": "inspection_safeguarding",
        }
        for key, message in problems.items():
            name = field_names[key]
            if name not in self.errors:
                self.add_error(name, message)


class RegistrationForm(InspectionFieldsMixin, GDSFormMixin, forms.Form):
    submit_label = "Send registration"

    def __init__(self, *args, by_hand=False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        if by_hand:
            fields["urn"] = forms.CharField(
                label="School's URN",
                max_length=20,
                help_text="The 6-digit unique reference number, like 117083.",
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
                error_messages={"required": "Enter the school's URN"},
            )
            fields["school_name"] = text_field("School's name", "the school's name")
            fields["school_address"] = text_field(
                "School's address", "the school's address", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
            )
            fields["school_postcode"] = text_field(
                "School's postcode", "the school's postcode", max_length=10, autocomplete="postal-code", width="10"
            )
        fields["lead_name"] = text_field(
            "SLT lead's full name",
            "the SLT lead's full name",
            help_text="The member of the senior leadership team who will lead the school's accreditation.",
            autocomplete="name",
        )
        fields["lead_role"] = text_field("SLT lead's role", "the SLT lead's role, like Deputy Head")
        fields["lead_email"] = forms.EmailField(
            label="SLT lead's email address",
            max_length=254,
            help_text="We will send the link to set a password here.",
            widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "email"}),
            error_messages={
                "required": "Enter the SLT lead's email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
                "max_length": "The SLT lead's email address must be 254 characters or fewer",
            },
        )
        fields["lead_phone"] = text_field(
            "SLT lead's phone number",
            "the SLT lead's phone number",
            max_length=40,
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
        )
        fields["head_teacher"] = text_field("Head teacher's full name", "the head teacher's full name")
        fields["governor_name"] = text_field(
            "Named governor for anti-bullying",
            "the name of the governor who oversees anti-bullying",
            help_text="The governor with active oversight of anti-bullying (criterion 1).",
        )
        self.fields.update(fields)
        self.add_inspection_fields()
        self.fields["equality_declaration"] = forms.BooleanField(
            label="The school meets its public sector equality duty under the Equality Act 2010",
            error_messages={
                "required": "Confirm that the school meets its public sector equality duty under the Equality Act 2010"
            },
        )
        self.order_fields(
            [
                *list(fields),
                "inspected_on",
                "inspection_rule",
                "inspection_judgement",
                "inspection_safeguarding",
                "equality_declaration",
            ]
        )

    def clean_urn(self):
        return clean_urn(self.cleaned_data["urn"])

    def clean_lead_email(self):
        return self.cleaned_data["lead_email"].strip().lower()

    def clean_lead_phone(self):
        phone = self.cleaned_data["lead_phone"].strip()
        if not PHONE_PATTERN.fullmatch(phone) or sum(char.isdigit() for char in phone) < 10:
            raise ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")
        return phone

    def clean(self):
        cleaned = super().clean()
        self.check_inspection(cleaned)
        return cleaned


class InspectionForm(InspectionFieldsMixin, GDSFormMixin, forms.Form):
    submit_label = "Record inspection"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_inspection_fields()
        self.fields["inspected_on"].label = "Date of the inspection"

    def clean(self):
        cleaned = super().clean()
        self.check_inspection(cleaned)
        return cleaned


class RejectForm(GDSFormMixin, forms.Form):
    submit_label = "Reject registration"
    reason = forms.CharField(
        label="Reason for rejecting",
        help_text="We will email this to the SLT lead named on the registration.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the reason for rejecting the registration",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


class InspectionCorrectionForm(GDSFormMixin, forms.Form):
    submit_label = "Send the request"
    reason = forms.CharField(
        label="What is wrong with the inspection data, and what should it say?",
        help_text="For example the date or judgement of your latest Ofsted inspection, with a link to the report.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what is wrong with the inspection data and what it should say"},
    )


class InspectionCorrectionDecisionForm(GDSFormMixin, forms.Form):
    submit_label = "Save the decision"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("accept", "Accept: I will record the corrected inspection"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select accept or reject"},
    )
    note = forms.CharField(
        label="Note to the school",
        help_text="Needed when you reject the request: the school reads it.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OverrideForm(GDSFormMixin, forms.Form):
    submit_label = "Make the school eligible"
    reason = forms.CharField(
        label="Reason for the override",
        help_text="The school will see this reason.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason for overriding eligibility",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


class InviteForm(GDSFormMixin, forms.Form):
    submit_label = "Send invitation"
    first_name = text_field("First name", "their first name", max_length=150, autocomplete="off")
    last_name = text_field("Last name", "their last name", max_length=150, autocomplete="off")
    job_title = text_field("Job title (optional)", "their job title", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "The email address must be 254 characters or fewer",
        },
    )


class SchoolDetailsForm(GDSFormMixin, forms.Form):
    submit_label = "Save details"
    head_teacher = text_field("Head teacher's full name", "the head teacher's full name")
    governor_name = text_field(
        "Named governor for anti-bullying", "the name of the governor who oversees anti-bullying"
    )


class WelcomePackResourceForm(GDSFormMixin, forms.Form):
    submit_label = "Save resource"
    title = text_field("Title", "a title for the resource")
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The description must be 1,000 characters or fewer"},
    )
    upload = forms.FileField(
        label="File",
        required=False,
        help_text="A PDF, Word, Excel or PowerPoint document, or give a link instead.",
    )
    url = forms.URLField(
        label="Or a link",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
        help_text="For example, https://www.gov.uk/government/publications/preventing-and-tackling-bullying",
        error_messages={"invalid": "Enter a link in the correct format, like https://www.example.org/page"},
    )
    position = forms.IntegerField(
        label="Order in the pack",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Resources are listed from the lowest number.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the position in the pack, like 1",
            "invalid": "Enter the position as a whole number, like 1",
            "min_value": "The position must be 0 or more",
            "max_value": "The position must be 999 or less",
        },
    )
    is_active = forms.BooleanField(label="Send to newly approved schools", required=False, initial=True)

    ALLOWED = {
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".odt",
        ".txt",
        ".rtf",
        ".png",
        ".jpg",
        ".jpeg",
    }
    MAX_BYTES = 20 * 1024 * 1024

    def __init__(self, *args, resource: WelcomePackResource | None = None, **kwargs):
        self.resource = resource
        super().__init__(*args, **kwargs)
        if resource is not None and resource.is_file:
            self.fields[
                "upload"
            ].help_text = "A PDF, Word, Excel or PowerPoint document. Leave empty to keep the current file."

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in self.ALLOWED:
            raise ValidationError("The file must be a PDF, Word, Excel, PowerPoint, OpenDocument, text or image file")
        if upload.size > self.MAX_BYTES:
            raise ValidationError("The file must be smaller than 20 MB")
        if upload.size == 0:
            raise ValidationError("The selected file is empty")
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, url = cleaned.get("upload"), cleaned.get("url")
        has_file = self.resource is not None and self.resource.is_file
        if upload and url:
            self.add_error("url", "Give a file or a link, not both")
        elif not upload and not url and not has_file and "upload" not in self.errors and "url" not in self.errors:
            self.add_error("upload", "Select a file or enter a link")
        return cleaned


class EligibilityRuleForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save rule"

    class Meta:
        model = EligibilityRule
        fields = ["name", "judgement", "in_force_from", "in_force_until", "passing_values", "records_safeguarding"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.instance
        self.fields["name"] = text_field("Framework", "the framework's name", max_length=120)
        self.fields["judgement"] = text_field("Judgement that counts", "the judgement that decides eligibility")
        self.fields["in_force_from"] = GDSDateField(
            what="the date the framework came into force",
            not_future=False,
            label="In force from",
            require_all_fields=False,
        )
        self.fields["in_force_until"] = GDSDateField(
            what="the date the framework ended",
            not_future=False,
            label="In force until (optional)",
            required=False,
            require_all_fields=False,
            help_text="Leave empty for the current framework.",
        )
        self.fields["passing_values"] = forms.MultipleChoiceField(
            label="Judgements that make a school eligible",
            choices=[(str(value), label) for value, label in rule.values],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Select at least one judgement that makes a school eligible"},
        )
        self.fields[
            "records_safeguarding"
        ].label = "The framework records safeguarding (not met makes a school ineligible)"
        self.order_fields(self.Meta.fields)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("in_force_from"), cleaned.get("in_force_until")
        if start and end and end < start:
            self.add_error("in_force_until", "The end date must be the same as or after the start date")
        return cleaned
