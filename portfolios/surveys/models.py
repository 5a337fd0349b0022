"""Anonymous surveys: questionnaires the council owns (versioned like the criteria), the windows a
school runs, and the answers. Imported by portfolios.models, so the tables belong to portfolios.

A response holds no name, email, address, device, user or session: only the window, the day it
was sent and its answers. The day (not the time) is kept so that the retention schedule can
delete written answers after two years, and so that the order pupils sent their answers in cannot
be matched to who was at which device.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from schools.models import School


class Audience(models.TextChoices):
    PRIMARY_PUPIL = "primary_pupil", "Pupils (primary)"
    SECONDARY_PUPIL = "secondary_pupil", "Pupils (secondary)"
    PARENT = "parent", "Parents and carers"
    STAFF = "staff", "Staff"


PUPIL_AUDIENCES = (Audience.PRIMARY_PUPIL, Audience.SECONDARY_PUPIL)


class Questionnaire(models.Model):
    """One version of the questionnaire for an audience. A window keeps the version it opened with;
    changing the wording of a version a window has used makes a new version (services)."""

    audience = models.CharField(max_length=20, choices=Audience.choices)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="Shown above the questions.")
    is_current = models.BooleanField(default=False)
    introduced_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["audience", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["audience", "version"], name="questionnaire_unique_version"),
            models.UniqueConstraint(
                fields=["audience"], condition=Q(is_current=True), name="questionnaire_one_current_per_audience"
            ),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    @property
    def is_for_pupils(self):
        return self.audience in PUPIL_AUDIENCES


class Question(models.Model):
    """A question. `key` names the same question across versions and audiences (bullied_12_months,
    year_group...), so figures from different versions and schools add up."""

    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        SCALE = "scale", "Scale"
        TEXT = "text", "Short free text"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    options = models.JSONField(default=list, blank=True, help_text="[[value, label], ...] in the order shown.")
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["questionnaire", "number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="question_unique_number"),
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_unique_key"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

    @property
    def option_labels(self):
        return dict(self.options)


class SurveyWindow(models.Model):
    """A school's survey: a questionnaire version open to some year groups between two dates."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="survey_windows")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="windows")
    title = models.CharField(max_length=120)
    opens_on = models.DateField()
    closes_on = models.DateField()
    year_groups = models.JSONField(default=list, blank=True, help_text='Year group codes, e.g. ["Y5", "Y6"].')
    code = models.CharField(max_length=8, unique=True, help_text="The short code pupils type in.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the school closed it before its closing date (closes_on is then the day it was closed).",
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_window_dates_order"),
        ]

    def __str__(self):
        return f"{self.title} ({self.school})"

    def state_on(self, day) -> str:
        """ "upcoming", "open" or "closed" on `day`: the one place that decides. Closing early sets
        closes_on to the day it was closed (so date comparisons elsewhere agree) and closed_at, which
        closes it for the rest of that day too."""
        if self.closed_at is not None and day >= timezone.localdate(self.closed_at):
            return "closed"
        if day < self.opens_on:
            return "upcoming"
        return "open" if day <= self.closes_on else "closed"

    def is_open_on(self, day):
        return self.state_on(day) == "open"

    @property
    def closed_early(self):
        return self.closed_at is not None

    @property
    def year_group_labels(self):
        from schools.returns.rules import YEAR_LABELS

        return [YEAR_LABELS.get(code, code) for code in self.year_groups]

    @property
    def display_code(self):
        return f"{self.code[:4]}-{self.code[4:]}"


class SurveyResponse(models.Model):
    """One submission. Deliberately nothing but the window and the day (see the module docstring)."""

    window = models.ForeignKey(SurveyWindow, on_delete=models.PROTECT, related_name="responses")
    submitted_on = models.DateField(db_index=True)

    class Meta:
        ordering = ["window", "submitted_on"]

    def __str__(self):
        return f"Response to {self.window_id} on {self.submitted_on}"


class SurveyAnswer(models.Model):
    """One answer: a choice (`value`; a multiple-choice question has one row per option ticked) or
    written text. Written text is deleted by the retention schedule two years after `submitted_on`."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "value"], name="survey_answer_question_value")]

    def __str__(self):
        return f"{self.question.key}={self.value or '(text)'}"
