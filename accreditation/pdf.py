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


def _allowed(url: str) -> bool:
    if url.startswith("data:"):
        return True
    if url.startswith("file://"):
        path = Path(url[len("file://") :].split("?")[0]).resolve()
        return any(path.is_relative_to(root) for root in _static_roots())
    return False


def _safe_fetcher():
    """WeasyPrint 70 wants a URLFetcher object (a plain function breaks on images): this one
    refuses everything but data: URLs and files under the static folders."""
    from weasyprint.urls import URLFetcher

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not _allowed(url):
                raise ValueError(f"PDF rendering may not fetch {url}")
            return super().fetch(url, headers)

    return SafeURLFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def _url_fetcher(url, *args, **kwargs):
    """The same rule as a function (kept for the benchmark runner)."""
    return _safe_fetcher().fetch(url)


def _context(context: dict | None) -> dict:
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "HW_TEAM_EMAIL": settings.HW_TEAM_EMAIL,
        "SITE_URL": settings.SITE_URL,
        **(context or {}),
    }


def render_document(template_name: str, context: dict | None = None):
    """The laid-out WeasyPrint document of `template_name`: its pages can be joined with other
    documents' (pdf_from_documents), so a long PDF can be laid out in parts and report progress."""
    from weasyprint import HTML

    html = render_to_string(template_name, _context(context))
    base = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/" if settings.STATICFILES_DIRS else None
    return HTML(string=html, base_url=base, url_fetcher=_safe_fetcher()).render()


def pdf_from_documents(documents, **options) -> bytes:
    """One PDF of every page of `documents`, in order (metadata from the first)."""
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf(**options)


def render_pdf(template_name: str, context: dict | None = None, **options) -> bytes:
    """The PDF of `template_name` rendered with `context` (plus the service names). `options` go
    to WeasyPrint's write_pdf (e.g. pdf_tags=True for a tagged PDF)."""
    return render_document(template_name, context).write_pdf(**options)
