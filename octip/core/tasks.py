"""The periodic jobs of the audit log (see settings.OCTIP_PERIODIC_JOBS); safe to run twice: with no new
event it writes no checkpoint."""

from __future__ import annotations

from django_tasks import task

from .audit import ChainBreak, verify_chain
from .checkpoints import LogBroken, verify_log, write_checkpoint


@task()
def write_audit_checkpoint() -> int:
    """Sign and export a checkpoint of the audit log; returns its tree size (0 when nothing was new)."""
    row = write_checkpoint()
    return row.tree_size if row is not None else 0


class AuditLogBroken(Exception):
    """The weekly full verification found the audit log broken (the job fails and a system
    administrator sees it, with the reason, at /app/jobs/failed/)."""


@task()
def verify_audit_log_in_full() -> int:
    """Re-hash the whole chain and check it against every checkpoint (``verify_audit --full``); the daily
    checks walk only the new events. Returns how many events were verified; raises when broken."""
    for step in verify_chain():
        if isinstance(step, ChainBreak):
            raise AuditLogBroken(f"audit chain broken at event seq={step.seq}: {step.reason}")
    try:
        return verify_log(full=True).events
    except LogBroken as broken:
        raise AuditLogBroken(f"audit log broken at event seq={broken.seq}: {broken.reason}") from broken


@task()
def verify_audit_log_since_checkpoint() -> int:
    """The daily check (``verify_audit``): every checkpoint, and the events since the last one only, so its
    cost follows the new events, not the size of the log. Returns how many events were walked; raises
    when broken."""
    try:
        return verify_log().events
    except LogBroken as broken:
        raise AuditLogBroken(f"audit log broken at event seq={broken.seq}: {broken.reason}") from broken


@task()
def ensure_audit_partitions() -> int:
    """Create the audit log's partitions for this month and the next ones (PostgreSQL; nothing on
    SQLite). Returns how many were created."""
    from .audit_partitions import ensure_partitions

    return len(ensure_partitions())
