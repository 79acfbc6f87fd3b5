"""The statistics demo history: several years, every health region, idempotent, quick."""

from __future__ import annotations

import io
import time

from django.utils import timezone

from octip.cases import demo as cases_demo
from octip.cases import models as m
from octip.consent.models import Consent
from octip.hotline.models import Contact
from octip.partners import demo as partners_demo
from octip.stats import demo
from octip.stats.demo import HEALTH_REGIONS, YEARS_BACK


def test_history_covers_several_years_and_every_region_once(db):
    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    cases_demo.seed(scale=20, stdout=out)
    before = m.Case.objects.count()
    started = time.perf_counter()
    demo.seed(scale=None, stdout=out)
    elapsed = time.perf_counter() - started
    history = m.Case.objects.exclude(number__startswith=f"BC-{timezone.localdate().year}-")
    years = {c.opened_at.year for c in history.filter(opened_at__year__lt=timezone.localdate().year - 2)}
    assert years == {timezone.localdate().year - b for b in YEARS_BACK}
    assert set(history.values_list("region__code", flat=True)) >= set(HEALTH_REGIONS)
    assert m.YouthProfile.objects.filter(migrant_services_involved=True).exists()
    assert Consent.objects.filter(scope="deidentified_statistics").exists()
    assert Contact.objects.filter(received_at__year=timezone.localdate().year - 4).exists()
    assert elapsed < 10  # seed_demo runs on every `make run`: the history must stay cheap
    after = m.Case.objects.count()
    demo.seed(scale=None, stdout=out)
    assert m.Case.objects.count() == after > before
    demo.seed(scale=5, stdout=out)  # --scale asks for exactly N cases: no history
    assert m.Case.objects.count() == after
