"""The monthly partitions of the audit log on PostgreSQL (migration 0004; docs/audit.md, "At scale").

``ensure_partitions`` creates the partitions of this month and the next ones ahead of time, so that
events land in their month and not in the DEFAULT partition: PostgreSQL cannot add a month's
partition while the DEFAULT partition holds rows of that month (splitting it would mean moving rows,
which the append-only log refuses). The append-only row trigger is on the parent table, so every new
partition gets it from PostgreSQL itself. On SQLite the log is one plain table and this does nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

PARENT = "core_auditevent"
DEFAULT_PARTITION = "core_auditevent_default"
MONTHS_AHEAD = 3


class PartitionError(Exception):
    """A month's partition cannot be created (the reason is in the message)."""


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: str  # as PostgreSQL states them: "FOR VALUES FROM (...) TO (...)" or "DEFAULT"
    has_trigger: bool


def is_partitioned() -> bool:
    """Whether the audit table is partitioned (PostgreSQL after migration 0004)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [PARENT])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def partition_name(month: datetime.date) -> str:
    return f"{PARENT}_y{month.year:04d}m{month.month:02d}"


def partitions() -> list[Partition]:
    """The partitions of the audit table, by name, each with whether the append-only trigger is on it."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid),
                   EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid
                           AND t.tgname = 'octip_audit_append_only' AND t.tgenabled <> 'D')
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass ORDER BY c.relname""", [PARENT])
        return [Partition(name, bounds, bool(trigger)) for name, bounds, trigger in cursor.fetchall()]


def ensure_partitions(months_ahead: int = MONTHS_AHEAD, *, today: datetime.date | None = None) -> list[str]:
    """Create the partitions of this month and of the ``months_ahead`` next ones that do not exist yet;
    returns the names created (none when run again). Raises ``PartitionError`` when the DEFAULT
    partition already holds rows of a month to create (that month stays in the DEFAULT partition)."""
    if months_ahead < 0:
        raise PartitionError("months_ahead must be 0 or more.")
    if not is_partitioned():
        return []
    month = _month_start(today or timezone.now().astimezone(datetime.UTC).date())
    existing = {p.name for p in partitions()}
    created: list[str] = []
    for _ in range(months_ahead + 1):
        name, upper = partition_name(month), _next_month(month)
        if name not in existing:
            lower_ts, upper_ts = f"{month.isoformat()} 00:00:00+00", f"{upper.isoformat()} 00:00:00+00"
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {DEFAULT_PARTITION} WHERE occurred_at >= %s AND occurred_at < %s "  # noqa: S608
                               "LIMIT 1", [lower_ts, upper_ts])
                if cursor.fetchone():
                    raise PartitionError(
                        f"The DEFAULT audit partition already holds events of {month:%Y-%m}: its partition cannot "
                        "be added (they stay in the DEFAULT partition, which is correct but slower). Create "
                        "partitions further ahead (--months).")
                # Names and bounds come from dates computed here, never from input.
                cursor.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {PARENT} "
                               f"FOR VALUES FROM ('{lower_ts}') TO ('{upper_ts}')")
            created.append(name)
        month = upper
    return created
