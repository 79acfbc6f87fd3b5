"""The case timeline's writer: what happened to a case, in words safe to show anyone who sees the
timeline section. Never put identifying values in a summary or its detail."""

from __future__ import annotations

from typing import Any

from .models import Case, TimelineEntry, TimelineMessage


def _said(msgid: str, **params: Any) -> TimelineMessage:
    """A timeline summary shown in each reader's language: ``msgid`` (marked with ``gettext_noop``) and
    its parameters, each a plain value or a ``(label kind, code)`` pair translated when shown."""
    return TimelineMessage(msgid, params)


def add_timeline_entry(*, actor: Any, case: Case, kind: str, summary: str | TimelineMessage,
                       detail: dict | None = None) -> TimelineEntry:
    """Add an event to the case's timeline. Never put identifying data in ``summary`` or ``detail``.

    ``summary`` is a plain string (stored as given) or a ``TimelineMessage`` (stored in English and
    shown in the reader's language)."""
    detail = dict(detail or {})
    if isinstance(summary, TimelineMessage):
        detail["_i18n"] = summary.as_json()
        summary = summary.render("en")
    return TimelineEntry.objects.create(case=case, kind=kind, summary=str(summary)[:300], detail=detail,
                                          actor=actor if getattr(actor, "pk", None) else None)
