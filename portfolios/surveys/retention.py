"""Survey answers under the retention schedule (run by insight's nightly sweep).

Written answers may hold what a child wrote about themselves or others, so they go after a period
counted from the day they were sent (2 years by default). Tick-box answers are anonymous figures
and stay, so before-and-after comparisons and the county's figures still add up.
"""

from django.db import transaction
from django.db.models import QuerySet

from .models import Question, SurveyAnswer


def written_answers_sent_before(cutoff) -> QuerySet:
    """Written answers sent on or before the day of `cutoff` (a date or datetime)."""
    day = cutoff.date() if hasattr(cutoff, "date") else cutoff
    return SurveyAnswer.objects.filter(question__kind=Question.Kind.TEXT, response__submitted_on__lte=day)


@transaction.atomic
def written_answers_purge(*, cutoff) -> int:
    """Delete written answers sent on or before `cutoff`; the response and its tick-box answers
    stay. Returns how many went."""
    deleted, _ = written_answers_sent_before(cutoff).delete()
    return deleted
