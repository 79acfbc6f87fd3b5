"""Verifiable certificates: Open Badges 3.0 credentials (W3C Verifiable Credentials) signed by the
office with Ed25519, as compact JWS (a VC-JWT, ``alg`` "Ed25519" per RFC 9864, ``kid`` naming the key).

The signing keys are a key ring like the field keys (``octip.core.crypto``) and the audit
signing key (``octip.core.checkpoints``): ``OCTIP_CREDENTIAL_SIGNING_KEYS`` holds comma-separated
``kid:base64(32-byte Ed25519 private key)`` entries, the *last* signing new credentials; production
refuses to issue without it. In development a ring is generated into
``var/credential_signing_keys.json`` (0600). ``manage.py rotate_credential_key`` adds a key.

Every key of the ring has its public half in the JWKS at ``/.well-known/jwks.json``, so a
certificate signed before a rotation still verifies, on the server or offline, while the ring keeps
the older key (a rotation appends; dropping a key from the ring withdraws what it signed).
``SigningKey`` only records when each key was first seen and retired: nothing is trusted from it.
Revocation is a W3C Bitstring Status List (``/credentials/status/<n>``).

``verify(token)`` answers one of ``valid``, ``revoked``, ``tampered``, ``unknown``.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey

from octip.core.private_files import make_private_dir

ALG = "Ed25519"
STATUS_LIST_SIZE = 131_072  # bits: the W3C minimum (16 KB), so that one revocation hides in the crowd
VC_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


class Status(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    TAMPERED = "tampered"
    UNKNOWN = "unknown"


# --- The key ring -------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_signing_key() -> str:
    """A new ring entry's key material: base64url of 32 random bytes (an Ed25519 private key)."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return _b64(raw)


def _key_file() -> Path:
    default = settings.VAR_DIR / "credential_signing_keys.json"
    return Path(getattr(settings, "OCTIP_CREDENTIAL_SIGNING_KEY_FILE", default))


def _development_spec() -> str:
    path = _key_file()
    if not path.exists():
        make_private_dir(path.parent)
        entries = [{"kid": f"octip-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}", "key": new_signing_key()}]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never briefly readable by others
        with os.fdopen(fd, "w") as handle:
            json.dump(entries, handle)
    entries = json.loads(path.read_text())
    return ",".join(f"{e['kid']}:{e['key']}" for e in entries)


@dataclass(frozen=True)
class Ring:
    keys: dict[str, OKPKey]
    current_kid: str

    @property
    def current(self) -> OKPKey:
        return self.keys[self.current_kid]


def _parse(spec: str) -> Ring:
    keys: dict[str, OKPKey] = {}
    kid = ""
    for entry in (e.strip() for e in spec.split(",") if e.strip()):
        kid, _sep, material = entry.partition(":")
        try:
            raw = _unb64(material.strip())
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"OCTIP_CREDENTIAL_SIGNING_KEYS: key {kid} is not valid base64.") from None
        if not kid or len(raw) != 32:
            raise ImproperlyConfigured("OCTIP_CREDENTIAL_SIGNING_KEYS entries are kid:base64 of 32 bytes.")
        private = Ed25519PrivateKey.from_private_bytes(raw)
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        keys[kid] = OKPKey.import_key(pem, {"kid": kid, "alg": ALG, "use": "sig"})
    if not keys:
        raise ImproperlyConfigured("OCTIP_CREDENTIAL_SIGNING_KEYS is empty.")
    return Ring(keys, kid)


@lru_cache(maxsize=1)
def ring() -> Ring:
    spec = getattr(settings, "OCTIP_CREDENTIAL_SIGNING_KEYS", "")
    if not spec:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("Production needs OCTIP_CREDENTIAL_SIGNING_KEYS to issue certificates.")
        spec = _development_spec()
    return _parse(spec)


def reset_ring() -> None:
    ring.cache_clear()


def rotate_development_ring() -> str:
    """Append a new key to the development ring file (it signs from now on); returns its kid.
    In production the operator appends the printed entry to OCTIP_CREDENTIAL_SIGNING_KEYS instead."""
    ring()  # make sure the file exists
    path = _key_file()
    entries = json.loads(path.read_text())
    kid = f"octip-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}"
    entries.append({"kid": kid, "key": new_signing_key()})
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(entries, handle)
    tmp.replace(path)
    reset_ring()
    return kid


def public_jwk(key: OKPKey) -> dict[str, Any]:
    return {**key.as_dict(private=False), "alg": ALG, "use": "sig"}


def register_ring_keys() -> None:
    """Record the public half of each key of the ring (idempotent); an older key of the ring that is
    no longer current is marked retired. Called before signing and when publishing the JWKS."""
    from .models import SigningKey

    current = ring()
    for kid, key in current.keys.items():
        SigningKey.objects.get_or_create(kid=kid, defaults={"public_jwk": public_jwk(key)})
    SigningKey.objects.filter(retired_at__isnull=True).exclude(kid=current.current_kid).update(retired_at=timezone.now())


