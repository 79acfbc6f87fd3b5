"""Demo referrals across the demo cases that have a standing consent to share: to directory
services run by partners where there is one, else to the partner organization; in every status,
some overdue. Idempotent: a case that has a referral is left alone. Written through the services."""

from __future__ import annotations

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from octip.cases.bulk_demo import register_batch_step
from octip.cases.models import Stage
from octip.consent.demo import actor_for, demo_cases
from octip.consent.models import Consent, ConsentScope
from octip.consent.policy import DisclosureRefused
from octip.core.access import allows

from .bulk_demo import consents_and_referrals
from .models import Referral
from .services import change_referral_status, send_referral, without_email

ORDER = 45
# seed_demo --scale N: each batch of synthetic cases gets its consents and referrals from this step.
# Registered here, where seed_demo imports the demo modules (before any of them runs), so that no web
# process ever loads the bulk demo.
register_batch_step(consents_and_referrals)
MAX_REFERRALS = 80
PURPOSES = ["An emergency bed tonight and a safe place for the week.", "Legal advice about an employment claim.",
            "Immigration advice about a temporary resident permit.", "Trauma-informed counselling.",
            "Cultural and family supports.", "Health assessment and follow-up."]
OUTCOMES = {"completed": ["Housed for six weeks; moved to second-stage housing.", "Attended four sessions.",
                          "Claim filed with support."],
            "declined": ["No capacity this month; suggest the waiting list.", "Outside our eligibility."],
            "revoked": ["The person changed their mind.", "The person moved out of the region."]}


def _responder(organization_id: int, cache: dict):
    from octip.partners.models import User

    if organization_id not in cache:
        cache[organization_id] = next((u for u in User.objects.filter(organization_id=organization_id,
                                                                      is_active=True).order_by("pk")
                                       if allows(u, "referral.respond")), None)
    return cache[organization_id]


def seed(*, scale: int | None, stdout) -> None:
    with without_email():
        _seed(stdout=stdout)


def _seed(*, stdout) -> None:
    from octip.directory.models import Service
    from octip.partners.demo import DEMO_DOMAIN
    from octip.partners.models import User

    coordinator = User.objects.filter(email=f"coordinator@{DEMO_DOMAIN}").first()
    if coordinator is None:
        stdout.write("Referrals: no demo coordinator; skipped.")
        return
    if Referral.objects.filter(case__in=demo_cases()).exists():
        stdout.write("Referrals: demo referrals already there; nothing to add.")
        return
    now = timezone.now()
    consents = (Consent.objects.active().filter(scope=ConsentScope.SHARE_WITH_ORGANIZATION,
                                                organization__isnull=False, case__in=demo_cases())
                .exclude(case__in=Referral.objects.values("case_id"))
                .exclude(case__stage__in=[Stage.CLOSED, Stage.CLOSURE_REQUESTED])
                .select_related("case", "case__owner_worker", "case__owner_organization", "organization")
                .order_by("case__number", "pk"))
    rng = random.Random(20070402)
    responders: dict = {}
    made, seen_cases = 0, set()
    for consent in consents:
        if made >= MAX_REFERRALS or consent.case_id in seen_cases or rng.random() < 0.2:
            continue
        receiver = _responder(consent.organization_id, responders)
        if receiver is None:
            continue
        case = consent.case
        seen_cases.add(case.pk)
        service = (Service.objects.filter(partner_organization=consent.organization, status="active")
                   .filter(Q(visibility="public") | Q(visibility="partners")).order_by("name").first())
        sender = actor_for(case, coordinator)
        try:
            referral = send_referral(actor=sender, case=case, service=service, organization=consent.organization,
                                     purpose=rng.choice(PURPOSES), urgency=rng.choice(["emergency", "urgent",
                                                                                       "routine", "routine"]),
                                     sections=consent.sections)
        except DisclosureRefused:
            continue
        made += 1
        # Spread the demo over the past weeks; some answers are overdue.
        sent_at = now - datetime.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
        respond_by = sent_at + (referral.respond_by - referral.sent_at)
        Referral.objects.filter(pk=referral.pk).update(sent_at=sent_at, respond_by=respond_by)
        referral.refresh_from_db()
        fate = rng.choices(["sent", "accepted", "completed", "declined", "revoked"], weights=[3, 3, 2, 1, 1])[0]
        if fate in ("accepted", "completed"):
            change_referral_status(actor=receiver, referral=referral, action="accept")
        if fate == "completed":
            change_referral_status(actor=receiver, referral=referral, action="complete",
                                   reason=rng.choice(OUTCOMES["completed"]))
        elif fate == "declined":
            change_referral_status(actor=receiver, referral=referral, action="decline",
                                   reason=rng.choice(OUTCOMES["declined"]))
        elif fate == "revoked":
            change_referral_status(actor=sender, referral=referral, action="revoke",
                                   reason=rng.choice(OUTCOMES["revoked"]))
    overdue = Referral.objects.overdue(now).count()
    stdout.write(f"Referrals: {made} new demo referrals ({overdue} awaiting a response past their date).")
