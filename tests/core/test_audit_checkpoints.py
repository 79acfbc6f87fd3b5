"""Issue 14 (and issue 9 #9): signed checkpoints make the audit log tamper-evident against someone who
can write the database. Rewriting an event and recomputing every hash after it, deleting the newest
events, forging or deleting a checkpoint: ``verify_audit`` catches each. It verifies incrementally
from the last checkpoint, and ``tools/verify_checkpoint.py`` checks checkpoints and proofs without
Django."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from octip.core import audit, checkpoints
from octip.core.crypto import new_key
from octip.core.models import AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "verify_checkpoint.py"


@pytest.fixture(autouse=True)
def _key_and_export(settings, tmp_path):
    settings.OCTIP_AUDIT_SIGNING_KEY = new_key()
    settings.OCTIP_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    checkpoints.reset_signing_key()
    yield
    checkpoints.reset_signing_key()


def _events(n):
    return [audit.record(None, "test.event", ("test.thing", i), purpose="testing", detail={"i": i}) for i in range(n)]


def _sql(sql, params=(), table="core_auditevent", trigger="octip_audit_append_only"):
    """Write the database as an attacker would, around the append-only triggers of PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        cursor.execute(sql, list(params))
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def _rewrite_and_rehash(seq):
    """Change event ``seq`` and recompute its hash and every hash after it with the public algorithm."""
    events = list(AuditEvent.objects.order_by("seq"))
    prev = audit.GENESIS
    for event in events:
        if event.seq == seq:
            event.purpose = "nothing to see"
        if event.seq >= seq:
            event.prev_hash, event.hash = prev, audit.compute_hash(prev, event)
            _sql("UPDATE core_auditevent SET purpose = %s, prev_hash = %s, hash = %s WHERE id = %s",
                 [event.purpose, event.prev_hash, event.hash, event.pk])
        prev = event.hash


def _verify(*args):
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_a_checkpoint_is_written_once_and_verifies():
    _events(5)
    call_command("audit_checkpoint")
    call_command("audit_checkpoint")  # nothing new: nothing written
    assert AuditCheckpoint.objects.count() == 1
    row = AuditCheckpoint.objects.get()
    assert row.tree_size == 5 and "0 new events verified against 1 checkpoints" in _verify()
    assert "5 events verified against 1 checkpoints" in _verify("--full")
    assert (Path(checkpoints.settings.OCTIP_AUDIT_CHECKPOINT_DIR) / "checkpoint-000000000005.json").exists()


def test_without_checkpoints_a_rehashed_rewrite_passes_the_chain():
    """What issue 14 found: the chain alone proves nothing against a rewrite with hashes recomputed."""
    _events(6)
    _rewrite_and_rehash(3)
    assert "No signed checkpoint yet" in _verify()


@pytest.mark.parametrize("full", [False, True])
def test_a_rewritten_event_with_every_hash_recomputed_is_caught(full):
    _events(6)
    call_command("audit_checkpoint")
    _events(2)
    _rewrite_and_rehash(3)
    with pytest.raises(CommandError, match="checkpoint 6"):
        _verify(*(["--full"] if full else []))


def test_a_truncation_of_the_newest_events_is_caught():
    _events(6)
    call_command("audit_checkpoint")
    _sql("DELETE FROM core_auditevent WHERE seq > 4")
    with pytest.raises(CommandError, match="newest events were deleted"):
        _verify()


def test_a_truncation_and_the_deletion_of_its_checkpoint_are_caught_by_the_export():
    _events(4)
    call_command("audit_checkpoint")
    _events(3)
    call_command("audit_checkpoint")
    _sql("DELETE FROM core_auditevent WHERE seq > 4")
    _sql("DELETE FROM core_auditcheckpoint WHERE tree_size = 7", table="core_auditcheckpoint",
         trigger="octip_checkpoint_append_only")
    with pytest.raises(CommandError, match="checkpoint 7 is in the export but not in the database"):
        _verify()


def test_a_forged_checkpoint_is_caught():
    _events(5)
    call_command("audit_checkpoint")
    _rewrite_and_rehash(2)
    # The attacker writes a checkpoint of the rewritten log, and cannot sign it with the office's key.
    forged_root = checkpoints.merkle.root_of(
        [checkpoints.merkle.leaf_hash(bytes.fromhex(h)) for h in AuditEvent.objects.values_list("hash", flat=True)])
    _sql("UPDATE core_auditcheckpoint SET root_hash = %s, last_hash = %s WHERE tree_size = 5",
         [forged_root.hex(), AuditEvent.objects.get(seq=5).hash], table="core_auditcheckpoint",
         trigger="octip_checkpoint_append_only")
    with pytest.raises(CommandError, match="checkpoint 5"):
        _verify()


def test_verification_is_incremental_from_the_last_checkpoint():
    _events(50)
    call_command("audit_checkpoint")
    _events(3)
    verified = checkpoints.verify_log()
    assert verified.events == 3 and verified.tree_size == 53
    assert checkpoints.verify_log(full=True).events == 53


def test_a_checkpoint_is_not_signed_over_a_broken_chain():
    events = _events(4)
    call_command("audit_checkpoint")
    _events(2)
    _sql("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s", [AuditEvent.objects.get(seq=6).pk])
    with pytest.raises(CommandError, match="No checkpoint written"):
        call_command("audit_checkpoint")
    assert AuditCheckpoint.objects.count() == 1 and events


