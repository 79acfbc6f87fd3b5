"""The access matrix: every URL pattern of the project and every API operation, for every role (and
anonymous), on an object of the caller's own organization, of another organization, or on no object,
answers the status octip/core/access_matrix.py says.

- The routes come from the resolver (``get_resolver()``, includes recursed into); the API's from its
  OpenAPI document (one URL pattern per operation, checked against it). Pages are requested with GET,
  API operations with their method and, for a body, the first valid example Schemathesis makes of it.
- Path parameters are filled with the ids of the world's objects (tests/security/world.py): ``own``
  is the object of the caller's organization (org A; for the office's roles, A is a partner they
  oversee), ``other`` of org B. A route whose parameters name no object of the world (a token, a
  notification...) is asked once, ``none``, with an id that does not exist.
- Each request runs in a savepoint rolled back afterwards (a GET that writes cannot change the next
  answer), with the cache cleared (rate limits). Anonymous 302s must lead to the sign-in page.

A route without an entry fails ``test_every_route_has_an_entry`` with its name. To see the table the
platform answers today (to review it, then paste what is right): ``OCTIP_ACCESS_MATRIX_PRINT=1 pytest
tests/security/test_access_matrix.py -n 0 -s``.
"""

from __future__ import annotations

import functools
import json
import os
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from octip.core import access_matrix as matrix
from octip.core.roles import ROLES
from tests.clients import signed_in_client
from tests.security.world import World, world_fixture

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ALL_ROLES = [*ROLES, matrix.ANONYMOUS]
MISSING_INT, MISSING_UUID = "987654321", "00000000-0000-4000-8000-000000000000"

#: A path parameter's name -> the kind of world object whose id fills it (``str`` for a fixed value).
PAGE_KINDS: dict[str, str] = {
    "case_id": "case", "request_id": "closure", "goal_id": "goal", "task_id": "task", "document_id": "document",
    "access_id": "emergency", "consent_id": "consent", "screening_id": "screening", "contact_id": "contact",
    "referral_id": "referral", "transfer_id": "transfer", "user_id": "staff", "service_id": "hsds_services",
    "slug": "framework", "framework_id": "framework", "pk": "hsds",
    "proceeding_id": "proceeding", "aid_id": "aid", "status_id": "status", "application_id": "cvap",
    "delivery_id": "delivery", "follow_up_id": "follow_up", "action_id": "plan_action",
    "approval_id": "approval",
    "event_id": "trafficking_event",
    "script_id": "guidance_script",
}
FIXED = {"domain": "housing", "action": "accept", "key": "cases_by_track", "uidb64": "MQ", "token": "set-password",
         "name": "manifest.json"}

shared_world = pytest.fixture(scope="module")(world_fixture)


# --- the routes ----------------------------------------------------------------------------------

def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
            yield prefix + str(entry.pattern), name


def page_routes() -> list[tuple[str, str]]:
    """(route, name) of every URL pattern but the API's operations (they are in api_operations)."""
    return [(route, name) for route, name in _walk(get_resolver())
            if not name.startswith("api:") or name in {"api:openapi-json", "api:api-root"}]


@functools.cache
def api_operations() -> list[tuple[str, str, dict]]:
    from octip.api import api

    document = api.get_openapi_schema()
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items()]


def _key_of_page(name: str) -> str:
    return name


def _key_of_operation(method: str, path: str) -> str:
    return f"{method} {path}"


def all_keys() -> list[str]:
    return [*(name for _, name in page_routes()), *(_key_of_operation(m, p) for m, p, _ in api_operations())]


# --- filling a route -----------------------------------------------------------------------------

def _value(world: World, name: str, side: str, route: str) -> str | None:
    """The value of a path parameter on ``side``; None when the world holds no such object."""
    if name in FIXED:
        return FIXED[name]
    kind = PAGE_KINDS.get(name)
    if name == "contact_id" and "police-contact" in route:
        kind = "police_contact"
    if kind == "hsds":
        kind = "hsds_" + route.split("/")[1]
    if kind == "staff":
        return str((world.users["caseworker"] if side == "own" else world.caseworker_b).pk)
    if kind == "framework":
        return world.objects["framework"]["own"].slug
    if kind is None or kind not in world.objects:
        return None
    return str(world.objects[kind][side].pk)


def _params(route: str) -> list[str]:
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", route) and [
        a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", route)]


def _fill(world: World, route: str) -> dict[str, str]:
    """``{side: path}`` for the sides this route is asked on."""
    import re

    names = _params(route)
    if not names:
        return {"none": "/" + route if not route.startswith("/") else route}
    by_object = [n for n in names if n not in FIXED]
    sides = ["own", "other"]
    if not by_object or any(_value(world, n, "own", route) is None for n in by_object):
        sides = ["none"]

    def path_for(side: str) -> str:
        def one(match: re.Match) -> str:
            converter, name = (match.group(1) or ""), match.group(2) or match.group(3)
            value = _value(world, name, side, route) if side != "none" else FIXED.get(name)
            if value is None:
                value = MISSING_INT if converter == "int:" else MISSING_UUID
            return value
        filled = re.sub(r"<(\w+:)?(\w+)>|\{(\w+)\}", one, route)
        return filled if filled.startswith("/") else "/" + filled
    return {side: path_for(side) for side in sides}


_EXAMPLES: dict[tuple[str, str], Any] = {}


