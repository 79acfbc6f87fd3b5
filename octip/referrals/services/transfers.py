"""Transfers: moving the ownership of a case to another organization, which takes effect when the
receiver accepts.

Proposing a transfer asks ``consent.policy.may_disclose`` for the whole case. Once it is accepted,
what the former owner may still read is a disclosure like any other: ``may_disclose`` decides it on
the person's standing consents to share with that organization, and records it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from octip.cases.models import Case
from octip.cases.sections import DECLARED, sections_held
from octip.cases.sharing import grant_case_access, move_case_ownership, require_own_scope, revoke_case_access
from octip.cases.timeline import Kind, happened
from octip.consent.models import Consent, ConsentScope
from octip.consent.policy import DisclosureRefused, may_disclose
from octip.core.access import Actor, allows
from octip.partners.models import Organization

from ..models import Transfer, TransferStatus
from ..transitions import TRANSFER_TRANSITIONS, Transition
from .flow import PREVIEW_SECTIONS, Flow, InvalidTransition, access_ends_at, apply, refuse_a_police_service, staff
from .notifications import notify, responders, transfer_link

#: What a receiver may see of a case while deciding whether to accept a transfer.
TRANSFER_PREVIEW_SECTIONS = sorted(PREVIEW_SECTIONS)
TRANSFER_RESPONSE_HOURS = 72


def _lock_case(case: Case) -> Case:
    """Lock the case's row until the transaction ends and refresh who owns it."""
    locked = Case.objects.select_for_update().only("pk", "owner_organization_id").get(pk=case.pk)
    case.owner_organization_id = locked.owner_organization_id
    return case


def send_transfer(*, actor: Actor, case: Case, organization: Organization | None, reason: str,
                  basis: str = "consent", justification: str = "") -> Transfer:
    """Ask ``organization`` to take over the case. The whole case moves, so the consent must cover
    every section the case holds (``cases.sections.sections_held``). Until the receiver answers, it
    sees only the summary.

    Raises AccessDenied, ValidationError, or DisclosureRefused (nothing but the audited refusal is
    written then)."""
    require_own_scope(actor, "referral.send", case)
    if organization is None or not organization.is_active:
        raise ValidationError({"organization": _("Choose an active partner organization.")})
    if organization.pk == case.owner_organization_id:
        raise ValidationError({"organization": _("This organization already holds the case.")})
    refuse_a_police_service(organization)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case moves to another organization.")})
    if case.is_closed:
        raise ValidationError(_("This case is closed. Reopen it before transferring it."))
    with transaction.atomic():
        # The case row is locked: two transfers proposed at once cannot both pass the check below.
        _lock_case(case)
        if Transfer.objects.filter(case=case, status=TransferStatus.SENT).exists():
            raise ValidationError(_("A transfer of this case is already waiting for an answer."))
        decision = may_disclose(case, organization, _("transfer of the case"), sections_held(case), actor=staff(actor),
                                basis=basis, justification=justification)
        if decision.allowed:
            assert decision.disclosure is not None  # an allowed decision is always recorded
            now = timezone.now()
            transfer = Transfer.objects.create(
                case=case, from_organization=case.owner_organization, to_organization=organization,
                reason=reason[:2000], disclosure=decision.disclosure, sent_by=staff(actor), sent_at=now,
                respond_by=now + datetime.timedelta(hours=TRANSFER_RESPONSE_HOURS))
            grant_case_access(actor=actor, case=case, organization=organization, sections=TRANSFER_PREVIEW_SECTIONS,
                              source="transfer", source_id=str(transfer.pk), reason=f"transfer {transfer.pk}")
            happened(actor=actor, case=case, kind=Kind.TRANSFER_SENT, concerns=organization,
                     params={"org": organization.name}, detail={"transfer_id": str(transfer.pk)},
                     audit_target=transfer,
                     audit_detail={"case_id": str(case.pk), "to_organization_id": organization.pk})
            notify(recipients=responders(organization.pk), kind="transfer.received", transfer=transfer,
                   link=transfer_link(transfer), template=gettext_noop(
                       "%(org)s proposes to transfer case %(number)s to your organization."), params={
                       "org": case.owner_organization.name, "number": case.number})
    if not decision.allowed:
        raise DisclosureRefused(decision)
    return transfer


# --- Status -----------------------------------------------------------------------------------

def _lock_and_check_holder(transfer: Transfer, transition: Transition) -> None:
    """Every answer takes the case row's lock; an accept needs the sender to still hold the case."""
    case = _lock_case(transfer.case)
    if transition.action == "accept" and case.owner_organization_id != transfer.from_organization_id:
        raise InvalidTransition(_("This transfer can no longer be accepted: %(org)s no longer holds the case.") % {
            "org": transfer.from_organization.name})
    if transition.action == "accept":
        # The former owner's share consents are locked now, before any write or audit event (consent
        # rows, then the audit log): the accept asks may_disclose on them for what the sender keeps.
        list(Consent.objects.select_for_update().filter(
            case=case, scope=ConsentScope.SHARE_WITH_ORGANIZATION, organization=transfer.from_organization)
            .values_list("pk"))
        # The consent covered what the case held when the transfer was proposed; what it holds now
        # must be covered too (a justice record added since would otherwise move without consent).
        beyond = sections_held(case) - set(transfer.disclosure.sections)
        if beyond:
            raise InvalidTransition(_(
                "This transfer can no longer be accepted: since it was proposed, the case holds records the "
                "person's consent to the transfer did not cover (%(sections)s). Ask %(org)s to propose it "
                "again with a consent that covers them.") % {
                "sections": ", ".join(str(DECLARED[name].label) for name in sorted(beyond)),
                "org": transfer.from_organization.name})


