"""Spreadsheet-safe downloads: cells that cannot run as formulas, one streamed CSV response, and the
plain-text refusal a download link gives when its filters are wrong.

A cell starting with = + - @ (or tab / carriage return) would run as a formula in Excel or LibreOffice,
so it is prefixed with an apostrophe. ``stream_csv`` neutralises every cell itself, so that no export
can forget to.

(The module keeps its name rather than becoming ``core/csv.py``: a module named ``csv`` shadows the
standard library's for every reader of ``import csv`` nearby, and linters flag it.)
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose ``write`` returns the line: ``csv.writer`` then yields text to stream."""

    def write(self, value: str) -> str:
        return value


def stream_csv(columns: Iterable[str], rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """A CSV download of ``rows`` under a header of ``columns``, streamed row by row (a large export is
    never held in memory). Every cell is neutralised; ``None`` is an empty cell. Not cached anywhere."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(list(columns))
        for row in rows:
            yield writer.writerow([neutralise("" if v is None else v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


def plain_text_refusal(message: str, status: int = 400) -> HttpResponse:
    """A download refused, in words (a download link has no page to show a form on)."""
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def form_errors_as_text(form: Any) -> HttpResponse:
    """A 400 naming each field in error and its messages: ``field: message; other: message``."""
    return plain_text_refusal("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
