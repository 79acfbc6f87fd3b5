"""Reads of consents. Every read starts from a visible case and the sections open to the reader."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from octip.cases.models import Case
from octip.cases.selectors import may_export_identifying, sections_visible_to
from octip.core import audit
from octip.core.access import Actor, get_visible_or_404
from octip.core.interpretation import interpretation_out, interpreter_text

from .models import Consent, ConsentQuerySet, ConsentScope, Disclosure, section_label


def _require_consents_section(actor: Actor, case: Case) -> None:
    # A receiver of a referral that did not share the consents sees no consent: as if none existed.
    if "consents" not in sections_visible_to(actor, case):
        raise Http404


def _in_own_circle(actor: Actor) -> Q:
    """Rows of a case in the actor's own scope, as a condition of the same query (no extra query per
    list): the same scope ``cases.sharing.is_own_case`` asks of one case."""
    return Case.objects.reach_q(actor, through="case", grants=False)


def _consents_of(actor: Actor, case: Case) -> ConsentQuerySet:
    """The consents of ``case`` that the actor may read. The owning circle reads them all; anyone else
    (a receiver of a referral, an emergency grant) only the consent to share with its own
    organization, which its access rests on. The person's other sharing — other partners, recipients
    off the platform named in free text, purposes that may name the person, the secure-export history
    — is the circle's alone, as on the timeline."""
    rows = Consent.objects.visible_to(actor).filter(case=case)
    return rows.filter(_in_own_circle(actor) | Q(organization_id=actor.organization_id,
                                                 scope=ConsentScope.SHARE_WITH_ORGANIZATION))


def _disclosures_of(actor: Actor, case: Case) -> QuerySet[Disclosure]:
    """The disclosures of ``case`` that the actor may read: all for the owning circle, else only what
    was disclosed to its own organization (see ``_consents_of``)."""
    rows = Disclosure.objects.visible_to(actor).filter(case=case)
    return rows.filter(_in_own_circle(actor) | Q(organization_id=actor.organization_id))


def consents_of_case(*, actor: Actor, case: Case) -> QuerySet[Consent]:
    """The case's consents the actor may read (see ``_consents_of``), newest first; 404 unless the
    reader may see the case's consents."""
    _require_consents_section(actor, case)
    audit.record(actor, "consent.listed", case)
    return _consents_of(actor, case).select_related("organization", "obtained_by", "withdrawn_by")


def share_consents_of_case(*, actor: Actor, case: Case) -> list[Consent]:
    """The person's standing consents to share with an organization, to show beside a referral form;
    none when the consents section is not open to the actor."""
    if "consents" not in sections_visible_to(actor, case):
        return []
    return list(_consents_of(actor, case).active().filter(
        scope=ConsentScope.SHARE_WITH_ORGANIZATION).select_related("organization"))


def disclosures_of_case(*, actor: Actor, case: Case) -> QuerySet[Disclosure]:
    _require_consents_section(actor, case)
    return _disclosures_of(actor, case).select_related("organization", "decided_by", "consent")


def visible_consent_or_404(*, actor: Actor, consent_id: int) -> Consent:
    consent = get_visible_or_404(Consent.objects.select_related("case", "organization"), actor, pk=consent_id)
    _require_consents_section(actor, consent.case)
    if not may_read_consent(actor=actor, consent=consent):
        # Another organization's consent, or one off the platform: to this reader it does not exist.
        audit.record_denial(actor, "case.view", consent)
        raise Http404
    return consent


def consent_for_reading(*, actor: Actor, consent_id: int) -> Consent:
    """``visible_consent_or_404`` for a page that shows the consent (its purpose and recipient, free
    text that may name someone): the read is recorded (``consent.viewed``)."""
    consent = visible_consent_or_404(actor=actor, consent_id=consent_id)
    audit.record(actor, "consent.viewed", consent, detail={"case_id": str(consent.case_id)})
    return consent


