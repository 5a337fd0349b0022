"""The mail page: H&W admins see email that failed or waits, and resend or cancel it (issue 24).

Only subjects, recipients and the server's reply are shown, never bodies: they can hold sign-in
and password-reset links meant for someone else.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from . import notifications, outbox, selectors
from .decorators import admin_required
from .errors import Refusal
from .models import OutboxMessage


@require_GET
@admin_required
def mail_queue(request):
    show = request.GET.get("show") if request.GET.get("show") in selectors.MAIL_QUEUE_VIEWS else "failed"
    page = Paginator(selectors.mail_queue(show=show), 50).get_page(request.GET.get("page"))
    counts = selectors.mail_queue_counts()
    context = {
        "show": show,
        "show_label": selectors.MAIL_QUEUE_VIEWS[show][0],
        "page": page,
        "tabs": [(key, label, counts[key]) for key, (label, _) in selectors.MAIL_QUEUE_VIEWS.items()],
        "max_attempts": settings.OUTBOX_MAX_ATTEMPTS,
    }
    return render(request, "accreditation/mail_queue.html", context)


@require_POST
@admin_required
def mail_resend(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        notifications.resend(message_id=message.pk, actor=request.user)
    except Refusal as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, f"“{message.subject}” will be sent again to {', '.join(message.to)}.")
    return redirect(f"{reverse('mail_queue')}?show={_back_to(request)}")


@require_POST
@admin_required
def mail_cancel(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        outbox.outbox_cancel(message_id=message.pk, actor=request.user)
    except Refusal as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, f"“{message.subject}” to {', '.join(message.to)} will not be sent.")
    return redirect(f"{reverse('mail_queue')}?show={_back_to(request)}")


def _back_to(request):
    show = request.POST.get("show", "")
    return show if show in selectors.MAIL_QUEUE_VIEWS else "failed"
