from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone


class GDSDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages naming the date asked for.

    `what` completes "Enter ..." ("the date of the inspection"); a partly filled date asks for the
    missing part; an impossible date such as 31 2, letters or a 2-digit year say "... must be a real
    date" rather than Python's "day is out of range for month". `not_future` refuses dates after
    today; `earliest_year` (a class attribute) refuses years before it.
    """

    earliest_year = None

    def __init__(self, *, what, not_future=True, **kwargs):
        self.what = what
        self.not_future = not_future
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter {what}"
        self.error_messages["incomplete"] = f"Enter {what} as a day, month and year"
        for part in self.fields:  # letters in a box: "... must be a real date", from compress()
            part.validators = []

    def compress(self, data_list):
        parts = [str(p).strip() for p in (data_list or ()) if p not in (None, "")]
        if not parts:
            return None
        if len(parts) < 3:
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        day, month, year = parts
        name = self.what[:1].upper() + self.what[1:]
        try:
            if len(year) != 4:
                raise ValueError("a 4-digit year")
            value = date(day=int(day), month=int(month), year=int(year))
        except ValueError as error:
            raise ValidationError(f"{name} must be a real date", code="invalid_date") from error
        if self.earliest_year and value.year < self.earliest_year:
            raise ValidationError(f"{name} must be after {self.earliest_year}", code="too_early")
        if self.not_future and value > timezone.localdate():
            raise ValidationError(f"{name} must be today or in the past", code="future")
        return value


class Select(forms.Select):
    """A drop-down in error marked the GOV.UK way. crispy-forms-gds 2.0 gives a select in error the
    text input's class (govuk-input--error); named Select so the pack still gives it govuk-select."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        classes = widget_attrs.get("class", "").split()
        if "govuk-input--error" in classes:
            widget_attrs["class"] = " ".join("govuk-select--error" if c == "govuk-input--error" else c for c in classes)
        return context


# Input widgets crispy-forms-gds already marks in error (by class name); the others it leaves plain.
PACK_MARKED_INPUTS = ("TextInput", "FileInput", "ClearableFileInput", "CheckboxInput", "HiddenInput")


class GDSFormMixin:
    """Give a form the GOV.UK layout: a helper (needed for the error summary) and one button."""

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # No shared label size: crispy-forms-gds wants a Size constant for layouts and a CSS class
        # for plain fields, so forms with a layout set their own; plain labels use the default size.
        self.helper.add_input(Submit("submit", self.submit_label))

    def add_error(self, field, error):
        """Also give the field's control its GOV.UK error class (email, number, file and select fields)."""
        super().add_error(field, error)
        for name in self._errors or {}:
            widget = self.fields[name].widget if name in self.fields else None
            if type(widget) is forms.Select:
                widget.__class__ = Select
            elif isinstance(widget, forms.widgets.Input) and type(widget).__name__ not in PACK_MARKED_INPUTS:
                is_file = isinstance(widget, forms.FileInput)
                error_class = "govuk-file-upload--error" if is_file else "govuk-input--error"
                classes = widget.attrs.get("class", "").split()
                if error_class not in classes:
                    widget.attrs["class"] = " ".join([*classes, error_class])


class SignInForm(AuthenticationForm):
    """The sign-in page writes its GOV.UK markup out by hand (templates/accounts/login.html), so
    this form needs no crispy helper: the busiest page builds none (issue 20)."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Passwords are case-sensitive.",
        "inactive": "This account has been deactivated. Contact the Health & Wellbeing team.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class PasswordResetRequestForm(GDSFormMixin, forms.Form):
    submit_label = "Send reset link"
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class ChoosePasswordForm(GDSFormMixin, SetPasswordForm):
    """Used for the invitation link and the password reset link alike."""

    submit_label = "Set password"

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "Password"
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters. A few unrelated words make a strong password you can remember."
        self.fields["new_password2"].label = "Confirm password"
        self.fields["new_password1"].error_messages["required"] = "Enter a password"
        self.fields["new_password2"].error_messages["required"] = "Enter the password again to confirm it"

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError("The passwords do not match", code="password_mismatch")
        password_validation.validate_password(second, self.user)
        return second


class OneTimeCodeForm(GDSFormMixin, forms.Form):
    submit_label = "Continue"
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app, or a recovery code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autofocus": True,
                "class": "govuk-input--width-10",
            }
        ),
    )


class SetupCodeForm(GDSFormMixin, forms.Form):
    submit_label = "Confirm and continue"
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code your authenticator app shows"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean_code(self):
        code = "".join(ch for ch in self.cleaned_data["code"] if not ch.isspace())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit code your authenticator app shows, like 123456")
        return code


class ChangePasswordForm(GDSFormMixin, PasswordChangeForm):
    submit_label = "Change password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters. A few unrelated words make a strong password you can remember."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again to confirm it"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Your current password is not right. Enter it again.",
            "password_mismatch": "The new passwords do not match",
        }


class ChangeEmailForm(GDSFormMixin, forms.Form):
    submit_label = "Change email address"
    email = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        from .models import User

        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError("This is already your email address")
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Another account uses this email address")
        return email

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your current password is not right. Enter it again.")
        return password


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or email address", required=False, max_length=200)


class AuditSearchForm(forms.Form):
    text = forms.CharField(label="Person, object or address", required=False, max_length=200)
    action = forms.ChoiceField(label="Kind of event", required=False)
    date_from = GDSDateField(
        what="the start date", label="From", required=False, not_future=False, require_all_fields=False
    )
    date_to = GDSDateField(what="the end date", label="To", required=False, not_future=False, require_all_fields=False)

    def __init__(self, *args, action_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any")] + [(a, a.replace("_", " ").capitalize()) for a in action_choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned
