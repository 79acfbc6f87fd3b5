"""Writes about referrals, transfers and secure exports: ``verb_noun(*, actor, ...)``.

Every disclosure asks ``consent.policy.may_disclose`` first. The decision is made (and audited) in
its own transaction, so that a refusal stays in the audit log even though nothing else is written;
an allowed decision and everything it leads to commit together or not at all.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.cases.timeline import Kind, happened
from octip.consent.models import Consent, ConsentScope
from octip.consent.policy import DisclosureRefused, may_disclose
from octip.core import audit
from octip.core.access import AccessDenied, allows, in_scope, require
from octip.core.bounds import refuse_out_of_range
from octip.partners.models import Organization, User

from .models import (
    Notification,
    Referral,
    Transfer,
    TransferStatus,
    Urgency,
    response_targets,
)
from .transitions import REFERRAL_TRANSITIONS, TRANSFER_TRANSITIONS, Transition

#: What a receiver may see of a case while deciding whether to accept a transfer.
TRANSFER_PREVIEW_SECTIONS = ["summary"]
TRANSFER_RESPONSE_HOURS = 72


class InvalidTransition(ValidationError):
    """The referral or transfer is not in a status that allows this action."""


def respond_by_for(urgency: str, sent_at: datetime.datetime | None = None) -> datetime.datetime:
    """When the receiver must answer, from the response targets (data, by urgency)."""
    return (sent_at or timezone.now()) + datetime.timedelta(hours=response_targets()[urgency])


def _require_sender(actor, permission: str, case) -> None:
    from octip.cases.sharing import require_own_scope

    require_own_scope(actor, permission, case)


def _require_receiver(actor, permission: str, organization_id: int) -> None:
    require(actor, permission)
    if actor.organization_id != organization_id:
        audit.record_denial(actor, permission, None)
        raise AccessDenied(permission, _("Only the receiving organization can answer this."))


# --- Notifications ----------------------------------------------------------------------------

def _responders(organization_id: int) -> list[User]:
    return [u for u in User.objects.filter(organization_id=organization_id, is_active=True)
            if allows(u, "referral.respond")]


_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("referrals_quiet_notifications", default=False)


@contextlib.contextmanager
def without_email() -> Iterator[None]:
    """In-app notifications only (demo data must not send mail)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def absolute(path: str) -> str:
    # OCTIP_SITE_URL (e.g. https://octip.example.ca) makes links in emails absolute.
    return settings.OCTIP_SITE_URL.rstrip("/") + path


def notify(*, recipients: Iterable[User], kind: str, message: str, referral: Referral | None = None,
           transfer: Transfer | None = None, link: str = "") -> None:
    """An in-app notice and an email to each recipient. ``message`` must identify nobody: it names a
    case number and organizations only. Emails leave after the transaction commits."""
    recipients = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    Notification.objects.bulk_create([
        Notification(recipient=u, referral=referral, transfer=transfer, kind=kind, message=message[:300])
        for u in recipients])
    emails = [u.email for u in recipients]
    if emails and not _quiet.get():
        body = message + ("\n\n" + _("Sign in to the platform to see it: %(link)s") % {"link": absolute(link)}
                          if link else "")
        transaction.on_commit(lambda: send_mail(
            subject=_("[OCTIP] %(message)s") % {"message": message[:120]}, message=body,
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=emails, fail_silently=True))


def _referral_link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


# --- Referrals --------------------------------------------------------------------------------

def _resolve_recipient(*, actor, service, organization, case) -> Organization:
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
    return organization


def _clean_referral(*, case, purpose: str, urgency: str, sections: Iterable[str],
                    respond_by: datetime.datetime | None) -> tuple[str, list[str], datetime.datetime]:
    from octip.cases.sections import validate_sections

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


