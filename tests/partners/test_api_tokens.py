"""Personal API tokens and GET /api/v1/me."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from octip.core.models import AuditEvent
from octip.partners.models import ApiToken, hash_token
from octip.partners.services import create_api_token, revoke_api_token


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_me_with_a_token(make_user):
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="script")
    response = Client().get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == user.email
    assert body["role"] == "caseworker"
    assert body["scope"] == "team"
    assert body["organization"]["id"] == user.organization_id


def test_token_is_stored_only_as_a_hash(make_user):
    user = make_user("caseworker")
    token, raw = create_api_token(actor=user, name="script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hash_token(raw)
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert AuditEvent.objects.filter(action="token.created", target_id=str(token.pk)).exists()


def test_expired_token_is_refused(make_user):
    user = make_user("caseworker")
    token, raw = create_api_token(actor=user, name="script", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_revoked_token_is_refused_at_once(make_user):
    user = make_user("caseworker")
    token, raw = create_api_token(actor=user, name="script")
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 200
    revoke_api_token(actor=user, token=token)
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_token_of_a_deactivated_account_is_refused(make_user):
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="script")
    user.is_active = False
    user.save()
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_garbage_tokens_and_no_auth_are_refused(db):
    assert Client().get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me", **bearer("octip_not-a-real-token")).status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==").status_code == 401


def test_token_lifetime_is_bounded(make_user):
    from django.core.exceptions import ValidationError

    user = make_user("caseworker")
    with pytest.raises(ValidationError):
        create_api_token(actor=user, name="forever", days=5000)
    with pytest.raises(ValidationError):
        create_api_token(actor=user, name="  ")
    assert not ApiToken.objects.filter(user=user).exists()


def test_session_api_needs_mfa_passed(make_user, client_for):
    user = make_user("caseworker")
    half_signed_in = Client()
    half_signed_in.force_login(user)  # password only, MFA not passed
    assert half_signed_in.get("/api/v1/me").status_code == 401
    assert client_for(user).get("/api/v1/me").status_code == 200


def test_session_api_post_needs_csrf(make_user, client_for):
    user = make_user("caseworker")
    client = client_for(user)
    client.handler.enforce_csrf_checks = True
    # /me is GET-only: a POST without a CSRF token must never be treated as authenticated
    assert client.post("/api/v1/me").status_code in {401, 403, 405}


def test_create_token_command_prints_token_alone_on_last_line(make_user, capsys):
    user = make_user("caseworker")
    call_command("create_token", user.email)
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("octip_") and " " not in raw
    assert Client().get("/api/v1/me", **bearer(raw)).json()["email"] == user.email


def test_create_token_command_refuses_unknown_email(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active account"):
        call_command("create_token", "nobody@test.octip.invalid")


def test_profile_page_creates_and_revokes_tokens(make_user, client_for):
    user = make_user("caseworker")
    client = client_for(user)
    response = client.post("/app/profile/", {"name": "laptop", "days": 30})
    assert response.status_code == 201
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert client.post(f"/app/profile/tokens/{token.pk}/revoke/").status_code == 302
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401
    # someone else's token cannot be revoked through the page
    other = make_user("caseworker")
    other_token, _ = create_api_token(actor=other, name="theirs")
    assert client.post(f"/app/profile/tokens/{other_token.pk}/revoke/").status_code == 404


def test_openapi_schema_is_served(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/me" in response.json()["paths"]


def test_log_out_everywhere_also_revokes_api_tokens(make_user, client_for):
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="script")
    client_for(user).post("/accounts/logout/everywhere/")
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_a_password_change_revokes_api_tokens(make_user):
    user = make_user("caseworker")
    _token, raw = create_api_token(actor=user, name="script")
    user.set_password("a-completely-new-passphrase")
    user.save()
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_no_third_party_docs_page(db):
    assert Client().get("/api/v1/docs").status_code == 404
