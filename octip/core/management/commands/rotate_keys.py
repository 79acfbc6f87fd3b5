"""``manage.py rotate_keys``: re-encrypt every encrypted column under the newest key."""

from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from octip.core import audit, crypto
from octip.core.fields import encrypted_fields


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted column under the newest key of OCTIP_FIELD_KEYS. "
            "Safe to interrupt: each batch commits on its own, and a second run skips what is done.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        current = crypto.key_ring().current_id
        models = [(m, encrypted_fields(m)) for m in apps.get_models()]
        models = [(m, f) for m, f in models if f]
        total_rewritten = 0
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      disable=not self.stdout.isatty() and options.get("verbosity", 1) < 2) as progress:
            for model, fields in models:
                manager = model._base_manager
                task = progress.add_task(model._meta.label, total=manager.count())
                last_pk = None
                while True:
                    # Read the raw ciphertext (Cast skips decryption) to see which key wrote it.
                    rows = manager.order_by("pk")
                    if last_pk is not None:
                        rows = rows.filter(pk__gt=last_pk)
                    raw = list(rows.values_list("pk", *[Cast(f.name, TextField()) for f in fields])[:batch_size])
                    if not raw:
                        break
                    stale = [row[0] for row in raw
                             if any(v and crypto.key_id_of(v) != current for v in row[1:])]
                    with transaction.atomic():
                        for instance in manager.filter(pk__in=stale).select_for_update():
                            # update() re-encrypts the decrypted values under the current key.
                            manager.filter(pk=instance.pk).update(
                                **{f.name: getattr(instance, f.attname) for f in fields})
                    total_rewritten += len(stale)
                    last_pk = raw[-1][0]
                    progress.advance(task, len(raw))
        audit.record(None, "crypto.keys_rotated", None, detail={"key_id": current, "rows": total_rewritten})
        self.stdout.write(self.style.SUCCESS(
            f"{total_rewritten} rows re-encrypted under key {current}; every encrypted column is current."))