def send_referral(*, actor, case, purpose: str, urgency: str, sections: Iterable[str], service=None,
                  organization: Organization | None = None, respond_by: datetime.datetime | None = None,
                  basis: str = "consent", justification: str = "") -> Referral:
    """Refer ``case`` to a directory ``service`` (run by a partner) or a partner ``organization``.

    Raises AccessDenied, ValidationError, or DisclosureRefused (whose ``explanation`` says why and
    what to do); nothing but the audited refusal is written then. On success the receiving
    organization gets access to the shared sections until the referral ends or the consent does.
    """
    _require_sender(actor, "referral.send", case)
    recipient = _resolve_recipient(actor=actor, service=service, organization=organization, case=case)
    purpose, chosen, respond_by = _clean_referral(case=case, purpose=purpose, urgency=urgency, sections=sections,
                                                  respond_by=respond_by)
    if Referral.objects.open().filter(case=case, to_organization=recipient).exists():
        raise ValidationError(_("An open referral of this case to %(org)s already exists: see it in the "
                                "outbox.") % {"org": recipient.name})
    with transaction.atomic():
        decision = may_disclose(case, recipient, purpose, chosen, actor=actor, basis=basis,
                                justification=justification)
        if decision.allowed:
            referral = _create_referral(actor=actor, case=case, recipient=recipient, service=service,
                                        purpose=purpose, urgency=urgency, sections=chosen, respond_by=respond_by,
                                        decision=decision)
    if not decision.allowed:
        raise DisclosureRefused(decision)
    return referral


def _create_referral(*, actor, case, recipient, service, purpose, urgency, sections, respond_by,
                     decision) -> Referral:
    from octip.cases.sharing import grant_case_access

    referral = Referral.objects.create(
        case=case, service=service, from_organization=case.owner_organization, to_organization=recipient,
        purpose=purpose, urgency=urgency, sections=sections, respond_by=respond_by,
        disclosure=decision.disclosure, sent_by=actor)
    # The grant ends with the consent it rests on, even if nobody withdraws it.
    expires = decision.consent.expires_at if decision.consent else None
    if decision.police_consent and decision.police_consent.expires_at:
        expires = min(filter(None, [expires, decision.police_consent.expires_at]))
    grant_case_access(actor=actor, case=case, organization=recipient, sections=sections, source="referral",
                      source_id=str(referral.pk), reason=f"referral {referral.pk}", expires_at=expires)
    happened(actor=actor, case=case, kind=Kind.REFERRAL_SENT, concerns=recipient,
             params={"org": recipient.name, "urgency": ("urgency", urgency),
                     "date": ("datetime", respond_by.isoformat())},
             detail={"referral_id": str(referral.pk)}, audit_target=referral, audit_purpose="referral", audit_detail={
                 "case_id": str(case.pk), "to_organization_id": recipient.pk,
                 "service_id": str(service.pk) if service else None, "sections": sections, "urgency": urgency,
                 "basis": decision.basis, "disclosure_id": decision.disclosure.pk})
    notify(recipients=_responders(recipient.pk), kind="referral.received", referral=referral,
           link=_referral_link(referral), message=_(
               "New referral of case %(number)s from %(org)s (%(urgency)s): respond by %(date)s.") % {
               "number": case.number, "org": case.owner_organization.name, "urgency": Urgency(urgency).label,
               "date": timezone.localtime(respond_by).strftime("%Y-%m-%d %H:%M")})
    return referral


def _refuse_transition(kind: str, current_label: str, transition: Transition) -> InvalidTransition:
    values = {"status": current_label, "action": transition.label}
    if kind == "referral" and transition.action in ("complete", "close"):
        return InvalidTransition(_("Only an accepted referral can be completed or closed; this one is "
                                   "“%(status)s”. Accept it first if you are taking it on.") % values)
    if kind == "referral":
        return InvalidTransition(_("This referral is “%(status)s”: “%(action)s” is no longer possible. Reload the "
                                   "page to see where it stands.") % values)
    return InvalidTransition(_("This transfer is “%(status)s”: “%(action)s” is no longer possible. Reload the "
                               "page to see where it stands.") % values)


