"""Case list exports (CSV and XLSX) of what the user may see, streamed in batches.

The columns are the case header and the fields of the case-level sections (``sections.columns``);
the exporter may choose among them (``?columns=``, validated against ``allowed_columns``). Identifying
columns exist only with ``case.export_identifying`` and ``case.view_identifying``, and a row fills a
section's columns only when the user may read that section of the case; every cell is neutralised
against spreadsheet formulas.

Memory stays flat in the number of cases: the visible cases are read by keyset in batches of
``BATCH`` (``keyset.iterate``), the CSV is streamed row by row, and the XLSX is written by openpyxl's
write-only workbook to a temporary file that is then sent (``FileResponse``). Only the encrypted fields
of the chosen columns are loaded, so only they are decrypted (``defer``).

The audit of what left: one ``case.exported`` event per batch, written before that batch's rows leave,
with the batch's case ids and those whose identifying columns went with them; every event of one
export carries the same ``export_id`` and its ``batch`` number, and the last one says ``complete``
with the number of batches and rows. An export cut short (the download stopped) has no ``complete``
event, and its events name only the batches that left.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from octip.core import audit, context, keyset
from octip.core.access import allows, require
from octip.core.csv_safety import neutralise, plain_text_refusal, stream_csv
from octip.core.fields import encrypted_fields

from . import selectors
from .models import Person, YouthProfile
from .sections import CASE_LEVEL, Column, cell, columns

#: Cases read (and recorded) per batch.
BATCH = 500
#: Door columns, shown for every row: the case header and who holds the case (not section content).
HEADER_COLUMNS = ["case_number", "case_id", "track", "stage", "owner_organization", "owner_team", "opened_at",
                  "overdue_tasks"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnknownColumns(ValueError):
    """Columns asked for that are not among those the exporter may export."""


def _clean(value: Any) -> Any:
    """Neutralised against formulas, without the control characters a spreadsheet refuses (a name
    pasted with one must not make the export fail — nor land in an error log)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def _identifying(actor: Any) -> bool:
    return selectors.may_export_identifying(actor)


def allowed_columns(actor: Any) -> list[str]:
    """The columns this exporter may choose, in their export order (none without ``case.export``)."""
    if not allows(actor, "case.export"):
        return []
    return HEADER_COLUMNS + [c.name for c in columns(CASE_LEVEL, identifying=_identifying(actor))]


