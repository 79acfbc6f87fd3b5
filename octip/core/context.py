"""The request a piece of code is running for, so the audit log can say where an event came from.

Set by ``RequestContextMiddleware``; empty in management commands and background tasks.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    pending_denials: list[dict] = field(default_factory=list)


_current: ContextVar[RequestContext | None] = ContextVar("octip_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def begin(request_id: str, ip: str | None):
    return _current.set(RequestContext(request_id=request_id, ip=ip))


def end(token) -> None:
    _current.reset(token)
