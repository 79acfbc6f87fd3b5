"""Fixtures the referral and reliability tests share: a partner's directory service and the person's
consent to share with the partner. Import with ``from tests.factories.referral_fixtures import *`` in a
conftest (fixtures must be in a conftest to be found)."""

from __future__ import annotations

import pytest


@pytest.fixture
def service(partner_org):
    from octip.directory.models import Organization as DirectoryOrganization
    from octip.directory.models import Service

    provider = DirectoryOrganization.objects.create(name=partner_org.name)
    return Service.objects.create(organization=provider, name="Emergency shelter beds (test)",
                                  partner_organization=partner_org, visibility="partners")


@pytest.fixture
def consent_to_partner(case, caseworker, partner_org):
    from tests.factories.consent import make_consent

    return make_consent(case=case, obtained_by=caseworker, organization=partner_org,
                        sections=["summary", "needs", "plan"])
