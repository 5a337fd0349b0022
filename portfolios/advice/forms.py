from django import forms

from accreditation.forms import GDSFormMixin


class AdviceRequestForm(GDSFormMixin, forms.Form):
    submit_label = "Ask for an adviser's comments"
    note = forms.CharField(
        label="What would you like advice on? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class CommentForm(GDSFormMixin, forms.Form):
    submit_label = "Add comment"

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"] = forms.ModelChoiceField(
            label="Criterion",
            queryset=criteria,
            empty_label="Choose a criterion",
            error_messages={"required": "Choose a criterion", "invalid_choice": "Choose a criterion from the list"},
        )
        self.fields["body"] = forms.CharField(
            label="Comment",
            widget=forms.Textarea(attrs={"rows": 5}),
            max_length=5000,
            error_messages={"required": "Enter your comment"},
        )
