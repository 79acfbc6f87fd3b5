"""Demo HTCDS profiles and trafficking events for the demo cases (synthetic: no real person, place or
story). Most demo cases get a profile coherent with the case (a labour case an ISIC industry, a sexual
exploitation case its types, an age when trafficked not above the person's age) and one to three events.

Idempotent: once demo cases have profiles, a second run adds none. Not at ``--scale`` (the bulk demo makes no
profiles). Written in bulk (the encrypted fields are still encrypted on the way in); one audit event
records the run and each profile has its timeline entry.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction

from octip.core import audit

from . import models as m
from . import reference
from .timeline import Kind, build, record_all

SHARE_WITH_PROFILE = 0.7
#: Synthetic places: (city, province or state, ISO 3166 alpha-2 country).
PLACES = {
    "Recruitment": [("Guadalajara", "Jalisco", "MX"), ("Manila", "Metro Manila", "PH"), ("Kyiv", "", "UA"),
                    ("Surrey", "British Columbia", "CA"), ("Winnipeg", "Manitoba", "CA"), ("", "", "IN")],
    "Transit": [("Toronto", "Ontario", "CA"), ("Seattle", "Washington", "US"), ("Calgary", "Alberta", "CA")],
    "Exploitation": [("Abbotsford", "British Columbia", "CA"), ("Vancouver", "British Columbia", "CA"),
                     ("Kelowna", "British Columbia", "CA"), ("Prince George", "British Columbia", "CA")],
}
DESCRIPTIONS = {
    "Recruitment": ["Answered an online job advertisement for farm work.", "A friend of a friend offered a job.",
                    "Offered work in a restaurant through a social network."],
    "Transit": ["Travelled by bus with others recruited the same way.", "Flew in on a visitor visa arranged by the "
                "recruiter."],
    "Exploitation": ["Worked long hours for no pay, papers kept by the employer.",
                     "Made to work out of a rented apartment."],
}
LABOUR_INDUSTRIES = ["A_AgricultureForestryAndFishing", "I_AccommodationAndFoodServiceActivities", "F_Construction",
                     "T_ActivitiesOfHouseholdsAsEmployers", "C_Manufacturing",
                     "N_AdministrativeAndSupportServiceActivities"]


def seed(*, scale: int | None, stdout: Any) -> None:
    """Profiles and events for the demo cases that have none (none at ``--scale``)."""
    if scale is not None:
        return
    from .demo import _demo_cases

    with transaction.atomic():
        # Seeded once: a second run (some cases drew no profile the first time) adds nothing.
        if m.TraffickingProfile.objects.filter(case__in=_demo_cases()).exists():
            return
        cases = list(_demo_cases().select_related("person", "owner_worker").order_by("number"))
        if not cases:
            return
        rng = random.Random(20260416)
        profiles, events, entries = [], [], []
        for case in cases:
            if rng.random() > SHARE_WITH_PROFILE:
                continue
            profiles.append(_profile(case, rng))
            events += _events(case, rng)
            entries.append(build(actor=case.owner_worker, case=case, kind=Kind.TRAFFICKING_PROFILE_SAVED,
                                 at=case.opened_at + datetime.timedelta(days=rng.randint(2, 20))))
        m.TraffickingProfile.objects.bulk_create(profiles)
        m.TraffickingEvent.objects.bulk_create(events)
        record_all(entries)
        audit.record(None, "demo.htcds_profiles_seeded", None, detail={"profiles": len(profiles),
                                                                       "events": len(events)})
    stdout.write(f"Cases: {len(profiles)} synthetic HTCDS profiles with {len(events)} trafficking events.")


def _codes(name: str) -> list[str]:
    return [t.code for t in reference.htcds(name)]


def _some(rng: random.Random, name: str, most: int) -> list[str]:
    codes = _codes(name)
    return sorted(rng.sample(codes, k=rng.randint(0, most)), key=codes.index)


def _profile(case: m.Case, rng: random.Random) -> m.TraffickingProfile:
    types = set(case.exploitation_types or [])
    status = rng.choices(_codes("TraffickingStatus"), weights=[5, 4, 1], k=1)[0]
    age = case.person.age()
    when = None
    if age is not None and rng.random() < 0.8:
        when = max(min(age, rng.randint(14, 35)), 0)
    return m.TraffickingProfile(
        case=case, updated_by=case.owner_worker, trafficking_status=status,
        status_decided_by="" if status == "PossibleVictimOfTrafficking" else rng.choice(
            ["NGO", "Police", "CourtOrProsecution", "NonPoliceGovernmentalOrganization"]),
        recruitment_methods=_some(rng, "MethodOfRecruitment", 2),
        recruitment_platforms=_some(rng, "WebsitesAndApps", 2) if rng.random() < 0.5 else [],
        exploitation_platforms=_some(rng, "WebsitesAndApps", 1) if "sexual" in types else [],
        labour_industry=rng.choice(LABOUR_INDUSTRIES) if "labour" in types else "",
        sex_exploitation_types=_some(rng, "TypeOfSexExploitation", 2) if "sexual" in types else [],
        vulnerabilities=_some(rng, "Vulnerabilities", 3),
        trafficker_relationship=rng.choice(["", *_codes("RelationshipToTrafficker")]),
        age_when_trafficked=when)


def _events(case: m.Case, rng: random.Random) -> list[m.TraffickingEvent]:
    kinds = ["Recruitment", "Exploitation"] if rng.random() < 0.6 else ["Recruitment", "Transit", "Exploitation"]
    if rng.random() < 0.2:
        kinds = ["Exploitation"]
    start = case.first_contact_date - datetime.timedelta(days=rng.randint(120, 900))
    out = []
    for i, kind in enumerate(kinds):
        city, state, country = rng.choice(PLACES[kind])
        day = min(start + datetime.timedelta(days=40 * i + rng.randint(0, 30)), case.first_contact_date)
        precision = rng.choice(["day", "month", "month", "year"])
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        out.append(m.TraffickingEvent(case=case, type=kind, date=day, date_precision=precision, city=city,
                                      state=state, country=country, description=rng.choice(DESCRIPTIONS[kind]),
                                      created_by=case.owner_worker))
    return out
