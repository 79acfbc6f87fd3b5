"""Which database a read goes to when a read replica is configured (``DATABASE_REPLICA_URL``).

A replica lags the primary by some time, seconds usually, more when it falls behind. A read that
feeds a write, an access decision, a consent check or the audit chain must see the latest row: a
consent withdrawn a second ago must stop a disclosure, a role taken away must stop a read, and the
audit chain's next hash must follow its true last event. So everything goes to the primary unless two
things hold together:

1. the code asked for it, by running inside ``replica_reads()`` (a view decorated with
   ``reads_from_replica``): only public pages that show published content and decide nothing; and
2. the model read is in ``REPLICA_MODELS``: published content whose staleness harms no one.

Anything else read inside such a view — the signed-in user, a session, an audit event, a case — still
goes to the primary. The public directory is deliberately *not* on the list: a service can be made
partners-only (a shelter's address, for one), and replica lag would keep showing it in public.
Without a replica configured every read goes to the primary, whatever the code asks.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model

REPLICA = "replica"
PRIMARY = "default"

#: Published, public content only (``app_label.model_name``). Add to it only what decides nothing.
REPLICA_MODELS: frozenset[str] = frozenset({"prevention.awarenesspage", "prevention.practice"})

_replica_reads: ContextVar[bool] = ContextVar("octip_replica_reads", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads of ``REPLICA_MODELS`` may go to the replica (if there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: F) -> F:
    """A view whose reads of published content may come from the replica (see the module docstring)."""
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    """Reads of published content to the replica inside ``replica_reads()``; all else to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if (_replica_reads.get() and model._meta.label_lower in REPLICA_MODELS and replica_configured()):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: a row read from one may point to the other's.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # The replica gets its schema by replication, never by running migrations on it.
        return db != REPLICA
