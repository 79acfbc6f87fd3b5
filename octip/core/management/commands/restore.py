"""``manage.py restore DIR``: a backup into an empty database and files storage, its manifest's HMAC and the
keys checked first, the audit log verified before the restore commits."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress, SpinnerColumn, TextColumn

from octip.core import audit
from octip.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into an empty, migrated database (and an empty files "
            "storage). The manifest's signature (an HMAC under the field key ring) is checked first, then every "
            "digest, the schema and the keys, before anything is written; the restored audit log is verified "
            "(as verify_audit --full) before the restore commits, and a log that does not verify is rolled back.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path, metavar="DIR")
        parser.add_argument("--export", type=Path, default=None,
                            help="The folder of exported audit checkpoints to verify against "
                                 "(default: OCTIP_AUDIT_CHECKPOINT_DIR).")
        parser.add_argument("--no-verify", action="store_true",
                            help="Do not check the signed checkpoints against the export folder (the hash chain is "
                                 "still verified, and must end where the manifest says); run "
                                 "verify_audit --full --export ... yourself.")

    def handle(self, *args: Any, folder: Path, no_verify: bool, export: Path | None = None, **options: Any) -> None:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} rows"),
                      disable=not self.stdout.isatty() and options.get("verbosity", 1) < 2) as progress:
            task = progress.add_task("Restoring", total=None)

            def step(what: str, count: int) -> None:
                progress.update(task, description=f"Restoring {what}", advance=count)

            try:
                restored = restore_backup(folder, progress=step, verify_checkpoints=not no_verify, export_dir=export)
            except BackupError as problem:
                raise CommandError(f"Nothing was restored: {problem}") from problem
        verified = "its hash chain" if no_verify else "its hash chain and signed checkpoints"
        self.stdout.write(self.style.SUCCESS(
            f"Restored {restored.rows} rows and {restored.files} files from {folder}; the audit log "
            f"({restored.audit_events} events) verified before commit: {verified}."))
        audit.record(None, "backup.restored", None, detail={"rows": restored.rows, "files": restored.files})
