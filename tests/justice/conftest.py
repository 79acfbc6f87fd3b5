"""The world of the justice tests: an owner organization with a caseworker and an adult case, two
police services (X and Y) each with a police liaison, and the consents a police contact with X needs."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories.consent import make_consent
from tests.factories.consent_fixtures import *  # noqa: F403
from tests.factories.partners import OrganizationFactory, TeamFactory


@pytest.fixture
def police_x(db):
    return OrganizationFactory(name="Police Service X (test)", type="law_enforcement")


@pytest.fixture
def police_y(db):
    return OrganizationFactory(name="Police Service Y (test)", type="law_enforcement")


@pytest.fixture
def liaison_x(make_user, police_x):
    return make_user("police_liaison", organization=police_x)


@pytest.fixture
def liaison_y(make_user, police_y):
    return make_user("police_liaison", organization=police_y)


@pytest.fixture
def analyst_x(make_user, police_x):
    """Another member of staff at X whose role reaches the organization's shared work."""
    return make_user("caseworker", organization=police_x, teams=[TeamFactory(organization=police_x)])


@pytest.fixture
def police_consents(case, caseworker, police_x):  # noqa: F811
    """The person agreed to contact with police and to share the summary and justice sections with X."""
    share = make_consent(case=case, obtained_by=caseworker, organization=police_x, sections=["summary", "justice"])
    police = make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    return share, police


@pytest.fixture
def today():
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
