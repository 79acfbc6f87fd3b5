"""Per-request plumbing: for the audit log, a request id and the client's address for every event, and
denials written again once a rolled-back transaction is over; and no caching of the staff area."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from . import audit, context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    header = settings.OCTIP_CLIENT_IP_HEADER
    if header and request.META.get(header):
        # Behind our proxy, only the right-most entry was written by it; anything to its left
        # came from the client and could be forged.
        return request.META[header].split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (echoed as ``X-Request-ID``) and the client address, for audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # ours, not a Django attribute
        token = context.begin(request_id, client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            context.end(token)
        response["X-Request-ID"] = request_id
        return response


class AuditDenialMiddleware:
    """Writes denials that were refused inside a transaction, once that transaction is over."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        audit.flush_pending_denials()
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: no-store, private`` on every answer of the staff area, the API and the account
    pages: what they show depends on who is signed in, and on a shared shelter computer the back
    button after sign-out must not bring a survivor's record back from the browser's cache. An answer
    that already says ``no-store`` (a document download) keeps its own header."""

    PREFIXES = ("/app/", "/api/", "/accounts/")
    HEADER = "no-store, private"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith(self.PREFIXES):
            directives = {d.strip().lower() for d in response.get("Cache-Control", "").split(",")}
            if "no-store" not in directives:
                response["Cache-Control"] = self.HEADER
        return response


class SessionIdleRenewalMiddleware:
    """Keeps a signed-in session alive while it is used, without writing it on every request.

    A session ends ``SESSION_COOKIE_AGE`` (the idle limit) after it was last saved. Saving it on every
    request (``SESSION_SAVE_EVERY_REQUEST``) made each page view a write to the sessions table, from
    every web node. Here a session in use is marked for saving only when its last renewal is older than
    ``OCTIP_SESSION_RENEW_SECONDS``: the idle limit then holds to within that many seconds, and most
    requests only read the session. Goes right after ``SessionMiddleware``.
    """

    KEY = "_octip_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # An empty session (an anonymous visitor) is never saved: nothing to keep alive.
        if session is not None and not session.is_empty() and not session.modified:
            now = int(time.time())
            renewed = session.get(self.KEY)
            if not isinstance(renewed, int) or now - renewed >= settings.OCTIP_SESSION_RENEW_SECONDS:
                session[self.KEY] = now
        return response
