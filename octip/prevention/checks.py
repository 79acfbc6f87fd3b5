"""System checks of prevention: the certificate signing ring is well formed, and production has one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

HINT = ("Set OCTIP_CREDENTIAL_SIGNING_KEYS to kid:key entries, comma-separated; make a key with "
        "manage.py rotate_credential_key --print. See docs/prevention.md.")


@register(Tags.security)
def check_credential_signing_keys(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    spec = getattr(settings, "OCTIP_CREDENTIAL_SIGNING_KEYS", "")
    if not spec:
        if getattr(settings, "PRODUCTION", False):
            return [CheckWarning("No certificate signing key: learners who pass a course get no certificate.",
                                 hint=HINT, id="octip.W101")]
        return []
    from .credentials import _parse

    try:
        _parse(spec)
    except ImproperlyConfigured as problem:
        return [Error(str(problem), hint=HINT, id="octip.E101")]
    return []


@register(Tags.security)
def check_site_url(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Certificates name the platform's address (issuer, status list); production never takes it from the
    request's Host header, so without ``OCTIP_SITE_URL`` it issues no certificate and serves no status list."""
    if getattr(settings, "PRODUCTION", False) and not getattr(settings, "OCTIP_SITE_URL", ""):
        return [CheckWarning("OCTIP_SITE_URL is not set: no certificate is issued and the status list is not "
                             "served (their addresses are never taken from the Host header in production).",
                             hint="Set OCTIP_SITE_URL to the platform's public address, e.g. https://octip.example.ca.",
                             id="octip.W102")]
    return []
