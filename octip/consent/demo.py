"""Demo consents across the demo cases: services, contact method, statistics, sharing with partner
organizations (some withdrawn, some expired) and contact with police. Idempotent: a case that has
any consent is left alone. Written through the services, so the audit log and timelines are real."""

from __future__ import annotations

import datetime
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from octip.core.access import allows
from octip.core.interpretation import demo_values

from .models import Consent, ConsentScope
from .services import record_consent, withdraw_consent

ORDER = 40
#: At most this many demo cases get consents (enough for every page; --scale runs stay quick).
MAX_CASES = 240
LANGUAGES = ["English", "English", "English", "French", "Spanish", "Tagalog", "Punjabi", "Mandarin",
             "Vietnamese", "Arabic", "Ukrainian"]
#: Partner organizations a person is most often asked to share with (demo partners' names).
SHARE_WITH = ["Safe Harbour Women's Shelter Society (demo)", "Harbour Light Migrant Workers' Centre (demo)",
              "Salal Indigenous Women's Centre (demo)", "Newcomers Legal Clinic (demo)",
              "Coastal Health Authority (demo)", "Metro Police Service (demo)"]
SECTION_SETS = [["summary", "needs"], ["summary", "needs", "plan"], ["summary", "needs", "plan", "tasks"],
                ["identity", "summary", "needs", "safety_plan"], ["summary"]]
WITHDRAWAL_REASONS = ["The person asked to stop sharing.", "The person no longer wants this service.",
                      "The person is worried about who might see it."]


def demo_cases():
    from octip.cases.models import Case
    from octip.partners.demo import DEMO_DOMAIN

    return Case.objects.filter(created_by__email__endswith="@" + DEMO_DOMAIN).order_by("number")


def actor_for(case, coordinator):
    """The case's own caseworker when their role can record consent, else a coordinator."""
    from octip.cases.sharing import is_own_case

    worker = case.owner_worker
    if worker is not None and allows(worker, "consent.record") and is_own_case(worker, case):
        return worker
    return coordinator


def seed(*, scale: int | None, stdout) -> None:
    from octip.partners.demo import DEMO_DOMAIN
    from octip.partners.models import Organization, User

    coordinator = User.objects.filter(email=f"coordinator@{DEMO_DOMAIN}").first()
    if coordinator is None:
        stdout.write("Consents: no demo coordinator (run the partners demo first); skipped.")
        return
    partners = list(Organization.objects.filter(name__in=SHARE_WITH, is_active=True).order_by("name"))
    # An anti-join (NOT EXISTS): "NOT IN (every consent's case)" is re-scanned per case by PostgreSQL once
    # the consents outgrow work_mem, which took minutes at a million cases (seed_demo --scale).
    cases = list(demo_cases().filter(~Exists(Consent.objects.filter(case_id=OuterRef("pk"))))
                 .select_related("owner_worker", "owner_organization")[:MAX_CASES])
    if not cases:
        stdout.write("Consents: every demo case already has its consents; nothing to add.")
        return
    rng = random.Random(20070401)
    now = timezone.now()
    made = withdrawn = expired = shares = 0
    for case in cases:
        actor = actor_for(case, coordinator)
        given_at = min(case.opened_at + datetime.timedelta(days=rng.randint(0, 10)), now)
        language = rng.choice(LANGUAGES)
        common = {"language": language, **demo_values(language),
                  "given_at": given_at, "given_by": rng.choice(["person", "guardian", "both"]) if case.is_youth
                  else "person"}
        record_consent(actor=actor, case=case, scope=ConsentScope.SERVICES, **common)
        made += 1
        if rng.random() < 0.8:
            record_consent(actor=actor, case=case, scope=ConsentScope.DEIDENTIFIED_STATISTICS, **common)
            made += 1
        if rng.random() < 0.7:
            record_consent(actor=actor, case=case, scope=ConsentScope.CONTACT_METHOD,
                           contact_method=rng.choice(["phone", "text", "text", "email", "none"]),
                           safe_times=rng.choice(["Weekdays after 6 p.m.", "Mornings only", "Never on weekends",
                                                  ""]), **common)
            made += 1
        wants_police = rng.random() < 0.2
        if wants_police:
            record_consent(actor=actor, case=case, scope=ConsentScope.POLICE_CONTACT, **common)
            made += 1
        choices = [o for o in partners if o.pk != case.owner_organization_id
                   and (o.type != "law_enforcement" or wants_police)]
        for organization in rng.sample(choices, k=min(len(choices), rng.choice([0, 1, 1, 2]))):
            consent = record_consent(
                actor=actor, case=case, scope=ConsentScope.SHARE_WITH_ORGANIZATION, organization=organization,
                purpose=rng.choice(["Emergency shelter", "Legal advice", "Immigration advice", "Counselling",
                                    "Health care", "Cultural supports", "Safety planning"]),
                sections=rng.choice(SECTION_SETS), expires_at=now + datetime.timedelta(days=rng.randint(60, 365)),
                **common)
            made += 1
            shares += 1
            roll = rng.random()
            if roll >= 0.18 and shares % 5 == 0:
                # Some consents run out within the month, for a caseworker's home page to show (no draw of
                # ``rng``, so the rest of the demo stays as it was).
                Consent.objects.filter(pk=consent.pk).update(expires_at=now + datetime.timedelta(days=3 + shares % 25))
            if roll < 0.1:
                withdraw_consent(actor=actor, consent=consent, reason=rng.choice(WITHDRAWAL_REASONS))
                withdrawn += 1
            elif roll < 0.18:
                # Expired: the demo moves its dates into the past (a service never records that).
                Consent.objects.filter(pk=consent.pk).update(
                    given_at=given_at - datetime.timedelta(days=400),
                    expires_at=now - datetime.timedelta(days=rng.randint(1, 60)))
                expired += 1
    stdout.write(f"Consents: {made} consents on {len(cases)} demo cases ({withdrawn} withdrawn, "
                 f"{expired} expired).")
