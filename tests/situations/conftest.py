"""The world of the situations tests: organization A with two teams (a caseworker each) and a
coordinator, three cases of A (two of team 1, one of team 2), organization B with a caseworker and a
coordinator, a police service with a liaison, and a 24/7 operator of A. One situation of A links the
three cases. Synthetic people only."""

from __future__ import annotations

import pytest

from octip.situations import services
from tests.factories.cases import make_case
from tests.factories.partners import OrganizationFactory, TeamFactory


@pytest.fixture(autouse=True)
def english_messages():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def team1(org):
    return TeamFactory(organization=org)


@pytest.fixture
def team2(org):
    return TeamFactory(organization=org)


@pytest.fixture
def worker1(make_user, org, team1):
    return make_user("caseworker", organization=org, teams=[team1])


@pytest.fixture
def worker2(make_user, org, team2):
    return make_user("caseworker", organization=org, teams=[team2])


@pytest.fixture
def coordinator_a(make_user, org):
    return make_user("coordinator", organization=org)


@pytest.fixture
def worker_b(make_user, other_org):
    return make_user("caseworker", organization=other_org, teams=[TeamFactory(organization=other_org)])


@pytest.fixture
def coordinator_b(make_user, other_org):
    return make_user("coordinator", organization=other_org)


@pytest.fixture
def police(db):
    return OrganizationFactory(name="Police Service (test)", type="law_enforcement")


@pytest.fixture
def liaison(make_user, police):
    return make_user("police_liaison", organization=police)


@pytest.fixture
def operator(make_user, org):
    return make_user("hotline_operator", organization=org)


@pytest.fixture
def case1(org, team1, worker1):
    return make_case(organization=org, team=team1, worker=worker1)


@pytest.fixture
def case2(org, team1, worker1):
    return make_case(organization=org, team=team1, worker=worker1)


@pytest.fixture
def case3(org, team2, worker2):
    return make_case(organization=org, team=team2, worker=worker2)


@pytest.fixture
def situation(coordinator_a, case1, case2, case3):
    made = services.create_situation(actor=coordinator_a, kind="employer", title="Synthetic Farms Ltd",
                                     description="Synthetic description of a labour operation")
    for case in (case1, case2, case3):
        services.link_case(actor=coordinator_a, situation=made, case=case)
    return made


@pytest.fixture
def poi(coordinator_a, situation, case1):
    made = services.create_poi(actor=coordinator_a, situation=situation, names=["Synthetic Boss"],
                               aliases=["The Synthetic"], phones=["+1 604-555-0100"], vehicles=["Grey van ZZZ 000"],
                               addresses=["1 Synthetic Road"], businesses=["Synthetic Farms Ltd"],
                               roles_in_process=["RecruiterOrIntermediary", "Exploiter"], notes="Synthetic note")
    services.link_poi_case(actor=coordinator_a, poi=made, case=case1, relationship="Acquainted")
    return made
