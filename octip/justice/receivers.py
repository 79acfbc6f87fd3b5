"""Reactions to other apps' events."""

from __future__ import annotations

from typing import Any

from octip.consent.models import Consent
from octip.core.access import Actor

from .services import end_police_access_for_withdrawn_consent


def on_consent_withdrawn(sender: Any, *, consent: Consent, actor: Actor, **kwargs: Any) -> None:
    end_police_access_for_withdrawn_consent(actor=actor, consent=consent)
