"""Regressions from the security review of the consent app."""

from __future__ import annotations

import pytest

from octip.consent.services import record_consent, withdraw_consent

pytestmark = pytest.mark.django_db


def test_the_timeline_does_not_repeat_the_free_text_name_of_an_off_platform_recipient(case, caseworker):
    consent = record_consent(actor=caseworker, case=case, scope="share_with_organization", language="English",
                             external_recipient="Dr. Maria Quinterro, family lawyer", purpose="legal advice",
                             sections=["needs"])
    withdraw_consent(actor=caseworker, consent=consent, reason="the person asked")
    texts = [entry.text() for entry in case.timeline.all()]
    assert any("not on the platform" in text for text in texts)
    assert not any("Quinterro" in text for text in texts)
    assert not case.timeline.filter(summary__icontains="Quinterro").exists()
