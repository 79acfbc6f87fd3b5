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
