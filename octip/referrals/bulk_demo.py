"""Consents and referrals of the bulk demo (``seed_demo --scale N``), one batch of cases at a time.

``octip.cases.bulk_demo`` writes the cases and runs this step in the same transaction (registered in
``ReferralsConfig.ready``: ``cases`` imports neither ``consent`` nor ``referrals``). It writes what
``consent.services.record_consent`` / ``withdraw_consent``, ``consent.policy.may_disclose`` and
``referrals.services.send_referral`` / ``change_referral_status`` write, in bulk: the consent, the
disclosure resting on it, the referral, the receiver's access grant (the preview until accepted,
the shared sections once accepted, revoked when the referral ends) and their timeline entries. The
shapes are the ones ``may_disclose`` accepts (tests/cases/test_bulk_demo.py asks it). No referral ever
goes to a police service. Proportions and their reasons: docs/demo-data.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from octip.cases import bulk_demo
from octip.cases.bulk_demo import Batch, insert, make
from octip.cases.models import CaseAccessGrant
from octip.cases.timeline import Kind
from octip.consent.models import Consent, ConsentScope, Disclosure, DisclosureBasis
from octip.core.access import allows
from octip.core.interpretation import demo_values

from .models import Referral, ReferralStatus, Urgency, response_targets
from .services.flow import PREVIEW_SECTIONS

LANGUAGES = ["English", "English", "English", "French", "Spanish", "Tagalog", "Punjabi", "Mandarin",
             "Vietnamese", "Arabic", "Ukrainian"]
SECTION_SETS = [["needs", "summary"], ["needs", "plan", "summary"], ["needs", "plan", "summary", "tasks"],
                ["identity", "needs", "safety_plan", "summary"], ["summary"]]
SHARE_PURPOSES = ["Emergency shelter", "Legal advice", "Immigration advice", "Counselling", "Health care",
                  "Cultural supports", "Safety planning"]
REFERRAL_PURPOSES = ["An emergency bed tonight and a safe place for the week.",
                     "Legal advice about an employment claim.",
                     "Immigration advice about a temporary resident permit.", "Trauma-informed counselling.",
                     "Cultural and family supports.", "Health assessment and follow-up."]
WITHDRAWAL_REASONS = ["The person asked to stop sharing.", "The person no longer wants this service.",
                      "The person is worried about who might see it."]
OUTCOMES = {ReferralStatus.COMPLETED: ["Housed for six weeks; moved to second-stage housing.",
                                       "Attended four sessions.", "Claim filed with support."],
            ReferralStatus.DECLINED: ["No capacity this month; suggest the waiting list.", "Outside our eligibility."],
            ReferralStatus.REVOKED: ["The person changed their mind.", "The person moved out of the region."]}
#: A referral's fate (weights): most are waiting or taken on, fewer end.
FATES = [(ReferralStatus.SENT, 3), (ReferralStatus.ACCEPTED, 3), (ReferralStatus.COMPLETED, 2),
         (ReferralStatus.DECLINED, 1), (ReferralStatus.REVOKED, 1)]
#: Ended fates only, for cases that are closed.
ENDED_FATES = [(ReferralStatus.COMPLETED, 3), (ReferralStatus.DECLINED, 1), (ReferralStatus.REVOKED, 1)]
URGENCIES = [(Urgency.EMERGENCY, 1), (Urgency.URGENT, 1), (Urgency.ROUTINE, 2)]

SHARE_RATE = 0.45  # cases with a consent to share with a partner
SECOND_SHARE_RATE = 0.15  # of those, a second partner
REFERRAL_RATE = 0.65  # active share consents that lead to a referral
POLICE_RATE = 0.15  # cases whose person agreed to contact with police
STATISTICS_RATE = 0.8
CONTACT_RATE = 0.6
WITHDRAWN_RATE = 0.08
EXPIRED_RATE = 0.08


@dataclass
class Partners:
    """The organizations a case may be shared with and referred to, each with one who answers."""

    organizations: list[Any]
    responder: dict[int, Any]


def _load_partners() -> Partners:
    from octip.partners.demo import DEMO_DOMAIN
    from octip.partners.models import Organization, OrganizationType, User

    # Never a police service: a referral's grant would reach every role there (see
    # referrals.services.flow.refuse_a_police_service); police hear of a case through a police contact.
    organizations = list(Organization.objects.filter(is_active=True, name__endswith="(demo)")
                         .exclude(type=OrganizationType.LAW_ENFORCEMENT).order_by("name"))
    responder = {}
    users = User.objects.filter(is_active=True, email__endswith="@" + DEMO_DOMAIN,
                                organization__in=organizations).order_by("pk")
    for user in users:
        if user.organization_id not in responder and allows(user, "referral.respond"):
            responder[user.organization_id] = user
    return Partners([o for o in organizations if o.pk in responder], responder)


def consents_and_referrals(batch: Batch) -> None:
    """The consents, disclosures, referrals and access grants of ``batch``'s cases, with their timeline."""
    rng, now = batch.rng, batch.now
    # Read once per run (a million cases, a few dozen organizations).
    known = batch.shared.get("partners") or batch.shared.setdefault("partners", _load_partners())
    consents: list[tuple[Consent, Any]] = []
    shares: list[tuple[Consent, Any]] = []
    for plan in batch.plans:
        case, actor = plan.case, plan.worker or batch.creator
        given_at = min(plan.opened + datetime.timedelta(days=rng.randint(0, 10)), now)
        language = rng.choice(LANGUAGES)
        common = {"case": case, "obtained_by": actor, "language": language, "given_at": given_at,
                  **demo_values(language),
                  "given_by": rng.choice(["person", "guardian", "both"]) if case.track == "youth" else "person"}
        consents.append((make(Consent, scope=ConsentScope.SERVICES, **common), plan))
        if rng.random() < STATISTICS_RATE:
            consents.append((make(Consent, scope=ConsentScope.DEIDENTIFIED_STATISTICS, **common), plan))
        if rng.random() < CONTACT_RATE:
            consents.append((make(Consent, scope=ConsentScope.CONTACT_METHOD, **common,
                                     contact_method=rng.choice(["phone", "text", "text", "email", "none"]),
                                     safe_times=rng.choice(["Weekdays after 6 p.m.", "Mornings only",
                                                            "Never on weekends", ""])), plan))
        if rng.random() < POLICE_RATE:
            police = make(Consent, scope=ConsentScope.POLICE_CONTACT, **common)
            _maybe_end(police, rng, now)
            consents.append((police, plan))
        choices = [o for o in known.organizations if o.pk != case.owner_organization_id]
        if choices and rng.random() < SHARE_RATE:
            count = 2 if rng.random() < SECOND_SHARE_RATE else 1
            for organization in rng.sample(choices, k=min(count, len(choices))):
                share = make(Consent, scope=ConsentScope.SHARE_WITH_ORGANIZATION, organization=organization,
                                purpose=rng.choice(SHARE_PURPOSES), sections=rng.choice(SECTION_SETS),
                                expires_at=now + datetime.timedelta(days=rng.randint(60, 365)), **common)
                _maybe_end(share, rng, now)
                consents.append((share, plan))
                shares.append((share, plan))
    insert(Consent, [c for c, _p in consents])
    for consent, plan in consents:
        _consent_timeline(batch, consent, plan)
    _referrals(batch, shares, known)
    batch.counts["consent.consent"] += len(consents)


