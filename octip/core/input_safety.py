"""What no service should meet half-way through a write, refused at the door with a 400:

- text that no field can hold: NUL bytes (PostgreSQL refuses them) and unpaired UTF-16 surrogates
  (nothing can encode them), in the path, the query string, form fields and JSON bodies;
- a JSON body nested deeper or larger than any request of ours needs: Python's parser recurses, and
  a 10 kB ``[[[[…]]]]`` exhausts the stack (a server error, with the traceback in development).

JSON is read only where it is expected: an API request (``/api/``) whose body is sent as
``application/json``. The API's own parser reads any body as JSON whatever its content type, so an API
body sent as anything else but ``multipart/form-data`` (file uploads; never valid JSON) is refused
with a 415 — a urlencoded form (``curl -d``'s default) included: it would otherwise reach the API
without passing the checks above.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase, JsonResponse

REFUSAL = "Text may not contain NUL characters or unpaired surrogate code points."

API_PREFIX = "/api/"
#: Where every answer is JSON: the API and the HSDS API (/hsds/, octip/directory/urls_hsds.py).
JSON_PREFIXES = (API_PREFIX, "/hsds/")
JSON_TYPE = "application/json"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_UPLOAD_TYPE = "multipart/form-data"
#: Deeper than any body of ours (a case with its person and documents is 4 levels), far below the
#: parser's recursion limit.
MAX_JSON_DEPTH = 32
DEFAULT_MAX_JSON_BYTES = 1024 * 1024

# A JSON string, escapes included (unrolled so that it runs in linear time): brackets inside it are text.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


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


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text, counted without parsing it (so
    without recursion). Brackets inside strings do not count; unbalanced text counts its openings."""
    brackets = _BRACKETS.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def max_json_bytes() -> int:
    return int(getattr(settings, "OCTIP_JSON_MAX_BYTES", DEFAULT_MAX_JSON_BYTES))


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 1  # a malformed length: treat it as a body, so it is checked rather than passed


def _json_refusal(message: str, *, where: str = "__all__", status: int = 400) -> JsonResponse:
    # The API's error shape (octip/api.py): a detail, and the offending fields named.
    return JsonResponse({"detail": message, "errors": {where: [message]}}, status=status)


def refuse_json_body(request: HttpRequest) -> JsonResponse | None:
    """Check an API request's JSON body before anything parses it; a 400 saying why, or None."""
    limit = max_json_bytes()
    # The declared length first, so that an oversized body is never read into memory.
    if _declared_length(request) > limit or len(request.body) > limit:
        return _json_refusal(f"The JSON body is too large (more than {limit} bytes).")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return _json_refusal("The JSON body must be encoded as UTF-8.")
    if nesting_depth(text) > MAX_JSON_DEPTH:
        return _json_refusal(f"The JSON body is nested too deeply (more than {MAX_JSON_DEPTH} levels).")
    try:
        data = json.loads(text)
    except ValueError:
        return None  # malformed JSON: the API's own parser says so, in its own words
    where = first_unsafe(data)
    if where:
        return _json_refusal(f"{REFUSAL} ({where})", where=where)
    return None


class RefuseUnsafeInputMiddleware:
    """For every request: the path, the query string and form fields; for API requests, the body."""

    FORM_TYPES = FORM_TYPES

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        values = [request.path, *request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            values += [*request.POST.keys(), *(v for vs in request.POST.lists() for v in vs[1])]
        if any(is_unsafe(value) for value in values):
            if request.path.startswith(JSON_PREFIXES):  # the JSON APIs answer in their own error shape
                return _json_refusal(REFUSAL)
            return HttpResponseBadRequest(REFUSAL, content_type="text/plain; charset=utf-8")
        if request.path.startswith(API_PREFIX) and _declared_length(request) > 0:
            if request.content_type == JSON_TYPE:
                refused = refuse_json_body(request)
                if refused is not None:
                    return refused
            elif request.content_type != API_UPLOAD_TYPE:
                return _json_refusal("Send the request body as JSON, with Content-Type: application/json "
                                     "(or as multipart/form-data, for a file upload).", status=415)
        return self.get_response(request)
