"""Responses for private files (evidence, exports, letters, certificates, welcome packs).

Every one is an attachment that browsers must not sniff, cache in shared caches, or run: the
sandbox CSP stops a file that slipped through as HTML or SVG from running script even if opened.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse


def private_download(response):
    """Mark a download response as private, unsniffable and inert."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def stored_file_response(path: str, *, filename: str, content_type: str = "") -> FileResponse:
    """Stream a file from private storage (local or S3) as an attachment."""
    response = FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    return private_download(response)
