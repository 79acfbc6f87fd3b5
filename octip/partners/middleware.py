from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


def mfa_pending(user) -> bool:
    """True when this signed-in user must still pass MFA before reaching anything protected."""
    return bool(settings.OCTIP_REQUIRE_MFA and user.is_authenticated and user.requires_mfa
                and not user.is_verified())


class MFAEnforcementMiddleware:
    """Until a user who must use MFA has passed it, only the MFA pages and log-out answer.

    Pages redirect to enrolment (no authenticator yet) or verification; the API refuses through
    its own authentication (``octip.partners.api_auth``).
    """

    OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/api/", "/hsds/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if mfa_pending(request.user) and not request.path.startswith(self.OPEN_PREFIXES):
            from .services import has_confirmed_authenticator

            target = "accounts:mfa_verify" if has_confirmed_authenticator(request.user) else "accounts:mfa_enrol"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
