"""Case list exports (CSV and XLSX) of what the user may see.

The columns are the case header and the fields of the case-level sections (``sections.columns``).
Identifying columns appear only with ``case.export_identifying``, and a row fills a section's columns
only when the user may read that section of the case; every cell is neutralised against spreadsheet
formulas.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from octip.core import audit
from octip.core.access import allows, require
from octip.core.csv_safety import neutralise, stream_csv

from . import selectors
from .sections import CASE_LEVEL, Column, cell, columns

CHUNK = 500
#: Door columns, shown for every row: the case header and who holds the case (not section content).
HEADER_COLUMNS = ["case_number", "case_id", "track", "stage", "owner_organization", "owner_team", "opened_at",
                  "overdue_tasks"]


def _clean(value: Any) -> Any:
    """Neutralised against formulas, without the control characters a spreadsheet refuses (a name
    pasted with one must not make the export fail — nor land in an error log)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def _rows(actor: Any, filters: selectors.CaseFilters, section_columns: list[Column], ids: list) -> Iterator[list]:
    cases = selectors.case_list(actor=actor, filters=filters).select_related("person", "youth")
    for start in range(0, len(ids), CHUNK):
        chunk = list(cases.filter(pk__in=ids[start:start + CHUNK]))
        sections = selectors.sections_for_cases(actor, chunk)
        for case in chunk:
            shown = sections.get(case.pk, frozenset())
            row = [case.number, str(case.pk), case.track, case.stage, case.owner_organization.name,
                   case.owner_team.name if case.owner_team else "",
                   timezone.localtime(case.opened_at).isoformat(timespec="minutes"), case.has_overdue]
            # A section the user may not read of this case leaves its columns empty.
            row += [cell(c.field, case) if c.section in shown else "" for c in section_columns]
            yield [_clean(v) for v in row]


def export_response(*, actor: Any, filters: selectors.CaseFilters, fmt: str) -> HttpResponse:
    require(actor, "case.export")
    identifying = allows(actor, "case.export_identifying") and allows(actor, "case.view_identifying")
    section_columns = columns(CASE_LEVEL, identifying=identifying)
    header = HEADER_COLUMNS + [c.name for c in section_columns]
    ids = list(selectors.case_list(actor=actor, filters=filters).values_list("pk", flat=True))
    # Which cases left, and whose identifying columns went with them: an export is a read of each.
    named = sorted(str(pk) for pk in selectors.identity_readable_case_ids(actor).filter(pk__in=ids)
                   .values_list("pk", flat=True)) if identifying and ids else []
    audit.record(actor, "case.exported", None, purpose="export", detail={
        "format": fmt, "identifying": identifying, "case_ids": [str(pk) for pk in ids],
        "identifying_case_ids": named,
        "filters": {k: str(v) for k, v in vars(filters).items() if v and k in ("stage", "track", "region", "owner",
                                                                             "overdue", "report_due")}})
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        return stream_csv(header, _rows(actor, filters, section_columns, ids), f"octip-cases-{stamp}.csv")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("cases")
    sheet.append(header)
    for row in _rows(actor, filters, section_columns, ids):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="octip-cases-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
