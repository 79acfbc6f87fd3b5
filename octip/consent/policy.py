"""The single disclosure gate: ``may_disclose``.

Every disclosure of a case outside its owners' circle — referral, transfer, secure export, contact
with police — asks ``may_disclose`` first and acts only on an allowed decision. Every decision,
allowed or refused, is audited; an allowed one is also recorded as a ``Disclosure`` and put on the
case timeline. A refusal's ``reason`` tells the user what happened and what they can do.

Bases:
- ``consent``: an active (given, not expired, not withdrawn) ``share_with_organization`` consent for
  the recipient covering every requested section; for a law-enforcement recipient, also an active
  ``police_contact`` consent.
- ``duty_to_report_child`` (youth cases only), ``court_order``, ``imminent_risk_to_life``: a written
  justification by an actor holding ``consent.legal_basis``. These do not depend on consent, so
  withholding or withdrawing consent cannot suppress the duty to report a child.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from octip.cases import timeline
from octip.core import audit
from octip.core.access import allows

from .models import Consent, ConsentScope, Disclosure, DisclosureBasis, section_label

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from octip.cases.models import Case
    from octip.partners.models import Organization, User

#: The shortest written justification accepted for a legal basis other than consent.
MIN_JUSTIFICATION_LENGTH = 20
LAW_ENFORCEMENT = "law_enforcement"
#: The audit log records why data moved by category only: the caller's purpose is free text that
#: may name someone, so it is kept (encrypted) on the ``Disclosure`` the event points to.
AUDIT_PURPOSE = "disclosure"
YOUTH = "youth"


@dataclass(frozen=True)
class DisclosureDecision:
    allowed: bool
    basis: str
    reason: str
    #: A stable code for programs: allowed, no_consent, withdrawn, expired, sections_not_covered,
    #: police_consent_missing, police_consent_withdrawn, police_consent_expired, not_authorized,
    #: justification_missing, not_youth, sections_not_visible.
    code: str = ""
    sections: frozenset[str] = field(default_factory=frozenset)
    consent: Consent | None = None
    police_consent: Consent | None = None
    disclosure: Disclosure | None = None


class DisclosureRefused(Exception):
    """``may_disclose`` refused; ``explanation`` says why and what to do."""

    def __init__(self, decision: DisclosureDecision) -> None:
        self.decision = decision
        super().__init__(decision.reason)

    @property
    def explanation(self) -> str:
        return self.decision.reason

    def answer(self) -> dict[str, str]:
        """The body of an API's 409 answer to a refusal: why and what to do, the code and the basis."""
        return {"detail": self.decision.reason, "code": self.decision.code, "basis": self.decision.basis}


