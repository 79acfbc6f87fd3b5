"""Reactions to other apps' events."""

from __future__ import annotations


def on_consent_withdrawn(sender, *, consent, actor, **kwargs) -> None:
    from .services import end_access_for_withdrawn_consent

    end_access_for_withdrawn_consent(actor=actor, consent=consent)
