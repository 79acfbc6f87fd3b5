"""Fixtures shared by the consent and referral tests (see tests/factories/consent_fixtures.py)."""

import pytest

from octip.cases.models import CaseAccessGrant
from octip.consent.models import Disclosure
from tests.factories.consent import make_consent
from tests.factories.consent_fixtures import *  # noqa: F403

OTHER_PURPOSE = "OTHERMARK shelter place for Ana Ferreira"
OFF_PLATFORM = "OFFMARK Dr. Quinterro, family lawyer"


@pytest.fixture
def shared(case, caseworker, partner_org, other_org):
    """The case shared with ``partner_org`` (consents included), and the person's other sharing."""
    own = make_consent(case=case, obtained_by=caseworker, organization=partner_org,
                       sections=["summary", "consents"], purpose="OWNMARK housing support")
    other = make_consent(case=case, obtained_by=caseworker, organization=other_org, purpose=OTHER_PURPOSE)
    off = make_consent(case=case, obtained_by=caseworker, organization=None, external_recipient=OFF_PLATFORM,
                       sections=["needs", "consents"],
                       purpose="OFFPURPOSE legal advice")
    police = make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    for consent, organization, recipient in ((own, partner_org, ""), (other, other_org, ""), (off, None, OFF_PLATFORM)):
        Disclosure.objects.create(case=case, organization=organization, external_recipient=recipient,
                                  purpose=consent.purpose, sections=consent.sections, basis="consent",
                                  consent=consent, decided_by=caseworker)
    CaseAccessGrant.objects.create(case=case, organization=partner_org, sections=["summary", "consents"],
                                   source="referral", source_id="r-own", granted_by=caseworker)
    return {"own": own, "other": other, "off": off, "police": police}