def _maybe_end(consent: Consent, rng: Any, now: datetime.datetime) -> None:
    """Some consents are withdrawn since, some have run out (their dates moved into the past)."""
    roll = rng.random()
    if roll < WITHDRAWN_RATE:
        consent.withdrawn_at = min(consent.given_at + datetime.timedelta(days=rng.randint(1, 60)), now)
        consent.withdrawn_by = consent.obtained_by
        consent.withdrawal_reason = rng.choice(WITHDRAWAL_REASONS)
    elif roll < WITHDRAWN_RATE + EXPIRED_RATE:
        consent.given_at -= datetime.timedelta(days=400)
        consent.expires_at = now - datetime.timedelta(days=rng.randint(1, 60))


def _told(consent: Consent) -> dict:
    """The timeline parameters ``consent.services`` gives a consent (its ``_told``)."""
    params: dict = {"variant": "other", "scope": ("consent_scope", consent.scope)}
    if consent.scope == ConsentScope.SHARE_WITH_ORGANIZATION:
        params.update(variant="partner", sections=("sections", consent.sections), org=consent.organization.name)
    return params


def _consent_timeline(batch: Batch, consent: Consent, plan: Any) -> None:
    common = {"actor": consent.obtained_by, "case": plan.case, "params": _told(consent),
              "concerns": consent.organization, "restricted": consent.organization_id is None}
    batch.entry(kind=Kind.CONSENT_GIVEN, detail={"consent_id": consent.pk, "scope": consent.scope},
                at=consent.given_at, **common)
    if consent.withdrawn_at:
        batch.entry(kind=Kind.CONSENT_WITHDRAWN, detail={"consent_id": consent.pk}, at=consent.withdrawn_at,
                    **common)


