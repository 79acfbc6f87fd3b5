"""The live queue (issue 17): what the queue page's script is told on each poll, and what is new since
the operator's previous view of the page.

The server decides everything: the rows come from ``selectors.queue`` (same scope, protected fields
deferred), and what to announce is the difference between the open emergencies and the contacts past
their first-response target now and those the page last saw. The page carries what it saw as a
**signed token** (``seen``), bound to the reader, which each poll hands back and gets renewed: each
open tab diffs against its own previous view, the server keeps no state, and a token cannot be
forged or reused by another person. Nothing is announced on the first load of the page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core import signing
from django.utils import timezone

from octip.core.access import Actor

from . import selectors
from .models import Urgency
from .selectors import QueueEntry

#: The signing salt of the ``seen`` token.
SALT = "octip.hotline.live-queue"
#: A token older than this is refused (a tab left open for days reloads; the page then starts afresh).
MAX_AGE = datetime.timedelta(days=2)


class BadToken(ValueError):
    """The ``seen`` token is not one this server gave this reader."""


@dataclass(frozen=True)
class Seen:
    """What a view of the queue showed: the ids of the open emergency contacts and of the contacts
    past their first-response target."""

    emergencies: frozenset[int] = field(default_factory=frozenset)
    breached: frozenset[int] = field(default_factory=frozenset)


def seen_in(entries: list[QueueEntry]) -> Seen:
    """What ``entries`` (the whole queue in scope, not a filtered one) show."""
    return Seen(emergencies=frozenset(e.contact.pk for e in entries if e.contact.urgency == Urgency.EMERGENCY),
                breached=frozenset(e.contact.pk for e in entries if e.response_overdue))


def token_for(actor: Actor, seen: Seen) -> str:
    """``seen`` as a signed token for ``actor``'s page."""
    payload = {"u": actor.pk, "e": sorted(seen.emergencies), "b": sorted(seen.breached)}
    return signing.dumps(payload, salt=SALT, compress=True)


def seen_from(actor: Actor, token: str) -> Seen:
    """The view a token records. Raises ``BadToken`` for a forged, expired or someone else's token."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        if not isinstance(payload, dict) or payload.get("u") != actor.pk:
            raise BadToken("not this reader's token")
        return Seen(emergencies=frozenset(int(i) for i in payload.get("e", [])),
                    breached=frozenset(int(i) for i in payload.get("b", [])))
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadToken(str(error)) from error


@dataclass(frozen=True)
class LiveQueue:
    """One view of the queue: the rows to show (filtered as asked), what it saw, and what is new since
    the previous view (empty on a first view)."""

    entries: list[QueueEntry]
    seen: Seen
    new_emergencies: list[QueueEntry]
    new_breaches: list[QueueEntry]
    at: datetime.datetime


def live_queue(*, actor: Actor, past_target: bool = False, previous: Seen | None = None,
               now: datetime.datetime | None = None) -> LiveQueue:
    """The queue for ``actor`` as ``selectors.queue`` gives it, and the announcements: open emergency
    contacts and contacts past target that ``previous`` did not have (none when ``previous`` is None,
    the first load). Announced contacts are in the queue in scope, whatever the filter."""
    now = now or timezone.now()
    everything = selectors.queue(actor=actor, now=now)
    entries = selectors.queue(actor=actor, now=now, past_target=True) if past_target else everything
    seen = seen_in(everything)
    if previous is None:
        return LiveQueue(entries, seen, [], [], now)
    new_emergencies = [e for e in everything if e.contact.pk in seen.emergencies - previous.emergencies]
    new_breaches = [e for e in everything if e.contact.pk in seen.breached - previous.breached]
    return LiveQueue(entries, seen, new_emergencies, new_breaches, now)
