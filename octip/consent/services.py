"""Writes about consent: record a consent, withdraw one.

Recording a new consent widens what may leave the person's circle, so only the case's own circle
(its scope, not an access grant) may record one. Withdrawing narrows it, so anyone with
``consent.record`` who can see the case's consents may record a withdrawal: the person may tell any
worker, and it must take effect at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from octip.cases.interpretation import record_interpreter_may_know
from octip.cases.models import Case
from octip.cases.notices import case_owners
from octip.cases.sharing import require_own_scope
from octip.cases.timeline import Kind, happened
from octip.core import audit, interpretation
from octip.core.access import require
from octip.core.bounds import refuse_out_of_range
from octip.notifications.models import Kind as NotificationKind
from octip.notifications.services import notify
from octip.partners.models import Organization, User

from .models import Consent, ConsentScope, ContactMethod, GivenBy
from .selectors import may_read_consent
from .signals import consent_withdrawn

#: How far in the future a "given" time may be (clock differences between devices).
CLOCK_SKEW = datetime.timedelta(minutes=5)


def _clean(*, case: Case, scope: str, organization: Organization | None, external_recipient: str, purpose: str,
           sections: Iterable[str], contact_method: str, safe_times: str, given_by: str, language: str,
           given_at: datetime.datetime, expires_at: datetime.datetime | None) -> dict:
    from octip.cases.sections import validate_sections

    errors: dict[str, str] = {}
    if scope not in ConsentScope.values:
        raise ValidationError({"scope": _("Choose what the consent is for.")})
    sections = sorted(validate_sections(list(sections or [])))
    external_recipient = (external_recipient or "").strip()
    purpose = (purpose or "").strip()
    if scope == ConsentScope.SHARE_WITH_ORGANIZATION:
        if organization is None and not external_recipient:
            errors["organization"] = _("Name the organization the person agrees to share with.")
        elif organization is not None and external_recipient:
            errors["external_recipient"] = _("Name either a partner organization or one not on the platform, "
                                             "not both: record one consent for each.")
        elif organization is not None and not organization.is_active:
            errors["organization"] = _("This organization is no longer active on the platform.")
        if not sections:
            errors["sections"] = _("Choose the sections of the case the person agrees to share.")
        if not purpose:
            errors["purpose"] = _("Say for what purpose the person agrees to share.")
    elif organization is not None or external_recipient or sections:
        errors["scope"] = _("Only a consent to share with an organization names an organization and "
                            "sections.")
    if scope == ConsentScope.CONTACT_METHOD:
        if contact_method not in ContactMethod.values:
            errors["contact_method"] = _("Choose how the person may be contacted.")
    elif contact_method or (safe_times or "").strip():
        errors["contact_method"] = _("A contact method and safe times belong to a consent about how to "
                                     "contact the person.")
    if given_by not in GivenBy.values:
        errors["given_by"] = _("Say who gave the consent.")
    elif given_by != GivenBy.PERSON and not case.is_youth:
        errors["given_by"] = _("An adult gives their own consent; a guardian's consent applies to youth cases "
                               "only.")
    if not (language or "").strip():
        errors["language"] = _("Say in which language the consent was explained.")
    now = timezone.now()
    if given_at > now + CLOCK_SKEW:
        errors["given_at"] = _("A consent cannot be given in the future.")
    if expires_at is not None and expires_at <= max(given_at, now):
        errors["expires_at"] = _("The expiry must be after the consent is given and in the future.")
    if errors:
        raise ValidationError(errors)
    return {"sections": sections, "external_recipient": external_recipient[:200], "purpose": purpose[:300],
            "language": language.strip()[:60], "safe_times": (safe_times or "").strip()}


def require_may_record(actor: User, case: Case) -> None:
    """Only the case's own circle records a new consent (the consent form page asks this on GET too);
    a refusal is audited and raises AccessDenied."""
    require_own_scope(actor, "consent.record", case, _("Only the workers of the case's own organization or team "
                                                       "can record a new consent for it."))


@transaction.atomic
def record_consent(*, actor: User, case: Case, scope: str, language: str, interpreter_used: bool = False,
                   given_by: str = GivenBy.PERSON, organization: Organization | None = None,
                   external_recipient: str = "", purpose: str = "", sections: Iterable[str] = (),
                   contact_method: str = "", safe_times: str = "", given_at: datetime.datetime | None = None,
                   expires_at: datetime.datetime | None = None, interpreter_language: str = "",
                   interpreter_agency: str = "", interpreter_id: str = "", interpreter_knows: str = "") -> Consent:
    """Record a consent the person gave (to ``actor``, who obtained it), with its interpreter
    (``core.interpretation``: an interpreter who may know the person or the trafficker also puts a
    restricted entry on the timeline). Raises AccessDenied or ValidationError and writes nothing then."""
    require_may_record(actor, case)
    refuse_out_of_range(given_at=given_at, expires_at=expires_at)  # before any comparison: they overflow
    given_at = given_at or timezone.now()
    cleaned = _clean(case=case, scope=scope, organization=organization, external_recipient=external_recipient,
                     purpose=purpose, sections=sections, contact_method=contact_method, safe_times=safe_times,
                     given_by=given_by, language=language, given_at=given_at, expires_at=expires_at)
    interpreter = interpretation.clean_interpretation(
        {"interpreter_used": interpreter_used, "interpreter_language": interpreter_language,
         "interpreter_agency": interpreter_agency, "interpreter_id": interpreter_id,
         "interpreter_knows": interpreter_knows}, default_language=cleaned["language"])
    consent = Consent.objects.create(
        case=case, scope=scope, organization=organization, contact_method=contact_method or "",
        given_by=given_by, obtained_by=actor, given_at=given_at, expires_at=expires_at, **cleaned, **interpreter)
    # Outside the owning circle, only the partner a consent names reads of it.
    happened(actor=actor, case=case, kind=Kind.CONSENT_GIVEN, params=_told(consent),
             concerns=consent.organization, restricted=consent.organization_id is None,
             detail={"consent_id": consent.pk, "scope": scope}, audit_action="consent.recorded", audit_target=consent,
             audit_detail={
                 "case_id": str(case.pk), "scope": scope, "organization_id": organization.pk if organization else None,
                 "external_recipient": bool(cleaned["external_recipient"]), "sections": cleaned["sections"],
                 "given_by": given_by, **interpretation.audit_detail(interpreter),
                 "expires_at": expires_at.isoformat() if expires_at else None})
    if consent.interpreter_may_know:
        record_interpreter_may_know(actor=actor, case=case, variant="consent", detail={"consent_id": consent.pk})
    return consent


def _told(consent: Consent) -> dict:
    """The timeline's parameters for a consent. A recipient off the platform is free text that may name
    someone (a lawyer, a relative): the timeline says only that it is off the platform."""
    params: dict = {"variant": "other", "scope": ("consent_scope", consent.scope)}
    if consent.scope == ConsentScope.SHARE_WITH_ORGANIZATION:
        params.update(variant="partner" if consent.organization_id else "off_platform",
                      sections=("sections", consent.sections or []))
        if consent.organization is not None:
            params["org"] = consent.organization.name
    return params


@transaction.atomic
def withdraw_consent(*, actor: User, consent: Consent, reason: str) -> Consent:
    """The person withdraws ``consent``: from now on nothing may be disclosed on it, and whatever
    depended on it (referral access grants) ends in this same transaction."""
    from octip.cases.selectors import sections_visible_to

    require(actor, "consent.record", consent.case)
    if "consents" not in sections_visible_to(actor, consent.case):
        raise Http404
    if not may_read_consent(actor=actor, consent=consent):
        # A receiver ends only the consent its own access rests on: withdrawing the person's consent to
        # another organization would end that organization's access, and it is not this reader's to see.
        audit.record_denial(actor, "consent.record", consent)
        raise Http404
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the consent is withdrawn (for example, "
                                           "“the person asked”).")})
    now = timezone.now()
    updated = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor)
    if not updated:
        consent.refresh_from_db()
        raise ValidationError(_("This consent was already withdrawn on %(date)s.") % {
            "date": timezone.localtime(consent.withdrawn_at).strftime("%Y-%m-%d %H:%M")})
    consent.withdrawn_at, consent.withdrawn_by = now, actor
    consent.withdrawal_reason = reason[:2000]
    consent.save(update_fields=["withdrawal_reason"])
    happened(actor=actor, case=consent.case, kind=Kind.CONSENT_WITHDRAWN, params=_told(consent),
             concerns=consent.organization, restricted=consent.organization_id is None,
             detail={"consent_id": consent.pk}, audit_action="consent.withdrawn", audit_target=consent,
             audit_detail={"case_id": str(consent.case_id), "scope": consent.scope})
    consent_withdrawn.send(sender=Consent, consent=consent, actor=actor)
    return consent


#: A consent is announced as about to expire this many days before it does.
CONSENT_EXPIRY_NOTICE_DAYS = 30


def warn_consents_expiring(*, now: datetime.datetime | None = None) -> int:
    """Tell whoever works each case of an active consent that expires within
    ``CONSENT_EXPIRY_NOTICE_DAYS``, once per consent and expiry date. Returns how many were told."""
    now = now or timezone.now()
    told = 0
    consents = (Consent.objects.active(now).filter(expires_at__lte=now + datetime.timedelta(
        days=CONSENT_EXPIRY_NOTICE_DAYS)).select_related("case", "case__owner_organization", "case__owner_worker"))
    for consent in consents:
        assert consent.expires_at is not None  # the filter above
        told += len(notify(
            recipients=case_owners(consent.case), kind=NotificationKind.CONSENT_EXPIRING,
            subject=f"consent:{consent.pk}", period=consent.expires_at.date().isoformat(),
            link=reverse("consent:case_consents", args=[consent.case_id]),
            template=gettext_noop("A consent on case %(number)s expires on %(date)s."),
            params={"number": consent.case.number, "date": timezone.localtime(consent.expires_at).date().isoformat()}))
    return told

