"""``manage.py backup DIR``: the database as stored, the encrypted files and a manifest (never the keys)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress, SpinnerColumn, TextColumn

from octip.core import audit
from octip.core.backup import BackupError, write_backup


class Command(BaseCommand):
    help = ("Back up the database (every table as stored: encrypted columns stay encrypted), the private files "
            "(still encrypted) and a manifest (counts, SHA-256 digests, migrations, key fingerprints) into DIR, "
            "a new or empty folder. The key ring is never written: keep it apart (docs/operations.md).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path, metavar="DIR")

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} rows"),
                      disable=not self.stdout.isatty() and options.get("verbosity", 1) < 2,
                      console=None) as progress:
            task = progress.add_task("Backing up", total=None)

            def step(what: str, count: int) -> None:
                progress.update(task, description=f"Backing up {what}", advance=count)

            try:
                written = write_backup(folder, progress=step)
            except BackupError as problem:
                raise CommandError(str(problem)) from problem
        audit.record(None, "backup.written", None, detail={"rows": written.rows, "files": written.files})
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {written.folder}: {written.rows} rows, {written.files} files, manifest.json. "
            "The key ring is not in it: without the keys it is ciphertext."))
