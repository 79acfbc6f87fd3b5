from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories.cases import make_case
from tests.factories.consent_fixtures import *  # noqa: F403

#: A synthetic identity distinctive enough that any leak of it into a notification is found.
LEGAL_NAME = "Zephyrine Quillfeather-Obasi"
PREFERRED_NAME = "Zephy Quill"
DATE_OF_BIRTH = datetime.date(1987, 3, 29)
PHONE = "250-555-0147"
ADDRESS = "1234 Marigoldvale Crescent"
FREE_TEXT = "Xanthorrhoea"  # written into every free-text field the events touch


@pytest.fixture
def identity_case(org, owner_team, caseworker):
    case = make_case(organization=org, team=owner_team, worker=caseworker, legal_name=LEGAL_NAME)
    person = case.person
    person.preferred_name, person.date_of_birth, person.phone, person.address = (
        PREFERRED_NAME, DATE_OF_BIRTH, PHONE, ADDRESS)
    person.refresh_indexes()
    person.save()
    return case


@pytest.fixture
def local_coordinator(make_user, org):
    return make_user("coordinator", organization=org)


@pytest.fixture
def auditor(make_user):
    return make_user("auditor")


@pytest.fixture
def on_call_shift(org, make_user):
    from octip.hotline.models import OnCallShift

    now = timezone.now()
    return OnCallShift.objects.create(
        organization=org, person=make_user("hotline_operator", organization=org),
        escalation_contact=make_user("coordinator", organization=org),
        starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=8))
