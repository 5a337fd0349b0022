from datetime import timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.db import models
from django.utils import timezone

from accreditation.forms import GDSDateField, GDSFormMixin
from accreditation.models import User
from schools.models import School

from . import selectors, term_dates
from .models import Conflict, CriterionJudgement, Decision, GroupMember, Meeting, Review, Team
from .services.decisions import further_information_problems
from .services.meetings import check_meeting


class TeamChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Team.objects.filter(is_active=True),
            empty_label=None,
            widget=forms.RadioSelect,
            error_messages={"required": "Select a team", "invalid_choice": "Select a team from the list"},
            **kwargs,
        )


class MemberInviteForm(GDSFormMixin, forms.Form):
    submit_label = "Send invitation"

    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter their last name"})
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)
    team = TeamChoiceField(label="Team")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email, group_member__isnull=False).exists():
            raise forms.ValidationError(f"{email} is already a member of the validating group")
        return email


class MemberTeamForm(GDSFormMixin, forms.Form):
    submit_label = "Save team"
    team = TeamChoiceField(label="Team")


class TeamForm(GDSFormMixin, forms.Form):
    submit_label = "Save team"
    name = forms.CharField(label="Team name", max_length=120, error_messages={"required": "Enter the team's name"})

    def __init__(self, *args, team=None, **kwargs):
        self.team = team
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter the team's name")
        others = Team.objects.filter(name__iexact=name)
        if self.team is not None:
            others = others.exclude(pk=self.team.pk)
        if others.exists():
            raise forms.ValidationError(f"There is already a team called {name}")
        return name


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, school):
        return f"{school.name}{', ' + school.town if school.town else ''} (URN {school.urn})"


