"""A fixed-window counter in Django's cache: the one mechanism behind the platform's rate limits
(public reports per client, duplicate checks per user). Every attempt counts, answered or refused,
so probing cannot go on by sending bad requests. Across worker processes it holds only with a
shared cache (Redis, which production requires)."""

from __future__ import annotations

from django.core.cache import cache


def count_attempt(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under ``key``; False when it is over ``limit`` for the window."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
