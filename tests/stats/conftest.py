from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from octip.cases.models import Case, Person
from tests.factories import OrganizationFactory
from tests.factories.consent import make_consent
from tests.factories.partners import region

YEAR = timezone.localdate().year - 1
GENDERS = ["woman", "woman", "woman", "man", "non_binary"]
BANDS = ["18-20", "21-23", "24-26", "9-17", "30-38"]
CITIZENSHIP = [["CA"], ["CA"], ["CA"], ["MX"], ["PH"], ["IN"], [], ["UA"]]


@pytest.fixture(autouse=True)
def _small_worlds_allow_a_small_k(settings):
    # The test worlds hold a few dozen cases: the office's floor is lowered for them.
    settings.OCTIP_STATS_MIN_K = 2


@pytest.fixture(autouse=True)
def _english():
    # A French page request earlier in the same worker leaves French active in this thread.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def analyst(make_user):
    return make_user("analyst")


@pytest.fixture
def stats_world(make_user):
    """``n`` synthetic cases opened last year, most of them consented to statistics; returns
    (cases, consented ids, the caseworker who recorded the consents)."""
    def build(n: int = 80, *, consent_every: int = 4, seed: int = 5):
        rng = random.Random(seed)
        org = OrganizationFactory()
        worker = make_user("caseworker", organization=org)
        regions = [region(code) for code in ("fraser", "vancouver_coastal", "interior", "northern")]
        cases, consented = [], set()
        for i in range(n):
            person = Person(legal_name=f"Synthetic Person {i}", preferred_name="", phone="604-555-0100",
                            gender=rng.choice(GENDERS), estimated_age=None, citizenship=rng.choice(CITIZENSHIP))
            person.refresh_indexes()
            person.age_band = rng.choice(BANDS)
            person.save()
            opened = timezone.make_aware(datetime.datetime(YEAR, rng.randint(1, 12), rng.randint(1, 28), 10))
            case = Case.objects.create(
                number=f"BC-{YEAR}-S{i:05d}", person=person, track="youth" if person.age_band == "9-17" else "adult",
                owner_organization=org, region=rng.choice(regions), first_contact_date=opened.date(),
                opened_at=opened, exploitation_types=rng.choice([["sexual"], ["labour"], ["sexual", "labour"]]),
                setting=rng.choice(["escort_services", "construction", "domestic_work"]),
                means_of_control=rng.sample(["DebtBondage", "FalsePromises", "PhysicalThreats"], k=rng.randint(0, 2)),
                referral_source=rng.choice(["police", "hotline", "self"]))
            cases.append(case)
            if i % consent_every != 0:
                make_consent(case=case, obtained_by=worker, scope="deidentified_statistics")
                consented.add(case.pk)
        return cases, consented, worker
    return build
