"""Synthetic audit events in bulk, for the benchmarks and ``seed_demo --scale`` (issue 15).

``generate`` appends ``count`` events that are ordinary members of the chain: each has the next seq,
the head's hash as ``prev_hash`` and the hash ``audit.compute_hash`` gives, so ``verify_audit``
checks them like any other. Their content is made up (synthetic actions, targets, addresses from the
documentation ranges, example.org staff): no real data.

Each batch is one transaction that takes the same advisory lock as ``audit.record``, reads the head
and writes the batch (COPY on PostgreSQL, bulk_create on SQLite): concurrent appends wait for the
batch and then continue the chain after it. Stopping between batches (Ctrl-C) leaves a valid chain;
stopping inside one rolls that batch back. Running again continues from the head.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import audit
from .models import AuditEvent

#: Made-up but typical events: (action, target type or "", details the real code writes for it).
_SHAPES: list[tuple[str, str, dict]] = [
    ("case.viewed", "cases.case", {"section": "summary"}),
    ("case.viewed", "cases.case", {"section": "identity"}),
    ("person.viewed", "cases.person", {"fields": ["name", "date_of_birth"]}),
    ("note.created", "cases.note", {}),
    ("referral.sent", "referrals.referral", {"to_organization": 0}),
    ("referral.viewed", "referrals.referral", {}),
    ("document.downloaded", "cases.document", {"size": 0}),
    ("screening.viewed", "screening.screening", {}),
    ("access.denied", "cases.case", {"permission": "cases.view_identity"}),
    ("login", "", {}),
    ("login.failed", "", {"reason": "bad password"}),
    ("mfa.verified", "", {"method": "totp"}),
    ("hotline.contact.created", "hotline.contact", {"channel": "phone"}),
]

_COLUMNS = ("seq", "occurred_at", "actor_id", "actor_email", "organization_id", "ip", "request_id", "action",
            "target_type", "target_id", "purpose", "detail", "prev_hash", "hash")


class SeedRefused(Exception):
    """Synthetic events must not go into a production audit log."""


def _synthetic(rng: random.Random) -> AuditEvent:
    action, target_type, detail = rng.choice(_SHAPES)
    detail = dict(detail)
    for key in ("to_organization", "size"):
        if key in detail:
            detail[key] = rng.randint(1, 5000)
    staff = rng.randint(1, 400)
    system = action == "login.failed" and rng.random() < 0.5
    return AuditEvent(
        occurred_at=timezone.now(),
        actor_id=None if system else staff,
        actor_email="" if system else f"staff{staff}@example.org",
        organization_id=None if system else 1 + staff % 40,
        ip=f"192.0.2.{rng.randint(1, 254)}" if rng.random() < 0.5 else f"2001:db8::{rng.randint(1, 65535):x}",
        request_id=uuid.UUID(int=rng.getrandbits(128)).hex,
        action=action,
        target_type=target_type,
        target_id=str(rng.randint(1, 10_000_000)) if target_type else "",
        purpose=rng.choice(["", "", "case work", "supervision", "court preparation"]),
        detail=audit._jsonable(detail),
    )


def _write(events: list[AuditEvent]) -> None:
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
            with raw.copy(f"COPY core_auditevent ({', '.join(_COLUMNS)}) FROM STDIN") as copy:  # noqa: S608
                for e in events:
                    copy.write_row((e.seq, e.occurred_at, e.actor_id, e.actor_email, e.organization_id, e.ip,
                                    e.request_id, e.action, e.target_type, e.target_id, e.purpose, Jsonb(e.detail),
                                    e.prev_hash, e.hash))
    else:
        AuditEvent.objects.bulk_create(events, batch_size=500)


def generate(count: int, *, batch: int = 50_000, progress: Callable[[int], None] | None = None) -> int:
    """Append ``count`` synthetic events to the audit chain, ``batch`` per transaction; ``progress`` is
    called with the number written so far after each batch. Returns the number written. Refuses in
    production (``SeedRefused``) and on a count or batch below 1 (``ValueError``), writing nothing."""
    if count < 0 or batch < 1:
        raise ValueError("count must be 0 or more and batch at least 1.")
    if getattr(settings, "PRODUCTION", False):
        raise SeedRefused("Synthetic audit events are refused in production: they would mix with the real log.")
    rng = random.Random()  # noqa: S311 - synthetic content, not a secret
    written = 0
    while written < count:
        size = min(batch, count - written)
        events = [_synthetic(rng) for _ in range(size)]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [audit._PG_LOCK_ID])
            head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
            seq, prev = head if head else (0, audit.GENESIS)
            for event in events:
                seq += 1
                event.seq, event.prev_hash = seq, prev
                event.hash = prev = audit.compute_hash(prev, event)
            _write(events)
        written += size
        if progress is not None:
            progress(written)
    return written