def _first_example(operation_schema, method: str, path: str):
    """The first valid case Schemathesis makes for the operation (derandomized: the same every run)."""
    if (method, path) in _EXAMPLES:
        return _EXAMPLES[method, path]
    operation = operation_schema[path][method]
    found: list = []

    @hypothesis_settings(max_examples=1, derandomize=True, database=None, deadline=None,
                         phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def grab(case) -> None:
        if not found:
            found.append(case)

    grab()
    _EXAMPLES[method, path] = found[0]
    return found[0]


# --- asking ---------------------------------------------------------------------------------------

def _ask(client: Client, method: str, path: str, body: Any = None) -> tuple[int, str]:
    cache.clear()
    with transaction.atomic():
        if method == "GET":
            response = client.get(path)
        else:
            response = client.generic(method, path, data=json.dumps(body if body is not None else {}),
                                      content_type="application/json")
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", "")


def observe(world: World, role: str, api_schema) -> tuple[dict[str, dict[str, int]], list[str]]:
    """``{route key: {side: status}}`` for one role, and the staff pages (/app/) that do not send an
    anonymous caller to the sign-in page."""
    client = Client() if role == matrix.ANONYMOUS else signed_in_client(world.users[role])
    login = resolve_url(settings.LOGIN_URL)
    seen: dict[str, dict[str, int]] = {}
    stray: list[str] = []
    for route, name in page_routes():
        seen[_key_of_page(name)] = {}
        for side, path in _fill(world, route).items():
            status, location = _ask(client, "GET", path)
            seen[name][side] = status
            if role == matrix.ANONYMOUS and path.startswith("/app/") and not (
                    status == 302 and location.startswith(login)):
                stray.append(f"{name} -> {location}")
    for method, path, operation in api_operations():
        key = _key_of_operation(method, path)
        seen[key] = {}
        body = None
        if "requestBody" in operation:
            example = _first_example(api_schema, method, path)
            body = example.body if isinstance(example.body, (dict, list)) else {}
        for side, filled in _fill(world, path).items():
            seen[key][side] = _ask(client, method, filled, body)[0]
    return seen, stray


@pytest.fixture(scope="module")
def api_schema(shared_world):
    return schemathesis.openapi.from_dict(Client().get("/api/v1/openapi.json").json())


# --- the tests ------------------------------------------------------------------------------------

def missing_entries() -> list[str]:
    return [key for key in all_keys() if matrix.entry(key) is None]


def test_every_route_has_an_entry():
    missing = missing_entries()
    assert not missing, ("Routes without an entry in octip/core/access_matrix.py (add one, see its docstring): "
                         + ", ".join(missing))


def test_a_route_without_an_entry_is_named(monkeypatch):
    monkeypatch.delitem(matrix.ROUTES, "cases:detail")
    monkeypatch.delitem(matrix.ROUTES, "GET /api/v1/cases/{case_id}")
    assert missing_entries() == ["cases:detail", "GET /api/v1/cases/{case_id}"]


def test_an_entry_falls_back_on_its_group_then_on_the_star(monkeypatch):
    monkeypatch.setitem(matrix.DEFAULTS, "zz:", {"*": 403, "caseworker": (200, 404)})
    monkeypatch.setitem(matrix.ROUTES, "zz:one", {})
    monkeypatch.setitem(matrix.ROUTES, "zz:two", {"*": 405, "anonymous": 302})
    assert matrix.expected("zz:one", "caseworker") == {"own": 200, "other": 404}
    assert matrix.expected("zz:one", "analyst") == 403
    assert matrix.expected("zz:two", "caseworker") == 405  # the route's "*" before the group's line
    assert matrix.expected("zz:two", "anonymous") == 302


def test_every_api_url_pattern_is_an_operation_of_the_document():
    # The API's URL patterns (one per operation) are checked through the OpenAPI document's operations.
    routes = [route for route, name in _walk(get_resolver())
              if name.startswith("api:") and name not in {"api:openapi-json", "api:api-root"}]
    as_routes = [path.lstrip("/").replace("{", "<").replace("}", ">") for _, path, _ in api_operations()]
    assert sorted(routes) == sorted(as_routes)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_access_matrix(shared_world, api_schema, role):
    seen, stray = observe(shared_world, role, api_schema)
    if os.environ.get("OCTIP_ACCESS_MATRIX_PRINT"):
        out = ROOT / "bench" / "results" / f".access-{role}.json"
        out.write_text(json.dumps(seen, indent=1, sort_keys=True))
    wrong = []
    for key, sides in seen.items():
        expected = matrix.expected(key, role)
        for side, status in sides.items():
            want = expected if isinstance(expected, int) or expected is None else expected.get(side)
            if want != status:
                wrong.append(f"{key} [{side}]: expected {want}, got {status}")
    assert not stray, "Staff pages that do not send an anonymous caller to sign in: " + ", ".join(stray)
    assert not wrong, f"{role}: {len(wrong)} answers differ from octip/core/access_matrix.py:\n" + "\n".join(wrong)


def test_the_matrix_names_a_status_for_each_role(shared_world):
    assert set(matrix.ROLES_CHECKED) == set(ALL_ROLES)
    assert uuid.UUID(MISSING_UUID)
    # The size of the matrix, for the record (bench/results/access_matrix.json).
    pages = [(name, _fill(shared_world, route)) for route, name in page_routes()]
    operations = [(_key_of_operation(m, p), _fill(shared_world, p)) for m, p, _ in api_operations()]
    sides = Counter(side for _, filled in pages + operations for side in filled)
    (ROOT / "bench" / "results" / "access_matrix.json").write_text(json.dumps({
        "url_patterns": len(page_routes()) + len(api_operations()), "pages": len(pages),
        "api_operations": len(operations), "roles": len(ALL_ROLES),
        "route_sides": dict(sides), "answers_checked": sum(sides.values()) * len(ALL_ROLES),
        "table_lines": {"defaults": len(matrix.DEFAULTS), "routes": len(matrix.ROUTES)},
    }, indent=2) + "\n")
