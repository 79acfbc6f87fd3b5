"""The consent and referral demo data: plausible, synthetic, and idempotent."""

from __future__ import annotations

import io
import random

import pytest
from faker import Faker

from octip.consent.models import Consent
from octip.referrals.models import Referral

pytestmark = pytest.mark.django_db


def run_demo():
    from octip.cases import demo as cases_demo
    from octip.consent import demo as consent_demo
    from octip.partners import demo as partners_demo
    from octip.referrals import demo as referrals_demo

    out = io.StringIO()
    for module, scale in ((partners_demo, None), (cases_demo, 30), (consent_demo, None), (referrals_demo, None)):
        Faker.seed(20070401)
        random.seed(20070401)
        module.seed(scale=scale, stdout=out)
    return out.getvalue()


def test_demo_consents_and_referrals_are_varied_and_idempotent(mailoutbox):
    output = run_demo()
    assert "Consents:" in output and "Referrals:" in output
    consents, referrals = Consent.objects.count(), Referral.objects.count()
    statuses = {c.status for c in Consent.objects.all()}
    assert consents > 30 and {"active", "withdrawn"} <= statuses
    assert referrals > 0
    assert not mailoutbox  # demo data sends no email
    run_demo()
    assert (Consent.objects.count(), Referral.objects.count()) == (consents, referrals)
