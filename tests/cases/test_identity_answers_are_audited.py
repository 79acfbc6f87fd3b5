"""Issue 9 #2: every answer of the cases API that carries the person's identity records ``person.viewed``
exactly once — the answers to changes (PATCH with only a version, assignment, stage, reopening, a new
case) as well as the reads. The walk covers every route whose answer is a case, and fails when a new
one is added without being walked here."""

from __future__ import annotations

import json

import pytest

from octip.cases.models import Case, Stage
from octip.core.models import AuditEvent

from .conftest import share

PERSON = {"legal_name": "Lucia Mendoza Synthetic", "date_of_birth": "1998-07-01", "phone": "778 555 0107"}


def _person_events(actor, action: str = "person.viewed") -> int:
    return AuditEvent.objects.filter(action=action, actor_id=actor.pk).count()


def _call(client, method: str, url: str, body=None):
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, json.dumps(body or {}), content_type="application/json")


def _requests(world):
    """(method, route, url, body) for each case-answering route, on a fresh read of case A."""
    case = Case.objects.select_related("person").get(pk=world.case_a.pk)
    base = f"/api/v1/cases/{case.pk}"
    return [
        ("POST", "/cases", "/api/v1/cases", {"person": PERSON, "region": "fraser"}),
        ("GET", "/cases/{case_id}", base, None),
        ("PATCH", "/cases/{case_id}", base, {"version": case.version}),
        ("PATCH", "/cases/{case_id}/person", f"{base}/person", {"version": case.person.version}),
        ("POST", "/cases/{case_id}/stage", f"{base}/stage", {"stage": "assessment", "version": case.version}),
        ("PUT", "/cases/{case_id}/assignment", f"{base}/assignment",
         {"owner_team_id": world.team_a1.pk, "owner_worker_id": world.caseworker_a.pk}),
        ("POST", "/cases/{case_id}/reopen", f"{base}/reopen", {"reason": "The person came back."}),
    ]


#: Routes whose answer lists cases: a list records ``person.listed`` once instead (``case_rows``).
LISTS = {("GET", "/cases"): ("GET", "/api/v1/cases?limit=5", None),
         ("POST", "/cases/search"): ("POST", "/api/v1/cases/search", {"limit": 5})}


def _case_answering_routes() -> set[tuple[str, str]]:
    import octip.api  # noqa: F401  (mounts the routers, which builds their response models)
    from octip.cases.api import router

    found = set()
    for path, view in router.path_operations.items():
        for operation in view.operations:
            models = [getattr(m, "model_fields", {}).get("response") for m in operation.response_models.values()]
            if any(field is not None and "CaseOut" in str(field.annotation) for field in models):
                found.update((method, path) for method in operation.methods)
    return found


def test_the_walk_covers_every_route_that_answers_with_a_case(world):
    walked = {(method, route) for method, route, _url, _body in _requests(world)} | set(LISTS)
    assert _case_answering_routes() == walked


@pytest.mark.parametrize("index", range(7))
def test_an_answer_carrying_the_person_records_person_viewed_once(world, client_for, index):
    method, route, url, body = _requests(world)[index]
    if route.endswith("/reopen"):
        Case.objects.filter(pk=world.case_a.pk).update(stage=Stage.CLOSED)
    # A coordinator assigns (a caseworker may not); anyone else is the case's own caseworker.
    actor = world.coordinator if route.endswith("/assignment") else world.caseworker_a
    before = _person_events(actor)
    response = _call(client_for(actor), method, url, body)
    assert response.status_code in (200, 201), (route, response.content)
    assert response.json()["person"] is not None, route
    assert _person_events(actor) - before == 1, route
    assert "Mendoza" not in json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))


@pytest.mark.parametrize("route", sorted(LISTS))
def test_a_list_carrying_persons_records_person_listed_once(world, client_for, route):
    method, url, body = LISTS[route]
    response = _call(client_for(world.caseworker_a), method, url, body)
    assert response.status_code == 200 and any(row["person"] for row in response.json())
    assert _person_events(world.caseworker_a, "person.listed") == 1


def test_an_answer_without_the_person_records_no_person_viewed(world, client_for):
    share(world, world.case_a, ["summary"])
    client = client_for(world.caseworker_b)
    assert client.get(f"/api/v1/cases/{world.case_a.pk}").json()["person"] is None
    assert _person_events(world.caseworker_b) == 0


def test_the_answer_to_a_youth_profile_change_carrying_the_guardian_records_person_viewed_once(world, client_for):
    from django.utils import timezone

    from octip.cases.models import YouthProfile

    from .conftest import open_case, person_data

    born = timezone.localdate().replace(year=timezone.localdate().year - 15)
    case = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))
    profile = YouthProfile.objects.get(case=case)
    profile.guardian_name = "Guardian Zelda Quinterro"
    profile.save()
    before = _person_events(world.caseworker_a)
    response = _call(client_for(world.caseworker_a), "PATCH", f"/api/v1/cases/{case.pk}/youth",
                     {"version": YouthProfile.objects.get(case=case).version})
    assert response.status_code == 200 and response.json()["guardian_name"] == "Guardian Zelda Quinterro"
    assert _person_events(world.caseworker_a) - before == 1