class ConflictForm(GDSFormMixin, forms.Form):
    submit_label = "Declare conflict of interest"

    school_query = forms.CharField(
        label="School",
        help_text="Enter the school's 6-digit URN or part of its name",
        max_length=200,
        error_messages={"required": "Enter the school's URN or name"},
    )
    # Offered only when the search matches several schools: the person picks one.
    school = SchoolChoiceField(
        label="Which school do you mean?",
        queryset=School.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select one of the schools listed"},
    )
    kind = forms.ChoiceField(
        label="Your interest in the school",
        choices=Conflict.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your interest in the school"},
    )
    details = forms.CharField(
        label="Details",
        help_text="For example your role and since when. Required for another interest.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    MAX_MATCHES = 10

    def __init__(self, *args, member=None, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)
        matches = selectors.schools_matching(self.data.get("school_query", ""), limit=self.MAX_MATCHES)
        self.matches = matches[: self.MAX_MATCHES]
        self.more_matches = len(matches) > self.MAX_MATCHES
        if self.is_bound and len(matches) > 1:
            self.fields["school"].queryset = School.objects.filter(pk__in=[m.pk for m in self.matches]).order_by(
                "name", "urn"
            )
            if self.more_matches:
                self.fields["school"].help_text = (
                    f"Only the first {self.MAX_MATCHES} are shown. If yours is not here, enter more of its name "
                    "or its URN above"
                )
        else:
            del self.fields["school"]

    def clean_school_query(self):
        query = self.cleaned_data["school_query"].strip()
        if not self.matches:
            if query.isdigit():
                raise forms.ValidationError(
                    f"No school in the council's area has the URN {query}. Check the number or enter the name"
                )
            raise forms.ValidationError(
                f"No school in the council's area has a name containing “{query}”. Check the spelling or enter the URN"
            )
        return query

    def clean(self):
        cleaned = super().clean()
        if "school" in self.fields:
            if not cleaned.get("school") and "school" not in self.errors:
                self.add_error(
                    "school",
                    f"More than one school matches “{cleaned.get('school_query', '')}”: select the one you mean",
                )
        elif len(self.matches) == 1:
            cleaned["school"] = self.matches[0]
        if cleaned.get("kind") == Conflict.Kind.OTHER and not cleaned.get("details", "").strip():
            self.add_error("details", "Describe your interest in the school")
        school = cleaned.get("school")
        if (
            school
            and self.member
            and selectors.conflicts_for_member(self.member, include_withdrawn=False).filter(school=school).exists()
        ):
            self.add_error("school_query", f"A conflict of interest with {school.name} is already declared")
        return cleaned


def example_date(days_ahead: int) -> str:
    """A hint's example date, `days_ahead` from today, in the order the boxes take it: "7 10 2026"."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    return f"{day.day} {day.month} {day.year}"


class AcademicYearForm(GDSFormMixin, forms.Form):
    submit_label = "Propose meetings"
    academic_year = forms.CharField(
        label="Academic year",
        help_text="For example, 2026-27",
        max_length=7,
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the academic year, for example 2026-27"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The next academic year to schedule is the usual answer.
        today = timezone.localdate()
        label = term_dates.academic_year_label((today.year if today.month >= 9 else today.year - 1) + 1)
        self.fields["academic_year"].help_text = f"For example, {label}"
        self.fields["academic_year"].error_messages["required"] = f"Enter the academic year, for example {label}"

    def clean_academic_year(self):
        try:
            first_year = term_dates.parse_academic_year(self.cleaned_data["academic_year"])
        except term_dates.AcademicYearError as error:
            raise forms.ValidationError(str(error)) from None
        return term_dates.academic_year_label(first_year)


class GOVUKDateField(GDSDateField):
    """The GOV.UK date input for meetings and due dates, which are usually in the future."""

    def __init__(self, *, what, **kwargs):
        super().__init__(what=what, not_future=False, **kwargs)


class MeetingForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save meeting"

    # Plain text inputs, as the GOV.UK Design System advises for times, numbers and addresses (no
    # browser widgets in the American order); the dates use its day, month and year pattern.
    date = GOVUKDateField(what="the meeting date", label="Meeting date", help_text="For example, 7 10 2026")
    starts_at = forms.TimeField(
        label="Start time",
        help_text="24-hour clock, for example 13:30",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
        error_messages={"required": "Enter the start time", "invalid": "Enter a start time like 13:30"},
    )
    online_link = forms.URLField(
        label="Online meeting link (optional)",
        help_text="The full address, starting https://",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"invalid": "Enter the online meeting link as a full address, starting https://"},
    )
    submission_cutoff = GOVUKDateField(
        what="the submission cut-off date",
        label="Submission cut-off",
        help_text="Applications submitted by this date can go on this meeting's agenda. For example, 16 9 2026",
    )
    capacity = forms.IntegerField(
        label="Capacity",
        help_text="How many applications the agenda can take",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the capacity",
            "invalid": "Enter the capacity as a whole number, like 12",
        },
    )

    class Meta:
        model = Meeting
        fields = ["date", "starts_at", "location", "online_link", "submission_cutoff", "capacity", "status", "notes"]
        labels = {
            "location": "Place (optional)",
            "status": "Status",
            "notes": "Notes (optional)",
        }
        widgets = {
            "status": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"status": {"required": "Select the meeting's status"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].help_text = f"For example, {example_date(42)}"
        self.fields[
            "submission_cutoff"
        ].help_text = (
            f"Applications submitted by this date can go on this meeting's agenda. For example, {example_date(21)}"
        )
        self.fields["date"].error_messages["unique"] = "Another meeting is already on this date"
        if self.instance.pk and not self.is_bound:
            self.initial["starts_at"] = self.instance.starts_at.strftime("%H:%M")

    def clean(self):
        cleaned = super().clean()
        errors = check_meeting(
            meeting_date=cleaned.get("date"),
            cutoff=cleaned.get("submission_cutoff"),
            capacity=cleaned.get("capacity"),
            academic_year=self.instance.academic_year,
        )
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    def _get_validation_exclusions(self):
        # clean() words the cut-off and capacity rules for people; the database constraints on
        # those fields back them up and would only repeat them in Django's generic words.
        return super()._get_validation_exclusions() | {"submission_cutoff", "capacity"}


# Agendas, reviews, decisions ------------------------------------------------------------------


class AgendaMoveForm(GDSFormMixin, forms.Form):
    submit_label = "Move application"
    meeting = forms.ModelChoiceField(
        label="Move to the meeting on",
        queryset=Meeting.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the meeting to move it to",
            "invalid_choice": "Select a meeting from the list",
        },
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only meetings that could take it: planned, today or later, a cut-off its submission met,
        # and room on the agenda (the service still checks all of this under a lock).
        submitted_on = timezone.localtime(item.submitted_at).date()
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(
                status=Meeting.Status.PLANNED, date__gte=timezone.localdate(), submission_cutoff__gte=submitted_on
            )
            .exclude(pk=item.meeting_id)
            .annotate(listed=models.Count("agenda_items"))
            .filter(listed__lt=models.F("capacity"))
            .order_by("date")
        )
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.date:%A %-d %B %Y} (cut-off {m.submission_cutoff:%-d %B %Y}, {m.listed} of {m.capacity} places taken)"
        )


class ReviewerForm(GDSFormMixin, forms.Form):
    submit_label = "Assign reviewer"
    member = forms.ModelChoiceField(
        label="Reviewer",
        queryset=GroupMember.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a reviewer", "invalid_choice": "Select a reviewer from the list"},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        loads = {m.pk: m.load for m in candidates}
        self.fields["member"].queryset = GroupMember.objects.filter(pk__in=loads).select_related("user", "team")
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.email}, {m.team.name} ({loads.get(m.pk, 0)} current review"
            f"{'s' if loads.get(m.pk, 0) != 1 else ''})"
        )


class ReviewForm(forms.Form):
    """A judgement and comment per criterion, a recommendation and an overall comment. Drafts may
    be incomplete; the service checks completeness on submission."""

    recommendation = forms.ChoiceField(
        label="Your overall recommendation",
        choices=Review.Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label="Overall comment (optional)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria=(), judgements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        judgements = judgements or {}
        for criterion in self.criteria:
            existing = judgements.get(criterion.pk)
            self.fields[f"judgement_{criterion.number}"] = forms.ChoiceField(
                label=f"Criterion {criterion.number}: your judgement",
                choices=CriterionJudgement.Judgement.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=existing.judgement if existing else None,
            )
            self.fields[f"comment_{criterion.number}"] = forms.CharField(
                label=f"Criterion {criterion.number}: comment",
                help_text="Required when the criterion is not met or needs further information",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=existing.comment if existing else "",
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL

    def rows(self):
        return [(c, self[f"judgement_{c.number}"], self[f"comment_{c.number}"]) for c in self.criteria]

    def judgements(self) -> dict:
        return {
            c.pk: (
                self.cleaned_data.get(f"judgement_{c.number}") or "",
                self.cleaned_data.get(f"comment_{c.number}", ""),
            )
            for c in self.criteria
        }


class AttendanceForm(GDSFormMixin, forms.Form):
    submit_label = "Save attendance"
    members = forms.ModelMultipleChoiceField(
        label="Members present",
        queryset=GroupMember.objects.filter(is_active=True).select_related("user", "team"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick everyone present. Anyone with a conflict of interest stands aside for that school's item.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = self.fields["members"].queryset.order_by(
            "team__name", "user__last_name", "user__first_name"
        )
        self.fields["members"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.email} ({m.team.name})"
        )


class DecisionForm(GDSFormMixin, forms.Form):
    submit_label = "Record decision"
    outcome = forms.ChoiceField(
        label="The group's decision",
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the group's decision"},
    )
    criteria = forms.TypedMultipleChoiceField(
        label="Criteria needing further information",
        help_text="Only for further information required: only these criteria are reopened for the school",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select criteria from the list"},
    )
    information_needed = forms.CharField(
        label="Further information needed",
        help_text="Only for further information required: what the school must add",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    information_due_on = GOVUKDateField(
        what="the date the further information is needed by",
        label="Further information needed by",
        help_text="Only for further information required. For example, 4 11 2026",
        required=False,
    )
    strengths = forms.CharField(
        label="Strengths",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the strengths of the application"},
    )
    areas_for_future = forms.CharField(
        label="Areas for future consideration",
        help_text="One area on each line. Each line becomes an action in the school's action plan when the "
        "feedback is released.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the areas for future consideration"},
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "information_due_on"
        ].help_text = f"Only for further information required. For example, {example_date(42)}"
        self.fields["criteria"].choices = [(c.number, f"{c.number}. {c.short_title}") for c in criteria]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome"):
            for field, message in further_information_problems(
                outcome=cleaned["outcome"],
                criteria_numbers=cleaned.get("criteria"),
                information_needed=cleaned.get("information_needed"),
                information_due_on=cleaned.get("information_due_on"),
            ):
                field = "criteria" if field == "criteria_numbers" else field
                if field not in self.errors:  # a date that could not be read already says so
                    self.add_error(field, message)
        return cleaned


class LetterForm(GDSFormMixin, forms.Form):
    submit_label = "Save wording"
    letter_opening = forms.CharField(
        label="Opening",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the letter's opening"},
    )
    strengths = forms.CharField(
        label="Strengths",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the strengths of the application"},
    )
    information_needed = forms.CharField(
        label="Further information needed",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    areas_for_future = forms.CharField(
        label="Areas for future consideration",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the areas for future consideration"},
    )
    letter_closing = forms.CharField(
        label="Closing",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the letter's closing"},
    )

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        if decision is not None and decision.outcome != Decision.Outcome.FURTHER_INFORMATION:
            del self.fields["information_needed"]
        elif decision is not None:
            self.fields["information_needed"].required = True
            self.fields["information_needed"].error_messages["required"] = "Enter what further information is needed"


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label="School name, town or URN", required=False, max_length=100)


class AwardWithdrawForm(GDSFormMixin, forms.Form):
    submit_label = "Withdraw the accreditation"
    reason = forms.CharField(
        label="Why is the accreditation being withdrawn?",
        help_text="Recorded in the audit trail and shown to the H&W team; the public page says only “withdrawn”.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": "Enter the reason for withdrawing the accreditation",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


class CertificateSettingsForm(GDSFormMixin, forms.Form):
    submit_label = "Save the certificate"
    council_name = forms.CharField(
        label="Council's name on the certificate",
        max_length=200,
        required=False,
        help_text="Leave blank to use the portal's council name",
    )
    logo = forms.FileField(
        label="Council's logo (optional)",
        required=False,
        help_text="A PNG or JPEG image, 2 MB at most",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": "image/png,image/jpeg"}),
    )
    signatory_name = forms.CharField(label="Signatory's name", max_length=200, required=False)
    signatory_role = forms.CharField(label="Signatory's role", max_length=200, required=False)
    signature = forms.FileField(
        label="Signature image (optional)",
        required=False,
        help_text="A PNG or JPEG image, 2 MB at most",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": "image/png,image/jpeg"}),
    )


class FurtherInformationExtendForm(GDSFormMixin, forms.Form):
    submit_label = "Set the new date"
    due_on = GOVUKDateField(
        what="the new date the further information is needed by",
        label="New date the further information is needed by",
        help_text="A date in the future. The school is emailed the new date and reminded 14 and 3 days before it.",
    )
