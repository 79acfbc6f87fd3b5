"""``manage.py seed_audit_events COUNT``: append synthetic audit events, for benchmarks at scale."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from octip.core.bulk_audit import SeedRefused, generate


class Command(BaseCommand):
    help = ("Append COUNT synthetic events (made-up content) to the audit log as valid members of its chain, "
            "continuing from the newest event. Stopping between batches leaves a valid chain; run again to "
            "continue. Refused in production.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, help="How many events to append.")
        parser.add_argument("--batch", type=int, default=50_000, help="Events per transaction (default 50000).")

    def handle(self, *args: Any, **options: Any) -> None:
        count, batch = options["count"], options["batch"]
        if count < 1 or batch < 1:
            raise CommandError("COUNT and --batch must be at least 1.")
        with Progress(TextColumn("Appending synthetic audit events"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn()) as bar:
            task = bar.add_task("seed", total=count)
            try:
                written = generate(count, batch=batch, progress=lambda n: bar.update(task, completed=n))
            except SeedRefused as refused:
                raise CommandError(str(refused)) from refused
        self.stdout.write(self.style.SUCCESS(f"Appended {written} synthetic audit events."))
