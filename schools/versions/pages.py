"""Whole school pages cached under their school's version (issue 20). See the package docstring."""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone

from .. import working

KEY_PREFIX = "school-page"
# This process's copies of pages it served lately, in front of the shared "pages" cache (settings).
LOCAL = "pages_local"


def stored_page(key: str):
    """The page stored under `key`: from this process's copy if it has one, else from the shared
    cache (a round trip to Redis in production), then kept here until the shared entry would expire,
    never longer, so SCHOOL_PAGE_CACHE_SECONDS bounds every copy. The shared cache holds (expiry
    time, HTML); anything else under a key, such as an older release's entry, counts as nothing."""
    local = caches[LOCAL] if LOCAL in settings.CACHES else None
    if local is not None:
        html = local.get(key)
        if html is not None:
            return html
    stored = caches["pages"].get(key)
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], bytes)):
        return None
    expires, html = stored
    left = expires - time.time()
    if left <= 0:
        return None
    if local is not None:
        local.set(key, html, left)
    return html


def store_page(key: str, html: bytes, seconds: int) -> None:
    caches["pages"].set(key, (time.time() + seconds, html), seconds)


def _key(request, page: str, version: str, secret: str) -> str:
    """The cache key of this person's view of this page at this version today."""
    user = request.user
    parts = [
        page,
        version,
        timezone.localdate().isoformat(),
        request.get_full_path(),
        str(user.pk),
        user.email,
        f"{int(user.is_hw_admin)}{int(user.is_superuser)}",
        str(working.current_choice.get()),
        secret,
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()
    return f"{KEY_PREFIX}:{page}:{digest}"


def _unknown_query(request, known) -> bool:
    """A GET parameter the page does not know, with a value (an empty search box is no search)."""
    return any(value for name in request.GET if name not in known for value in request.GET.getlist(name))


def cached_render(page: str, *, version, check=None, seconds=None, query=()):
    """A decorator for a signed-in GET view whose whole page is drawn from one school's data.

    `version(request, **kwargs)` reads the school's version (`version_for`) and is called first,
    before anything the page shows is read; it returns None for a page that does not exist (the
    view then answers). `check(request, version, **kwargs)` asks the view's own access rule
    (raising Http404 or PermissionDenied) on every request, cached or not; it may read the school
    from the version (`school_id_of`) instead of loading it. A page is stored only when the
    view answered 200 with HTML, set no cookie and left no message; one is never served while a
    message waits to be shown, nor before the session has a CSRF secret (the page makes one).
    `query`: the GET parameters the page knows (its filters and page number); a request with any
    other that has a value (a search, a made-up one) is drawn and not stored, so invented URLs
    cannot fill the cache. `seconds`: how long at most, never above SCHOOL_PAGE_CACHE_SECONDS (the
    setting at 0 turns every cached page off)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            limit = settings.SCHOOL_PAGE_CACHE_SECONDS
            if (
                request.method != "GET"
                or not request.user.is_authenticated
                or not limit
                or len(messages.get_messages(request))
                or _unknown_query(request, query)
            ):
                return view(request, *args, **kwargs)
            current = version(request, **kwargs)
            if current is None:
                return view(request, *args, **kwargs)
            if check is not None:
                check(request, current, **kwargs)
            secret = request.META.get("CSRF_COOKIE")
            if not secret:
                return view(request, *args, **kwargs)
            key = _key(request, page, current, secret)
            stored = stored_page(key)
            if stored is not None:
                return HttpResponse(stored, content_type="text/html; charset=utf-8")
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and response.get("Content-Type", "").startswith("text/html")
                and not response.cookies
                and not len(messages.get_messages(request))
                # The same CSRF secret as the key's (signing in or out replaces it).
                and request.META.get("CSRF_COOKIE") == secret
            ):
                store_page(key, response.content, min(seconds, limit) if seconds else limit)
            return response

        return wrapped

    return decorator
