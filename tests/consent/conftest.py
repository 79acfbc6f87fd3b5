"""Fixtures shared by the consent and referral tests (see tests/factories/consent_fixtures.py)."""

from tests.factories.consent_fixtures import *  # noqa: F403