def _referrals(batch: Batch, shares: list[tuple[Consent, Any]], known: Partners) -> None:
    rng, now = batch.rng, batch.now
    chosen = []
    seen: set = set()
    for consent, plan in shares:
        # One referral per case at most, and only on a consent that stands today.
        if plan.case.pk in seen or consent.status_at(now) != "active" or rng.random() >= REFERRAL_RATE:
            continue
        seen.add(plan.case.pk)
        chosen.append((consent, plan))
    disclosures, referrals = [], []
    for consent, plan in chosen:
        sender = plan.worker or batch.creator
        sent_at = max(now - datetime.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23)), consent.given_at)
        urgency = bulk_demo.weighted(rng, URGENCIES)
        sections = sorted(consent.sections)
        disclosures.append(make(Disclosure, case=plan.case, organization=consent.organization, purpose=consent.purpose,
                                      sections=sections, basis=DisclosureBasis.CONSENT, consent=consent,
                                      decided_by=sender, decided_at=sent_at))
        fate = bulk_demo.weighted(rng, ENDED_FATES if plan.stage == "closed" else FATES)
        referral = make(Referral, case=plan.case, from_organization=plan.case.owner_organization,
                            to_organization=consent.organization, purpose=rng.choice(REFERRAL_PURPOSES),
                            urgency=urgency, sections=sections, sent_by=sender, sent_at=sent_at,
                            respond_by=sent_at + datetime.timedelta(hours=response_targets()[urgency]), status=fate)
        receiver = known.responder[consent.organization_id]
        answered = sent_at + datetime.timedelta(hours=rng.randint(1, 48))
        if fate != ReferralStatus.SENT and fate != ReferralStatus.REVOKED:
            referral.responded_by, referral.responded_at = receiver, min(answered, now)
        if fate in (ReferralStatus.COMPLETED, ReferralStatus.REVOKED):
            closer = receiver if fate == ReferralStatus.COMPLETED else sender
            referral.closed_by, referral.closed_at = closer, min(answered + datetime.timedelta(days=rng.randint(1, 30)),
                                                                 now)
        if fate in OUTCOMES:
            referral.status_reason = rng.choice(OUTCOMES[fate])
        referrals.append((referral, consent, plan))
    insert(Disclosure, disclosures)
    for disclosure, (referral, _consent, _plan) in zip(disclosures, referrals, strict=True):
        referral.disclosure = disclosure
    insert(Referral, [r for r, _c, _p in referrals])
    grants = []
    for disclosure, (referral, consent, plan) in zip(disclosures, referrals, strict=True):
        grants.append(_grant(referral, consent))
        _referral_timeline(batch, disclosure, referral, plan)
    insert(CaseAccessGrant, grants)
    batch.counts.update({"consent.disclosure": len(disclosures), "referrals.referral": len(referrals),
                         "cases.caseaccessgrant": len(grants)})


def _grant(referral: Referral, consent: Consent) -> CaseAccessGrant:
    """The receiver's access as the services leave it: the preview until accepted, the shared sections
    once accepted, ended when the referral ended; never past the consent's expiry."""
    status = referral.status
    sections = referral.sections if status != ReferralStatus.SENT else sorted(set(referral.sections) & PREVIEW_SECTIONS)
    ended = {ReferralStatus.DECLINED: referral.responded_at, ReferralStatus.COMPLETED: referral.closed_at,
             ReferralStatus.REVOKED: referral.closed_at}.get(status)
    return make(CaseAccessGrant, case=referral.case, organization=referral.to_organization, sections=sections,
                           source="referral", source_id=str(referral.pk), reason=f"referral {referral.pk}",
                           granted_by=referral.sent_by, created_at=referral.sent_at, expires_at=consent.expires_at,
                           revoked_at=ended)


def _referral_timeline(batch: Batch, disclosure: Disclosure, referral: Referral, plan: Any) -> None:
    org = referral.to_organization
    sections = disclosure.sections
    batch.entry(actor=disclosure.decided_by, case=plan.case, kind=Kind.DISCLOSURE, concerns=org,
                params={"variant": "partner", "sections": ("sections", sections),
                        "basis": ("disclosure_basis", disclosure.basis), "recipient": org.name},
                detail={"disclosure_id": disclosure.pk, "basis": disclosure.basis, "sections": sections},
                at=disclosure.decided_at)
    batch.entry(actor=referral.sent_by, case=plan.case, kind=Kind.REFERRAL_SENT, concerns=org,
                params={"org": org.name, "urgency": ("urgency", referral.urgency),
                        "date": ("datetime", referral.respond_by.isoformat())},
                detail={"referral_id": str(referral.pk)}, at=referral.sent_at)
    steps = {ReferralStatus.ACCEPTED: [ReferralStatus.ACCEPTED],
             ReferralStatus.COMPLETED: [ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED],
             ReferralStatus.DECLINED: [ReferralStatus.DECLINED],
             ReferralStatus.REVOKED: [ReferralStatus.REVOKED]}.get(referral.status, [])
    for status in steps:
        at = referral.closed_at if status in (ReferralStatus.COMPLETED, ReferralStatus.REVOKED) \
            else referral.responded_at
        actor = referral.closed_by if status in (ReferralStatus.COMPLETED, ReferralStatus.REVOKED) \
            else referral.responded_by
        batch.entry(actor=actor, case=plan.case, kind=Kind(f"referral.{status}"), concerns=org,
                    params={"org": org.name, "status": ("referral_status", status)},
                    detail={"referral_id": str(referral.pk)}, at=at or referral.sent_at)
