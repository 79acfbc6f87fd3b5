"""Fixtures shared by the consent and referral tests (see fixtures.py)."""

from tests.consent.fixtures import *  # noqa: F403
