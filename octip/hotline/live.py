"""The live queue (issue 17): what the queue page's script is told on each poll, and what is new since
the operator's previous view of the page.

The server decides everything: the rows come from ``selectors.queue`` (same scope, protected fields
deferred), and what to announce is what changed since the operator's previous view of the page: the
contacts that became an emergency since then (``Contact.emergency_since``), and those whose
first-response target passed since then (or that were logged since then already past it).

The page carries its previous view as a **signed token** (``seen``), bound to the reader by the
signing salt, which each poll hands back and gets renewed: each open tab compares against its own
previous view, the server keeps no state, and a token cannot be forged or reused by another person.
The token holds the time of the view and the ids of what changed in the ``OVERLAP`` before it, so its
size does not grow with the queue: a contact saved just before a view but committed just after it is
caught by the next poll's overlapping window, and one already seen is not announced twice. Nothing is
announced on the first load of the page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

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
#: How far before the previous view a poll looks again, for a contact saved before that view but
#: committed after it; the token's ids keep those it has seen from being announced twice.
OVERLAP = datetime.timedelta(seconds=60)
#: At most this many ids of each kind in a token (the newest): its size is bounded whatever happens.
RECENT_MAX = 50
#: A token longer than any this server makes is refused unread.
MAX_TOKEN_LENGTH = 2000


class BadToken(ValueError):
    """The ``seen`` token is not one this server gave this reader."""


@dataclass(frozen=True)
class Seen:
    """A view of the queue: its time, and the ids of the contacts that became an emergency or passed
    their target in the ``OVERLAP`` before it (at most ``RECENT_MAX`` of each)."""

    at: datetime.datetime
    emergencies: frozenset[int] = frozenset()
    breaches: frozenset[int] = frozenset()


def _salt(actor: Actor) -> str:
    return f"{SALT}:{actor.pk}"


def token_for(actor: Actor, seen: Seen) -> str:
    """``seen`` as a signed token for ``actor``'s page."""
    return signing.dumps({"t": seen.at.timestamp(), "e": sorted(seen.emergencies), "b": sorted(seen.breaches)},
                         salt=_salt(actor), compress=True)


def seen_from(actor: Actor, token: str, *, now: datetime.datetime | None = None) -> Seen:
    """The view a token records. Raises ``BadToken`` for a forged, expired, future or someone else's
    token."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise BadToken("too long")
    try:
        value = signing.loads(token, salt=_salt(actor), max_age=MAX_AGE)
        if not isinstance(value, dict) or isinstance(value.get("t"), bool):
            raise BadToken("not a view")
        seen = Seen(at=datetime.datetime.fromtimestamp(float(value["t"]), tz=datetime.UTC),
                    emergencies=frozenset(int(i) for i in value.get("e", [])),
                    breaches=frozenset(int(i) for i in value.get("b", [])))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError) as error:
        raise BadToken(str(error)) from error
    if seen.at > (now or timezone.now()):
        raise BadToken("a view in the future")
    return seen


def _became_emergency(entry: QueueEntry, after: datetime.datetime) -> bool:
    since = entry.contact.emergency_since
    return entry.contact.urgency == Urgency.EMERGENCY and since is not None and since > after


def _passed_target(entry: QueueEntry, after: datetime.datetime) -> bool:
    return entry.response_overdue and ((entry.respond_by is not None and entry.respond_by > after)
                                       or entry.contact.created_at > after)


def _ids(entries: list[QueueEntry]) -> frozenset[int]:
    return frozenset(sorted(e.contact.pk for e in entries)[-RECENT_MAX:])


@dataclass(frozen=True)
class LiveQueue:
    """One view of the queue: the rows to show (filtered as asked), what it saw, and what is new since
    the previous view (empty on a first view)."""

    entries: list[QueueEntry]
    seen: Seen
    new_emergencies: list[QueueEntry]
    new_breaches: list[QueueEntry]

    @property
    def at(self) -> datetime.datetime:
        return self.seen.at


def live_queue(*, actor: Actor, past_target: bool = False, previous: Seen | None = None,
               now: datetime.datetime | None = None) -> LiveQueue:
    """The queue for ``actor`` as ``selectors.queue`` gives it, and the announcements: the open
    contacts that became an emergency after ``previous`` was seen, and those that passed their
    first-response target after it (none when ``previous`` is None, the first load). Announced
    contacts are in the queue in scope, whatever the filter."""
    now = now or timezone.now()
    everything = selectors.queue(actor=actor, now=now)
    entries = [e for e in everything if e.response_overdue] if past_target else everything
    recent = now - OVERLAP
    seen = Seen(at=now, emergencies=_ids([e for e in everything if _became_emergency(e, recent)]),
                breaches=_ids([e for e in everything if _passed_target(e, recent)]))
    if previous is None:
        return LiveQueue(entries, seen, [], [])
    after = previous.at - OVERLAP
    new_emergencies = [e for e in everything
                       if _became_emergency(e, after) and e.contact.pk not in previous.emergencies]
    new_breaches = [e for e in everything if _passed_target(e, after) and e.contact.pk not in previous.breaches]
    return LiveQueue(entries, seen, new_emergencies, new_breaches)
