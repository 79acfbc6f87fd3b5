"""Issue 15: the audit log at scale. On PostgreSQL the table is partitioned by month with the
append-only trigger on every partition; the bulk generator writes valid chain members; the daily
verification reads only the events since the last checkpoint."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as global_apps
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from octip.core import audit, audit_partitions, bulk_audit, checkpoints
from octip.core.crypto import new_key
from octip.core.models import AuditEvent

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


@pytest.fixture
def signing(settings, tmp_path):
    settings.OCTIP_AUDIT_SIGNING_KEY = new_key()
    settings.OCTIP_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    checkpoints.reset_signing_key()
    yield
    checkpoints.reset_signing_key()


def _chain_ok() -> int:
    steps = list(audit.verify_chain())
    assert not any(isinstance(s, audit.ChainBreak) for s in steps), steps[-1]
    return steps[-1]


def _refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))
    return str(raised.value)


# --- The bulk generator (both databases) -------------------------------------------------------

def test_generated_events_continue_the_chain_after_record_and_before_the_next():
    audit.record(None, "test.before", ("test.thing", 1))
    seen = []
    assert bulk_audit.generate(25, batch=10, progress=seen.append) == 25
    audit.record(None, "test.after", ("test.thing", 2))
    assert seen == [10, 20, 25]
    assert _chain_ok() == 27
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 28))
    generated = AuditEvent.objects.filter(seq__gt=1, seq__lt=27)
    assert all(e.actor_email.endswith("@example.org") or e.actor_email == "" for e in generated)


def test_stopping_between_batches_leaves_a_valid_chain_and_running_again_continues():
    def stop_after_first(n):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bulk_audit.generate(30, batch=10, progress=stop_after_first)
    assert AuditEvent.objects.count() == 10 and _chain_ok() == 10
    bulk_audit.generate(5, batch=10)
    assert _chain_ok() == 15


def test_bad_counts_and_production_are_refused_and_write_nothing(settings):
    with pytest.raises(ValueError):
        bulk_audit.generate(-1)
    with pytest.raises(ValueError):
        bulk_audit.generate(5, batch=0)
    settings.PRODUCTION = True
    with pytest.raises(bulk_audit.SeedRefused):
        bulk_audit.generate(5)
    assert not AuditEvent.objects.exists()


def test_the_seed_command_appends_and_refuses_a_bad_count():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("seed_audit_events", "12", "--batch", "5")
    assert _chain_ok() == 12
    with pytest.raises(CommandError):
        call_command("seed_audit_events", "0")
    assert AuditEvent.objects.count() == 12


# --- Incremental verification is O(new events) ------------------------------------------------

def test_the_daily_check_reads_only_the_new_events_and_counts_nothing(signing, settings):
    bulk_audit.generate(40, batch=40)
    checkpoints.write_checkpoint()
    bulk_audit.generate(7, batch=7)
    with CaptureQueriesContext(connection) as queries:
        verified = checkpoints.verify_log()
    assert verified.events == 7 and verified.tree_size == 47
    sql = [q["sql"].lower() for q in queries.captured_queries]
    assert not any("count(" in s for s in sql)
    # The old events are read once, by seq: the one the checkpoint signed; the walk starts after it.
    walks = [s for s in sql if '"seq" >' in s]
    assert walks and all("40" in s for s in walks)
    from octip.core.tasks import verify_audit_log_since_checkpoint

    assert settings.OCTIP_PERIODIC_JOBS["audit.verify_daily"]["task"] == \
        "octip.core.tasks.verify_audit_log_since_checkpoint"
    assert verify_audit_log_since_checkpoint.call() == 7


# --- Partitions (PostgreSQL) ------------------------------------------------------------------

def _partition_of(event: AuditEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM core_auditevent WHERE id = %s", [event.pk])
        return cursor.fetchone()[0]


@postgres_only
def test_rows_land_in_their_month_and_an_unplanned_month_in_the_default():
    assert audit_partitions.is_partitioned()
    event = audit.record(None, "test.event", ("test.thing", 1))
    month = event.occurred_at.astimezone(datetime.UTC).date().replace(day=1)
    assert _partition_of(event) == audit_partitions.partition_name(month)
    far = AuditEvent(seq=2, occurred_at=datetime.datetime(2041, 5, 3, tzinfo=datetime.UTC), action="test.far",
                     prev_hash=event.hash, hash="f" * 64)
    far.save(force_insert=True)
    assert _partition_of(far) == audit_partitions.DEFAULT_PARTITION
    # That month cannot be split out of the default any more: a clear refusal, nothing created.
    with pytest.raises(audit_partitions.PartitionError, match="2041-05"):
        audit_partitions.ensure_partitions(0, today=datetime.date(2041, 5, 20))
    assert "core_auditevent_y2041m05" not in {p.name for p in audit_partitions.partitions()}


@postgres_only
def test_update_and_delete_are_refused_on_the_parent_and_on_every_partition():
    event = audit.record(None, "test.event", ("test.thing", 1))
    part = _partition_of(event)
    assert "append-only" in _refused("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s", [event.pk])
    assert "append-only" in _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert "append-only" in _refused(f"UPDATE {part} SET purpose = 'x' WHERE id = %s", [event.pk])
    assert "append-only" in _refused(f"DELETE FROM {part} WHERE id = %s", [event.pk])
    assert all(p.has_trigger for p in audit_partitions.partitions())
    assert _chain_ok() == 1


@postgres_only
def test_the_job_creates_the_coming_months_with_the_trigger_once():
    from octip.core.tasks import ensure_audit_partitions

    assert ensure_audit_partitions.call() == 0  # the migration made this month and the next ones
    created = audit_partitions.ensure_partitions(1, today=datetime.date(2039, 12, 9))
    assert created == ["core_auditevent_y2039m12", "core_auditevent_y2040m01"]
    assert audit_partitions.ensure_partitions(1, today=datetime.date(2039, 12, 9)) == []
    new = {p.name: p for p in audit_partitions.partitions()}["core_auditevent_y2040m01"]
    assert new.has_trigger and "2040-01-01" in new.bounds and "2040-02-01" in new.bounds
    head = audit.record(None, "test.event", ("test.thing", 1))
    row = AuditEvent(seq=2, occurred_at=datetime.datetime(2040, 1, 2, tzinfo=datetime.UTC), action="test.later",
                     prev_hash=head.hash, hash="e" * 64)
    row.save(force_insert=True)
    assert _partition_of(row) == "core_auditevent_y2040m01"
    assert "append-only" in _refused("DELETE FROM core_auditevent_y2040m01")


@postgres_only
def test_the_migration_keeps_every_event_the_chain_and_the_ids():
    # Rebuild the table as it was before 0004 (inside the test's transaction, undone after it).
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE core_auditevent CASCADE")
    with connection.schema_editor() as editor:
        editor.create_model(AuditEvent)
    assert not audit_partitions.is_partitioned()
    audit.record(None, "test.first", ("test.thing", 1))
    bulk_audit.generate(300, batch=100)
    before = list(AuditEvent.objects.order_by("seq").values_list("id", "seq", "hash"))
    migration = importlib.import_module("octip.core.migrations.0004_audit_partitions")
    with connection.schema_editor() as editor:
        migration._forwards(global_apps, editor)
    assert audit_partitions.is_partitioned()
    assert list(AuditEvent.objects.order_by("seq").values_list("id", "seq", "hash")) == before
    after = audit.record(None, "test.after", ("test.thing", 2))
    assert after.pk > before[-1][0] and after.seq == 302
    assert _chain_ok() == 302
    assert all(p.has_trigger for p in audit_partitions.partitions())
    assert "append-only" in _refused("DELETE FROM core_auditevent WHERE id = %s", [after.pk])