@transaction.atomic
def change_referral_status(*, actor, referral: Referral, action: str, reason: str = "") -> Referral:
    """Accept, decline, complete, close (without service) or revoke a referral — as the status rules
    in ``transitions.py`` allow. Ending actions end the receiver's access at once."""
    from octip.cases.sharing import revoke_case_access

    transition = REFERRAL_TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action.")})
    if transition.side == "receiver":
        _require_receiver(actor, transition.permission, referral.to_organization_id)
    else:
        _require_sender(actor, transition.permission, referral.case)
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ValidationError({"reason": _("%(what)s: please write it.") % {"what": transition.reason_label}})
    if action == "accept" and Referral.objects.filter(pk=referral.pk, status__in=transition.sources).exists() \
            and not _referral_access_stands(referral):
        raise InvalidTransition(_("This referral can no longer be accepted: the consent it rested on was "
                                  "withdrawn or has expired. The case's owner can send a new referral if the "
                                  "person agrees again."))
    now = timezone.now()
    fields: dict[str, Any] = {"status": transition.target}
    if transition.side == "receiver" and action in ("accept", "decline"):
        fields.update(responded_by=actor, responded_at=now)
    else:
        fields.update(closed_by=actor, closed_at=now)
    # The status in the WHERE clause makes two people answering at once safe: the second one loses.
    updated = Referral.objects.filter(pk=referral.pk, status__in=transition.sources).update(**fields)
    if not updated:
        referral.refresh_from_db()
        raise _refuse_transition("referral", referral.get_status_display(), transition)
    for name, value in fields.items():
        setattr(referral, name, value)
    if reason:
        referral.status_reason = reason[:2000]
        referral.save(update_fields=["status_reason"])
    if transition.ends_access:
        revoke_case_access(actor=actor, source="referral", source_id=str(referral.pk))
    happened(actor=actor, case=referral.case, kind=Kind(f"referral.{transition.target}"),
             concerns=referral.to_organization,
             params={"org": referral.to_organization.name, "status": ("referral_status", transition.target)},
             detail={"referral_id": str(referral.pk)}, audit_target=referral, audit_detail={
                 "case_id": str(referral.case_id), "action": action, "status": transition.target})
    recipients = [referral.sent_by] if transition.side == "receiver" else _responders(referral.to_organization_id)
    notify(recipients=recipients, kind=f"referral.{transition.target}", referral=referral,
           link=_referral_link(referral), message=_("Referral of case %(number)s to %(org)s: %(status)s.") % {
               "number": referral.case.number, "org": referral.to_organization.name,
               "status": referral.get_status_display()})
    return referral


def _referral_access_stands(referral: Referral) -> bool:
    """Whether the access the referral opened still stands (not ended by a withdrawn or expired consent)."""
    from octip.cases.models import CaseAccessGrant

    ended = Referral.objects.filter(pk=referral.pk, access_ended_at__isnull=False).exists()
    return not ended and CaseAccessGrant.objects.active().filter(source="referral",
                                                                 source_id=str(referral.pk)).exists()


def end_access_for_withdrawn_consent(*, actor, consent: Consent) -> int:
    """Called in the withdrawal's transaction: every open referral that rested on ``consent`` loses
    its access grant now. The referral itself stays as it was (the service may go on with the person
    directly) and says why access ended."""
    from octip.cases.sharing import revoke_case_access

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
        notify(recipients=_responders(referral.to_organization_id), kind="referral.access_ended",
               referral=referral, link=_referral_link(referral), message=_(
                   "Access to case %(number)s has ended: the person withdrew their consent.") % {
                   "number": referral.case.number})
    # A proposed transfer that rested on the consent falls with it.
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
        notify(recipients=_responders(transfer.to_organization_id), kind="transfer.revoked", transfer=transfer,
               link=reverse("referrals:transfer_detail", args=[transfer.pk]), message=_(
                   "The transfer of case %(number)s is revoked: the person withdrew their consent.") % {
                   "number": transfer.case.number})
    if consent.scope == ConsentScope.SHARE_WITH_ORGANIZATION and consent.organization_id:
        # A former owner kept read access after a transfer only as far as its consent allowed.
        for transfer in Transfer.objects.filter(case_id=consent.case_id, status=TransferStatus.ACCEPTED,
                                                from_organization_id=consent.organization_id):
            revoke_case_access(actor=actor, source="transfer", source_id=f"{transfer.pk}:sender")
    return len(referrals)


