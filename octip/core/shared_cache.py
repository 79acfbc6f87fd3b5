"""Numbers and names kept for a while in the shared cache (the database or Redis), for readers who
would otherwise each compute the same thing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

#: How long an entry stays in the cache past its ``seconds``, to be handed to the readers who come while
#: one of them computes it again. A reader never gets an entry older than that.
STALE_FOR_SECONDS = 300


def kept(key: str, compute: Callable[[], T], seconds: int, kind: type[T]) -> T:
    """``compute()``, kept under ``key`` for ``seconds`` (computed afresh, and not kept, when seconds
    is 0 or less).

    Once ``seconds`` have passed, the first reader computes it again, and the readers who come
    meanwhile get the previous value (no older than ``seconds + STALE_FOR_SECONDS``) rather than each
    computing it at once: a count that reads every open case at a million cases takes about a second,
    and eight coordinators at the same moment held as many web workers. What the cache gives back is
    used only if it is a ``kind``: an entry written by an older release under the same key (a renamed
    field, a pickle that no longer loads as the class) is computed again rather than shown. Never keep
    a person's detail here: the cache is not encrypted."""
    if seconds <= 0:
        return compute()
    entry = cache.get(key)
    now = time.time()
    refreshing = f"{key}:refreshing"
    if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], kind)):
        value = compute()  # nothing to hand out meanwhile: whoever comes computes
        cache.set(key, (now, value), timeout=seconds + STALE_FOR_SECONDS)
        return value
    computed_at, value = entry
    # ``add`` is atomic in every cache backend: one reader wins the refresh. It ends with that reader's
    # request, or after ``seconds`` if the request died on the way.
    if now - computed_at < seconds or not cache.add(refreshing, 1, timeout=seconds):
        return value
    try:
        value = compute()
        cache.set(key, (now, value), timeout=seconds + STALE_FOR_SECONDS)
    finally:
        cache.delete(refreshing)
    return value
