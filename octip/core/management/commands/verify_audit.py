"""``manage.py verify_audit``: walk the audit log's hash chain and check it against the signed
checkpoints (``octip.core.checkpoints``)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from octip.core.audit import ChainBreak, verify_chain
from octip.core.checkpoints import LogBroken, verify_log
from octip.core.models import AuditCheckpoint, AuditEvent


class Command(BaseCommand):
    help = ("Check the audit log: every signed checkpoint (its signature, and that the database and the export "
            "agree), then the events against them — from the last checkpoint, or with --full from the first "
            "event. Exits non-zero naming the first problem.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true",
                            help="Walk every event, not only those after the last checkpoint.")
        parser.add_argument("--count", action="store_true",
                            help="Also count the events before the last checkpoint (catches one deleted from the "
                                 "middle without re-hashing; reads their index, so slower on a large log).")
        parser.add_argument("--export", type=Path, default=None,
                            help="The folder of exported checkpoints (default: OCTIP_AUDIT_CHECKPOINT_DIR).")

    def handle(self, *args: Any, **options: Any) -> None:
        full = options["full"] or not AuditCheckpoint.objects.exists()
        if full:
            self._walk_chain()
        # The bar's total from two indexed reads, not a COUNT of the table: the newest seq, less the
        # last checkpoint's size when only the new events are walked.
        newest = _newest_seq()
        last = AuditCheckpoint.objects.order_by("-tree_size").values_list("tree_size", flat=True).first() or 0
        total = newest if full else max(newest - last, 0)
        with Progress(TextColumn("Checking against the checkpoints"), BarColumn(), MofNCompleteColumn(),
                      transient=True, disable=total < 5000) as progress:
            task = progress.add_task("verify", total=total)
            try:
                verified = verify_log(full=full, count_older=options["count"], export_dir=options["export"],
                                      progress=lambda n: progress.update(task, completed=n))
            except LogBroken as broken:
                raise CommandError(f"Audit log broken at event seq={broken.seq}: {broken.reason}.") from broken
        if not verified.checkpoints:
            self.stdout.write(self.style.WARNING(
                "No signed checkpoint yet: the chain is intact, but only a checkpoint proves it was not "
                "rewritten. Run manage.py audit_checkpoint."))
        if full:
            said = (f"Audit log intact: {verified.tree_size} events verified against {verified.checkpoints} "
                    "checkpoints")
        else:
            said = (f"Audit log intact since the last checkpoint: {verified.events} new events verified against "
                    f"{verified.checkpoints} checkpoints; the {verified.tree_size - verified.events} before were "
                    "checked by the signed newest hash" + (" and by count" if options["count"] else "") +
                    " only (--full re-hashes every event; the scheduler runs it weekly)")
        self.stdout.write(self.style.SUCCESS(f"{said}; root {verified.root_hash}."))

    def _walk_chain(self) -> None:
        # The chain names the first broken event precisely (altered, deleted, or forged and rehashed).
        total = _newest_seq()
        with Progress(TextColumn("Verifying audit chain"), BarColumn(), MofNCompleteColumn(),
                      transient=True, disable=total < 5000) as progress:
            task = progress.add_task("verify", total=total)
            for step in verify_chain():
                if isinstance(step, ChainBreak):
                    raise CommandError(
                        f"Audit chain broken at event seq={step.seq} (id={step.event_id}): {step.reason}. "
                        f"{step.verified} earlier events verified.")
                progress.update(task, completed=step)


def _newest_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
