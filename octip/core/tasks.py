"""The periodic job of the audit log (see settings.OCTIP_PERIODIC_JOBS); safe to run twice: with no new
event it writes no checkpoint."""

from __future__ import annotations

from django_tasks import task

from .checkpoints import write_checkpoint


@task()
def write_audit_checkpoint() -> int:
    """Sign and export a checkpoint of the audit log; returns its tree size (0 when nothing was new)."""
    row = write_checkpoint()
    return row.tree_size if row is not None else 0
