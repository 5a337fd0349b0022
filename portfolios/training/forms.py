from django import forms

from accreditation.forms import GDSDateField, GDSFormMixin
from schools.forms import clean_urn, text_field

# 9:30, 09:30, 9.30, 9:30am, 9:30 am, 9am, 9 am, 21:00 (am and pm in either case).
TIME_FORMATS = ["%H:%M", "%H.%M", "%I:%M%p", "%I:%M %p", "%I.%M%p", "%I.%M %p", "%I%p", "%I %p"]


class CourseForm(GDSFormMixin, forms.Form):
    submit_label = "Save the course"

    title = text_field("Course title", "the course title")
    description = forms.CharField(
        label="Description (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    runs_on = GDSDateField(
        what="the date of the course", not_future=False, label="Date", help_text="For example, 14 10 2026"
    )
    starts_at = forms.TimeField(
        label="Start time (optional)",
        required=False,
        input_formats=TIME_FORMATS,
        help_text="For example, 9:30am or 13:30",
        error_messages={"invalid": "Enter the start time as a time of day, like 9:30am or 13:30"},
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
    )
    ends_at = forms.TimeField(
        label="End time (optional)",
        required=False,
        input_formats=TIME_FORMATS,
        help_text="For example, 3:30pm or 15:30",
        error_messages={"invalid": "Enter the end time as a time of day, like 3:30pm or 15:30"},
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
    )
    is_online = forms.BooleanField(label="The course is online", required=False)
    venue = text_field("Venue", "the venue", required=False, help_text="Leave blank if the course is online.")
    capacity = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=1000,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "The number of places must be a whole number, like 30",
            "min_value": "The number of places must be 1 or more",
            "max_value": "The number of places must be 1,000 or fewer",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
    )
    trainer = text_field("Trainer", "the trainer's name")
    is_training_the_trainers = forms.BooleanField(
        label="This is a Training the Trainers course (those trained go on to train colleagues in school)",
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("is_online") and not (data.get("venue") or "").strip() and "venue" not in self.errors:
            self.add_error("venue", "Enter the venue, or say the course is online")
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if ends_at and not starts_at and "starts_at" not in self.errors:
            self.add_error("starts_at", "Enter the start time, or leave both times blank")
        elif starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The end time must be after the start time")
        return data


class BookingForm(GDSFormMixin, forms.Form):
    submit_label = "Book a place"

    attendee_name = text_field("Name of the person attending", "the name of the person attending", autocomplete="name")
    attendee_email = forms.EmailField(
        label="Their email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class AttendanceForm(GDSFormMixin, forms.Form):
    submit_label = "Record attendance"

    urn = forms.CharField(
        label="School's URN",
        max_length=7,
        error_messages={"required": "Enter the school's URN"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    attendee_name = text_field("Name of the person who attended", "the name of the person who attended")
    attendee_role = text_field("Their role (optional)", "their role", required=False)

    def clean_urn(self):
        return clean_urn(self.cleaned_data["urn"])


class SheetForm(GDSFormMixin, forms.Form):
    submit_label = "Upload and check"

    sheet = forms.FileField(
        label="Attendance sheet (CSV)",
        help_text="A CSV file saved as UTF-8 with the columns URN, Name and Role (Role is optional).",
        error_messages={"required": "Select the attendance sheet", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class EvidenceForm(GDSFormMixin, forms.Form):
    submit_label = "Add to the school's evidence"

    impact = forms.CharField(
        label="What difference did the training make?",
        help_text="Validators read this beside the CPD criterion.",
        max_length=2000,
        error_messages={"required": "Enter what difference the training made"},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CascadeForm(GDSFormMixin, forms.Form):
    submit_label = "Record the session"

    held_on = GDSDateField(
        what="the date of the session", label="Date of the session", help_text="For example, 3 11 2026"
    )
    audience = text_field("Who attended", "who attended", help_text="For example, lunchtime supervisors.")
    headcount = forms.IntegerField(
        label="Number of people trained",
        min_value=1,
        max_value=10000,
        error_messages={
            "required": "Enter how many people were trained",
            "invalid": "The number of people must be a whole number, like 12",
            "min_value": "Enter how many people were trained, 1 or more",
            "max_value": "The number of people must be 10,000 or fewer",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
    )
