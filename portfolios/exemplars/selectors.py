from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accreditation.permissions import is_hw_admin
from portfolios.models import Application

from .models import Exemplar, SharingConsent

MAX_QUERY = 200


def library(*, query="", criterion=None, phase=""):
    """Published exemplars, filtered. A query longer than anyone types is a plain miss."""
    rows = Exemplar.objects.filter(unpublished_at__isnull=True).select_related("criterion", "application__school")
    query = (query or "").strip()
    if len(query) > MAX_QUERY:
        return rows.none()
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(extract__icontains=query) | Q(why_it_worked__icontains=query))
    if criterion:
        rows = rows.filter(criterion__number=criterion)
    if phase:
        rows = rows.filter(phase=phase)
    return rows.order_by("criterion__number", "-published_at")


def phases():
    return sorted(set(Exemplar.objects.filter(unpublished_at__isnull=True).values_list("phase", flat=True)) - {""})


def exemplar_get_for_user(user, pk) -> Exemplar:
    """A published exemplar for anyone signed in; a taken-down one for the H&W team only."""
    exemplar = get_object_or_404(Exemplar.objects.select_related("criterion", "application__school"), pk=pk)
    if not exemplar.is_published and not is_hw_admin(user):
        raise Http404("No such exemplar")
    return exemplar


def consenting_applications():
    """Accredited applications whose school agreed to share, for the admin's publish form."""
    return (
        Application.objects.filter(state=Application.State.ACCREDITED, sharing_consent__may_share=True)
        .select_related("school", "sharing_consent")
        .order_by("school__name")
    )


def consent_for(application) -> SharingConsent | None:
    return SharingConsent.objects.filter(application=application).first()


def exemplars_taken_down():
    return Exemplar.objects.filter(unpublished_at__isnull=False).select_related("criterion").order_by("-unpublished_at")
