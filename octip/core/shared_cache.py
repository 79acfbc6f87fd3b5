"""Numbers and names kept for a while in the shared cache (the database or Redis), for readers who
would otherwise each compute the same thing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


def kept(key: str, compute: Callable[[], T], seconds: int, kind: type[T]) -> T:
    """``compute()``, kept under ``key`` for ``seconds`` (computed afresh, and not kept, when seconds
    is 0 or less).

    What the cache gives back is used only if it is a ``kind``: an entry written by an older release
    under the same key (a renamed field, a pickle that no longer loads as the class) is computed again
    rather than shown. Never keep a person's detail here: the cache is not encrypted."""
    if seconds <= 0:
        return compute()
    value = cache.get_or_set(key, compute, seconds)
    return value if isinstance(value, kind) else compute()
