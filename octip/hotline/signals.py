"""What the 24/7 line tells other apps. ``hotline`` imports none of its listeners.

``contact_logged`` is sent once a logged contact (or a public report) is committed, with
``contact_id`` only: a listener reads what it needs through its own doors, in its own transaction,
and nothing it does (or fails to do) can change the contact or the operator's answer."""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

#: Sent after commit with ``contact_id`` (an int).
contact_logged = Signal()


def send_contact_logged(contact_id: int) -> None:
    """Tell the listeners; a listener that fails is logged, never raised into the line's work."""
    for receiver, result in contact_logged.send_robust(sender=None, contact_id=contact_id):
        if isinstance(result, Exception):
            logger.error("contact_logged listener %r failed", receiver, exc_info=result)
