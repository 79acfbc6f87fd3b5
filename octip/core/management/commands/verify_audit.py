"""``manage.py verify_audit``: walk the audit log's hash chain."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from octip.core.audit import ChainBreak, verify_chain
from octip.core.models import AuditEvent


class Command(BaseCommand):
    help = "Walk the audit log's hash chain; exit non-zero naming the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        checked = 0
        with Progress(TextColumn("Verifying audit chain"), BarColumn(), MofNCompleteColumn(),
                      transient=True, disable=total < 5000) as progress:
            task = progress.add_task("verify", total=total)
            for step in verify_chain():
                if isinstance(step, ChainBreak):
                    raise CommandError(
                        f"Audit chain broken at event seq={step.seq} (id={step.event_id}): {step.reason}. "
                        f"{step.verified} earlier events verified.")
                checked = step
                progress.update(task, completed=checked)
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
