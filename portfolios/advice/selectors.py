from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import AdviceComment, AdviceRequest, AdviceSharing


def open_requests():
    """Requests waiting for an adviser, oldest first (the admin dashboard shows their age)."""
    rows = list(
        AdviceRequest.objects.filter(completed_at__isnull=True)
        .select_related("application__school", "requested_by")
        .order_by("requested_at")
    )
    now = timezone.now()
    for row in rows:
        row.age_days = (now - row.requested_at).days
    return rows


def request_get(pk) -> AdviceRequest:
    return get_object_or_404(AdviceRequest.objects.select_related("application__school"), pk=pk)


def requests_for_application(application):
    return application.advice_requests.order_by("-requested_at")


def open_request_for(application) -> AdviceRequest | None:
    return application.advice_requests.filter(completed_at__isnull=True).first()


def comments_for_application(application):
    return (
        AdviceComment.objects.filter(request__application=application)
        .select_related("criterion", "author", "request")
        .order_by("criterion__number", "created_at")
    )


def comments_for_criterion(application, criterion):
    """What the school reads on a criterion page: comments from requests the adviser has sent."""
    return comments_for_application(application).filter(criterion=criterion, request__completed_at__isnull=False)


def is_shared(application) -> bool:
    return AdviceSharing.objects.filter(application=application).exists()


def shared_comments_for_validators(application):
    """The comments validators may read: only when the school chose to share them."""
    if not is_shared(application):
        return AdviceComment.objects.none()
    return comments_for_application(application).filter(request__completed_at__isnull=False)
