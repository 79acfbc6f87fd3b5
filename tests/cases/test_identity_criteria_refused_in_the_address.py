"""Issue 9 #12: ``GET /api/v1/cases?search=NAME`` (also ``date_of_birth=`` and ``phone=``) put identities
in access logs. Identity criteria in the address are refused with a 400 that names
``POST /api/v1/cases/search``; a case number and the filters that identify nobody still work on GET.
(The HTML list and its exports have refused them since the person-search commit: see
``test_encryption_and_search`` and ``test_faces``.)"""

from __future__ import annotations

import json

import pytest

from octip.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", [{"search": "Ana Beatriz Ferreira"}, {"search": "Ferreira", "phonetic": "true"},
                                   {"date_of_birth": "1995-03-14"}, {"phone": "604 555 0142"}])
def test_identity_criteria_on_get_are_refused_naming_the_post_search(world, client_for, query):
    response = client_for(world.caseworker_a).get("/api/v1/cases", query)
    assert response.status_code == 400
    assert "POST /api/v1/cases/search" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action__in=["case.searched", "person.listed"],
                                         actor_id=world.caseworker_a.pk).exists()


def test_the_same_criteria_by_post_and_a_case_number_on_get_still_work(world, client_for):
    client = client_for(world.caseworker_a)
    posted = client.post("/api/v1/cases/search", json.dumps({"phone": "604 555 0142"}),
                         content_type="application/json")
    assert [c["number"] for c in posted.json()] == [world.case_a.number]
    by_number = client.get("/api/v1/cases", {"search": world.case_a.number})
    assert by_number.status_code == 200 and [c["number"] for c in by_number.json()] == [world.case_a.number]
    assert client.get("/api/v1/cases", {"stage": "intake"}).status_code == 200
