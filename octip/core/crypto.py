"""Field encryption (AES-256-GCM under a key ring) and blind indexes.

Ciphertext format: ``enc1:<key_id>:<base64url(nonce || ciphertext+tag)>``. The key id travels
with every value so that old values stay readable after a new key is added, and
``manage.py rotate_keys`` can find what still needs re-encrypting.

Keys come from ``OCTIP_FIELD_KEYS`` — comma-separated ``key_id:base64key`` entries, the *last*
being the one new values are written under — and ``OCTIP_BLIND_INDEX_KEY``: one base64 key (its
version is ``b1``), or while the blind-index key is rotated ``b1:<old>,b2:<new>`` (the last one
indexes new values; searches look under every version until ``manage.py rotate_blind_index_key``
has re-indexed every row). Outside production, when they are not set, a key file is generated under
``var/`` (mode 0600).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import jellyfish
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key ring, or the value was altered."""


#: The version of a blind-index key configured without one (a bare base64 key).
FIRST_INDEX_KEY_ID = "b1"


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    current_id: str
    #: The current blind-index key (new values are indexed under it).
    blind_index_key: bytes
    #: Every configured blind-index key by version, the current one included.
    blind_index_keys: dict[str, bytes] = field(default_factory=dict)
    blind_index_id: str = FIRST_INDEX_KEY_ID

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]

    def index_keys(self) -> dict[str, bytes]:
        return self.blind_index_keys or {self.blind_index_id: self.blind_index_key}


class KeyProblem(ValueError):
    """One thing wrong with a configured key, in words that name the key but never show it."""


