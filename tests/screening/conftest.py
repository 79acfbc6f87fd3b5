from __future__ import annotations

import pytest
from django.utils import timezone

from octip.screening.loader import load_frameworks
from octip.screening.models import Framework
from tests.factories import region


@pytest.fixture
def frameworks(db):
    """The shipped frameworks (the data migration loads them; a flushed database needs them again)."""
    load_frameworks(Framework)
    return {f.slug: f for f in Framework.objects.current()}


@pytest.fixture
def screener(make_user, org):
    return make_user("screener", organization=org)


def make_case(org, number="BC-2026-000001", owner_worker=None):
    from octip.cases.models import Case, Person

    person = Person.objects.create(legal_name="Synthetic Person")
    return Case.objects.create(number=number, person=person, owner_organization=org, region=region("fraser"),
                               first_contact_date=timezone.localdate(), owner_worker=owner_worker)
