"""API authentication: a session (with CSRF) or a personal access token (``Authorization: Bearer``)."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from .middleware import mfa_pending
from .services import authenticate_token


class StaffSession(SessionAuth):
    """The browser session, but only once MFA has been passed where it is required."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active or mfa_pending(user):
            return None
        return user


class PersonalToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


STAFF_AUTH = [PersonalToken(), StaffSession()]
