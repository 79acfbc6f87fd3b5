from __future__ import annotations

import pytest

from tests.consent.factories import make_case
from tests.factories import OrganizationFactory, TeamFactory


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
