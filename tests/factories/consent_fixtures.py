"""The world the consent and referral tests share, as pytest fixtures: an owner organization with a
team and caseworker, a partner organization with a worker, a police organization, a coordinator, an
adult and a youth case. ``tests/consent/conftest.py`` and ``tests/referrals/conftest.py`` take them all
with ``from tests.factories.consent_fixtures import *`` (fixtures must be in a conftest to be found)."""

from __future__ import annotations

import pytest

from tests.factories.cases import make_case
from tests.factories.partners import OrganizationFactory, TeamFactory


@pytest.fixture
def owner_team(org):
    return TeamFactory(organization=org)


@pytest.fixture
def caseworker(make_user, org, owner_team):
    return make_user("caseworker", organization=org, teams=[owner_team])


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(name="Partner Shelter (test)")


@pytest.fixture
def partner_worker(make_user, partner_org):
    return make_user("caseworker", organization=partner_org, teams=[TeamFactory(organization=partner_org)])


@pytest.fixture
def police_org(db):
    return OrganizationFactory(name="Test Police (test)", type="law_enforcement")


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", organization=OrganizationFactory(name="Coordinating Office (test)",
                                                                     type="coordinating_office"))


@pytest.fixture
def case(org, owner_team, caseworker):
    return make_case(organization=org, team=owner_team, worker=caseworker)


@pytest.fixture
def youth_case(org, owner_team, caseworker):
    return make_case(organization=org, team=owner_team, worker=caseworker, track="youth")


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English; a French request earlier in the thread must not leak in."""
    from django.utils import translation

    with translation.override("en"):
        yield
