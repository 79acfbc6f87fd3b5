"""The audit log: ``record(actor, action, target, purpose="", detail=None)``.

Every login, failed login, MFA event, permission denial and every read or write of identifying
data is recorded. Events form a hash chain; ``verify_chain`` (and ``manage.py verify_audit``)
names the first event that no longer matches.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, models, transaction
from django.utils import timezone

from . import context
from .models import AuditEvent

if TYPE_CHECKING:
    from .access import Actor, MaybeActor

GENESIS = "0" * 64
_PG_LOCK_ID = 72_790_001  # advisory lock that serializes appends on PostgreSQL

Target = models.Model | tuple[str, Any] | None


def _target_parts(target: Target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return target._meta.label_lower, str(target.pk)


def _jsonable(detail: dict[str, Any] | None) -> dict[str, Any]:
    # A round trip makes the stored value equal to what was hashed (dates become strings, etc.).
    return json.loads(json.dumps(detail or {}, default=str, sort_keys=True))


def canonical(event: AuditEvent) -> str:
    body = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_email": event.actor_email,
        "organization_id": event.organization_id,
        "ip": event.ip,
        "request_id": event.request_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "purpose": event.purpose,
        "detail": event.detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode("utf-8")).hexdigest()


def record(actor: MaybeActor, action: str, target: Target = None, purpose: str = "",
           detail: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event. ``actor`` is a user (or None for the system / an anonymous caller);
    ``target`` a model instance or a ``(type, id)`` pair. Runs in the caller's transaction."""
    ctx = context.current()
    target_type, target_id = _target_parts(target)
    # Only a signed-in caller is named: an AnonymousUser is recorded as nobody, like the system.
    staff = cast("Actor", actor) if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=staff.pk if staff is not None else None,
        actor_email=staff.email if staff is not None else "",
        organization_id=getattr(staff, "organization_id", None),
        ip=ctx.ip if ctx else None,
        request_id=ctx.request_id if ctx else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        purpose=purpose or "",
        detail=_jsonable(detail),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_ID])
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        event.seq = (last["seq"] + 1) if last else 1
        event.prev_hash = last["hash"] if last else GENESIS
        event.hash = compute_hash(event.prev_hash, event)
        event.save(force_insert=True)
    return event


def record_denial(actor: MaybeActor, permission: str, obj: models.Model | None, *,
                  target: Target = None) -> None:
    """Record a refused permission at once. A refusal usually raises, and when that rolls back
    the surrounding transaction the event would vanish with it: within a request, the
    middleware writes it again after the response if it did not survive."""
    detail = {"permission": permission}
    parts = _target_parts(obj if obj is not None else target)
    event = record(actor, "access.denied", parts, detail=detail)
    ctx = context.current()
    if ctx is not None and connection.in_atomic_block:
        ctx.pending_denials.append({"actor": actor, "target": parts, "detail": detail, "hash": event.hash})


def flush_pending_denials() -> None:
    """Re-record denials whose transaction rolled back (called after each request)."""
    ctx = context.current()
    if ctx is None:
        return
    while ctx.pending_denials:
        pending = ctx.pending_denials.pop(0)
        if not AuditEvent.objects.filter(hash=pending["hash"]).exists():
            record(pending["actor"], "access.denied", pending["target"], detail=pending["detail"])


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int
    reason: str
    verified: int  # events checked and found intact before this one


def verify_chain(events: Iterable[AuditEvent] | None = None) -> Iterator[int | ChainBreak]:
    """Walk the chain in order. Yields the count of events checked so far (for progress: every 1000,
    then the total) or, at the first mismatch, a ``ChainBreak`` naming the event and how many events
    before it were verified — then stops."""
    if events is None:
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for event in events:
        if event.seq != expected_seq:
            yield ChainBreak(event.seq, event.pk,
                             f"sequence jumps from {expected_seq - 1} to {event.seq}: events missing", checked)
            return
        if event.prev_hash != prev_hash:
            yield ChainBreak(event.seq, event.pk, "previous-hash link does not match the event before it", checked)
            return
        if compute_hash(prev_hash, event) != event.hash:
            yield ChainBreak(event.seq, event.pk, "content does not match its hash: the event was altered", checked)
            return
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if checked % 1000 == 0:
            yield checked
    yield checked