def chosen_columns(actor: Any, asked: Iterable[str]) -> list[str]:
    """The columns asked for (``columns=a,b`` or repeated), checked against ``allowed_columns``, in the
    order asked; every allowed column when none is asked. Raises ``UnknownColumns`` naming the others."""
    allowed = allowed_columns(actor)
    names = [name.strip() for item in asked for name in str(item).split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise UnknownColumns(", ".join(sorted(set(unknown))))
    return list(dict.fromkeys(names)) or allowed


def _loaded_only(cases: Any, section_columns: list[Column]) -> Any:
    """Join the person and the youth profile only when a chosen column reads them, and defer their
    encrypted fields no chosen column needs: a deferred field is never read, so never decrypted."""
    for relation, model in (("person", Person), ("youth", YouthProfile)):
        wanted = {c.field.source.split(".")[0] for c in section_columns if c.field.on == relation}
        if not wanted:
            continue
        cases = cases.select_related(relation).defer(
            *(f"{relation}__{f.name}" for f in encrypted_fields(model) if f.name not in wanted))
    return cases


def _header_cell(name: str, case: Any) -> Any:
    if name == "case_number":
        return case.number
    if name == "case_id":
        return str(case.pk)
    if name == "owner_organization":
        return case.owner_organization.name
    if name == "owner_team":
        return case.owner_team.name if case.owner_team else ""
    if name == "opened_at":
        return timezone.localtime(case.opened_at).isoformat(timespec="minutes")
    if name == "overdue_tasks":
        return case.has_overdue
    return getattr(case, name)  # track, stage


def _with_last(batches: Iterator[list]) -> Iterator[tuple[list, bool]]:
    """Each batch with whether it is the last (one batch read ahead)."""
    previous = next(batches, None)
    if previous is None:
        yield [], True
        return
    for batch in batches:
        yield previous, False
        previous = batch
    yield previous, True


def _rows(actor: Any, filters: selectors.CaseFilters, chosen: list[str], fmt: str) -> Iterator[list]:
    """The rows of the export, batch by batch, each batch recorded before its rows are given out."""
    identifying = _identifying(actor)
    by_name = {c.name: c for c in columns(CASE_LEVEL, identifying=identifying)}
    section_columns = [by_name[name] for name in chosen if name in by_name]
    cases = _loaded_only(selectors.case_list(actor=actor, filters=filters, annotate=False), section_columns)
    # Every identifying column counts (a trusted contact in the safety plan, a note's body), not only
    # the identity section's: the audit names each case whose identifying data left, that is each case
    # whose reader sees the section of a chosen identifying column.
    identifying_sections = {c.section for c in section_columns if identifying and (c.section == "identity"
                                                                                  or c.field.identifying)}
    # The events are written while the body streams, after the view has returned: they keep the
    # request's id and address.
    ctx = context.current()
    export_id = str(uuid.uuid4())
    shown_filters = {k: str(v) for k, v in vars(filters).items()
                     if v and k in ("stage", "track", "region", "owner", "worker", "team", "overdue", "report_due")}
    batches = keyset.iterate(cases, ordering=selectors.CASE_ORDERING, batch=BATCH)
    done = 0
    for number, (batch, last) in enumerate(_with_last(batches), start=1):
        if "overdue_tasks" in chosen:
            selectors.flag_rows(batch)
        if "flags" in chosen:  # the open flags' kinds, in one query per batch
            selectors.attach_open_flags(batch)
        ids = [str(case.pk) for case in batch]
        sections = selectors.sections_for_cases(actor, batch) if batch else {}
        named = sorted(str(case.pk) for case in batch if identifying_sections & sections.get(case.pk, frozenset()))
        done += len(batch)
        detail: dict[str, Any] = {"format": fmt, "identifying": identifying, "export_id": export_id,
                                  "batch": number, "case_ids": ids, "identifying_case_ids": named,
                                  "columns": chosen, "filters": shown_filters}
        if last:
            detail.update(complete=True, batches=number, rows=done)
        token = context.begin(ctx.request_id, ctx.ip) if ctx is not None else None
        try:
            audit.record(actor, "case.exported", None, purpose="export", detail=detail)
        finally:
            if token is not None:
                context.end(token)
        for case in batch:
            shown = sections.get(case.pk, frozenset())
            row = []
            for name in chosen:
                column = by_name.get(name)
                if column is None:
                    row.append(_header_cell(name, case))
                else:
                    # A section the user may not read of this case leaves its columns empty.
                    row.append(cell(column.field, case) if column.section in shown else "")
            yield [_clean(v) for v in row]


def export_response(*, actor: Any, filters: selectors.CaseFilters, fmt: str,
                    asked_columns: Iterable[str] = ()) -> HttpResponse | StreamingHttpResponse:
    """The export of the visible cases matching ``filters`` in ``fmt`` ("csv" or "xlsx"), with the
    ``asked_columns`` (all allowed when empty); an unknown column is a 400 naming it, nothing read."""
    require(actor, "case.export")
    try:
        chosen = chosen_columns(actor, asked_columns)
    except UnknownColumns as unknown:
        return plain_text_refusal(_("Unknown columns: %(names)s. The columns you may export are: %(allowed)s.")
                                  % {"names": unknown, "allowed": ", ".join(allowed_columns(actor))})
    stamp = timezone.localdate().isoformat()
    rows = _rows(actor, filters, chosen, fmt)
    if fmt == "csv":
        return stream_csv(chosen, rows, f"octip-cases-{stamp}.csv")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("cases")
    sheet.append(chosen)
    for row in rows:
        sheet.append(row)
    # On disk, not in memory; the file is gone once closed (when the response is done).
    spool = tempfile.TemporaryFile(prefix="octip-export-")  # noqa: SIM115 (FileResponse closes it)
    book.save(spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX, as_attachment=True, filename=f"octip-cases-{stamp}.xlsx")
    response["Cache-Control"] = "no-store, private"
    return response
