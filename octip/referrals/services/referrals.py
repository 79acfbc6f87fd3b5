"""Referrals: asking a partner to serve the person, opening it the shared sections of the case
while the referral is open and the consent it rests on stands.

Every referral asks ``consent.policy.may_disclose`` first. The decision is made (and audited) in
its own transaction, so that a refusal stays in the audit log even though nothing else is written;
an allowed decision and everything it leads to commit together or not at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from octip.cases.models import Case, CaseAccessGrant
from octip.cases.sections import validate_sections
from octip.cases.services.delivery import record_service_from_referral
from octip.cases.sharing import grant_case_access, require_own_scope, revoke_case_access, widen_case_access
from octip.cases.timeline import Kind, happened
from octip.consent.models import Consent, ConsentScope
from octip.consent.policy import DisclosureDecision, DisclosureRefused, may_disclose
from octip.core.access import Actor, in_scope
from octip.core.bounds import refuse_out_of_range
from octip.directory.models import Service
from octip.partners.models import Organization

from ..models import Referral, Urgency, response_targets
from ..transitions import REFERRAL_TRANSITIONS, Transition
from .flow import PREVIEW_SECTIONS, Flow, InvalidTransition, access_ends_at, apply, refuse_a_police_service, staff
from .notifications import notify, referral_link, responders
from .transfers import end_transfers_for_withdrawn_consent


def respond_by_for(urgency: str, sent_at: datetime.datetime | None = None) -> datetime.datetime:
    """When the receiver must answer, from the response targets (data, by urgency)."""
    return (sent_at or timezone.now()) + datetime.timedelta(hours=response_targets()[urgency])


def _resolve_recipient(*, actor: Actor, service: Service | None, organization: Organization | None,
                       case: Case) -> Organization:
    if service is not None:
        if not in_scope(actor, service):
            raise ValidationError({"service": _("No such service in the directory.")})
        if service.status != "active":
            raise ValidationError({"service": _("This service is not active; choose another.")})
        if service.partner_organization_id is None:
            raise ValidationError({"service": _(
                "The organization that runs this service is not on the platform, so it cannot receive a "
                "referral here. Use a secure export to send it the shared sections.")})
        if organization is not None and organization.pk != service.partner_organization_id:
            raise ValidationError({"organization": _("This service belongs to another organization.")})
        organization = service.partner_organization
    if organization is None:
        raise ValidationError({"organization": _("Choose a service or a partner organization to refer to.")})
    if not organization.is_active:
        raise ValidationError({"organization": _("This organization is no longer active on the platform.")})
    if organization.pk == case.owner_organization_id:
        raise ValidationError({"organization": _("This organization already holds the case.")})
    refuse_a_police_service(organization)
    return organization


def _clean_referral(*, case: Case, purpose: str, urgency: str, sections: Iterable[str],
                    respond_by: datetime.datetime | None) -> tuple[str, list[str], datetime.datetime]:
    refuse_out_of_range(respond_by=respond_by)  # before any comparison: a time near year 9999 overflows
    errors = {}
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = _("Say what the referral is for.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent the referral is.")
    chosen = sorted(validate_sections(list(sections or [])))
    if not chosen:
        errors["sections"] = _("Choose the sections of the case the receiver may see.")
    if respond_by is not None and respond_by <= timezone.now():
        errors["respond_by"] = _("The response date must be in the future.")
    if case.is_closed:
        errors["__all__"] = _("This case is closed. Reopen it before referring it.")
    if errors:
        raise ValidationError(errors)
    return purpose[:2000], chosen, respond_by or respond_by_for(urgency)


def send_referral(*, actor: Actor, case: Case, purpose: str, urgency: str, sections: Iterable[str],
                  service: Service | None = None, organization: Organization | None = None,
                  respond_by: datetime.datetime | None = None, basis: str = "consent",
                  justification: str = "") -> Referral:
    """Refer ``case`` to a directory ``service`` (run by a partner) or a partner ``organization``.

    Raises AccessDenied, ValidationError, or DisclosureRefused (whose ``explanation`` says why and
    what to do); nothing but the audited refusal is written then. On success the receiving
    organization gets access to the shared sections until the referral ends or the consent does.
    """
    require_own_scope(actor, "referral.send", case)
    recipient = _resolve_recipient(actor=actor, service=service, organization=organization, case=case)
    purpose, chosen, respond_by = _clean_referral(case=case, purpose=purpose, urgency=urgency, sections=sections,
                                                  respond_by=respond_by)
    if Referral.objects.open().filter(case=case, to_organization=recipient).exists():
        raise ValidationError(_("An open referral of this case to %(org)s already exists: see it in the "
                                "outbox.") % {"org": recipient.name})
    with transaction.atomic():
        decision = may_disclose(case, recipient, purpose, chosen, actor=staff(actor), basis=basis,
                                justification=justification)
        if decision.allowed:
            referral = _create_referral(actor=actor, case=case, recipient=recipient, service=service,
                                        purpose=purpose, urgency=urgency, sections=chosen, respond_by=respond_by,
                                        decision=decision)
    if not decision.allowed:
        raise DisclosureRefused(decision)
    return referral


def _create_referral(*, actor: Actor, case: Case, recipient: Organization, service: Service | None, purpose: str,
                     urgency: str, sections: list[str], respond_by: datetime.datetime,
                     decision: DisclosureDecision) -> Referral:
    assert decision.disclosure is not None  # an allowed decision is always recorded
    referral = Referral.objects.create(
        case=case, service=service, from_organization=case.owner_organization, to_organization=recipient,
        purpose=purpose, urgency=urgency, sections=sections, respond_by=respond_by,
        disclosure=decision.disclosure, sent_by=staff(actor))
    # Until the receiver accepts, it sees a preview (issue 9 #17): what it needs to decide, not the person.
    grant_case_access(actor=actor, case=case, organization=recipient, sections=preview_sections(sections),
                      source="referral",
                      source_id=str(referral.pk), reason=f"referral {referral.pk}", expires_at=access_ends_at(decision))
    happened(actor=actor, case=case, kind=Kind.REFERRAL_SENT, concerns=recipient,
             params={"org": recipient.name, "urgency": ("urgency", urgency),
                     "date": ("datetime", respond_by.isoformat())},
             detail={"referral_id": str(referral.pk)}, audit_target=referral, audit_purpose="referral", audit_detail={
                 "case_id": str(case.pk), "to_organization_id": recipient.pk,
                 "service_id": str(service.pk) if service else None, "sections": sections, "urgency": urgency,
                 "basis": decision.basis, "disclosure_id": decision.disclosure.pk})
    notify(recipients=responders(recipient.pk), kind="referral.received", referral=referral,
           link=referral_link(referral), template=gettext_noop(
               "New referral of case %(number)s from %(org)s (%(urgency)s): respond by %(date)s."), params={
               "number": case.number, "org": case.owner_organization.name, "urgency": Urgency(urgency).label,
               "date": timezone.localtime(respond_by).strftime("%Y-%m-%d %H:%M")})
    return referral


# --- Status -----------------------------------------------------------------------------------

def _access_stands(referral: Referral) -> bool:
    """Whether the access the referral opened still stands (not ended by a withdrawn or expired consent)."""
    ended = Referral.objects.filter(pk=referral.pk, access_ended_at__isnull=False).exists()
    return not ended and CaseAccessGrant.objects.active().filter(source="referral",
                                                                 source_id=str(referral.pk)).exists()


def _refuse_accept_without_access(referral: Referral, transition: Transition) -> None:
    """A referral whose consent was withdrawn or expired while it waited cannot be taken on.

    The consents it rests on are locked first (before the status moves and before any audit event,
    whose append lock is held to the end of the transaction): a withdrawal at the same moment waits
    for this accept, then ends the access it opened, or this accept waits for the withdrawal and is
    refused. Either order, never an accepted referral with access on a withdrawn consent, never a
    deadlock (tests/reliability/test_concurrency.py)."""
    if transition.action == "accept":
        rests_on = Referral.objects.filter(pk=referral.pk).values_list(
            "disclosure__consent_id", "disclosure__police_consent_id").first() or ()
        list(Consent.objects.select_for_update().filter(pk__in=[pk for pk in rests_on if pk]).values_list("pk"))
    if transition.action == "accept" \
            and Referral.objects.filter(pk=referral.pk, status__in=transition.sources).exists() \
            and not _access_stands(referral):
        raise InvalidTransition(_("This referral can no longer be accepted: the consent it rested on was "
                                  "withdrawn or has expired. The case's owner can send a new referral if the "
                                  "person agrees again."))


def _audit_detail(referral: Referral, transition: Transition) -> dict[str, Any]:
    return {"case_id": str(referral.case_id), "action": transition.action, "status": transition.target}


def preview_sections(sections: Iterable[str]) -> list[str]:
    """What a receiver sees of a referral it has not accepted yet: the shared sections among
    ``PREVIEW_SECTIONS`` (the summary, never the identity), as for a transfer."""
    return sorted(set(sections) & PREVIEW_SECTIONS)


def _open_shared_sections(referral: Referral, transition: Transition, actor: Actor) -> None:
    """Once accepted, the receiver sees every section the disclosure allowed."""
    if transition.action == "accept":
        widen_case_access(actor=actor, source="referral", source_id=str(referral.pk), sections=referral.sections)


def _consequences(referral: Referral, transition: Transition, actor: Actor) -> None:
    """What a change of status leads to: the shared sections open on acceptance, and the service the
    person receives is recorded on the case (created when accepted, delivered when completed, ended
    when closed or revoked), in the same transaction."""
    _open_shared_sections(referral, transition, actor)
    record_service_from_referral(actor=actor, referral=referral, action=transition.action)


REFERRAL_FLOW: Flow[Referral] = Flow(
    noun="referral", model=Referral, transitions=REFERRAL_TRANSITIONS, page="referrals:detail",
    notice=gettext_noop("Referral of case %(number)s to %(org)s: %(status)s."),
    refusal=gettext_noop("This referral is “%(status)s”: “%(action)s” is no longer possible. Reload the "
                         "page to see where it stands."),
    refusals=dict.fromkeys(("complete", "close"), gettext_noop(
        "Only an accepted referral can be completed or closed; this one is “%(status)s”. Accept it first if you "
        "are taking it on.")),
    audit_detail=_audit_detail, check=_refuse_accept_without_access, consequence=_consequences)


def change_referral_status(*, actor: Actor, referral: Referral, action: str, reason: str = "") -> Referral:
    """Accept, decline, complete, close (without service) or revoke a referral — as the status rules
    in ``transitions.py`` allow. Ending actions end the receiver's access at once. One transaction."""
    return apply(REFERRAL_FLOW, referral, action, actor=actor, reason=reason)


