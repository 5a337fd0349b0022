"""Input for the action plan: cleaning only; the rules are in services."""

from django import forms

from accreditation.forms import GDSDateField, GDSFormMixin

from ..models import Criterion, EvidenceItem
from .models import NOTES_MAX, WHAT_MAX, Action


class ActionForm(GDSFormMixin, forms.Form):
    submit_label = "Save action"
    what = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=WHAT_MAX,
        error_messages={
            "required": "Enter what will be done",
            "max_length": f"What will be done must be {WHAT_MAX:,} characters or fewer",
        },
    )
    lead = forms.CharField(
        label="Who leads it",
        help_text="A name or a role, for example “PSHE lead”",
        max_length=200,
        required=False,
        error_messages={"max_length": "Who leads it must be 200 characters or fewer"},
    )
    due_on = GDSDateField(
        what="the date it will be done by",
        not_future=False,
        label="By when",
        help_text="For example, 27 3 2027",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        initial=Action.Status.NOT_STARTED,
        error_messages={"required": "Select the action's status"},
    )
    criterion = forms.ModelChoiceField(
        label="Criterion it relates to (optional)",
        queryset=Criterion.objects.none(),
        required=False,
        empty_label="None",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="Progress so far, and what difference it has made",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTES_MAX,
        required=False,
        error_messages={"max_length": f"Notes must be {NOTES_MAX:,} characters or fewer"},
    )
    evidence = forms.ModelMultipleChoiceField(
        label="Evidence of progress (optional)",
        queryset=EvidenceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select evidence from your school's library"},
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = Criterion.objects.filter(criteria_set__is_current=True).order_by("number")
        self.fields["criterion"].label_from_instance = lambda c: f"{c.number}. {c.short_title}"
        self.fields["evidence"].queryset = EvidenceItem.objects.filter(school=school).order_by("-produced_on", "title")
        self.fields["evidence"].label_from_instance = lambda item: f"{item.title} ({item.produced_on:%-d %B %Y})"


class PlanReviewForm(GDSFormMixin, forms.Form):
    submit_label = "Record the review"
    summary = forms.CharField(
        label="What did the review find?",
        help_text="What has moved on, what has stalled and what changes next. Update each action's status too.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NOTES_MAX,
        error_messages={
            "required": "Enter what the review found",
            "max_length": f"What the review found must be {NOTES_MAX:,} characters or fewer",
        },
    )
