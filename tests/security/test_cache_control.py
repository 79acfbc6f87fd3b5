"""Finding 14: no page or API answer of the staff area is kept by a browser or a proxy. On a shared
shelter computer, the back button after sign-out must not show a survivor."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from octip.partners.services import create_api_token
from tests.cases.conftest import open_case


def _no_store_private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def caseworker(make_user):
    return make_user("caseworker")


def test_staff_pages_carry_no_store_private(client_for, caseworker):
    case = open_case(caseworker)
    client = client_for(caseworker)
    for path in ("/app/", "/app/cases/", reverse("cases:detail", args=[case.pk]),
                 reverse("cases:person_edit", args=[case.pk]), "/app/hotline/", "/app/cases/no-such-page/"):
        response = client.get(path)
        assert response.status_code in (200, 403, 404), (path, response.status_code)
        assert _no_store_private(response), (path, response.get("Cache-Control"))


def test_api_answers_carry_no_store_private(client_for, caseworker):
    case = open_case(caseworker)
    _token, raw = create_api_token(actor=caseworker, name="t")
    client = client_for(caseworker)
    for path in (f"/api/v1/cases/{case.pk}", f"/api/v1/cases/{case.pk}/timeline", "/api/v1/cases",
                 "/api/v1/openapi.json"):
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200, (path, response.status_code)
        assert _no_store_private(response), (path, response.get("Cache-Control"))


def test_signed_out_answers_carry_no_store_private(client, db):
    for path in ("/app/cases/", "/api/v1/cases"):
        response = client.get(path)
        assert response.status_code in (302, 401)
        assert _no_store_private(response), path


def test_account_pages_carry_no_store_private(client, db):
    # Sign-in, MFA set-up (a TOTP secret on screen) and recovery codes: never kept either.
    assert _no_store_private(client.get("/accounts/login/"))


def test_the_audit_export_stream_carries_no_store_private(client_for, make_user):
    response = client_for(make_user("auditor")).get("/app/audit/export.csv")
    assert response.status_code == 200 and response.streaming
    assert _no_store_private(response)


def test_a_stricter_header_already_set_is_kept_and_a_public_one_is_replaced():
    from octip.core.middleware import PrivateCacheMiddleware

    request = RequestFactory().get("/app/cases/")

    def answer(header: str):
        def view(_request):
            response = HttpResponse("x")
            response["Cache-Control"] = header
            return response
        return PrivateCacheMiddleware(view)(request)

    assert answer("no-store")["Cache-Control"] == "no-store"  # the document download's own header
    assert answer("public, max-age=3600")["Cache-Control"] == "no-store, private"


def test_the_public_site_is_left_to_its_own_caching(client, db):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
