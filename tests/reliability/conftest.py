from __future__ import annotations

from tests.factories.consent_fixtures import *  # noqa: F403
from tests.factories.referral_fixtures import *  # noqa: F403


