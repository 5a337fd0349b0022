"""Survey forms: the lead's window form, the code form, and the questionnaire built from its questions."""

from django import forms

from accreditation.forms import GDSDateField, GDSFormMixin

from .models import Audience, Question
from .services import TEXT_LIMIT


class WindowForm(GDSFormMixin, forms.Form):
    submit_label = "Open the survey"

    audience = forms.ChoiceField(
        label="Who is the survey for?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the survey is for"},
    )
    title = forms.CharField(
        label="Name of the survey",
        help_text="For your records, for example “Autumn 2026 pupil survey”. Pupils see it at the top of the page.",
        max_length=120,
        required=False,
    )
    opens_on = GDSDateField(
        what="the opening date", label="Opens on", not_future=False, help_text="For example, 14 9 2026"
    )
    closes_on = GDSDateField(
        what="the closing date", label="Closes on", not_future=False, help_text="For example, 2 10 2026"
    )
    year_groups = forms.MultipleChoiceField(
        label="Which year groups will answer?",
        help_text="Pupil and parent surveys: select all that apply. Staff surveys do not ask a year group.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, year_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_groups"].choices = year_groups


class ClosingDateForm(GDSFormMixin, forms.Form):
    submit_label = "Change the closing date"

    closes_on = GDSDateField(
        what="the new closing date", label="New closing date", not_future=False, help_text="For example, 27 3 2027"
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Survey code",
        help_text="It has 8 letters and numbers, for example KM7Q-4TXR. Your teacher will give it to you.",
        max_length=20,
        error_messages={"required": "Enter the survey code"},
    )


class SurveyForm(forms.Form):
    """One field per question, named q<number>. Choices only from the question (and, for the year
    group, the window's year groups); written answers capped and never rendered as HTML."""

    def __init__(self, *args, questions, year_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.number}"
            options = question.options
            if question.key == "year_group" and year_groups:
                options = [(v, label) for v, label in options if v in year_groups]
            common = {"label": question.text, "help_text": question.hint, "required": question.required}
            if question.kind == Question.Kind.TEXT:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=TEXT_LIMIT,
                    error_messages={
                        "max_length": f"Your answer is too long: use {TEXT_LIMIT:,} characters or fewer "
                        "(you wrote %(show_value)s)"
                    },
                    **common,
                )
            elif question.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
            else:
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
            field.error_messages["required"] = f"Answer “{question.text}”"
            field.error_messages["invalid_choice"] = f"Choose one of the answers for “{question.text}”"
            field.question = question
            self.fields[name] = field

    @property
    def answers(self) -> dict:
        return {self.fields[name].question.pk: value for name, value in self.cleaned_data.items()}


class SnapshotForm(GDSFormMixin, forms.Form):
    submit_label = "Add to the evidence library"

    criteria = forms.ModelMultipleChoiceField(
        label="Which criteria does it support?",
        help_text="Select all that apply.",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria


class QuestionForm(GDSFormMixin, forms.Form):
    submit_label = "Save the question"

    text = forms.CharField(label="Question", max_length=300, error_messages={"required": "Enter the question"})
    hint = forms.CharField(label="Hint (optional)", max_length=300, required=False)


class CountyFilterForm(forms.Form):
    audience = forms.ChoiceField(label="Survey", choices=Audience.choices, required=False)
    year = forms.ChoiceField(label="Academic year", required=False)
    phase = forms.ChoiceField(label="Phase", required=False)
    district = forms.ChoiceField(label="District", required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in choices["years"]]
        self.fields["phase"].choices = [("", "All phases")] + [(p, p) for p in choices["phases"]]
        self.fields["district"].choices = [("", "All districts")] + [(d, d) for d in choices["districts"]]
