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

api = NinjaAPI(title="OCTIP Platform API", version="1", auth=STAFF_AUTH, urls_namespace="api",
               docs_url=None)  # the docs page loads Swagger UI from a CDN: not here


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
for _module in ("partners", "cases", "consent", "screening", "hotline", "referrals", "stats", "justice", "prevention"):
    api.add_router("", importlib.import_module(f"octip.{_module}.api").router)
