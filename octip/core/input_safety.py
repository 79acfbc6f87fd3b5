"""Text that no field can hold: NUL bytes (PostgreSQL refuses them) and unpaired UTF-16 surrogates
(nothing can encode them). Refused at the door with a 400, so no service meets them half-way
through a write."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase, JsonResponse

REFUSAL = "Text may not contain NUL characters or unpaired surrogate code points."


def is_unsafe(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def first_unsafe(data: Any, path: str = "") -> str | None:
    """The path (e.g. ``person.aliases.1``) of the first unsafe string in a JSON value, or None."""
    if isinstance(data, str):
        return path or "(body)" if is_unsafe(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if is_unsafe(str(key)):
                return where
            found = first_unsafe(value, where)
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = first_unsafe(value, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


class RefuseUnsafeInputMiddleware:
    """For every request: the path, the query string, form fields and JSON bodies."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        values = [request.path, *request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            values += [*request.POST.keys(), *(v for vs in request.POST.lists() for v in vs[1])]
        if any(is_unsafe(value) for value in values):
            return HttpResponseBadRequest(REFUSAL, content_type="text/plain; charset=utf-8")
        if request.content_type == "application/json" and request.body:
            try:
                data = json.loads(request.body)
            except ValueError:
                data = None  # malformed JSON: the API's own parser says so
            where = first_unsafe(data)
            if where:
                return JsonResponse({"detail": f"{REFUSAL} ({where})", "errors": {where: [REFUSAL]}}, status=400)
        return self.get_response(request)
