"""Text no field can hold (NUL, unpaired surrogates) is refused at the door with a 400, changing nothing."""

import json

from django.test import Client

from octip.core.models import AuditEvent
from octip.partners.services import create_api_token


def test_nul_in_a_query_string_or_form_is_a_400(client, db):
    assert client.get("/services/?q=a%00b").status_code == 400
    assert client.get("/hsds/services?search=%00").status_code == 400
    assert client.post("/accounts/login/", {"username": "a\x00b@x.invalid", "password": "x"}).status_code == 400


def test_unsafe_text_in_a_json_body_is_a_400_naming_where(make_user):
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="t")
    before = AuditEvent.objects.count()
    body = '{"legal_name": "Ana", "aliases": ["ok", "\\ud800"]}'
    response = Client().post("/api/v1/cases", body, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
    assert "aliases.1" in response.json()["detail"]
    nul = json.dumps({"legal_name": "A\x00na"})
    assert Client().post("/api/v1/cases", nul, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 400
    assert AuditEvent.objects.count() == before


def test_schema_errors_are_400_with_the_fields_named(make_user):
    user = make_user("hotline_operator")
    _token, raw = create_api_token(actor=user, name="t")
    response = Client().post("/api/v1/hotline/contacts", json.dumps({"urgency": 5}), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid input." and response.json()["errors"]