def jwks() -> dict[str, Any]:
    """The public half of every key of the ring (retired ones too, while the ring keeps them), for
    offline verification. Taken from the ring, never from the database: whoever can write the
    database must not be able to publish, or verify with, a key of their own."""
    return {"keys": [public_jwk(key) for key in ring().keys.values()]}


def _key_set() -> KeySet:
    return KeySet([OKPKey.import_key(jwk) for jwk in jwks()["keys"]])


# --- Issuing ------------------------------------------------------------------------------------

def site_url(fallback: str = "") -> str:
    """The platform's public address for the issuer and status list URLs inside signed credentials:
    ``OCTIP_SITE_URL``. In development, else the request's (``fallback``) or localhost; in production
    never the request's Host header (anyone sends one), so without the setting this refuses (the system
    check ``octip.W102`` says so at deploy)."""
    configured = getattr(settings, "OCTIP_SITE_URL", "")
    if configured:
        return configured.rstrip("/")
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("OCTIP_SITE_URL is not set: certificates and the status list name the "
                                   "platform's address, and production does not take it from the Host header.")
    return (fallback or "http://localhost:8000").rstrip("/")


def hashed_email(email: str, salt: str) -> str:
    """The OB3 IdentityHash of an email: "sha256$" + hex(SHA-256(identity + salt))."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def sign(claims: dict[str, Any], *, typ: str = "vc+jwt", register: bool = True) -> tuple[str, str]:
    """Sign claims with the current key: (compact JWS, kid). ``register`` records the ring's public keys
    first (issuing a certificate); the public status list passes False, so an anonymous GET writes nothing."""
    if register:
        register_ring_keys()
    current = ring()
    header = {"alg": ALG, "kid": current.current_kid, "typ": typ}
    return jwt.encode(header, claims, current.current, algorithms=[ALG]), current.current_kid


def open_badge_claims(*, credential_id: str, base_url: str, issued_at: Any, course_title: str, course_slug: str,
                      version: int, summary: str, display_name: str, email: str, status_list: int,
                      status_index: int) -> dict[str, Any]:
    """The JWT claims of an OpenBadgeCredential. Only the printed name and a salted email hash name the
    learner (no email, no account id, no organization)."""
    salt = secrets.token_hex(16)
    issuer = {"id": f"{base_url}/credentials/issuer", "type": ["Profile"],
              "name": "Office to Combat Trafficking in Persons (demonstration)", "url": f"{base_url}/"}
    issued = issued_at.replace(microsecond=0)
    status_url = f"{base_url}/credentials/status/{status_list}"
    vc = {
        "@context": VC_CONTEXT,
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": course_title,
        "issuer": issuer,
        "validFrom": issued.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                 "identityHash": hashed_email(email, salt), "salt": salt},
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": display_name},
            ],
            "achievement": {
                "id": f"{base_url}/learn/courses/{course_slug}/v{version}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": course_title,
                "description": summary or course_title,
                "criteria": {"narrative": "Completed every lesson and passed every quiz of the course."},
            },
        },
        "credentialStatus": {
            "id": f"{status_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_url,
        },
    }
    # OB 3.0 §8.2 (VC-JWT): the payload is the credential itself, with the registered claims beside it
    # (iss from issuer.id, nbf from validFrom, jti from id); there is no "vc" wrapper and no iat.
    return {**vc, "iss": issuer["id"], "nbf": int(issued.timestamp()), "jti": vc["id"]}


# --- Status list --------------------------------------------------------------------------------

def encoded_list(revoked_indexes: list[int]) -> str:
    """The Bitstring Status List's encodedList: multibase base64url ("u") of the GZIP of the bits,
    the first index in the most significant bit of the first byte."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + _b64(gzip.compress(bytes(bits), mtime=0))


def bit_is_set(encoded: str, index: int) -> bool:
    bits = gzip.decompress(_unb64(encoded[1:]))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_claims(*, base_url: str, number: int, revoked_indexes: list[int]) -> dict[str, Any]:
    url = f"{base_url}/credentials/status/{number}"
    now = timezone.now().replace(microsecond=0)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": f"{base_url}/credentials/issuer",
        "validFrom": now.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encoded_list(revoked_indexes)},
        "iss": f"{base_url}/credentials/issuer", "nbf": int(now.timestamp()), "jti": url,
    }


# --- Verifying ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    status: Status
    claims: dict[str, Any] | None = None
    credential_id: str = ""


def _header(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(_unb64(parts[0]))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def check_signature(token: str) -> Verification:
    """The signature alone: UNKNOWN (not a JWS of ours: unreadable, or a key we never had), TAMPERED
    (our key, but the signature does not match the content) or VALID with the claims."""
    token = (token or "").strip()
    header = _header(token)
    if header is None or header.get("alg") != ALG:
        return Verification(Status.UNKNOWN)
    keys = _key_set()
    if header.get("kid") not in {k.kid for k in keys.keys}:
        return Verification(Status.UNKNOWN)
    try:
        decoded = jwt.decode(token, keys, algorithms=[ALG])
    except (JoseError, ValueError, UnicodeDecodeError):
        return Verification(Status.TAMPERED)
    claims = dict(decoded.claims)
    jti = str(claims.get("jti", ""))
    return Verification(Status.VALID, claims, jti.removeprefix("urn:uuid:"))