# --- A withdrawn consent ----------------------------------------------------------------------

def end_access_for_withdrawn_consent(*, actor: Actor, consent: Consent) -> int:
    """Called in the withdrawal's transaction: every open referral that rested on ``consent`` loses
    its access grant now. The referral itself stays as it was (the service may go on with the person
    directly) and says why access ended. A transfer resting on it falls too. Returns how many
    referrals lost their access."""
    field = "disclosure__police_consent" if consent.scope == ConsentScope.POLICE_CONTACT else "disclosure__consent"
    referrals = list(Referral.objects.open().filter(**{field: consent}, access_ended_at__isnull=True)
                     .select_related("case", "to_organization"))
    now = timezone.now()
    for referral in referrals:
        revoke_case_access(actor=actor, source="referral", source_id=str(referral.pk))
        Referral.objects.filter(pk=referral.pk).update(access_ended_at=now, access_end_cause="consent_withdrawn")
        happened(actor=actor, case=referral.case, kind=Kind.REFERRAL_ACCESS_ENDED, concerns=referral.to_organization,
                 params={"org": referral.to_organization.name}, detail={"referral_id": str(referral.pk)},
                 audit_target=referral, audit_detail={"cause": "consent_withdrawn", "consent_id": consent.pk})
        notify(recipients=responders(referral.to_organization_id), kind="referral.access_ended",
               referral=referral, link=referral_link(referral), template=gettext_noop(
                   "Access to case %(number)s has ended: the person withdrew their consent."), params={
                   "number": referral.case.number})
    end_transfers_for_withdrawn_consent(actor=actor, consent=consent)
    return len(referrals)