def _tool(*args):
    env = {"PATH": "/usr/bin:/bin"}  # no DJANGO_SETTINGS_MODULE, no project on the path
    return subprocess.run([sys.executable, "-I", str(TOOL), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=60, check=False)


def _proof(*args):
    out = io.StringIO()
    call_command("audit_proof", *args, stdout=out)
    return out.getvalue()


def test_the_standalone_tool_verifies_checkpoints_and_proofs(tmp_path):
    events = _events(9)
    call_command("audit_checkpoint")
    _events(4)
    call_command("audit_checkpoint")
    folder = Path(checkpoints.settings.OCTIP_AUDIT_CHECKPOINT_DIR)
    key = folder / "audit-signing-key.pub.pem"
    assert _tool("--public-key", key, folder / "checkpoint-000000000013.json").returncode == 0

    inclusion = tmp_path / "inclusion.json"
    inclusion.write_text(_proof(str(events[4].pk)))
    result = _tool("--public-key", key, "--inclusion", inclusion)
    assert result.returncode == 0 and "event seq 5 is in checkpoint 13" in result.stdout

    consistency = tmp_path / "consistency.json"
    consistency.write_text(_proof("--consistency", "9"))
    assert _tool("--public-key", key, "--consistency", consistency).returncode == 0

    bent = json.loads(inclusion.read_text())
    bent["event_hash"] = "00" * 32
    inclusion.write_text(json.dumps(bent))
    refused = _tool("--public-key", key, "--inclusion", inclusion)
    assert refused.returncode == 1 and "NOT VERIFIED" in refused.stdout

    forged = json.loads((folder / "checkpoint-000000000013.json").read_text())
    forged["tree_size"] = 12
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    assert _tool("--public-key", key, tmp_path / "forged.json").returncode == 1


def test_the_tool_imports_no_django():
    probe = ("import runpy, sys; runpy.run_path(sys.argv[1], run_name='probe'); "
             "print('django' in sys.modules)")
    result = subprocess.run([sys.executable, "-I", "-c", probe, str(TOOL)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.stdout.strip() == "False", result.stderr


def test_audit_proof_says_clearly_what_is_missing():
    _events(2)
    with pytest.raises(CommandError, match="No checkpoint covers this event yet"):
        call_command("audit_proof", str(AuditEvent.objects.first().pk))
    with pytest.raises(CommandError, match="No audit event has the id"):
        call_command("audit_proof", "999999")


def test_the_scheduler_writes_checkpoints_and_a_second_run_adds_none(settings):
    from octip.core.tasks import write_audit_checkpoint

    assert settings.OCTIP_PERIODIC_JOBS["audit.checkpoint"]["task"] == "octip.core.tasks.write_audit_checkpoint"
    _events(3)
    write_audit_checkpoint.enqueue()
    write_audit_checkpoint.enqueue()
    assert list(AuditCheckpoint.objects.values_list("tree_size", flat=True)) == [3]


def _checkpoint_sql(sql, params=()):
    _sql(sql, params, table="core_auditcheckpoint", trigger="octip_checkpoint_append_only")


def test_a_stored_compact_range_of_the_wrong_shape_is_refused():
    """A lone root folds to the signed root: without the shape check, the next checkpoint would be
    signed over a wrong tree (found by the review)."""
    _events(6)
    call_command("audit_checkpoint")
    row = AuditCheckpoint.objects.get()
    _checkpoint_sql("UPDATE core_auditcheckpoint SET frontier = %s WHERE id = %s",
                    [json.dumps([row.root_hash]), row.pk])
    _events(1)
    with pytest.raises(CommandError, match="compact range"):
        call_command("audit_checkpoint")
    with pytest.raises(CommandError, match="compact range"):
        _verify()


def test_an_older_event_deleted_is_caught_by_count_or_full_not_by_the_daily_check(settings):
    # The daily check costs O(new events) (issue 15): it does not read the events before the last
    # checkpoint, so a deletion from the middle needs --count (index only) or --full (the weekly job).
    _events(6)
    call_command("audit_checkpoint")
    _sql("DELETE FROM core_auditevent WHERE seq = 3")
    assert "0 new events verified" in _verify()
    with pytest.raises(CommandError, match="missing"):
        _verify("--count")
    with pytest.raises(CommandError, match="seq=4"):
        _verify("--full")


def test_the_newest_checkpoint_must_be_in_the_export(settings, tmp_path):
    _events(3)
    call_command("audit_checkpoint")
    settings.OCTIP_AUDIT_CHECKPOINT_DIR = tmp_path / "elsewhere"
    with pytest.raises(CommandError, match="not in the export folder"):
        _verify()


def test_the_weekly_job_verifies_in_full_and_fails_on_a_broken_log(settings):
    from octip.core.tasks import AuditLogBroken, verify_audit_log_in_full

    assert settings.OCTIP_PERIODIC_JOBS["audit.verify_full"]["task"] == "octip.core.tasks.verify_audit_log_in_full"
    _events(5)
    call_command("audit_checkpoint")
    assert verify_audit_log_in_full.call() == 5
    _sql("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s", [AuditEvent.objects.get(seq=2).pk])
    with pytest.raises(AuditLogBroken, match="seq=2"):
        verify_audit_log_in_full.call()
