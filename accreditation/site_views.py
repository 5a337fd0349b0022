"""Pages every visitor can reach, and the files robots and security researchers look for."""

from datetime import UTC, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
def contact(request):
    return render(request, "site/contact.html", {"security_contact": settings.SECURITY_CONTACT})


@require_GET
@cache_control(max_age=86400, public=True)
def security_txt(request):
    """RFC 9116. Expires is always about 6 months ahead (the RFC asks for less than a year), so
    the file never goes stale while the portal runs."""
    expires = (timezone.now() + timedelta(days=182)).replace(hour=0, minute=0, second=0, microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}{reverse('security_txt')}",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Search engines may index the public register of accredited schools and nothing else:
    every other page is behind sign-in or a form."""
    lines = ["User-agent: *", f"Allow: {reverse('validation:register')}", "Disallow: /"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
