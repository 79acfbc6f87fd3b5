"""What a case does when an interpreter may know the person or the trafficker
(``core.interpretation``): a restricted timeline entry, and a suggested flag.

Used by the consent app (a consent conversation) and the follow-ups (``services.delivery``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from octip.core.access import Actor, allows
from octip.core.interpretation import SUGGESTED_FLAG

from .models import Case
from .timeline import Kind, record


def record_interpreter_may_know(*, actor: Any, case: Case, variant: str, detail: dict[str, Any]) -> None:
    """Put "the interpreter may know the person or the trafficker" on the case's timeline, restricted to
    the owning circle (it tells how the person is reached). No audit event of its own: the write that
    called it audits the answer (its code) in its own event."""
    record(actor=actor, case=case, kind=Kind.INTERPRETER_MAY_KNOW, params={"variant": variant}, restricted=True,
           detail=detail)


def flag_suggestion_url(*, actor: Actor, case: Case) -> str | None:
    """The link to raise the flag "Interpreter must not be from the community" on ``case``, for a reader
    who may raise flags there (the case's own circle, as ``views.flag_add`` requires) and while the case
    has no open flag of that kind; else None. A suggestion only: the worker decides."""
    from .selectors import is_own_case

    if not allows(actor, "case.edit", case) or not is_own_case(actor, case):
        return None
    if case.flags.filter(kind=SUGGESTED_FLAG, resolved_at__isnull=True).exists():
        return None
    return reverse("cases:flag_add", args=[case.pk]) + f"?kind={SUGGESTED_FLAG}"


def shows_interpreter_id(*, actor: Actor, case: Case) -> bool:
    """Whether ``actor`` is shown the interpreter ids of ``case``'s records: the rule of every identifying
    field that goes with the person's identity (``Field.needs="identity"``): the ``identity`` section is
    open to them (their own case or shared with them, and their role holds ``case.view_identifying``)."""
    from .selectors import sections_visible_to

    return "identity" in sections_visible_to(actor, case)