def notify_overdue(*, now: datetime.datetime | None = None) -> int:
    """Tell both sides, once, of each referral whose response is overdue. Returns how many."""
    now = now or timezone.now()
    count = 0
    for referral in (Referral.objects.overdue(now).filter(overdue_notified_at__isnull=True)
                     .select_related("case", "to_organization", "sent_by")):
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral.pk, overdue_notified_at__isnull=True).update(
                    overdue_notified_at=now):
                continue
            message = _("Overdue: the referral of case %(number)s to %(org)s awaited a response by %(date)s.") % {
                "number": referral.case.number, "org": referral.to_organization.name,
                "date": timezone.localtime(referral.respond_by).strftime("%Y-%m-%d %H:%M")}
            notify(recipients=[referral.sent_by, *_responders(referral.to_organization_id)],
                   kind="referral.overdue", referral=referral, link=_referral_link(referral), message=message)
            audit.record(None, "referral.overdue_notified", referral)
            count += 1
    return count


@transaction.atomic
def mark_notifications_read(*, actor, ids: Iterable[int] | None = None) -> int:
    notifications = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=list(ids))
    return notifications.update(read_at=timezone.now())


# --- Transfers --------------------------------------------------------------------------------

def send_transfer(*, actor, case, organization: Organization, reason: str, basis: str = "consent",
                  justification: str = "") -> Transfer:
    """Ask ``organization`` to take over the case. The whole case moves, so the consent must cover
    every section. Until the receiver answers, it sees only the summary."""
    from octip.cases.sections import ALL_SECTIONS
    from octip.cases.sharing import grant_case_access

    _require_sender(actor, "referral.send", case)
    if organization is None or not organization.is_active:
        raise ValidationError({"organization": _("Choose an active partner organization.")})
    if organization.pk == case.owner_organization_id:
        raise ValidationError({"organization": _("This organization already holds the case.")})
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
        decision = may_disclose(case, organization, _("transfer of the case"), ALL_SECTIONS, actor=actor,
                                basis=basis, justification=justification)
        if decision.allowed:
            now = timezone.now()
            transfer = Transfer.objects.create(
                case=case, from_organization=case.owner_organization, to_organization=organization,
                reason=reason[:2000], disclosure=decision.disclosure, sent_by=actor, sent_at=now,
                respond_by=now + datetime.timedelta(hours=TRANSFER_RESPONSE_HOURS))
            grant_case_access(actor=actor, case=case, organization=organization, sections=TRANSFER_PREVIEW_SECTIONS,
                              source="transfer", source_id=str(transfer.pk), reason=f"transfer {transfer.pk}")
            happened(actor=actor, case=case, kind=Kind.TRANSFER_SENT, concerns=organization,
                     params={"org": organization.name}, detail={"transfer_id": str(transfer.pk)},
                     audit_target=transfer,
                     audit_detail={"case_id": str(case.pk), "to_organization_id": organization.pk})
            notify(recipients=_responders(organization.pk), kind="transfer.received", transfer=transfer,
                   link=reverse("referrals:transfer_detail", args=[transfer.pk]), message=_(
                       "%(org)s proposes to transfer case %(number)s to your organization.") % {
                       "org": case.owner_organization.name, "number": case.number})
    if not decision.allowed:
        raise DisclosureRefused(decision)
    return transfer


