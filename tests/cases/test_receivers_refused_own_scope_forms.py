"""Issue 9 #5: the own-scope-only form pages refuse a receiver on GET as their POST does.

A receiver of a referral works in the sections it was given, but the case's core record (its summary
form, closure, the duty to report, new consents, referrals, transfers and secure exports) stays with
the owning circle. Until this fix the forms answered 200 on GET, and the case edit form pre-filled
the summary for a receiver that was not given it. Each page now refuses the GET with the status and
the ``access.denied`` event of its POST's refusal.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from octip.core.models import AuditEvent
from tests.cases.conftest import share

pytestmark = pytest.mark.django_db

PAGES = [
    ("cases:edit", "case.edit"),
    ("cases:closure_request", "case.request_closure"),
    ("cases:duty_to_report", "case.edit"),
    ("cases:reopen", "case.edit"),
    ("consent:consent_create", "consent.record"),
    ("referrals:create", "referral.send"),
    ("referrals:transfer_create", "referral.send"),
    ("referrals:export_create", "referral.send"),
]


def _denials(world, permission):
    return AuditEvent.objects.filter(action="access.denied", actor_id=world.caseworker_b.pk,
                                     target_id=str(world.case_a.pk), detail__permission=permission).count()


@pytest.mark.parametrize(("name", "permission"), PAGES)
def test_a_receiver_is_refused_the_form_on_get_as_on_post(world, client_for, name, permission):
    share(world, world.case_a, ["notes"])
    client = client_for(world.caseworker_b)
    url = reverse(name, args=[world.case_a.pk])

    got = client.get(url)
    assert got.status_code == 403
    assert _denials(world, permission) == 1

    # The POST's refusal: the same status, the same event.
    posted = client.post(url, {})
    assert posted.status_code == got.status_code
    assert _denials(world, permission) == 2


def test_the_case_edit_form_does_not_prefill_the_summary_for_a_receiver(world, client_for):
    share(world, world.case_a, ["notes"])
    response = client_for(world.caseworker_b).get(reverse("cases:edit", args=[world.case_a.pk]))
    body = response.content.decode()
    assert response.status_code == 403
    for value in ("agriculture_animal_husbandry", "labour", "hotline"):
        assert f'value="{value}" selected' not in body and f'value="{value}" checked' not in body


@pytest.mark.parametrize(("name", "permission"), PAGES)
def test_the_owner_still_gets_the_form(world, client_for, name, permission):
    response = client_for(world.caseworker_a).get(reverse(name, args=[world.case_a.pk]))
    assert response.status_code == 200