def _day(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def _section_labels(names: Iterable[str]) -> str:
    return ", ".join(section_label(name) for name in sorted(names))


def _recipient_name(recipient: Organization | str) -> str:
    return recipient if isinstance(recipient, str) else recipient.name


def _consents_for(case: Case, recipient: Organization | str) -> QuerySet[Consent]:
    consents = Consent.objects.filter(case=case, scope=ConsentScope.SHARE_WITH_ORGANIZATION)
    if isinstance(recipient, str):
        # The name is encrypted at rest (it may name a person): compare it here, among this case's
        # consents to organizations off the platform (a handful), case-insensitively.
        wanted = recipient.strip().casefold()
        off_platform = consents.filter(organization__isnull=True).only("pk", "external_recipient")
        return consents.filter(pk__in=[c.pk for c in off_platform
                                       if (c.external_recipient or "").strip().casefold() == wanted])
    return consents.filter(organization=recipient)


def _latest_inactive_explanation(inactive: list[Consent], now: datetime.datetime, *, subject: str,
                                 code_prefix: str = "") -> tuple[str, str] | None:
    """(code, reason) for the most recently ended consent among ``inactive``, or None."""
    # (moment, status, consent); the moment is set whenever status_at says withdrawn or expired.
    ended: list[tuple[Any, str, Consent]] = []
    for consent in inactive:
        status = consent.status_at(now)
        if status == "withdrawn":
            ended.append((consent.withdrawn_at, "withdrawn", consent))
        elif status == "expired":
            ended.append((consent.expires_at, "expired", consent))
    if not ended:
        return None
    moment, status, _consent = max(ended, key=lambda item: item[0])
    if status == "withdrawn":
        return code_prefix + "withdrawn", _(
            "The person withdrew their consent to %(subject)s on %(date)s. Nothing can be shared on that "
            "consent any more. If the person agrees again, record a new consent, then try again.") % {
            "subject": subject, "date": _day(moment)}
    return code_prefix + "expired", _(
        "The consent to %(subject)s expired on %(date)s. Ask the person whether they agree again; if they "
        "do, record a new consent, then try again.") % {"subject": subject, "date": _day(moment)}


#: Functions ``(case) -> bool``: True while the person has said they do not want police involved.
#: Registered by the app that records that choice (``justice``); consent imports none of it.
_POLICE_OBJECTIONS: list[Callable[[Case], bool]] = []


def register_police_objection(objects: Callable[[Case], bool]) -> None:
    """Make ``objects(case)`` part of every decision to disclose to police on the person's consent: while
    it answers True, nothing goes to a police service (a law-enforcement partner, or ``police=True``)
    on consent, by any door (police contact, referral, transfer, secure export, letter)."""
    if objects not in _POLICE_OBJECTIONS:
        _POLICE_OBJECTIONS.append(objects)


def evaluate(case: Case, recipient: Organization | str, purpose: str, sections: frozenset[str], *,
             actor: User, basis: str, justification: str, police: bool = False) -> DisclosureDecision:
    """Decide, without writing anything. ``may_disclose`` is the gate; this is its reasoning."""
    from octip.cases.selectors import sections_visible_to

    now = timezone.now()
    refuse = lambda code, reason, **kw: DisclosureDecision(False, basis, reason, code, sections, **kw)  # noqa: E731
    visible = frozenset(sections_visible_to(actor, case))
    hidden = sections - visible
    if hidden:
        return refuse("sections_not_visible", _(
            "You can share only what you can see yourself. These sections are not open to you: %(sections)s. "
            "Remove them, or ask the case's owner to make the referral.") % {"sections": _section_labels(hidden)})
    name = _recipient_name(recipient)

    if basis != DisclosureBasis.CONSENT:
        label = DisclosureBasis(basis).label
        if not allows(actor, "consent.legal_basis"):
            return refuse("not_authorized", _(
                "Only a coordinator may disclose on the basis “%(basis)s”. Ask a coordinator to make "
                "this disclosure, or record the person's consent to share with %(recipient)s.") % {
                "basis": label, "recipient": name})
        if len(justification.strip()) < MIN_JUSTIFICATION_LENGTH:
            return refuse("justification_missing", _(
                "A disclosure on the basis “%(basis)s” needs a written justification (at least "
                "%(min)d characters): the facts, the authority relied on (for a court order, its file "
                "number), and why the person's consent cannot be sought.") % {
                "basis": label, "min": MIN_JUSTIFICATION_LENGTH})
        if basis == DisclosureBasis.DUTY_TO_REPORT_CHILD and case.track != YOUTH:
            return refuse("not_youth", _(
                "The duty to report a child in need of protection applies only to youth cases (under 19 at "
                "intake). This is an adult case: record the person's consent, or use another legal basis "
                "if one applies."))
        return DisclosureDecision(True, basis, _("Allowed on the legal basis “%(basis)s” with a written "
                                                 "justification.") % {"basis": label}, "allowed", sections)

    consents = list(_consents_for(case, recipient).select_related("organization"))
    active = [c for c in consents if c.status_at(now) == "active"]
    subject = _("share with %(recipient)s") % {"recipient": name}
    if not active:
        ended = _latest_inactive_explanation(consents, now, subject=subject)
        if ended:
            return refuse(*ended)
        return refuse("no_consent", _(
            "There is no consent from the person to share with %(recipient)s. Ask the person; if they agree, "
            "record a consent “Share with an organization” naming %(recipient)s and the sections "
            "to share, then try again.") % {"recipient": name})
    covering = [c for c in active if sections <= set(c.sections)]
    if not covering:
        best = max(active, key=lambda c: len(sections & set(c.sections)))
        missing = sections - set(best.sections)
        covered = sections & set(best.sections)
        return refuse("sections_not_covered", _(
            "The person's consent to share with %(recipient)s does not cover: %(missing)s. Share only what "
            "the consent covers (%(covered)s), or ask the person and record a consent that covers these "
            "sections.") % {"recipient": name, "missing": _section_labels(missing),
                            "covered": _section_labels(covered) if covered else _("nothing you asked for")},
            consent=best)
    consent = max(covering, key=lambda c: (c.given_at, c.pk))

    police_consent = None
    if police or (not isinstance(recipient, str) and recipient.type == LAW_ENFORCEMENT):
        if any(objects(case) for objects in _POLICE_OBJECTIONS):
            return refuse("police_declined", _(
                "The person said they do not want police involved, so nothing is shared with %(recipient)s "
                "on their consent. If the person tells you they have changed their mind, record their new "
                "choice on the case's justice page first.") % {"recipient": name}, consent=consent)
        police_consents = list(Consent.objects.filter(case=case, scope=ConsentScope.POLICE_CONTACT))
        police_active = [c for c in police_consents if c.status_at(now) == "active"]
        if not police_active:
            ended = _latest_inactive_explanation(police_consents, now, subject=_("contact with police"),
                                                 code_prefix="police_consent_")
            if ended:
                return refuse(*ended, consent=consent)
            return refuse("police_consent_missing", _(
                "%(recipient)s is a law-enforcement organization: the person's consent to contact with police "
                "is needed as well. Ask the person; if they agree, record a consent “Contact with "
                "police”, then try again.") % {"recipient": name}, consent=consent)
        police_consent = max(police_active, key=lambda c: (c.given_at, c.pk))
    reason = _("Allowed by the person's consent given on %(date)s.") % {"date": _day(consent.given_at)}
    if consent.expires_at:
        reason += " " + _("It expires on %(date)s.") % {"date": _day(consent.expires_at)}
    return DisclosureDecision(True, basis, reason, "allowed", sections, consent=consent,
                              police_consent=police_consent)


def has_active_consent(case: Case, scope: str, *, organization: Organization | None = None) -> bool:
    """Whether the person of ``case`` has a standing consent of ``scope`` (for
    ``share_with_organization``, to ``organization``). For checks that disclose nothing themselves —
    "may we count this case in statistics?", "may police be contacted?"; a disclosure still goes
    through ``may_disclose``. ``stats`` asks the same question of many cases at once through
    ``cases_with_active_consent``."""
    if scope not in ConsentScope.values:
        raise ValidationError({"scope": _("Unknown consent scope: %(scope)s.") % {"scope": scope}})
    consents = Consent.objects.active().filter(case=case, scope=scope)
    if organization is not None:
        consents = consents.filter(organization=organization)
    return consents.exists()


def cases_with_active_consent(scope: str, *, at: datetime.datetime | None = None) -> QuerySet[Any]:
    """The ids of the cases whose person has a standing consent of ``scope`` at ``at`` (now by
    default), as a subquery: ``has_active_consent`` for many cases in one statement (a statistics
    release counts only cases with an active ``deidentified_statistics`` consent)."""
    if scope not in ConsentScope.values:
        raise ValidationError({"scope": _("Unknown consent scope: %(scope)s.") % {"scope": scope}})
    return Consent.objects.active(at).filter(scope=scope).values("case_id")


def may_disclose(case: Case, recipient_organization: Organization | str, purpose: str, sections: Iterable[str],
                 *, actor: User, basis: str = DisclosureBasis.CONSENT, justification: str = "",
                 police: bool = False) -> DisclosureDecision:
    """May ``actor`` disclose ``sections`` of ``case`` to ``recipient_organization`` for ``purpose``?

    ``recipient_organization`` is a partner ``Organization``, or the name (str) of an organization
    not on the platform (secure export). Unknown sections or basis raise ``ValidationError``
    (nothing is decided then). ``police`` marks a recipient off the platform as a police service: the
    person's ``police_contact`` consent is needed too, as for a law-enforcement partner. Every
    decision is audited (``disclosure.decided``); an allowed one
    is stored as a ``Disclosure`` (``decision.disclosure``) and put on the case timeline.
    """
    from octip.cases.sections import validate_sections

    if basis not in DisclosureBasis.values:
        raise ValidationError({"basis": _("Unknown basis for disclosure: %(basis)s.") % {"basis": basis}})
    if isinstance(recipient_organization, str) and not recipient_organization.strip():
        raise ValidationError({"recipient": _("Name the organization that receives the information.")})
    if recipient_organization is None:
        raise ValidationError({"recipient": _("Name the organization that receives the information.")})
    sections = frozenset(validate_sections(list(sections)))
    if not sections:
        raise ValidationError({"sections": _("Choose at least one section to share.")})
    decision = evaluate(case, recipient_organization, purpose, sections, actor=actor, basis=basis,
                        justification=justification or "", police=police)
    external = isinstance(recipient_organization, str)
    # The recipient as one of the two kinds, each bound once so that the type follows it.
    organization = None if isinstance(recipient_organization, str) else recipient_organization
    external_name = recipient_organization.strip() if isinstance(recipient_organization, str) else ""
    with transaction.atomic():
        if decision.allowed and decision.consent is not None:
            # The consents the decision rests on are locked to the end of the caller's transaction: a
            # withdrawal at the same moment waits for this disclosure, then ends what it opened; or it
            # came first, and the decision is made again, under the lock, seeing it.
            rests_on = [c.pk for c in (decision.consent, decision.police_consent) if c is not None]
            locked = list(Consent.objects.select_for_update().filter(pk__in=rests_on))
            now = timezone.now()  # after the lock: a withdrawal that went first is in the past now
            if any(c.status_at(now) != "active" for c in locked):
                decision = evaluate(case, recipient_organization, purpose, sections, actor=actor, basis=basis,
                                    justification=justification or "", police=police)
        disclosure = None
        if decision.allowed:
            disclosure = Disclosure.objects.create(
                case=case, organization=organization, external_recipient=external_name,
                purpose=(purpose or "")[:300], sections=sorted(sections), basis=basis, consent=decision.consent,
                police_consent=decision.police_consent,
                justification=justification.strip() if basis != DisclosureBasis.CONSENT else "",
                decided_by=actor)
            decision = DisclosureDecision(True, basis, decision.reason, decision.code, sections,
                                          consent=decision.consent, police_consent=decision.police_consent,
                                          disclosure=disclosure)
        audit.record(actor, "disclosure.decided", case, purpose=AUDIT_PURPOSE, detail={
            # The reason repeats the recipient's name: a free-text one (which may name a person) stays
            # out of the audit log, whose code says why.
            "allowed": decision.allowed, "basis": basis, "code": decision.code,
            "reason": None if external else decision.reason,
            "sections": sorted(sections),
            "recipient_organization_id": None if organization is None else organization.pk,
            "external_recipient": external,
            "consent_id": decision.consent.pk if decision.consent else None,
            "disclosure_id": disclosure.pk if disclosure else None})
        if disclosure is not None:
            # A recipient off the platform is free text that may name a person: the timeline says only
            # that it is off the platform, and only the owning circle reads of it.
            timeline.record(
                actor=actor, case=case, kind=timeline.Kind.DISCLOSURE,
                params={"variant": "off_platform" if external else "partner", "sections": ("sections", sections),
                        "basis": ("disclosure_basis", basis),
                        **({} if organization is None else {"recipient": organization.name})},
                concerns=organization, restricted=external,
                detail={"disclosure_id": disclosure.pk, "basis": basis, "sections": sorted(sections)})
    return decision
