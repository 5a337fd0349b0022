"""Writes for an adviser's read of a draft. Advice is never a decision: nothing here changes the
application, and once it is submitted the comments are kept as they are (read-only)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation.errors import Refusal
from accreditation.permissions import is_hw_admin
from portfolios import permissions
from portfolios.models import Application
from schools.models import Membership
from schools.permissions import can_contribute, is_school_lead

from .models import AdviceComment, AdviceRequest, AdviceSharing


def _draft(application) -> Application:
    locked = Application.objects.select_for_update(of=("self",)).select_related("school").get(pk=application.pk)
    if locked.state != Application.State.DRAFT:
        raise Refusal(
            f"This application is {locked.get_state_display().lower()}: adviser's comments are kept as they were "
            "and can no longer be changed"
        )
    return locked


@transaction.atomic
def advice_request(*, application, actor, note="") -> AdviceRequest:
    """The school asks the H&W team for an informal read of its draft (one open request at a time).
    Emails the H&W team after commit; writes an audit entry."""
    application = _draft(application)
    if not can_contribute(actor, application.school):
        raise Refusal("Only the school's own staff can ask for an adviser's comments")
    if AdviceRequest.objects.filter(application=application, completed_at__isnull=True).exists():
        raise Refusal("You have already asked for an adviser's comments: the team will reply on this draft")
    request = AdviceRequest.objects.create(application=application, requested_by=actor, note=(note or "").strip())
    notifications.send(
        to=settings.HW_TEAM_EMAIL,
        template="advice_requested",
        context={
            "school": application.school,
            "request": request,
            "link": settings.SITE_URL + reverse("portfolios:advice_request", args=[request.pk]),
        },
    )
    audit.record(actor=actor, action="advice.requested", target=application, data={"request": request.pk})
    return request


@transaction.atomic
def advice_comment_add(*, request, criterion, actor, body) -> AdviceComment:
    """An adviser comments on one criterion of the draft. Refused once the draft is submitted."""
    if not is_hw_admin(actor):
        raise Refusal("Only the Health & Wellbeing team's advisers comment on drafts")
    application = _draft(request.application)
    body = (body or "").strip()
    if not body:
        raise Refusal("Enter your comment")
    if len(body) > 5000:
        raise Refusal("The comment must be 5,000 characters or fewer")
    if criterion.criteria_set_id != application.criteria_set_id:
        raise Refusal("Choose one of the application's own criteria")
    comment = AdviceComment.objects.create(request=request, criterion=criterion, body=body, author=actor)
    audit.record(actor=actor, action="advice.commented", target=application, summary=f"Criterion {criterion.number}")
    return comment


@transaction.atomic
def advice_complete(*, request, actor) -> AdviceRequest:
    """The adviser has finished: the request leaves the dashboard and the school's leads are emailed."""
    if not is_hw_admin(actor):
        raise Refusal("Only the Health & Wellbeing team's advisers reply to requests")
    application = _draft(request.application)
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
    if request.completed_at is not None:
        return request
    if not request.comments.exists():
        raise Refusal("Add at least one comment before sending your advice")
    request.completed_at, request.completed_by = timezone.now(), actor
    request.save(update_fields=["completed_at", "completed_by"])
    leads = list(
        Membership.objects.filter(
            school=application.school, role=Membership.Role.LEAD, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if leads:
        notifications.send(
            to=leads,
            template="advice_ready",
            context={
                "school": application.school,
                "request": request,
                "count": request.comments.count(),
                "link": settings.SITE_URL + reverse("portfolios:application", args=[application.pk]),
            },
        )
    audit.record(actor=actor, action="advice.completed", target=application, data={"request": request.pk})
    return request


@transaction.atomic
def advice_comment_mark(*, comment, actor, addressed: bool) -> AdviceComment:
    """The school marks an adviser's comment as addressed (or not). Draft only."""
    application = _draft(comment.request.application)
    if not permissions.can_work_on_application(actor, application) or not can_contribute(actor, application.school):
        raise Refusal("Only the school's own staff can mark comments as addressed")
    comment = AdviceComment.objects.select_for_update().get(pk=comment.pk)
    comment.addressed_at = timezone.now() if addressed else None
    comment.addressed_by = actor if addressed else None
    comment.save(update_fields=["addressed_at", "addressed_by"])
    audit.record(
        actor=actor,
        action="advice.addressed" if addressed else "advice.reopened",
        target=application,
        summary=f"Criterion {comment.criterion.number}",
    )
    return comment


@transaction.atomic
def advice_share(*, application, actor, share: bool) -> bool:
    """The school's SLT lead lets the validating group read the adviser's comments (or stops)."""
    if not is_school_lead(actor, application.school):
        raise Refusal("Only your school's SLT lead can share the adviser's comments")
    if share:
        AdviceSharing.objects.get_or_create(application=application, defaults={"shared_by": actor})
    else:
        AdviceSharing.objects.filter(application=application).delete()
    audit.record(actor=actor, action="advice.shared" if share else "advice.unshared", target=application)
    return share
