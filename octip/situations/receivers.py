"""Reactions to other apps' events."""

from __future__ import annotations

import logging
from typing import Any

from .services import alert_on_contact

logger = logging.getLogger(__name__)


def on_contact_logged(sender: Any, *, contact_id: int, **kwargs: Any) -> None:
    """A 24/7 contact was logged: alert the owner of a case whose person of interest's phone is in
    it. Runs after the contact is committed; a failure is logged and never reaches the line."""
    try:
        alert_on_contact(contact_id=contact_id)
    except Exception:  # the contact is safe already; an alert that failed is logged, not raised
        logger.exception("The person-of-interest alert failed for 24/7 contact %s", contact_id)
