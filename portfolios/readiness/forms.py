from django import forms

from portfolios.forms import CriterionResponseForm, SubmitForm
from portfolios.models import EvidenceItem

from .models import SelfRating


class CriterionWorkForm(CriterionResponseForm):
    """The criterion page: self-evaluation, linked evidence, which evidence shows each outcome, and
    the school's own rating with a short reason."""

    def __init__(self, *args, school, outcomes, linked_ids, **kwargs):
        super().__init__(*args, school=school, **kwargs)
        posted = set()
        if self.is_bound:
            posted = {v for v in self.data.getlist("evidence") if str(v).isdigit()}
        choices = EvidenceItem.objects.filter(school=school, pk__in=set(linked_ids) | posted).order_by("-produced_on")
        self.outcome_names = []
        for index, outcome in enumerate(outcomes):
            name = f"outcome_{index}"
            self.outcome_names.append(name)
            self.fields[name] = forms.ModelMultipleChoiceField(
                label=f"Outcome {index + 1}: {outcome}",
                help_text="Which of the evidence linked to this criterion shows this outcome? Save the evidence "
                "above first to see new items here."
                if index == 0
                else "",
                queryset=choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                error_messages={"invalid_choice": "Select evidence linked to this criterion"},
            )
            self.fields[name].label_from_instance = lambda item: item.title
        self.fields["rating"] = forms.ChoiceField(
            label="How well does your school meet this criterion?",
            choices=SelfRating.Rating.choices,
            widget=forms.RadioSelect,
            initial=SelfRating.Rating.NOT_STARTED,
            required=False,
            error_messages={"invalid_choice": "Select how well your school meets this criterion"},
        )
        self.fields["reason"] = forms.CharField(
            label="Why? (a short reason)",
            help_text="Up to 500 characters. Needed for “partly met” and “met”.",
            max_length=500,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def clean(self):
        data = super().clean()
        if "rating" not in self.errors and not data.get("rating"):
            data["rating"] = SelfRating.Rating.NOT_STARTED
        if (
            data.get("rating") in (SelfRating.Rating.PARTLY_MET, SelfRating.Rating.MET)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Enter a short reason for your rating")
        data["outcome_evidence"] = {
            str(i): sorted(item.pk for item in data.get(name) or []) for i, name in enumerate(self.outcome_names)
        }
        return data


class CheckAnswersForm(SubmitForm):
    may_share = forms.BooleanField(
        label="If we are accredited, the Health & Wellbeing team may share anonymised extracts of this portfolio "
        "in the good-practice library",
        help_text="Optional. You can change this at any time; extracts are taken down the day you withdraw it.",
        required=False,
    )
    may_name = forms.BooleanField(
        label="Our school may be named beside those extracts",
        help_text="Optional. Without this, extracts never show your school's name.",
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("may_name") and not data.get("may_share"):
            self.add_error("may_name", "Agree to share extracts before agreeing to be named")
        return data