@transaction.atomic
def change_transfer_status(*, actor, transfer: Transfer, action: str, reason: str = "") -> Transfer:
    """Accept, decline or revoke a transfer. Accepting moves the ownership to the receiver; the
    sender then keeps read access only to the sections a standing consent lets it see."""
    from octip.cases.sharing import revoke_case_access

    transition = TRANSFER_TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action.")})
    if transition.side == "receiver":
        _require_receiver(actor, transition.permission, transfer.to_organization_id)
    else:
        _require_sender(actor, transition.permission, transfer.case)
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ValidationError({"reason": _("%(what)s: please write it.") % {"what": transition.reason_label}})
    case = _lock_case(transfer.case)
    if action == "accept" and case.owner_organization_id != transfer.from_organization_id:
        raise InvalidTransition(_("This transfer can no longer be accepted: %(org)s no longer holds the case.") % {
            "org": transfer.from_organization.name})
    now = timezone.now()
    updated = Transfer.objects.filter(pk=transfer.pk, status__in=transition.sources).update(
        status=transition.target, responded_by=actor, responded_at=now)
    if not updated:
        transfer.refresh_from_db()
        raise _refuse_transition("transfer", transfer.get_status_display(), transition)
    transfer.status, transfer.responded_by, transfer.responded_at = transition.target, actor, now
    if reason:
        transfer.status_reason = reason[:2000]
        transfer.save(update_fields=["status_reason"])
    revoke_case_access(actor=actor, source="transfer", source_id=str(transfer.pk))
    if action == "accept":
        _move_ownership(actor=actor, transfer=transfer)
    happened(actor=actor, case=transfer.case, kind=Kind(f"transfer.{transition.target}"),
             concerns=transfer.to_organization,
             params={"variant": "status", "org": transfer.to_organization.name,
                     "status": ("transfer_status", transition.target)},
             detail={"transfer_id": str(transfer.pk)}, audit_target=transfer,
             audit_detail={"case_id": str(transfer.case_id)})
    recipients = [transfer.sent_by] if transition.side == "receiver" else _responders(transfer.to_organization_id)
    notify(recipients=recipients, kind=f"transfer.{transition.target}", transfer=transfer,
           link=reverse("referrals:transfer_detail", args=[transfer.pk]),
           message=_("Transfer of case %(number)s to %(org)s: %(status)s.") % {
               "number": transfer.case.number, "org": transfer.to_organization.name,
               "status": transfer.get_status_display()})
    return transfer


def _lock_case(case):
    """Lock the case's row until the transaction ends and refresh who owns it."""
    from octip.cases.models import Case

    locked = Case.objects.select_for_update().only("pk", "owner_organization_id").get(pk=case.pk)
    case.owner_organization_id = locked.owner_organization_id
    return case


def _move_ownership(*, actor, transfer: Transfer) -> None:
    """The receiver becomes the owner; the accepting worker becomes the caseworker. The former owner
    keeps read access only to the sections an active consent to share with it allows."""
    from octip.cases.sharing import grant_case_access, move_case_ownership

    case = move_case_ownership(actor=actor, case=transfer.case, organization=transfer.to_organization,
                               owner_worker=actor if allows(actor, "case.view") else None,
                               source_id=str(transfer.pk))
    keeps: set[str] = set()
    for consent in Consent.objects.active().filter(case=case, scope=ConsentScope.SHARE_WITH_ORGANIZATION,
                                                   organization=transfer.from_organization):
        keeps.update(consent.sections)
    if keeps:
        consent = (Consent.objects.active().filter(case=case, scope=ConsentScope.SHARE_WITH_ORGANIZATION,
                                                   organization=transfer.from_organization)
                   .order_by("-given_at").first())
        grant_case_access(actor=actor, case=case, organization=transfer.from_organization, sections=sorted(keeps),
                          source="transfer", source_id=f"{transfer.pk}:sender",
                          reason=f"transfer {transfer.pk}: former owner", expires_at=consent.expires_at)
    Transfer.objects.filter(pk=transfer.pk).update(sender_keeps=sorted(keeps))
    transfer.sender_keeps = sorted(keeps)
