"""The request a piece of code is running for, so the audit log can say where an event came from.

Set by ``RequestContextMiddleware``; empty in management commands and background tasks.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    pending_denials: list[dict[str, Any]] = field(default_factory=list)


_current: ContextVar[RequestContext | None] = ContextVar("octip_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def begin(request_id: str, ip: str | None) -> Token[RequestContext | None]:
    return _current.set(RequestContext(request_id=request_id, ip=ip))


def end(token: Token[RequestContext | None]) -> None:
    _current.reset(token)