def _move_ownership_on_accept(transfer: Transfer, transition: Transition, actor: Actor) -> None:
    """The receiver becomes the owner; the accepting worker becomes the caseworker. The former owner
    keeps read access only to what the disclosure gate allows it."""
    if transition.action != "accept":
        return
    case = move_case_ownership(actor=actor, case=transfer.case, organization=transfer.to_organization,
                               owner_worker=actor if allows(actor, "case.view") else None,
                               source_id=str(transfer.pk))
    keeps = _disclose_to_former_owner(actor=actor, transfer=transfer, case=case)
    Transfer.objects.filter(pk=transfer.pk).update(sender_keeps=keeps)
    transfer.sender_keeps = keeps


def _disclose_to_former_owner(*, actor: Actor, transfer: Transfer, case: Case) -> list[str]:
    """Ask ``may_disclose`` for the sections the person's standing consents to share with the former
    owner cover; grant what it allows, until the consent it rests on ends. Returns the sections kept
    (none when there is no such consent, or the gate refuses: the refusal is audited)."""
    former = transfer.from_organization
    wanted: set[str] = set()
    for sections in (Consent.objects.active().filter(case=case, scope=ConsentScope.SHARE_WITH_ORGANIZATION,
                                                     organization=former).values_list("sections", flat=True)):
        wanted.update(sections)
    if not wanted:
        return []
    decision = may_disclose(case, former, _("former owner after transfer"), wanted, actor=staff(actor),
                            basis="consent")
    if not decision.allowed:
        return []
    keeps = sorted(decision.sections)
    grant_case_access(actor=actor, case=case, organization=former, sections=keeps, source="transfer",
                      source_id=f"{transfer.pk}:sender", reason=f"transfer {transfer.pk}: former owner",
                      expires_at=access_ends_at(decision))
    return keeps


def _audit_detail(transfer: Transfer, transition: Transition) -> dict[str, Any]:
    return {"case_id": str(transfer.case_id)}


TRANSFER_FLOW: Flow[Transfer] = Flow(
    noun="transfer", model=Transfer, transitions=TRANSFER_TRANSITIONS, page="referrals:transfer_detail",
    notice=gettext_noop("Transfer of case %(number)s to %(org)s: %(status)s."),
    refusal=gettext_noop("This transfer is “%(status)s”: “%(action)s” is no longer possible. Reload the "
                         "page to see where it stands."),
    timeline_params={"variant": "status"}, audit_detail=_audit_detail, check=_lock_and_check_holder,
    consequence=_move_ownership_on_accept)


def change_transfer_status(*, actor: Actor, transfer: Transfer, action: str, reason: str = "") -> Transfer:
    """Accept, decline or revoke a transfer, as the status rules in ``transitions.py`` allow. Accepting
    moves the ownership to the receiver; the sender then keeps read access only to the sections the
    disclosure gate allows on a standing consent. One transaction."""
    return apply(TRANSFER_FLOW, transfer, action, actor=actor, reason=reason)


# --- A withdrawn consent ----------------------------------------------------------------------

def end_transfers_for_withdrawn_consent(*, actor: Actor, consent: Consent) -> None:
    """In the withdrawal's transaction: a proposed transfer that rested on ``consent`` falls with it,
    and a former owner loses what it kept on a consent to share with it."""
    now = timezone.now()
    for transfer in (Transfer.objects.filter(status=TransferStatus.SENT, disclosure__consent=consent)
                     .select_related("case", "to_organization")):
        Transfer.objects.filter(pk=transfer.pk, status=TransferStatus.SENT).update(
            status=TransferStatus.REVOKED, responded_at=now, status_reason=_(
                "The person withdrew their consent."))
        revoke_case_access(actor=actor, source="transfer", source_id=str(transfer.pk))
        happened(actor=actor, case=transfer.case, kind=Kind.TRANSFER_REVOKED, concerns=transfer.to_organization,
                 params={"variant": "consent_withdrawn", "org": transfer.to_organization.name},
                 detail={"transfer_id": str(transfer.pk)}, audit_target=transfer,
                 audit_detail={"cause": "consent_withdrawn", "consent_id": consent.pk})
        notify(recipients=responders(transfer.to_organization_id), kind="transfer.revoked", transfer=transfer,
               link=transfer_link(transfer), template=gettext_noop(
                   "The transfer of case %(number)s is revoked: the person withdrew their consent."), params={
                   "number": transfer.case.number})
    if consent.scope == ConsentScope.SHARE_WITH_ORGANIZATION and consent.organization_id:
        # A former owner kept read access after a transfer only as far as its consent allowed.
        for transfer in Transfer.objects.filter(case_id=consent.case_id, status=TransferStatus.ACCEPTED,
                                                from_organization_id=consent.organization_id):
            revoke_case_access(actor=actor, source="transfer", source_id=f"{transfer.pk}:sender")
