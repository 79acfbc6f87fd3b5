"""Fixtures for the cases tests: two organizations with teams, staff of every case role, and cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from octip.cases import services
from tests.factories import OrganizationFactory, TeamFactory, UserFactory, region

TODAY = datetime.date(2026, 6, 1)


def person_data(**overrides) -> dict:
    data = {"legal_name": "Ana Beatriz Ferreira", "preferred_name": "Bia", "aliases": ["Anna F"],
            "date_of_birth": datetime.date(1995, 3, 14), "phone": "+1 604 555 0142",
            "email": "bia@example.invalid", "address": "12 Synthetic Lane, Surrey", "gender": "woman",
            "citizenship": ["BR"], "languages": ["pt", "en"]}
    data.update(overrides)
    return data


def case_data(**overrides) -> dict:
    data = {"region": region("fraser"), "referral_source": "hotline", "exploitation_types": ["labour"],
            "setting": "agriculture_animal_husbandry", "means_of_control": ["DebtBondage", "WithholdsDocuments"],
            "first_contact_date": timezone.localdate() - datetime.timedelta(days=3)}
    data.update(overrides)
    return data


def open_case(actor, person: dict | None = None, **case_overrides):
    return services.open_case(actor=actor, person=person or person_data(), case=case_data(**case_overrides))


def share(world, case, sections, source_id="r-review"):
    """Org B receives ``sections`` of ``case`` (as a referral would grant them)."""
    return services.grant_case_access(actor=world.caseworker_a, case=case, organization=world.org_b,
                                      sections=sections, source="referral", source_id=source_id, reason="test")


@dataclass
class World:
    org_a: Any
    org_b: Any
    office: Any
    team_a1: Any
    team_a2: Any
    team_b: Any
    caseworker_a: Any
    caseworker_a2: Any
    caseworker_b: Any
    coordinator: Any
    screener_a: Any
    hotline_a: Any
    police_a: Any
    analyst: Any
    auditor: Any
    trainer_a: Any
    org_admin_a: Any
    case_a: Any
    case_b: Any


@pytest.fixture
def world(db) -> World:
    org_a, org_b, office = OrganizationFactory(), OrganizationFactory(), OrganizationFactory(type="coordinating_office")
    team_a1, team_a2 = TeamFactory(organization=org_a), TeamFactory(organization=org_a)
    team_b = TeamFactory(organization=org_b)
    caseworker_a = UserFactory(role="caseworker", organization=org_a, teams=[team_a1])
    caseworker_b = UserFactory(role="caseworker", organization=org_b, teams=[team_b])
    w = World(
        org_a=org_a, org_b=org_b, office=office, team_a1=team_a1, team_a2=team_a2, team_b=team_b,
        caseworker_a=caseworker_a,
        caseworker_a2=UserFactory(role="caseworker", organization=org_a, teams=[team_a2]),
        caseworker_b=caseworker_b,
        coordinator=UserFactory(role="coordinator", organization=office),
        screener_a=UserFactory(role="screener", organization=org_a, teams=[team_a1]),
        hotline_a=UserFactory(role="hotline_operator", organization=org_a),
        police_a=UserFactory(role="police_liaison", organization=org_a),
        analyst=UserFactory(role="analyst", organization=office),
        auditor=UserFactory(role="auditor", organization=office),
        trainer_a=UserFactory(role="trainer", organization=org_a),
        org_admin_a=UserFactory(role="org_admin", organization=org_a),
        case_a=open_case(caseworker_a),
        case_b=open_case(caseworker_b, person_data(legal_name="Other Person", phone="250 555 0199",
                                                   date_of_birth=datetime.date(1990, 1, 2), aliases=[],
                                                   preferred_name="")),
    )
    return w


@pytest.fixture
def api_client(client_for):
    """``api_client(user)`` → a signed-in client; JSON helpers post with the right content type."""
    return client_for


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is right for production and slow for fixtures that create a dozen accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_duplicate_check_limits():
    # The duplicate check's per-user limit lives in the cache, and user ids repeat from test to test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
