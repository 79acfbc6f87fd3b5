"""``manage.py audit_partitions``: create the audit log's monthly partitions ahead (PostgreSQL)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from octip.core.audit_partitions import MONTHS_AHEAD, PartitionError, ensure_partitions, is_partitioned, partitions


class Command(BaseCommand):
    help = ("Create the partitions of the audit log for this month and the next ones (PostgreSQL; the daily "
            "job does it too). Safe to run again: existing partitions are left alone. --list shows them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=MONTHS_AHEAD,
                            help=f"How many months ahead of this one (default {MONTHS_AHEAD}).")
        parser.add_argument("--list", action="store_true", help="List the partitions and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_partitioned():
            self.stdout.write("The audit log is not partitioned on this database (SQLite keeps one table): "
                              "nothing to do.")
            return
        if not options["list"]:
            try:
                created = ensure_partitions(options["months"])
            except PartitionError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(
                f"Created {len(created)} partition(s): {', '.join(created)}." if created
                else "Every partition needed already exists: nothing created."))
        for part in partitions():
            flag = "" if part.has_trigger else "  (NO append-only trigger!)"
            self.stdout.write(f"  {part.name}: {part.bounds}{flag}")
