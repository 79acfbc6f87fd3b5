"""Synthetic test data, one module per app: ``partners`` (organizations, teams, staff, TOTP devices),
``cases``, ``consent``, ``directory``; ``consent_fixtures`` holds the pytest fixtures the consent and
referral conftests share. Only synthetic people, ever.

The partners factories are re-exported here, as ``tests.factories`` offered them before it was split;
import the others from their app's module (``from tests.factories.consent import make_consent``).
"""

from tests.factories.partners import (
    PASSWORD,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
    confirmed_totp,
    region,
    totp_code,
    unused_totp_code,
)

__all__ = ["PASSWORD", "OrganizationFactory", "TeamFactory", "UserFactory", "confirmed_totp", "region", "totp_code",
           "unused_totp_code"]