def may_read_consent(*, actor: Actor, consent: Consent) -> bool:
    """Whether ``consent`` is one the actor reads (see ``_consents_of``): for a receiver, only the
    consent its own access rests on — the only one it may also withdraw."""
    return _consents_of(actor, consent.case).filter(pk=consent.pk).exists()


def consents_section_content(case: Case, disclosure: Disclosure | None = None, *,
                             reader: Actor | None = None) -> list[dict[str, Any]]:
    """The ``consents`` section of ``case`` as plain JSON data, for ``disclosure``, which shares it (the
    secure export). ``cases.sections`` declares the case-owned sections; this one is the consent app's.

    The recipient is outside the person's circle, so it gets only the consent(s) the disclosure rests
    on, never the person's other sharing (``_consents_of``); without a disclosure, nothing.

    With ``reader`` instead (a door that shows the section to a reader of the platform: the printable
    summary), the consents that reader may read (``_consents_of``: all for the owning circle, the one
    its access rests on for a receiver), and nothing unless the consents section is open to them."""
    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    if reader is not None:
        rows = (_consents_of(reader, case) if "consents" in sections_visible_to(reader, case)
                else Consent.objects.none())
        # The interpreter id goes with the person's identity (``Field.needs="identity"``); a printout is an
        # export, so it also needs the export permission of identifying data.
        show_id = "identity" in sections_visible_to(reader, case) and may_export_identifying(reader)
    else:
        show_id = "identity" in (getattr(disclosure, "sections", None) or [])
        resting_on = [pk for pk in (getattr(disclosure, "consent_id", None),
                                    getattr(disclosure, "police_consent_id", None)) if pk is not None]
        rows = Consent.objects.filter(case=case, pk__in=resting_on)
    return [{"scope": c.scope, "recipient": c.recipient_label, "sections": c.sections,
             "given_at": iso(c.given_at), "expires_at": iso(c.expires_at), "withdrawn_at": iso(c.withdrawn_at),
             **interpretation_out(c, show_id=show_id)}
            for c in rows.select_related("organization")]


def consents_section_for_printing(*, reader: Actor, case: Case) -> list[dict[str, str]]:
    """``consents_section_content`` for ``reader`` as a person reads it, in the reader's language
    (labels for the scope and the sections, local dates): the ``consents`` section of the printable
    case summary (registered in ``apps.py``)."""
    def label(name: str) -> str:
        return capfirst(str(getattr(Consent._meta.get_field(name), "verbose_name", name)))

    def when(value: str | None) -> str:
        return timezone.localtime(datetime.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M") if value else "—"

    return [{label("scope"): str(ConsentScope(c["scope"]).label) if c["scope"] in ConsentScope.values else c["scope"],
             gettext("Recipient"): c["recipient"] or "—",
             label("sections"): ", ".join(section_label(name) for name in sorted(c["sections"] or [])) or "—",
             label("given_at"): when(c["given_at"]), label("expires_at"): when(c["expires_at"]),
             label("withdrawn_at"): when(c["withdrawn_at"]), gettext("Interpreter"): interpreter_text(c)}
            for c in consents_section_content(case, reader=reader)]


#: How far ahead "expiring soon" looks, in days.
EXPIRING_WITHIN_DAYS = 30


def expiring_consents(*, actor: Actor, within_days: int = EXPIRING_WITHIN_DAYS,
                      now: datetime.datetime | None = None) -> ConsentQuerySet:
    """The consents in force on cases of the actor's own circle (those it may renew) that expire within
    ``within_days``, the soonest first. Only clear fields are used: the scope, the organization, the
    dates; not the purpose or a recipient off the platform (free text that may name someone)."""
    now = now or timezone.now()
    return (Consent.objects.visible_to(actor).active(now).filter(_in_own_circle(actor))
            .filter(expires_at__lte=now + datetime.timedelta(days=within_days))
            .select_related("case", "organization").defer("purpose", "external_recipient", "safe_times",
                                                          "withdrawal_reason")
            .order_by("expires_at", "pk"))
