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
        parser.add_argument("--export", type=Path, default=None,
                            help="The folder of exported checkpoints (default: OCTIP_AUDIT_CHECKPOINT_DIR).")

    def handle(self, *args: Any, **options: Any) -> None:
        full = options["full"] or not AuditCheckpoint.objects.exists()
        if full:
            self._walk_chain()
        total = AuditEvent.objects.count()
        with Progress(TextColumn("Checking against the checkpoints"), BarColumn(), MofNCompleteColumn(),
                      transient=True, disable=total < 5000) as progress:
            task = progress.add_task("verify", total=total)
            try:
                verified = verify_log(full=full, export_dir=options["export"],
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
                    "checked by count and by the signed newest hash only (--full re-hashes every event; the "
                    "scheduler runs it weekly)")
        self.stdout.write(self.style.SUCCESS(f"{said}; root {verified.root_hash}."))

    def _walk_chain(self) -> None:
        # The chain names the first broken event precisely (altered, deleted, or forged and rehashed).
        total = AuditEvent.objects.count()
        with Progress(TextColumn("Verifying audit chain"), BarColumn(), MofNCompleteColumn(),
                      transient=True, disable=total < 5000) as progress:
            task = progress.add_task("verify", total=total)
            for step in verify_chain():
                if isinstance(step, ChainBreak):
                    raise CommandError(
                        f"Audit chain broken at event seq={step.seq} (id={step.event_id}): {step.reason}. "
                        f"{step.verified} earlier events verified.")
                progress.update(task, completed=step)
