"""Finding 7: a deeply nested or oversized JSON body is a 400, never a server error (and so never a
debug traceback), whoever sends it and wherever it is sent. JSON is parsed only where JSON is expected."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from octip.partners.services import create_api_token

DEEP = "[" * 5000 + "]" * 5000  # 10 kB


@pytest.fixture
def anonymous(db):
    client = Client()
    client.raise_request_exception = False  # a server error must show as a 500, not as a test error
    return client


@pytest.mark.parametrize("path", ["/", "/report/", "/accounts/login/", "/app/", "/api/v1/cases",
                                  "/api/v1/cases/search", "/healthz"])
def test_a_deeply_nested_json_body_is_never_a_server_error(anonymous, path):
    response = anonymous.post(path, DEEP, content_type="application/json")
    assert response.status_code < 500, response.content[:200]


def test_a_deeply_nested_json_body_to_the_api_is_a_400_naming_the_depth(make_user):
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="t")
    client = Client()
    client.raise_request_exception = False
    response = client.post("/api/v1/cases", DEEP, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_a_deeply_nested_json_body_signed_in_is_a_400_not_a_traceback(make_user, client_for, settings):
    settings.DEBUG = True  # development: a 500 there would hand the caller the traceback
    client = client_for(make_user("caseworker"))
    client.raise_request_exception = False
    for path in ("/api/v1/cases", "/app/cases/"):
        response = client.post(path, DEEP, content_type="application/json")
        assert response.status_code < 500 and b"Traceback" not in response.content, path
    assert client.post("/api/v1/cases", DEEP, content_type="application/json").status_code == 400


def test_nesting_inside_strings_does_not_count(make_user):
    # Brackets inside a string are text, not depth: a note may hold "[[[[".
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="t")
    body = json.dumps({"search": "[" * 500 + '\\"{' * 100})
    response = Client().post("/api/v1/cases/search", body, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code != 400 or "nested" not in response.json().get("detail", "")


def test_an_oversized_json_body_is_a_400(make_user, settings):
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="t")
    body = json.dumps({"legal_name": "x" * (settings.OCTIP_JSON_MAX_BYTES + 1)})
    client = Client()
    client.raise_request_exception = False
    response = client.post("/api/v1/cases", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]


def test_the_api_reads_a_body_only_when_it_is_sent_as_json(make_user):
    # The API parses any body as JSON: sent as text/plain, NUL text would pass the door's check unseen.
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="t")
    nul = json.dumps({"person": {"legal_name": "A\x00na"}, "region": "fraser"})
    client = Client()
    client.raise_request_exception = False
    for content_type in ("text/plain", "application/x-json", ""):
        response = client.post("/api/v1/cases", nul, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 415, (content_type, response.status_code)
        assert "application/json" in response.json()["detail"]


def test_depth_is_counted_without_parsing_and_ignores_brackets_in_strings():
    from octip.core.input_safety import MAX_JSON_DEPTH, nesting_depth

    assert nesting_depth('{"a": [1, {"b": "[[[{{"}]}') == 3
    assert nesting_depth(r'["a \" [[[ \\", ["b"]]') == 2  # an escaped quote does not end the string
    assert nesting_depth("[" * 5000) == 5000  # unbalanced: its openings count
    assert nesting_depth('"just text"') == 0
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert nesting_depth(nested) == MAX_JSON_DEPTH


def test_a_body_at_the_depth_limit_reaches_the_api(make_user):
    from octip.core.input_safety import MAX_JSON_DEPTH

    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="t")
    body = '{"search": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"
    response = Client().post("/api/v1/cases/search", body, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400 and response.json()["detail"] == "Invalid input."  # the schema's answer


def test_a_json_body_sent_as_a_urlencoded_form_to_the_api_is_refused(make_user):
    # curl -d sends this content type by default; the API would still read the body as JSON, unchecked.
    from octip.cases.models import Case

    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="t")
    nul = json.dumps({"person": {"legal_name": "A\x00na"}, "region": "fraser"})
    client = Client()
    client.raise_request_exception = False
    response = client.post("/api/v1/cases", nul, content_type="application/x-www-form-urlencoded",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 415
    assert not Case.objects.exists()
