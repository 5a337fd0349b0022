"""Render a template to PDF bytes with WeasyPrint: the one PDF helper every app uses.

The template carries its own <style> (a PDF is never shown under the site's CSP). WeasyPrint may
fetch nothing from the network: only data: URLs and files under the static folders are allowed,
so text a school typed can never make the server fetch a URL.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string


def _static_roots():
    roots = [Path(p).resolve() for p in getattr(settings, "STATICFILES_DIRS", [])]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _url_fetcher(url, *args, **kwargs):
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    if url.startswith("file://"):
        path = Path(url[len("file://") :]).resolve()
        if any(path.is_relative_to(root) for root in _static_roots()):
            return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"PDF rendering may not fetch {url}")


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    """The PDF of `template_name` rendered with `context` (plus the service names)."""
    from weasyprint import HTML

    ctx = {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "HW_TEAM_EMAIL": settings.HW_TEAM_EMAIL,
        "SITE_URL": settings.SITE_URL,
        **(context or {}),
    }
    html = render_to_string(template_name, ctx)
    base = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/" if settings.STATICFILES_DIRS else None
    return HTML(string=html, base_url=base, url_fetcher=_url_fetcher).write_pdf()
