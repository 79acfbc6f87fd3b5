"""The justice demo: records across the demo cases, idempotent, and Sgt. Alex Chen (the demo police
liaison of Metro Police Service) sees the cases disclosed to that service, and only those."""

from __future__ import annotations

import io

import pytest

from octip.cases import demo as cases_demo
from octip.cases.models import Case
from octip.cases.selectors import sections_visible_to
from octip.consent import demo as consent_demo
from octip.justice import demo
from octip.justice.models import CvapApplication, ImmigrationStatus, PoliceContact, Proceeding
from octip.partners import demo as partners_demo
from octip.partners.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_police_liaison_sees_only_the_cases_disclosed_to_their_service():
    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    cases_demo.seed(scale=10, stdout=out)
    consent_demo.seed(scale=10, stdout=out)
    demo.seed(scale=10, stdout=out)
    assert PoliceContact.objects.count() == 3 and Proceeding.objects.exists()
    assert ImmigrationStatus.objects.filter(kind="trp").exists() and CvapApplication.objects.exists()
    chen = User.objects.get(full_name="Sgt. Alex Chen")
    seen = list(Case.objects.visible_to(chen))
    disclosed = {c.case_id for c in PoliceContact.objects.filter(organization=chen.organization)}
    assert seen and {c.pk for c in seen} == disclosed
    assert all(sections_visible_to(chen, c) == {"summary", "justice"} for c in seen)
    counts = (PoliceContact.objects.count(), Proceeding.objects.count(), ImmigrationStatus.objects.count())
    demo.seed(scale=10, stdout=out)
    assert (PoliceContact.objects.count(), Proceeding.objects.count(), ImmigrationStatus.objects.count()) == counts
