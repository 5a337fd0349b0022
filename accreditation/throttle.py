"""A simple fixed-window rate limit on the cache, for public forms that send email."""

from django.core.cache import cache


def allow(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of `key`; False once it has been used `limit` times in the current window."""
    cache_key = f"throttle:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        return True


def sign_in_wait_seconds(ip_address: str | None) -> int:
    """Seconds this address must wait before its next sign-in attempt; 0 to go ahead.

    Password spraying tries one password against many accounts, so the per-account lockout never
    trips. Failures are counted per address across every account, from django-axes' attempt rows
    (in the database, so every web worker sees the same count). After SIGN_IN_SLOWDOWN_AFTER
    failures in the window each further attempt must wait longer (2, 4, 8... seconds, at most a
    minute) and after SIGN_IN_FAILURES_PER_ADDRESS the address is refused until the window has
    passed. The wait is enforced by refusing early attempts, never by holding a worker asleep.
    A school's staff share one address, so the limits are far above one person's mistakes.
    """
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Max, Sum
    from django.utils import timezone

    if not ip_address:
        return 0
    window = settings.SIGN_IN_ADDRESS_WINDOW
    now = timezone.now()
    recent = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=now - window).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    failures, last = recent["failures"] or 0, recent["last"]
    if failures >= settings.SIGN_IN_FAILURES_PER_ADDRESS:
        return max(1, int((last + window - now).total_seconds())) if last else int(window.total_seconds())
    over = failures - settings.SIGN_IN_SLOWDOWN_AFTER
    if over < 0 or last is None:
        return 0
    spacing = min(2 ** (over + 1), 60)
    return max(0, int(spacing - (now - last).total_seconds()))
