"""Issue 9 #6: the duplicate check is not an oracle.

``POST /api/v1/cases/duplicate-check`` with a phone number alone told any screener, operator or
caseworker whether a survivor with that number exists anywhere on the platform, without limit. Now:

- the check needs a name with a date of birth, or a phone with a second factor (name or date of
  birth); anything less is a 400 saying so;
- a match outside the caller's sight is reported ("elsewhere") only when the second factor matches
  too, so a phone with any name tells nothing about other organizations' people;
- it is limited per user (429 past the limit, on the API and on the intake page);
- it is run only in the course of work: the API names a reason (intake, hotline_contact, screening),
  the intake page is an open intake; without one it is a 400;
- every check, and every refused one, is audited with the reason, the kinds of criteria and the
  blind-index criteria (re-keyed for the audit, shortened), never their values, so that probing can be reviewed.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from octip.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/duplicate-check"
PHONE = "604 555 0142"  # case_a's person (org A)


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _check(client, body, reason="intake"):
    return client.post(URL, json.dumps({"reason": reason, **body}), content_type="application/json")


@pytest.mark.parametrize("body", [
    {"phone": PHONE},
    {"legal_name": "Ana Beatriz Ferreira"},
    {"date_of_birth": "1995-03-14"},
    {"other_names": ["Bia"]},
    {},
])
def test_too_few_criteria_are_refused_with_a_clear_400(world, client_for, body):
    response = _check(client_for(world.caseworker_b), body)
    assert response.status_code == 400
    assert "name with a date of birth" in json.dumps(response.json())
    assert "elsewhere" not in response.json()


def test_a_phone_with_an_unrelated_name_tells_nothing_of_other_organizations(world, client_for):
    client = client_for(world.caseworker_b)
    probe = _check(client, {"phone": PHONE, "legal_name": "Random Probe"}).json()
    assert probe["elsewhere"] is False and probe["visible"] == []
    corroborated = _check(client, {"phone": PHONE, "date_of_birth": "1995-03-14"}).json()
    assert corroborated["elsewhere"] is True


def test_the_check_is_audited_with_the_kinds_of_criteria_never_their_values(world, client_for):
    client = client_for(world.caseworker_b)
    _check(client, {"phone": PHONE, "legal_name": "Ana Beatriz Ferreira"})
    _check(client, {"phone": PHONE})
    events = list(AuditEvent.objects.filter(actor_id=world.caseworker_b.pk,
                                            action__startswith="case.duplicate_check").order_by("seq"))
    assert [(e.action, e.detail["criteria"]) for e in events] == [
        ("case.duplicate_check", ["name", "phone"]), ("case.duplicate_check_refused", ["phone"])]
    assert events[1].detail["reason"] == "criteria"
    dump = json.dumps([e.detail for e in events]) + "".join(e.purpose for e in events)
    assert "604 555 0142" not in dump and "6045550142" not in dump and "Ferreira" not in dump
    assert [e.purpose for e in events] == ["intake", "intake"]


def test_a_check_needs_a_reason(world, client_for):
    client = client_for(world.caseworker_b)
    body = {"legal_name": "Ana Beatriz Ferreira", "date_of_birth": "1995-03-14"}
    for reason in ("", "curiosity"):
        refused = _check(client, body, reason=reason)
        assert refused.status_code == 400
        assert "intake, hotline_contact, screening" in json.dumps(refused.json())
        assert "elsewhere" not in refused.json()
    assert AuditEvent.objects.filter(action="case.duplicate_check_refused", actor_id=world.caseworker_b.pk,
                                     detail__reason="no_reason").count() == 2
    assert _check(client, body, reason="hotline_contact").json()["elsewhere"] is True


def test_probes_can_be_reviewed_by_their_blind_index_criteria(world, client_for):
    """The same number probed twice, by two users, carries the same shortened phone token in the audit;
    another number another one."""
    for user, phone in ((world.caseworker_b, PHONE), (world.caseworker_a, PHONE), (world.caseworker_b, "604 555 0199")):
        _check(client_for(user), {"phone": phone, "legal_name": "Random Probe"})
    phones = [e.detail["tokens"]["phone"] for e in AuditEvent.objects.filter(
        action="case.duplicate_check").order_by("seq")]
    assert len(phones) == 3 and phones[0] == phones[1] != phones[2] and all(len(p) == 16 for p in phones)
    # Re-keyed for the audit: no token is a prefix of a person's index, so the log joins to no one.
    from octip.cases.models import Person

    indexes = set(Person.objects.values_list("phone_index", flat=True))
    assert not any(index.startswith(p) for p in phones for index in indexes if index)


def test_a_refused_reason_is_not_kept_as_written(world, client_for):
    _check(client_for(world.caseworker_b), {"legal_name": "A", "date_of_birth": "1995-03-14"},
           reason="looking for Ana Beatriz Ferreira")
    refused = AuditEvent.objects.get(action="case.duplicate_check_refused", actor_id=world.caseworker_b.pk)
    assert refused.purpose == "invalid" and "Ferreira" not in json.dumps(refused.detail)


def test_the_check_is_limited_per_user(world, client_for, settings):
    settings.OCTIP_DUPLICATE_CHECK_RATE_LIMIT = 3
    client = client_for(world.caseworker_b)
    body = {"legal_name": "Nobody Synthetic", "date_of_birth": "1995-03-14"}
    assert [_check(client, body).status_code for _ in range(3)] == [200, 200, 200]
    refused = _check(client, body)
    assert refused.status_code == 429
    assert "Too many" in refused.json()["detail"]
    assert AuditEvent.objects.filter(action="case.duplicate_check_refused", actor_id=world.caseworker_b.pk,
                                     detail__reason="rate_limit").count() == 1
    # Another user has a limit of their own.
    assert _check(client_for(world.caseworker_a), body).status_code == 200


def test_the_intake_page_check_is_limited_too(world, client_for, settings):
    settings.OCTIP_DUPLICATE_CHECK_RATE_LIMIT = 1
    client = client_for(world.caseworker_b)
    form = {"legal_name": "ana beatriz ferreira", "date_of_birth": "1995-03-14", "region": world.case_a.region_id,
            "first_contact_date": datetime.date.today().isoformat(), "referral_source": "self", "gender": "woman"}
    assert client.post(reverse("cases:intake"), form).status_code == 409
    again = client.post(reverse("cases:intake"), form)
    assert again.status_code == 429
    assert "A possible record exists elsewhere" not in again.content.decode()
