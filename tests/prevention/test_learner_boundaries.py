"""A learner account is not a staff account: with a learner's session every staff page (/app/) sends to
the staff sign-in and every staff API route answers 401; staff sign-in refuses a learner's credentials
and learner sign-in a member of staff's."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import PASSWORD

from .conftest import LEARNER_PASSWORD

pytestmark = pytest.mark.django_db

SAMPLE = {"int": "1", "uuid": str(uuid.uuid4()), "slug": "x", "str": "x", "path": "x"}


def _paths(patterns, prefix=""):
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _concrete(route: str) -> str:
    import re

    concrete = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    return "/" + concrete.lstrip("^").rstrip("$")


def staff_pages() -> list[str]:
    return sorted({_concrete(r) for r in _paths(get_resolver().url_patterns) if r.startswith("app/")})


def test_a_learner_reaches_no_staff_page(learner_client):
    pages = staff_pages()
    assert len(pages) > 50  # every staff page of every app, not a sample
    reached = []
    for path in pages:
        response = learner_client.get(path)
        if response.status_code == 200 or (response.status_code == 302 and
                                            not response["Location"].startswith("/accounts/login/")):
            reached.append((path, response.status_code))
    assert not reached


def test_a_learner_reaches_no_staff_api_route(learner_client):
    schema = Client().get("/api/v1/openapi.json").json()
    public = {"/api/v1/credentials/verify", "/api/v1/courses"}
    checked = 0
    for path, operations in schema["paths"].items():
        if path in public:
            continue
        concrete = path.replace("{", "").replace("}", "")
        for method in operations:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            if method == "get":
                response = learner_client.get(concrete)
            else:
                response = getattr(learner_client, method)(concrete, data="{}", content_type="application/json")
            assert response.status_code == 401, (method, path, response.status_code)
            checked += 1
    assert checked > 20


def test_staff_sign_in_refuses_a_learners_credentials(learner):
    client = Client()
    response = client.post("/accounts/login/", {"username": "learner@example.org", "password": LEARNER_PASSWORD})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    assert client.get("/app/").status_code == 302


def test_learner_sign_in_refuses_a_staff_members_credentials(make_user):
    staff = make_user(role="caseworker")
    client = Client()
    response = client.post("/learn/sign-in/", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert client.get("/learn/account/").status_code == 302


def test_signing_in_as_a_learner_ends_a_staff_session_in_the_same_browser(learner, make_user, client_for):
    client = client_for(make_user(role="caseworker"))
    assert client.get("/app/").status_code == 200
    client.post("/learn/sign-in/", {"email": "learner@example.org", "password": LEARNER_PASSWORD})
    assert client.get("/app/").status_code == 302
    assert client.get("/learn/account/").status_code == 200


def test_a_learner_account_holds_no_staff_role(learner):
    from octip.core.access import role_of

    assert {"learner"} == learner.LEARNER_CAPABILITIES
    assert role_of(learner) is None  # not an Actor: no door of core.access lets it in
