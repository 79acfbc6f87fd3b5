"""``manage.py audit_checkpoint``: sign a checkpoint of the audit log and export it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from octip.core.checkpoints import LogBroken, public_key_pem, write_checkpoint


class Command(BaseCommand):
    help = ("Sign a checkpoint of the audit log's Merkle tree (size, root, time) with the key outside the "
            "database, store it and export it. Reads only the events since the last checkpoint. Safe to run "
            "twice: with no new event it writes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--export", type=Path, default=None,
                            help="Folder to export to (default: OCTIP_AUDIT_CHECKPOINT_DIR).")
        parser.add_argument("--public-key", action="store_true", help="Print the public key (PEM) and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_key"]:
            self.stdout.write(public_key_pem().decode())
            return
        try:
            row = write_checkpoint(export_dir=options["export"],
                                   progress=lambda n: self.stderr.write(f"  {n} new events read…"))
        except LogBroken as broken:
            raise CommandError(f"No checkpoint written: {broken.reason} (event seq={broken.seq}). "
                               "Run manage.py verify_audit --full.") from broken
        if row is None:
            self.stdout.write("No new audit events since the last checkpoint: nothing written.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Checkpoint written: {row.tree_size} events, root {row.root_hash}, signed by key {row.key_id}."))
