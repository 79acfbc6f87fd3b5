from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import audit
from .access import require
from .csv_safety import neutralise
from .forms import AuditFilterForm
from .selectors import audit_events


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability; no authentication, no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "degraded", "database": database}, status=status)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(audit_events(actor=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    audit.record(request.user, "audit.viewed", None, detail={"filters": {k: v for k, v in filters.items() if v}})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_log.html", {"form": form, "page": page, "query": query.urlencode()},
                  status=400 if form.errors else 200)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def audit_export(request: HttpRequest) -> HttpResponseBase:
    require(request.user, "audit.export")
    form = AuditFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        refusal = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        return HttpResponse(refusal, status=400, content_type="text/plain; charset=utf-8")
    filters = form.cleaned_data if form.is_bound else {}
    events = audit_events(actor=request.user, filters=filters)
    audit.record(request.user, "audit.exported", None, detail={"filters": {k: v for k, v in filters.items() if v}})
    columns = ["seq", "occurred_at", "actor_email", "organization_id", "ip", "request_id", "action",
               "target_type", "target_id", "purpose", "detail", "hash"]
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(columns)
        for event in events.iterator(chunk_size=2000):
            values = [getattr(event, c) for c in columns]
            values[1] = event.occurred_at.isoformat()
            values[10] = json.dumps(event.detail, sort_keys=True)
            yield writer.writerow([neutralise(v if v is not None else "") for v in values])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="octip-audit.csv"'
    return response
