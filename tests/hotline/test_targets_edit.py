"""The line's lead edits the first-response targets in the app."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.hotline import services
from octip.hotline.models import ResponseTarget
from octip.hotline.targets import response_targets


def _form(**overrides):
    data = {"emergency_amount": 5, "emergency_unit": "minutes", "urgent_amount": 30, "urgent_unit": "minutes",
            "routine_amount": 2, "routine_unit": "business_days"}
    data.update(overrides)
    return data


def test_the_lead_edits_the_targets_and_the_change_is_audited(db, client_for, make_user, org):
    lead = make_user("coordinator", organization=org)
    client = client_for(lead)
    assert client.get(reverse("hotline:targets_edit")).status_code == 200
    response = client.post(reverse("hotline:targets_edit"), _form())
    assert response.status_code == 302
    assert response_targets()["urgent"].amount == 30 and response_targets()["routine"].amount == 2
    changed = AuditEvent.objects.get(action="hotline.targets.changed").detail["changed"]
    assert set(changed) == {"urgent", "routine"}  # the emergency target was already 5 minutes


def test_bad_targets_change_nothing(db, client_for, make_user, org):
    lead = make_user("coordinator", organization=org)
    response = client_for(lead).post(reverse("hotline:targets_edit"), _form(urgent_amount=0))
    assert response.status_code == 400 and not ResponseTarget.objects.exists()
    with pytest.raises(ValidationError):
        services.set_response_targets(actor=lead, targets={"urgent": (90, "business_days")})
    with pytest.raises(ValidationError):
        services.set_response_targets(actor=lead, targets={"someday": (1, "hours")})
    assert not ResponseTarget.objects.exists()


def test_an_operator_of_any_organization_cannot_edit_the_targets(db, client_for, operator, other_operator):
    for user in (operator, other_operator):
        assert client_for(user).post(reverse("hotline:targets_edit"), _form()).status_code == 403
        with pytest.raises(AccessDenied):
            services.set_response_targets(actor=user, targets={"urgent": (10, "minutes")})
    assert not ResponseTarget.objects.exists()
