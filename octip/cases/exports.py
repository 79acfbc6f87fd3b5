"""Case list exports (CSV and XLSX) of what the user may see.

Identifying columns appear only with ``case.export_identifying`` and only for rows whose identity
section the user may read; every cell is neutralised against spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from octip.core import audit
from octip.core.access import allows, require
from octip.core.csv_safety import neutralise

from . import selectors

CHUNK = 500
BASE_COLUMNS = ["case_number", "case_id", "track", "stage", "region", "owner_organization", "owner_team",
                "exploitation_types", "setting", "means_of_control", "referral_source", "first_contact_date",
                "immediate_danger", "needs_interpreter", "age_band", "gender", "opened_at", "overdue_tasks"]
IDENTIFYING_COLUMNS = ["legal_name", "preferred_name", "date_of_birth", "phone", "email"]


def _clean(value: Any) -> Any:
    """Neutralised against formulas, without the control characters a spreadsheet refuses (a name
    pasted with one must not make the export fail — nor land in an error log)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def _rows(actor: Any, filters: selectors.CaseFilters, identifying: bool, ids: list):
    cases = selectors.case_list(actor=actor, filters=filters).select_related("person")
    for start in range(0, len(ids), CHUNK):
        chunk = list(cases.filter(pk__in=ids[start:start + CHUNK]))
        sections = selectors.sections_for_cases(actor, chunk)
        for case in chunk:
            person = case.person
            row = [case.number, str(case.pk), case.track, case.stage]
            if "summary" in sections.get(case.pk, ()):
                row += [case.region.code, case.owner_organization.name,
                        case.owner_team.name if case.owner_team else "", " ".join(case.exploitation_types),
                        case.setting, " ".join(case.means_of_control), case.referral_source,
                        case.first_contact_date.isoformat(), case.immediate_danger, case.needs_interpreter,
                        person.age_band, person.gender]
            else:  # a receiver not given the summary section sees none of it
                row += ["", case.owner_organization.name, case.owner_team.name if case.owner_team else ""] + [""] * 9
            row += [timezone.localtime(case.opened_at).isoformat(timespec="minutes"), case.has_overdue]
            if identifying:
                if "identity" in sections.get(case.pk, ()):
                    row += [person.legal_name, person.preferred_name,
                            person.date_of_birth.isoformat() if person.date_of_birth else "", person.phone,
                            person.email]
                else:
                    row += [""] * len(IDENTIFYING_COLUMNS)
            yield [_clean(v) for v in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_response(*, actor: Any, filters: selectors.CaseFilters, fmt: str) -> HttpResponse:
    require(actor, "case.export")
    identifying = allows(actor, "case.export_identifying") and allows(actor, "case.view_identifying")
    columns = BASE_COLUMNS + (IDENTIFYING_COLUMNS if identifying else [])
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
        writer = csv.writer(_Echo())

        def stream():
            yield writer.writerow(columns)
            for row in _rows(actor, filters, identifying, ids):
                yield writer.writerow(row)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="octip-cases-{stamp}.csv"'
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("cases")
        sheet.append(columns)
        for row in _rows(actor, filters, identifying, ids):
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="octip-cases-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