def _decode_key(text: str, what: str) -> bytes:
    """The 32 bytes of a base64 key (URL-safe or standard alphabet, padding optional), or KeyProblem.
    Strict: a character outside base64 is refused, not skipped (the lenient decoder skips it)."""
    material = text.strip()
    if not material:
        raise KeyProblem(f"{what} is empty.")
    try:
        raw = base64.b64decode(material + "=" * (-len(material) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        # Not chained: the decoder's message is about the text, and the text is the key.
        raise KeyProblem(f"{what} is not valid base64.") from None
    if len(raw) != 32:
        raise KeyProblem(f"{what} must be 32 bytes (AES-256); it is {len(raw)}.")
    return raw


def _read_field_keys(spec: str) -> tuple[dict[str, bytes], str, list[str]]:
    """The keys of an ``OCTIP_FIELD_KEYS`` ring, the current key id, and every problem found."""
    keys: dict[str, bytes] = {}
    current = ""
    problems: list[str] = []
    seen: set[str] = set()
    for entry in (e.strip() for e in spec.split(",") if e.strip()):
        key_id, sep, material = entry.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            problems.append("OCTIP_FIELD_KEYS entries look like key_id:base64key "
                            "(key id: 1 to 32 letters, digits, _ or -).")
            continue
        if key_id in seen:
            problems.append(f"OCTIP_FIELD_KEYS names key {key_id} twice.")
            continue
        seen.add(key_id)
        current = key_id
        try:
            keys[key_id] = _decode_key(material, f"Key {key_id}")
        except KeyProblem as problem:
            problems.append(str(problem))
    if not seen and not problems:
        problems.append("OCTIP_FIELD_KEYS holds no key.")
    return keys, current, problems


def _read_index_keys(spec: str) -> tuple[dict[str, bytes], str, list[str]]:
    """The blind-index keys of ``OCTIP_BLIND_INDEX_KEY`` by version, the current version, and every
    problem found. A bare key (no ``version:``) is version ``b1``."""
    entries = [e.strip() for e in spec.split(",") if e.strip()]
    if len(entries) <= 1 and ":" not in spec:
        try:
            return {FIRST_INDEX_KEY_ID: _decode_key(spec, "OCTIP_BLIND_INDEX_KEY")}, FIRST_INDEX_KEY_ID, []
        except KeyProblem as problem:
            return {}, "", [str(problem)]
    keys: dict[str, bytes] = {}
    current, problems = "", []
    for entry in entries:
        key_id, sep, material = entry.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            problems.append("OCTIP_BLIND_INDEX_KEY is one base64 key, or version:base64key entries "
                            "(version: 1 to 32 letters, digits, _ or -).")
            continue
        if key_id in keys:
            problems.append(f"OCTIP_BLIND_INDEX_KEY names version {key_id} twice.")
            continue
        try:
            keys[key_id] = _decode_key(material, f"OCTIP_BLIND_INDEX_KEY {key_id}")
        except KeyProblem as problem:
            problems.append(str(problem))
        current = key_id
    if not keys and not problems:
        problems.append("OCTIP_BLIND_INDEX_KEY is empty.")
    return keys, current, problems


def key_ring_problems(field_spec: str, index_spec: str) -> list[str]:
    """Everything wrong with a key ring as configured (``OCTIP_FIELD_KEYS``, ``OCTIP_BLIND_INDEX_KEY``),
    one sentence each; empty when it is sound. Used at start-up (octip/core/checks.py, and the
    production settings) so that a malformed ring stops the platform before it writes anything."""
    keys, _current, problems = _read_field_keys(field_spec)
    index_keys, _index_current, index_problems = _read_index_keys(index_spec)
    problems += index_problems
    if any(hmac.compare_digest(index_key, key) for index_key in index_keys.values() for key in keys.values()):
        problems.append("OCTIP_BLIND_INDEX_KEY must not be one of the field keys.")
    return problems


def parse_field_keys(spec: str) -> tuple[dict[str, bytes], str]:
    keys, current, problems = _read_field_keys(spec)
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    return keys, current


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _development_key_file() -> dict:
    path = settings.OCTIP_KEY_FILE
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {"field_keys": f"k1:{new_key()}", "blind_index_key": new_key()}
    # Create with 0600 from the start; never briefly world-readable.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(content, handle)
    return content


@lru_cache(maxsize=1)
def key_ring() -> KeyRing:
    field_spec = settings.OCTIP_FIELD_KEYS
    index_spec = settings.OCTIP_BLIND_INDEX_KEY
    if not field_spec or not index_spec:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("Production needs OCTIP_FIELD_KEYS and OCTIP_BLIND_INDEX_KEY.")
        stored = _development_key_file()
        field_spec = field_spec or stored["field_keys"]
        index_spec = index_spec or stored["blind_index_key"]
    keys, current = parse_field_keys(field_spec)
    index_keys, index_current, problems = _read_index_keys(index_spec)
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    return KeyRing(keys, current, index_keys[index_current], index_keys, index_current)


def reset_key_ring() -> None:
    """Forget the cached key ring (after the settings changed, e.g. in tests or rotation)."""
    key_ring.cache_clear()


def encrypt(plaintext: str, context: str) -> str:
    """Encrypt under the current key; ``context`` (e.g. ``cases.person.legal_name``) is bound as
    associated data, so a ciphertext copied into another column does not decrypt."""
    ring = key_ring()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.current).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return f"{PREFIX}:{ring.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(ciphertext: str) -> str | None:
    parts = ciphertext.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    return parts[1]


def decrypt(ciphertext: str, context: str) -> str:
    parts = ciphertext.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("Value is not an OCTIP ciphertext.")
    _, key_id, body = parts
    ring = key_ring()
    if key_id not in ring.keys:
        raise DecryptionError(f"Key {key_id} is not in the key ring (OCTIP_FIELD_KEYS).")
    try:
        raw = base64.urlsafe_b64decode(body)
        return AESGCM(ring.keys[key_id]).decrypt(raw[:12], raw[12:], context.encode()).decode("utf-8")
    except (InvalidTag, ValueError) as failed:
        raise DecryptionError("Value failed authentication: altered, or encrypted for another field.") from failed


def normalize(value: str) -> str:
    """Case-, accent- and spacing-insensitive form used before hashing for exact match."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", stripped.casefold()).split())


def blind_index(value: str | None, purpose: str, *, key_id: str | None = None) -> str:
    """HMAC-SHA256 of the normalized value under the blind-index key, separated by ``purpose``
    (e.g. ``person.name``) so equal values in different fields do not correlate. Empty → "".
    ``key_id`` picks an older version of the key (searches during a rotation); default the current."""
    if value is None:
        return ""
    text = normalize(str(value))
    if not text:
        return ""
    ring = key_ring()
    key = ring.blind_index_key if key_id is None else ring.index_keys()[key_id]
    mac = hmac.new(key, f"{purpose}\x00{text}".encode(), hashlib.sha256)
    return mac.hexdigest()


def index_key_ids() -> list[str]:
    """The configured blind-index key versions, the current one first: what a search looks under."""
    ring = key_ring()
    return [ring.blind_index_id, *sorted(k for k in ring.index_keys() if k != ring.blind_index_id)]


def blind_index_matches(value: str, purpose: str, expected: str) -> bool:
    """Whether ``expected`` is the blind index of ``value`` under one of the configured key versions."""
    return any(hmac.compare_digest(blind_index(value, purpose, key_id=k), expected) for k in index_key_ids())


def phonetic_tokens(name: str) -> list[str]:
    """Metaphone codes of each part of a name, so "Jon Smyth" and "John Smith" meet."""
    return sorted({jellyfish.metaphone(part) for part in normalize(name).split() if part} - {""})


def phonetic_index(name: str | None, purpose: str, *, key_id: str | None = None) -> str:
    """Space-separated blind indexes of the name's phonetic tokens (order-independent)."""
    if not name:
        return ""
    return " ".join(blind_index(token, f"{purpose}.phonetic", key_id=key_id) for token in phonetic_tokens(name))
