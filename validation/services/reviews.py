"""Reviews: choosing and assigning reviewers, and saving their reviews."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation.errors import Refusal
from accreditation.models import User
from portfolios.models import Criterion

from .. import permissions, selectors
from ..models import (
    AgendaItem,
    CriterionJudgement,
    Decision,
    GroupMember,
    Review,
)

REVIEWERS_PER_APPLICATION = 2


# Reviewers -----------------------------------------------------------------------------------


def reviewer_candidates(item: AgendaItem) -> list[GroupMember]:
    """Active members who may review `item`: never a conflicted or inactive member, nor one
    already reviewing it. Each carries `.load`, their current assignments."""
    conflicted = selectors.conflicted_member_ids(item.application.school)
    taken = set(Review.objects.filter(agenda_item=item).values_list("member_id", flat=True))
    loads = selectors.open_review_counts()
    members = list(
        GroupMember.objects.filter(is_active=True, user__is_active=True)
        .exclude(pk__in=conflicted | taken)
        .select_related("user", "team")
    )
    for member in members:
        member.load = loads.get(member.pk, 0)
    return members


def _choose(candidates, teams_taken: set, count: int) -> list[GroupMember]:
    """Mix teams first (a team not yet reviewing this item), then the lightest load."""
    chosen = []
    pool = list(candidates)
    for _ in range(count):
        if not pool:
            break
        best = min(pool, key=lambda m: (m.team_id in teams_taken, m.load, m.user.last_name, m.pk))
        chosen.append(best)
        teams_taken.add(best.team_id)
        pool.remove(best)
    return chosen


def _notify_reviewer(review: Review) -> None:
    item = review.agenda_item
    notifications.send(
        to=review.member.user.email,
        template="review_assigned",
        context={
            "user": review.member.user,
            "school": item.application.school,
            "meeting": item.meeting,
            "link": settings.SITE_URL + reverse("validation:review", args=[review.pk]),
        },
    )


def reviewers_assign(*, item: AgendaItem, by: User | None = None) -> list[Review]:
    """Give `item` its two reviewers (fewer if the group is short; the agenda page says so), each
    told by email after commit."""
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("application__school", "meeting").get(pk=item.pk)
        existing = list(Review.objects.filter(agenda_item=item).select_related("member"))
        missing = REVIEWERS_PER_APPLICATION - len(existing)
        if missing <= 0:
            return []
        chosen = _choose(reviewer_candidates(item), {r.member.team_id for r in existing}, missing)
        reviews = []
        for member in chosen:
            reviews.append(_review_create(item=item, member=member, by=by))
    return reviews


@transaction.atomic
def review_assign(*, item: AgendaItem, member: GroupMember, by: User, replacing: Review | None = None) -> Review:
    """An admin assigns `member` to review `item`, in place of `replacing` (whose review, not yet
    submitted, is removed) or in an empty place. Never a conflicted or inactive member."""
    if not permissions.can_manage_agendas(by):
        raise PermissionDenied
    item = AgendaItem.objects.select_for_update().select_related("application__school", "meeting").get(pk=item.pk)
    if Decision.objects.filter(agenda_item=item).exists():
        raise Refusal("The group has already decided this application; its reviewers cannot change.")
    member = GroupMember.objects.select_related("user", "team").get(pk=member.pk)
    if member.pk in selectors.conflicted_member_ids(item.application.school):
        raise Refusal(
            f"{member.user} has a conflict of interest with {item.application.school.name} and cannot review it."
        )
    if not (member.is_active and member.user.is_active):
        raise Refusal(f"{member.user} is not an active member of the validating group.")
    if Review.objects.filter(agenda_item=item, member=member).exists():
        raise Refusal(f"{member.user} is already reviewing this application.")
    if replacing is not None:
        replacing = Review.objects.select_for_update().select_related("member__user").get(pk=replacing.pk)
        if replacing.agenda_item_id != item.pk:
            raise Refusal("That review belongs to another agenda item.")
        audit.record(
            actor=by,
            action="review.unassigned",
            target=replacing,
            summary=f"{replacing.member.user} replaced by {member.user}",
            data={"submitted": replacing.is_submitted},
        )
        replacing.delete()
    elif Review.objects.filter(agenda_item=item).count() >= REVIEWERS_PER_APPLICATION:
        raise Refusal("This application already has two reviewers. Choose which one to replace.")
    return _review_create(item=item, member=member, by=by)


def _review_create(*, item: AgendaItem, member: GroupMember, by: User | None) -> Review:
    """Assign one reviewer: the review row, an audit entry and the reviewer's email."""
    review = Review.objects.create(agenda_item=item, member=member, assigned_by=by)
    review.agenda_item = item
    audit.record(
        actor=by,
        action="review.assigned",
        target=review,
        summary=f"{member.user} to review {item.application.school.name}",
        data={"member": member.pk, "item": item.pk},
    )
    _notify_reviewer(review)
    return review


@transaction.atomic
def review_save(
    *, review: Review, by: User, judgements: dict, recommendation: str, comment: str, submit: bool
) -> Review:
    """Save the reviewer's draft or, with `submit`, submit and lock it. `judgements` maps criterion
    ids to (judgement, comment). Submitting needs every criterion judged, a comment wherever a
    criterion is not met, and a recommendation."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("member__user", "agenda_item__application__school")
        .get(pk=review.pk)
    )
    if not permissions.can_review(by, review):
        raise PermissionDenied
    if review.is_submitted:
        raise Refusal(
            f"You submitted this review on {timezone.localtime(review.submitted_at):%-d %B %Y}. It cannot be changed."
        )
    if Decision.objects.filter(agenda_item_id=review.agenda_item_id).exists():
        raise Refusal("The group has already decided this application. Nothing has been saved.")
    criteria = {
        c.pk: c for c in Criterion.objects.filter(criteria_set_id=review.agenda_item.application.criteria_set_id)
    }
    if recommendation and recommendation not in Review.Recommendation.values:
        raise Refusal("Select a recommendation from the list")
    problems = []
    for criterion_id, (judgement, note) in judgements.items():
        if criterion_id not in criteria:
            raise Refusal("Unknown criterion")
        if judgement and judgement not in CriterionJudgement.Judgement.values:
            raise Refusal("Select met, not yet met or further information needed")
        if submit and not judgement:
            problems.append(f"Select a judgement for criterion {criteria[criterion_id].number}")
        if submit and judgement and judgement != CriterionJudgement.Judgement.MET and not note.strip():
            problems.append(f"Explain your judgement on criterion {criteria[criterion_id].number}")
    if submit and set(judgements) != set(criteria):
        problems.append("Judge every criterion")
    if submit and not recommendation:
        problems.append("Select your overall recommendation")
    if problems:
        raise Refusal(problems)
    for criterion_id, (judgement, note) in judgements.items():
        CriterionJudgement.objects.update_or_create(
            review=review, criterion_id=criterion_id, defaults={"judgement": judgement, "comment": note.strip()}
        )
    now = timezone.now()
    review.recommendation = recommendation
    review.comment = comment.strip()
    review.saved_at = now
    if submit:
        review.submitted_at = now
    review.save()
    audit.record(
        actor=by,
        action="review.submitted" if submit else "review.saved",
        target=review,
        summary=f"{review.agenda_item.application.school.name}: {review.get_recommendation_display() or 'draft'}",
    )
    return review
