"""Deactivating a partner organization ends its staff's access at once, through every door."""

from django.test import Client

from octip.core.access import allows
from octip.partners.services import create_api_token
from tests.factories import PASSWORD


def test_deactivating_an_organization_ends_sessions_tokens_permissions_and_sign_in(make_user, org, client_for):
    worker = make_user("caseworker", organization=org)
    _token, raw = create_api_token(actor=worker, name="script")
    session = client_for(worker)
    assert session.get("/app/").status_code == 200
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    org.is_active = False
    org.save()
    worker.refresh_from_db()

    assert not allows(worker, "case.view")
    assert session.get("/app/").status_code == 302  # the session is over
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    response = Client().post("/accounts/login/", {"username": worker.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "access to the platform is suspended" in response.content.decode()
