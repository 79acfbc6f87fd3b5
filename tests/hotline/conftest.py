from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from octip.hotline.models import Contact
from tests.factories import region


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The report rate limit lives in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_contact(db):
    def make(organization, *, minutes_ago: int = 1, urgency: str = "routine", **fields) -> Contact:
        defaults = {"channel": "text", "caller_type": "public", "urgency": urgency, "summary": "Synthetic summary",
                    "region": region("fraser"), "organization": organization,
                    "received_at": timezone.now() - datetime.timedelta(minutes=minutes_ago)}
        defaults.update(fields)
        return Contact.objects.create(**defaults)
    return make


@pytest.fixture
def operator(make_user, org):
    return make_user("hotline_operator", organization=org)


@pytest.fixture
def other_operator(make_user, other_org):
    return make_user("hotline_operator", organization=other_org)
