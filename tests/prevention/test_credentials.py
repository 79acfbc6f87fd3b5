"""Certificates verify with an independent implementation (plain ``cryptography`` Ed25519 over the JWS
signing input, keys from the published JWKS), fail when one byte changes, say revoked after revocation
(in the status list too), and still verify after a key rotation."""

from __future__ import annotations

import base64
import gzip
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.test import Client

from octip.prevention import services
from octip.prevention.credentials import hashed_email

pytestmark = pytest.mark.django_db


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def independent_verify(token: str, jwks: dict) -> dict:
    """Verify a compact JWS the way any verifier would: find the key by kid, check Ed25519 over
    ``header.payload``. Raises on any failure; returns the claims."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64d(header_b64))
    assert header["alg"] in {"Ed25519", "EdDSA"}
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and "d" not in jwk
    public_key = Ed25519PublicKey.from_public_bytes(b64d(jwk["x"]))
    public_key.verify(b64d(signature_b64), f"{header_b64}.{payload_b64}".encode())
    return json.loads(b64d(payload_b64))


def api_status(token: str) -> str:
    response = Client().post("/api/v1/credentials/verify", {"credential": token}, content_type="application/json")
    assert response.status_code == 200
    return response.json()["status"]


def jwks() -> dict:
    response = Client().get("/.well-known/jwks.json")
    assert response.status_code == 200
    return response.json()


def test_a_certificate_verifies_with_an_independent_implementation_and_says_valid(passed, learner):
    _enrolment, credential = passed
    claims = independent_verify(credential.token, jwks())
    vc = claims  # OB 3.0 §8.2: the payload is the credential itself
    assert claims["iss"] == vc["issuer"]["id"] and "vc" not in claims
    assert "OpenBadgeCredential" in vc["type"] and vc["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert claims["jti"] == f"urn:uuid:{credential.pk}"
    assert api_status(credential.token) == "valid"
    page = Client().get(f"/verify/{credential.pk}/")
    assert page.status_code == 200 and b"verification-valid" in page.content and b"Pat Example" in page.content


def test_the_certificate_carries_only_the_printed_name_and_a_salted_email_hash(passed, learner):
    _enrolment, credential = passed
    payload = b64d(credential.token.split(".")[1]).decode()
    assert "example.org" not in payload.lower()
    identifiers = json.loads(payload)["credentialSubject"]["identifier"]
    email_id = next(i for i in identifiers if i["identityType"] == "emailAddress")
    assert email_id["hashed"] is True and email_id["salt"]
    assert email_id["identityHash"] == hashed_email("learner@example.org", email_id["salt"])
    assert {i["identityType"] for i in identifiers} == {"emailAddress", "name"}


@pytest.mark.parametrize("part", [0, 1, 2])
def test_one_changed_byte_anywhere_makes_it_tampered(passed, part):
    _enrolment, credential = passed
    pieces = credential.token.split(".")
    if part == 1:  # a claim: the printed name, one byte changed, re-encoded
        payload = b64d(pieces[1]).replace(b"Pat Example", b"Pat Exbmple")
        pieces[1] = b64e(payload)
    elif part == 2:
        signature = bytearray(b64d(pieces[2]))
        signature[0] ^= 1
        pieces[2] = b64e(bytes(signature))
    else:
        header = json.loads(b64d(pieces[0]))
        header["typ"] = "JWT"
        pieces[0] = b64e(json.dumps(header).encode())
    forged = ".".join(pieces)
    with pytest.raises(InvalidSignature):
        independent_verify(forged, jwks())
    assert api_status(forged) == "tampered"
    page = Client().post("/verify/", {"credential": forged})
    assert b"verification-tampered" in page.content


def test_a_credential_signed_by_another_key_or_garbage_is_unknown(passed):
    _enrolment, credential = passed
    header_b64, payload_b64, _sig = credential.token.split(".")
    header = json.loads(b64d(header_b64))
    header["kid"] = "someone-else"
    other = b64e(json.dumps(header).encode())
    signature = Ed25519PrivateKey.generate().sign(f"{other}.{payload_b64}".encode())
    assert api_status(f"{other}.{payload_b64}.{b64e(signature)}") == "unknown"
    assert api_status("not a credential") == "unknown"
    assert Client().get("/verify/00000000-0000-0000-0000-000000000000/").context["status"] == "unknown"


def test_revoked_certificates_say_revoked_and_their_bit_is_set_in_the_status_list(passed, trainer):
    _enrolment, credential = passed
    services.revoke_credential(actor=trainer, credential=credential, reason="Issued in error.")
    assert api_status(credential.token) == "revoked"
    assert Client().get(f"/verify/{credential.pk}/").context["status"] == "revoked"
    # Offline: the status list named in the credential is itself a signed credential with the bit set.
    entry = independent_verify(credential.token, jwks())["credentialStatus"]
    status_token = Client().get("/credentials/status/1").content.decode()
    encoded = independent_verify(status_token, jwks())["credentialSubject"]["encodedList"]
    bits = gzip.decompress(b64d(encoded[1:]))
    index = int(entry["statusListIndex"])
    assert bits[index // 8] & (0x80 >> (index % 8))
    assert len(bits) * 8 >= 131072


def test_revocation_needs_a_reason_and_the_manage_permission(passed, make_user, trainer):
    _enrolment, credential = passed
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.revoke_credential(actor=make_user(role="caseworker"), credential=credential, reason="x")
    with pytest.raises(ValidationError):
        services.revoke_credential(actor=trainer, credential=credential, reason=" ")
    assert api_status(credential.token) == "valid"


def test_old_certificates_still_verify_after_the_key_is_rotated(passed, course, trainer):
    _enrolment, credential = passed
    old_kid = credential.kid
    new_kid = services.rotate_signing_key(actor=trainer)
    assert new_kid != old_kid
    published = jwks()
    assert {old_kid, new_kid} <= {k["kid"] for k in published["keys"]}
    independent_verify(credential.token, published)
    assert api_status(credential.token) == "valid"
    # A certificate issued now is signed with the new key.
    other = services.register_learner(email="second@example.org", password="another-long-passphrase",
                                      display_name="Second Learner")
    from .conftest import quiz_lesson, right_answers

    enrolment = services.enrol(learner=other, course=course)
    services.submit_quiz(learner=other, enrolment=enrolment, lesson_id=quiz_lesson(course).pk,
                         answers=right_answers(quiz_lesson(course)))
    from octip.prevention.models import Lesson

    reading = Lesson.objects.get(module__version=enrolment.version, quiz__isnull=True)
    services.complete_lesson(learner=other, enrolment=enrolment, lesson_id=reading.pk)
    enrolment.refresh_from_db()
    new_credential = enrolment.credential  # reading the last lesson passed the course
    assert json.loads(b64d(new_credential.token.split(".")[0]))["kid"] == new_kid
    assert api_status(new_credential.token) == "valid"


def test_the_verify_api_refuses_a_bad_body_with_a_clear_error(db):
    response = Client().post("/api/v1/credentials/verify", {"token": "x"}, content_type="application/json")
    assert response.status_code == 400 and "credential" in response.json()["errors"]


def test_a_pass_without_a_signing_key_stands_and_the_certificate_follows_once_there_is_one(course, learner,
                                                                                           learner_client, settings):
    from octip.prevention import credentials

    from .conftest import quiz_lesson, right_answers

    settings.PRODUCTION = True  # production without OCTIP_CREDENTIAL_SIGNING_KEYS
    settings.OCTIP_SITE_URL = "https://octip.example.invalid"
    credentials.reset_ring()
    from octip.prevention.models import CompletionState, Lesson

    enrolment = services.enrol(learner=learner, course=course)
    reading = Lesson.objects.get(module__version=enrolment.version, quiz__isnull=True)
    services.complete_lesson(learner=learner, enrolment=enrolment, lesson_id=reading.pk)
    result = services.submit_quiz(learner=learner, enrolment=enrolment, lesson_id=quiz_lesson(course).pk,
                                  answers=right_answers(quiz_lesson(course)))
    enrolment.refresh_from_db()
    assert enrolment.state == CompletionState.PASSED and result.credential is None
    settings.OCTIP_CREDENTIAL_SIGNING_KEYS = f"k2026:{credentials.new_signing_key()}"
    credentials.reset_ring()
    page = learner_client.get(f"/learn/courses/{course.slug}/")
    assert "Download the certificate (PDF)" in page.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.credential.kid == "k2026"


def test_a_key_written_into_the_database_is_neither_published_nor_trusted(passed):
    """Whoever can write the database cannot forge a certificate: the JWKS and the verifier take their
    keys from the ring (environment or key file), not from the ``SigningKey`` record."""
    from joserfc import jwt
    from joserfc.jwk import OKPKey

    from octip.prevention.credentials import ALG, public_jwk
    from octip.prevention.models import SigningKey

    _enrolment, credential = passed
    forger = OKPKey.generate_key("Ed25519", {"kid": "forged-kid"})
    SigningKey.objects.create(kid="forged-kid", public_jwk=public_jwk(forger))
    claims = independent_verify(credential.token, jwks())
    forged = jwt.encode({"alg": ALG, "kid": "forged-kid", "typ": "vc+jwt"}, claims, forger, algorithms=[ALG])
    assert "forged-kid" not in {k["kid"] for k in jwks()["keys"]}
    assert api_status(forged) == "unknown"
