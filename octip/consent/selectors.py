"""Reads of consents. Every read starts from a visible case and the sections open to the reader."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from octip.cases.models import Case
from octip.cases.selectors import sections_visible_to
from octip.core import audit
from octip.core.access import Actor, get_visible_or_404

from .models import Consent, ConsentScope, Disclosure


def _require_consents_section(actor: Actor, case: Case) -> None:
    # A receiver of a referral that did not share the consents sees no consent: as if none existed.
    if "consents" not in sections_visible_to(actor, case):
        raise Http404


def consents_of_case(*, actor: Actor, case: Case) -> QuerySet[Consent]:
    """The case's consents, newest first; 404 unless the reader may see the case's consents."""
    _require_consents_section(actor, case)
    audit.record(actor, "consent.listed", case)
    return (Consent.objects.visible_to(actor).filter(case=case)
            .select_related("organization", "obtained_by", "withdrawn_by"))


def share_consents_of_case(*, actor: Actor, case: Case) -> list[Consent]:
    """The person's standing consents to share with an organization, to show beside a referral form;
    none when the consents section is not open to the actor."""
    if "consents" not in sections_visible_to(actor, case):
        return []
    return list(Consent.objects.visible_to(actor).active().filter(
        case=case, scope=ConsentScope.SHARE_WITH_ORGANIZATION).select_related("organization"))


def disclosures_of_case(*, actor: Actor, case: Case) -> QuerySet[Disclosure]:
    _require_consents_section(actor, case)
    return (Disclosure.objects.visible_to(actor).filter(case=case)
            .select_related("organization", "decided_by", "consent"))


def visible_consent_or_404(*, actor: Actor, consent_id: int) -> Consent:
    consent = get_visible_or_404(Consent.objects.select_related("case", "organization"), actor, pk=consent_id)
    _require_consents_section(actor, consent.case)
    return consent


def consents_section_content(case: Case) -> list[dict[str, Any]]:
    """The ``consents`` section of ``case`` as plain JSON data, for a disclosure that shares it (the
    secure export). ``cases.sections`` declares the case-owned sections; this one is the consent app's."""
    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return [{"scope": c.scope, "recipient": c.recipient_label, "sections": c.sections,
             "given_at": iso(c.given_at), "expires_at": iso(c.expires_at), "withdrawn_at": iso(c.withdrawn_at)}
            for c in Consent.objects.filter(case=case).select_related("organization")]
