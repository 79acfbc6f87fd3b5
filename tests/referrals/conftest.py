from __future__ import annotations

import pytest

from tests.factories.consent_fixtures import *  # noqa: F403
from tests.factories.referral_fixtures import *  # noqa: F403


@pytest.fixture
def referral(case, caseworker, partner_org, partner_worker, consent_to_partner):
    """A referral sent after the receiving organization has a worker to notify."""
    from octip.referrals.services import send_referral

    return send_referral(actor=caseworker, case=case, organization=partner_org, purpose="Shelter bed tonight",
                         urgency="urgent", sections=["summary", "needs"])
