"""``manage.py rotate_blind_index_key``: re-index every blind-indexed row under the current key version."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import models, transaction
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from octip.core import audit, crypto
from octip.core.fields import blind_indexed_models


class Command(BaseCommand):
    help = ("Re-index every blind-indexed row (names, dates of birth, phones) under the current version of "
            "OCTIP_BLIND_INDEX_KEY (the last of b1:<key>,b2:<key>). Searches look under every configured version "
            "meanwhile. Safe to interrupt: each batch commits with the rows' key version, and a second run resumes "
            "where the first stopped. When it reports nothing left, remove the older versions from the setting.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--max-rows", type=int, default=None,
                            help="Stop after this many rows (run again to go on), e.g. to spread the work.")

    def handle(self, *args: Any, batch_size: int, max_rows: int | None, **options: Any) -> None:
        current = crypto.key_ring().blind_index_id
        done = left = 0
        stopped = False
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      disable=not self.stdout.isatty() and options.get("verbosity", 1) < 2) as progress:
            for model in blind_indexed_models():
                manager = model._base_manager
                stale = manager.exclude(index_key_id=current)
                task = progress.add_task(f"{model._meta.label} → {current}", total=stale.count())
                last_pk = None
                while not stopped:
                    rows = stale.order_by("pk")
                    if last_pk is not None:
                        rows = rows.filter(pk__gt=last_pk)
                    limit = batch_size if max_rows is None else max(0, min(batch_size, max_rows - done))
                    batch = list(rows[:limit]) if limit else []
                    if not batch:
                        stopped = max_rows is not None and done >= max_rows
                        break
                    done += self._reindex(model, batch, current)
                    last_pk = batch[-1].pk
                    progress.advance(task, len(batch))
                left += stale.count()
        audit.record(None, "crypto.blind_index_rotated", None,
                     detail={"key_version": current, "rows": done, "left": left})
        if left:
            self.stdout.write(self.style.WARNING(
                f"{done} rows re-indexed under blind-index key {current}; {left} still under an older version. "
                "Run the command again to go on (searches look under every version meanwhile)."))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{done} rows re-indexed; every row is indexed under blind-index key {current}. Once every server "
                f"runs with it, remove the older versions from OCTIP_BLIND_INDEX_KEY (keep {current}:<key>)."))

    def _reindex(self, model: type[models.Model], batch: list[Any], current: str) -> int:
        """One batch in one transaction. A row edited meanwhile is left alone: its save indexed it already
        under the current version (the edit writes ``INDEXED_FIELDS``), and it is not overwritten. A model
        whose indexes live in other rows too (``Person``'s search tokens) rewrites them with ``reindexed``,
        in the same transaction, for the rows updated here."""
        written = []
        with transaction.atomic():
            for row in batch:
                before = {"index_key_id": row.index_key_id}
                if hasattr(row, "version"):
                    before["version"] = row.version
                row.refresh_indexes()
                if model._base_manager.filter(pk=row.pk, **before).update(
                        **{name: getattr(row, name) for name in model.INDEXED_FIELDS}):  # type: ignore[attr-defined]
                    written.append(row)
            if written and hasattr(model, "reindexed"):
                model.reindexed(written)
        return len(written)
