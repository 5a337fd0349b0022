"""Awards' pages: the certificate and its settings, the public verification page and badges, the
withdrawal of an award, and the public register. With services/awards.py (grant, expiry,
certificate PDF, withdrawal) and awards_jobs.py (lapse and reminders) they are the awards concept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from accreditation import audit
from accreditation.downloads import private_download
from accreditation.errors import show_refusal
from schools.versions import store_page, stored_page

from . import badges, permissions, selectors, services
from .forms import AwardWithdrawForm, CertificateSettingsForm, RegisterSearchForm
from .models import Award

REGISTER_PAGE_SIZE = 25
REGISTER_CACHE_SECONDS = 300
REGISTER_CACHED_PAGES = 200  # 5,000 schools at 25 a page


def _require(allowed):
    if not allowed:
        raise PermissionDenied


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
    status = selectors.award_public_status(award, timezone.localdate())
    _, _, alt = badges.badge_lines(status)
    context = {
        "award": award,
        "status": status,
        "is_current": status.is_current,
        "badge_alt": alt,
        "verify_url": services.awards.verify_url(award),
        "can_withdraw": permissions.can_withdraw_award(request.user) and status.state in ("current", "not_started"),
    }
    return render(request, "validation/verify.html", context)


def _badge_response(content, content_type):
    response = HttpResponse(content, content_type=content_type)
    # The status changes at midnight; a short cache keeps a school's page fast without lying for long.
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def badge_svg(request, code):
    award = selectors.award_for_badge(code)  # unknown: a bare 404, nothing revealed
    status = selectors.award_public_status(award, timezone.localdate())
    return _badge_response(badges.badge_svg(status), "image/svg+xml")


@require_GET
def badge_png(request, code):
    award = selectors.award_for_badge(code)
    status = selectors.award_public_status(award, timezone.localdate())
    return _badge_response(badges.badge_png(status), "image/png")


@login_required
def award_withdraw(request, pk):
    _require(permissions.can_withdraw_award(request.user))
    award = get_object_or_404(Award.objects.select_related("school"), pk=pk)
    form = AwardWithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.award_withdraw(award=award, by=request.user, reason=form.cleaned_data["reason"])
        except services.Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{award.school.name}'s accreditation is withdrawn.")
            return redirect("validation:verify", code=award.verification_code)
    context = {"form": form, "award": award}
    return render(request, "validation/award_withdraw.html", context, status=400 if form.errors else 200)


@login_required
def certificate_settings(request):
    _require(permissions.can_withdraw_award(request.user))
    row = services.certificate_settings()
    initial = {f: getattr(row, f) for f in ("council_name", "signatory_name", "signatory_role")}
    posted = request.method == "POST"
    form = CertificateSettingsForm(request.POST if posted else None, request.FILES if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            services.certificate_settings_update(by=request.user, **form.cleaned_data)
        except services.Refusal as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The certificate is saved. Every certificate downloaded from now on carries it.")
            return redirect("validation:certificate_settings")
    context = {"form": form, "row": row}
    return render(request, "validation/certificate_settings.html", context, status=400 if form.errors else 200)


@require_GET
def register(request):
    # The page QR codes and council websites link to, mostly opened by people not signed in: for
    # them the whole page (no search, a cached page number) is the same, so it is kept whole under
    # the results' version, in this process and the shared pages cache (issue 20).
    whole = _whole_page_key(request)
    if whole is not None:
        html = stored_page(whole)
        if html is not None:
            return HttpResponse(html)
    form = RegisterSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    awards = selectors.accredited_schools(query=query)
    # Loaded only when the results are rendered afresh (SimpleLazyObject: at most once).
    page = SimpleLazyObject(lambda: Paginator(awards, REGISTER_PAGE_SIZE).get_page(request.GET.get("page")))
    context = {"form": form, "page": page, "query": query, **_register_cache(query, request.GET.get("page"))}
    response = render(request, "validation/register.html", context)
    if whole is not None and not response.cookies:  # no message waited (_whole_page_key)
        store_page(whole, response.content, REGISTER_CACHE_SECONDS)
    return response


def _whole_page_key(request) -> str | None:
    """The key of the whole register page for someone signed out with no message waiting, asking
    for no search and a page number the results are cached for; None for anyone else (a signed-in
    person's page carries their navigation and sign-out form)."""
    if request.user.is_authenticated or set(request.GET) - {"page"} or len(messages.get_messages(request)):
        return None
    version = _register_cache("", request.GET.get("page"))["cache_version"]
    return None if version is None else f"register-page:{version}"


def _register_cache(query: str, page_number) -> dict:
    """The whole register (no search) is the page QR codes and council websites link to: its
    results are rendered once per version (the day and the newest audit entry: awards are granted,
    lapse and are withdrawn only through audited services) and page, for REGISTER_CACHE_SECONDS at
    most. Searches are rendered each time, so no visitor can fill the cache with their own keys."""
    number = str(page_number or "1")
    if query or not number.isdigit() or not 1 <= int(number) <= REGISTER_CACHED_PAGES:
        return {"cache_version": None}
    version = f"{timezone.localdate().isoformat()}:{audit.newest_entry_id()}:{int(number)}"
    return {"cache_version": version, "cache_seconds": REGISTER_CACHE_SECONDS}
