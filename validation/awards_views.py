"""Awards' pages: the certificate, the public verification page and the public register. With
services/awards.py (grant, expiry, certificate PDF) and awards_jobs.py (lapse and reminders) they
are the awards concept."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accreditation.downloads import private_download

from . import selectors, services
from .forms import RegisterSearchForm

REGISTER_PAGE_SIZE = 25


@login_required
def certificate(request, pk):
    award = selectors.award_get_for_user(request.user, pk)
    response = HttpResponse(services.certificate_pdf(award), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{award.school.urn}-{award.awarded_on:%Y}.pdf"'
    return private_download(response)


@require_GET
def verify(request, code):
    try:
        award = selectors.award_for_code(code)
    except Http404:
        return render(request, "validation/verify_not_found.html", {"code": code}, status=404)
    context = {"award": award, "is_current": award.is_current_on(timezone.localdate())}
    return render(request, "validation/verify.html", context)


@require_GET
def register(request):
    form = RegisterSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.accredited_schools(query=query), REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "validation/register.html", {"form": form, "page": page, "query": query})
