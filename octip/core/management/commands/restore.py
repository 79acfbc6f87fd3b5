"""``manage.py restore DIR``: a backup into an empty database and files storage, keys checked first."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress, SpinnerColumn, TextColumn

from octip.core import audit
from octip.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into an empty, migrated database (and an empty files "
            "storage). The manifest, every digest, the schema and the keys (the backup's canary must decrypt) "
            "are checked before anything is written; then the audit log is verified.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path, metavar="DIR")
        parser.add_argument("--no-verify", action="store_true",
                            help="Do not run verify_audit --full after restoring (run it yourself).")

    def handle(self, *args: Any, folder: Path, no_verify: bool, **options: Any) -> None:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} rows"),
                      disable=not self.stdout.isatty() and options.get("verbosity", 1) < 2) as progress:
            task = progress.add_task("Restoring", total=None)

            def step(what: str, count: int) -> None:
                progress.update(task, description=f"Restoring {what}", advance=count)

            try:
                restored = restore_backup(folder, progress=step)
            except BackupError as problem:
                raise CommandError(f"Nothing was restored: {problem}") from problem
        self.stdout.write(self.style.SUCCESS(
            f"Restored {restored.rows} rows and {restored.files} files from {folder}."))
        if not no_verify:
            try:
                call_command("verify_audit", "--full", stdout=self.stdout, stderr=self.stderr)
            except CommandError as broken:
                raise CommandError(f"The backup was restored, but its audit log does not verify: {broken}") from broken
        audit.record(None, "backup.restored", None, detail={"rows": restored.rows, "files": restored.files})
