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
