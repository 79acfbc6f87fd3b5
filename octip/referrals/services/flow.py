"""The one status engine of referrals and transfers, over the rules in ``transitions.py``.

A referral and a transfer change status the same way: the side that may act is checked, a reason
is asked for where the rules require one, the status moves only from where the rules allow (the
status is in the WHERE clause), the receiver's access ends with the actions that end it, and the
change is audited, put on the case timeline and told to the other side. A ``Flow`` describes what
differs (the model, its rules, the words, and a check and a consequence of its own); ``apply``
does the rest, once for both.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.cases.sharing import require_own_scope, revoke_case_access
from octip.cases.timeline import Kind, happened
from octip.consent.policy import DisclosureDecision
from octip.core import audit
from octip.core.access import AccessDenied, Actor, require
from octip.partners.models import OrganizationType, User

from ..models import Referral, Transfer
from ..transitions import Transition
from .notifications import notify, responders

#: What a receiving organization sees of a case while it decides whether to take on a referral or a
#: transfer: enough to decide, never the person (issue 9 #17).
PREVIEW_SECTIONS: frozenset[str] = frozenset({"summary"})

#: A referral or a transfer: ``apply`` is checked for each.
Row = TypeVar("Row", Referral, Transfer)


class InvalidTransition(ValidationError):
    """The referral or transfer is not in a status that allows this action."""


def staff(actor: Actor) -> User:
    """``actor`` as the row that a referral's ``sent_by`` (and the like) points to. ``partners.User``
    is the one model an ``Actor`` is; anything else cannot have sent or answered anything."""
    if not isinstance(actor, User):
        raise TypeError(f"a referral or transfer is sent and answered by a partners.User, not {type(actor).__name__}")
    return actor


def require_receiver(actor: Actor, permission: str, organization_id: int) -> None:
    """``require`` plus: the actor works for the organization a referral or transfer was sent to."""
    require(actor, permission)
    if actor.organization_id != organization_id:
        audit.record_denial(actor, permission, None)
        raise AccessDenied(permission, _("Only the receiving organization can answer this."))


def access_ends_at(decision: DisclosureDecision) -> datetime.datetime | None:
    """When access opened on ``decision`` must end: with the consent it rests on (and the consent to
    contact police, for a law-enforcement receiver), even if nobody withdraws it."""
    ends = [c.expires_at for c in (decision.consent, decision.police_consent) if c is not None and c.expires_at]
    return min(ends) if ends else None


def _no_check(row: Any, transition: Transition) -> None:
    return None


def _no_consequence(row: Any, transition: Transition, actor: Actor) -> None:
    return None


@dataclass(frozen=True)
class Flow(Generic[Row]):
    """What differs between a referral and a transfer as they change status."""

    #: ``referral`` or ``transfer``: the grant source, the ``<noun>_status`` labels, and the prefix
    #: of the audit, timeline and notification kinds (``<noun>.<status>``).
    noun: str
    model: type[Row]
    transitions: Mapping[str, Transition]
    #: The name of the row's page (a notification links to it).
    page: str
    #: The notification to the other side (a msgid with ``number``, ``org`` and ``status``).
    notice: str
    #: Why an action is no longer possible (a msgid with ``status`` and ``action``), and the words
    #: of particular actions where they say more.
    refusal: str
    refusals: Mapping[str, str] = field(default_factory=dict)
    #: Parameters every timeline entry of this flow carries besides ``org`` and ``status``.
    timeline_params: Mapping[str, str] = field(default_factory=dict)
    #: The audit detail of a change (besides the event's target, the row).
    audit_detail: Callable[[Row, Transition], dict[str, Any]] = lambda row, transition: {}
    #: Raises ``InvalidTransition`` when something other than the status forbids the action; runs
    #: before the status moves (it may take locks for the rest of the transaction).
    check: Callable[[Row, Transition], None] = _no_check
    #: What the action leads to beyond the status and the end of access (after both).
    consequence: Callable[[Row, Transition, Actor], None] = _no_consequence


def _refused(flow: Flow[Row], row: Row, transition: Transition) -> InvalidTransition:
    message = flow.refusals.get(transition.action, flow.refusal)
    return InvalidTransition(_(message) % {"status": row.get_status_display(), "action": transition.label})


@transaction.atomic
def apply(flow: Flow[Row], row: Row, action: str, *, actor: Actor, reason: str = "") -> Row:
    """Take ``action`` on ``row`` as ``actor``, as ``flow``'s rules allow; returns the changed row.

    Raises ``ValidationError`` (an unknown action, a missing reason), ``AccessDenied`` (the wrong
    side or permission) or ``InvalidTransition`` (the status, or the flow's check, forbids it)."""
    transition = flow.transitions.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action.")})
    if transition.side == "receiver":
        require_receiver(actor, transition.permission, row.to_organization_id)
    else:
        require_own_scope(actor, transition.permission, row.case)
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ValidationError({"reason": _("%(what)s: please write it.") % {"what": transition.reason_label}})
    flow.check(row, transition)
    now = timezone.now()
    fields: dict[str, Any] = {"status": transition.target, f"{transition.stamps}_by": staff(actor),
                              f"{transition.stamps}_at": now}
    # The status in the WHERE clause makes two people answering at once safe: the second one loses.
    updated = flow.model.objects.filter(pk=row.pk, status__in=transition.sources).update(**fields)
    if not updated:
        row.refresh_from_db()
        raise _refused(flow, row, transition)
    for name, value in fields.items():
        setattr(row, name, value)
    if reason:
        row.status_reason = reason[:2000]
        row.save(update_fields=["status_reason"])
    if transition.ends_access:
        revoke_case_access(actor=actor, source=flow.noun, source_id=str(row.pk))
    flow.consequence(row, transition, actor)
    happened(actor=actor, case=row.case, kind=Kind(f"{flow.noun}.{transition.target}"), concerns=row.to_organization,
             params={**flow.timeline_params, "org": row.to_organization.name,
                     "status": (f"{flow.noun}_status", transition.target)},
             detail={f"{flow.noun}_id": str(row.pk)}, audit_target=row, audit_detail=flow.audit_detail(row, transition))
    # An answer is told to whoever sent; the sender's own action, to whoever may answer.
    recipients = [row.sent_by] if transition.side == "receiver" else responders(row.to_organization_id)
    notify(recipients=recipients, kind=f"{flow.noun}.{transition.target}",
           referral=row if isinstance(row, Referral) else None, transfer=row if isinstance(row, Transfer) else None,
           link=reverse(flow.page, args=[row.pk]), template=flow.notice, params={
               "number": row.case.number, "org": row.to_organization.name, "status": row.get_status_display()})
    return row


def refuse_a_police_service(organization: Any) -> None:
    """Neither a referral nor a transfer goes to a police service: their grant would reach every role
    there, and the case would move out of the person's circle. A police service is told through a
    police contact (``justice``), which only its police liaisons see, while the person agrees."""
    if getattr(organization, "type", "") == OrganizationType.LAW_ENFORCEMENT:
        raise ValidationError({"organization": _(
            "%(org)s is a police service: it does not receive referrals or transfers. If the person agrees "
            "to contact with police, record a police contact on the case's justice and immigration page; only "
            "the service's police liaisons see what it shares.") % {"org": organization.name}})
