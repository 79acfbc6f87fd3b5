"""Demo history for the statistics dashboard: closed synthetic cases of earlier years (three to five
years back) across every health region, with needs, closure outcomes, youth and Migrant Services
Program cases, de-identified statistics consents on most of them, and 24/7 line contacts of those
years. The cases demo covers the last two years; this gives the dashboard several years to compare.
Idempotent (nothing is added once the history is there); written in bulk; one audit event. Only
synthetic people, ever.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from octip.cases import models as m
from octip.cases import reference
from octip.cases.demo import CASE_HOLDERS, EXPLOITATION, LABOUR_SETTINGS, SEXUAL_SETTINGS, _weighted
from octip.cases.search_index import index_persons
from octip.cases.timeline import Kind, build, record_all
from octip.consent.models import Consent
from octip.core import audit
from octip.hotline.models import Contact
from octip.partners.demo import DEMO_DOMAIN
from octip.partners.models import Organization, Region, User

ORDER = 70
YEARS_BACK = (5, 4, 3)
CASES_PER_YEAR = 45
CONTACTS_PER_YEAR = 30
HEALTH_REGIONS = ["vancouver_coastal", "fraser", "interior", "northern", "vancouver_island"]
NAMES = ["Alex", "Sam", "Jordan", "Maria", "Linh", "Amira", "Chen", "Priya", "Sofia", "Noor", "Ana", "Kai"]
SURNAMES = ["Demo", "Sample", "Example", "Placeholder", "Fictive", "Synthetic"]


def seed(*, scale: int | None, stdout: Any) -> None:
    if scale is not None:
        # ``--scale N`` asks for exactly N cases (benchmarks): no history on top of them.
        stdout.write("Statistics history: skipped (--scale).")
        return
    today = timezone.localdate()
    first_year = today.year - max(YEARS_BACK)
    tz = timezone.get_current_timezone()
    history_end = datetime.datetime(today.year - min(YEARS_BACK) + 1, 1, 1, tzinfo=tz)
    demo_cases = m.Case.objects.filter(created_by__email__endswith="@" + DEMO_DOMAIN, opened_at__lt=history_end)
    if demo_cases.exists():
        stdout.write("Statistics history: already there; nothing to add.")
        return
    organizations = list(Organization.objects.filter(name__in=CASE_HOLDERS))
    creator = User.objects.filter(email__endswith="@" + DEMO_DOMAIN, role="coordinator").first()
    if not organizations or creator is None:
        stdout.write("Statistics history: no demo organizations or coordinator; skipped.")
        return
    regions = {r.code: r for r in Region.objects.filter(code__in=HEALTH_REGIONS)}
    rng = random.Random(20260401)
    settings_codes = [t.code for t in reference.polaris_settings()]
    control_codes = [t.code for t in reference.means_of_control()]
    domains = [t.code for t in reference.needs_domains()]
    outcomes = list(m.ClosureOutcome.values)
    persons, cases, meta = [], [], []
    for back in YEARS_BACK:
        year = today.year - back
        counter, _created = m.CaseNumberCounter.objects.select_for_update().get_or_create(year=year)
        for _i in range(CASES_PER_YEAR + rng.randint(-8, 8)):
            youth = rng.random() < 0.22
            age = rng.randint(12, 18) if youth else rng.randint(19, 60)
            person = m.Person(
                legal_name=f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}", estimated_age=age,
                gender=_weighted(rng, [("woman", 14), ("man", 5), ("trans_woman", 1), ("non_binary", 1),
                                       ("two_spirit", 1), ("unknown", 1)]),
                citizenship=[rng.choice(["CA", "CA", "CA", "CA", "MX", "PH", "CN", "VN", "IN", "GT", "UA", "NG",
                                         "KR", "HN", "FR", "AU"])] if rng.random() < 0.92 else [])
            person.refresh_indexes()
            opened = datetime.datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 18), tzinfo=tz)
            exploitation = _weighted(rng, EXPLOITATION)
            pool = SEXUAL_SETTINGS if exploitation == ["sexual"] else LABOUR_SETTINGS if exploitation == ["labour"] \
                else settings_codes
            counter.last += 1
            closed_at = opened + datetime.timedelta(days=rng.choice([12, 25, 45, 80, 120, 200, 330, 420]))
            persons.append(person)
            cases.append(m.Case(
                number=f"BC-{year}-{counter.last:06d}", track="youth" if youth else "adult", stage="closed",
                owner_organization=rng.choice(organizations), exploitation_types=exploitation,
                setting=rng.choice(pool), means_of_control=rng.sample(control_codes, k=rng.randint(0, 4)),
                referral_source=rng.choice(list(m.ReferralSource.values)),
                region=regions[rng.choice(HEALTH_REGIONS)], first_contact_date=opened.date(), created_by=creator,
                opened_at=opened, closed_at=min(closed_at, timezone.now())))
            meta.append(rng.random())
        counter.save(update_fields=["last"])
    m.Person.objects.bulk_create(persons)
    index_persons(persons)  # bulk_create skips Person.save: the search tokens are written here
    for person, case in zip(persons, cases, strict=True):
        case.person = person
    m.Case.objects.bulk_create(cases)
    needs, closures, youth_rows, consents, timeline = [], [], [], [], []
    for case, chance in zip(cases, meta, strict=True):
        assert case.closed_at is not None
        timeline.append(build(actor=creator, case=case, kind=Kind.CASE_OPENED,
                              params={"track": ("track", case.track)}, at=case.opened_at))
        for domain in rng.sample(domains, k=rng.randint(1, 5)):
            needs.append(m.Need(case=case, domain=domain, priority=rng.choice(list(m.Priority.values)),
                                status=_weighted(rng, [("met", 5), ("declined", 1), ("in_progress", 1),
                                                       ("not_applicable", 1)])))
        closures.append(m.ClosureRequest(
            case=case, reason="Synthetic closure for the statistics demo.", outcome=rng.choice(outcomes),
            requested_by=creator, previous_stage="services", decision="approved", decided_by=creator,
            decided_at=case.closed_at, requested_at=case.closed_at - datetime.timedelta(days=2)))
        if case.track == "youth":
            youth_rows.append(m.YouthProfile(case=case, separation=rng.choice(list(m.Separation.values)),
                                             migrant_services_involved=rng.random() < 0.4))
        if chance < 0.85:
            consents.append(Consent(case=case, scope="deidentified_statistics", obtained_by=creator,
                                    language="English", given_at=case.opened_at + datetime.timedelta(days=1)))
    record_all(timeline)
    m.Need.objects.bulk_create(needs)
    m.ClosureRequest.objects.bulk_create(closures)
    m.YouthProfile.objects.bulk_create(youth_rows)
    Consent.objects.bulk_create(consents)
    contacts = []
    for back in YEARS_BACK:
        year = today.year - back
        for _i in range(CONTACTS_PER_YEAR):
            received = datetime.datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                                         rng.randint(0, 59), tzinfo=tz)
            urgency = _weighted(rng, [("emergency", 1), ("urgent", 3), ("routine", 6)])
            minutes = rng.choice([2, 4, 9, 20, 45, 90, 240, 1500, 3000])
            contacts.append(Contact(
                channel=rng.choice(["phone", "phone", "text", "email", "web_report", "walk_in"]),
                caller_type=rng.choice(["person", "family_or_friend", "service_provider", "public"]),
                urgency=urgency, summary="Synthetic contact for the statistics demo.",
                region=regions[rng.choice(HEALTH_REGIONS)], received_at=received,
                first_response_at=received + datetime.timedelta(minutes=minutes), outcome="information_given"))
    Contact.objects.bulk_create(contacts)
    audit.record(None, "demo.stats_history_seeded", None,
                 detail={"cases": len(cases), "contacts": len(contacts), "from": first_year})
    stdout.write(f"Statistics history: {len(cases)} closed cases and {len(contacts)} contacts of "
                 f"{first_year}–{today.year - min(YEARS_BACK)}.")
