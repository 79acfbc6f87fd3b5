"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json).

Every route needs a staff session (with CSRF) or a personal access token unless it says
otherwise. Errors come back as ``{"detail": ...}`` with the right status: 401, 403, 404, 409, 400.
"""

from __future__ import annotations

import importlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError

from octip.core.versioning import StaleVersion
from octip.partners.api_auth import STAFF_AUTH

#: The body of every error answer (the exception handlers below): ``detail``, and for 400 the fields
#: named in ``errors``, for 409 the record's current version and the fields changed since.
ERROR_SCHEMA = {
    "type": "object", "required": ["detail"],
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "current_version": {"type": "integer"},
        "changed": {"type": "array", "items": {"type": "string"}},
    },
}
_ERRORS = {"400": "Invalid input: the fields are named in errors.",
           "401": "Authentication required.",
           "403": "Permission denied.",
           "404": "Not found, or not visible to the caller.",
           "409": "A conflict: the record changed since it was read, or the action no longer applies.",
           "415": "A body that is neither JSON nor (for a file upload) multipart/form-data."}
_WRITES = {"post", "put", "patch", "delete"}


class OctipAPI(NinjaAPI):
    """The API, whose OpenAPI document also names the error answers every operation can give (the
    handlers below are shared by all): 400, 401, 403 and 404 everywhere, 409 and 415 on writes
    (415: octip/core/input_safety.py). An operation
    that documents one of these itself keeps its own."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for item in schema["paths"].values():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                for status, description in _ERRORS.items():
                    if status in {"409", "415"} and method not in _WRITES:
                        continue
                    responses.setdefault(int(status), {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
        return schema


#: How every long list pages (``octip.core.keyset``; docs/lists-and-exports.md).
PAGING = ("Long lists (cases, referrals, transfers, hotline contacts, screenings, emergency accesses) answer "
          "a page of `limit` rows (1 to 200, default 50) as a plain JSON list. The next page: send the "
          "`X-Next-Cursor` header of the answer back as `cursor` (a GET also has a `Link` header, "
          "rel=\"next\" / rel=\"prev\"). A cursor is signed: an altered or outdated one is a 400 naming "
          "`cursor`. `offset` on /cases still works (up to 100,000) but is deprecated.")

api = OctipAPI(title="OCTIP Platform API", version="1", auth=STAFF_AUTH, urls_namespace="api",
               description=PAGING, docs_url=None)  # the docs page loads Swagger UI from a CDN: not here


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Authentication required: a session that passed MFA, "
                                                   "or Authorization: Bearer <token>."}, status=401)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Permission denied."}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(StaleVersion)
def _stale(request, exc):
    return api.create_response(request, {"detail": str(exc), "current_version": exc.current.version,
                                         "changed": sorted(exc.changed)}, status=409)


@api.exception_handler(SchemaError)
def _schema_error(request, exc):
    # Same shape as every other input error: 400 with the offending fields named.
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in {"body", "query", "path"})
        errors.setdefault(where or "__all__", []).append(str(error.get("msg", "Invalid value.")))
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=400)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=400)


# Each bounded context exposes ``router`` in its api.py, with its full paths (e.g. "/cases"). The
# directory has none here: its API is the HSDS one, at /hsds/ (octip/directory/urls_hsds.py).
for _module in ("partners", "cases", "consent", "screening", "hotline", "referrals", "stats", "justice", "prevention",
                "situations"):
    api.add_router("", importlib.import_module(f"octip.{_module}.api").router)
