"""Backups: ``manage.py backup DIR`` and ``manage.py restore DIR`` (docs/operations.md).

A backup is a folder:

- ``db/<app>.<model>.jsonl`` — every table as stored, in a stable order (models by label, rows by
  primary key). Encrypted columns stay ciphertext: they are read past decryption (``Cast``), so the
  dump holds nothing the database did not already hold encrypted, and it is database-agnostic (a
  dump of SQLite restores into PostgreSQL and back).
- ``files/…`` — the private files storage (documents, secure exports) as stored, still encrypted.
- ``manifest.json`` — counts, the SHA-256 of every file, the applied migrations, and the
  *fingerprints* of the keys the data needs, with a canary encrypted under the current field key;
  authenticated by an HMAC-SHA256 under a key derived (HKDF) from the current field key, so that
  whoever can write the backup but does not hold the key ring cannot change a row, a digest or the
  manifest itself.

The key ring is never in a backup: without it a backup is ciphertext. Restoring checks, before it
writes anything, the manifest's HMAC first, then every digest, the schema (every backed-up table
present), the keys (the canary decrypts; the certificate signing keys the data names are configured),
and that the database is empty; then it writes in one transaction and verifies the restored audit
log inside it, so that a log that does not verify is rolled back with everything else. A symbolic
link in the backup, or a name that leads outside it, is refused.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import decimal
import hashlib
import hmac
import json
import os
import secrets
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.module_loading import import_string

from . import crypto
from .fields import blind_indexed_models

FORMAT = "octip-backup/2"
CANARY_CONTEXT = "octip.backup.canary"
#: HKDF ``info`` of the key that authenticates a manifest (derived from a field key of the ring).
MANIFEST_MAC_INFO = b"octip.backup.manifest"
MANIFEST_MAC_ALG = "HMAC-SHA256"
NOT_SIGNED = "the manifest is not signed by this installation's keys, or was changed"
#: Tables a freshly migrated database already fills (content types, permissions, the data migrations'
#: reference rows): a restore replaces their rows with the backup's. Every other table must be empty.
#: A new data migration that fills a table adds it here (tests/reliability/test_backup.py fails otherwise).
SEEDED_BY_MIGRATE = frozenset({"contenttypes.contenttype", "auth.permission", "partners.region",
                               "screening.framework"})
#: Not backed up: sign-in sessions (after a restore everyone signs in again).
NOT_BACKED_UP = frozenset({"sessions.session"})
#: Folders outside the files storage that are backed up too, by the setting that names them: the
#: statistics releases (de-identified files the Release rows list with their digests). Not the exported
#: audit checkpoints: they witness the log from outside, and a restore must not rewrite them.
BACKED_UP_FOLDERS = {"stats-releases": "OCTIP_STATS_RELEASE_DIR"}
BATCH = 500

Progress = Callable[[str, int], None]


class BackupError(Exception):
    """What is wrong, in a sentence for the operator; nothing was written when a restore raises it."""


def fingerprint(key: bytes) -> str:
    """A key's fingerprint: names the key without revealing it (SHA-256 of a labelled key, 16 bytes)."""
    return hashlib.sha256(b"octip key fingerprint\x00" + key).hexdigest()[:32]


def public_key_fingerprint(raw_public_key: bytes) -> str:
    """A signing key's fingerprint: the SHA-256 of its raw public key (never of the private key)."""
    return hashlib.sha256(raw_public_key).hexdigest()


def backed_up_models() -> list[type[models.Model]]:
    chosen = [m for m in apps.get_models(include_auto_created=True)
              if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in NOT_BACKED_UP]
    return sorted(chosen, key=lambda m: m._meta.label_lower)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.local_concrete_fields)


def _encode(value: Any) -> Any:
    """A column value as JSON, losslessly (full microseconds, unlike DjangoJSONEncoder)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return {"$seconds": value.total_seconds()}
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return {"$hex": bytes(value).hex()}
    return value


def _decode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if getattr(field, "encrypted", False):
        return value  # ciphertext, written back as it was read
    if isinstance(field, models.BinaryField) and isinstance(value, dict) and set(value) == {"$hex"}:
        return bytes.fromhex(value["$hex"])
    if isinstance(field, models.DurationField) and isinstance(value, dict) and set(value) == {"$seconds"}:
        return datetime.timedelta(seconds=value["$seconds"])
    return field.get_db_prep_save(field.to_python(value), connection)


def table_rows(model: type[models.Model]) -> Iterator[list[Any]]:
    """Every row of ``model``'s table as stored, by primary key; encrypted columns as ciphertext."""
    fields = _columns(model)
    selected = [Cast(f.attname, models.TextField()) if getattr(f, "encrypted", False) else f.attname for f in fields]
    last = None
    manager = model._base_manager
    while True:
        rows = manager.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", *selected)[:BATCH])
        if not batch:
            return
        for row in batch:
            yield [_encode(v) for v in row[1:]]
        last = batch[-1][0]


def _storage() -> Storage:
    return storages["default"]


def storage_files(storage: Storage | None = None, folder: str = "") -> Iterator[str]:
    storage = storage or _storage()
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from storage_files(storage, f"{folder}/{sub}" if folder else sub)


def _open_inside(path: Path) -> Any:
    """Open a file of the backup for reading, never through a symbolic link (``O_NOFOLLOW``)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as failed:
        raise BackupError(f"{path} cannot be read as a regular file of the backup ({failed.strerror}).") from failed
    return os.fdopen(fd, "rb")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with _open_inside(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)


def _write_private(path: Path, content: bytes) -> None:
    _private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _signing_rings() -> dict[str, dict[str, str]]:
    """``OCTIP_BACKUP_SIGNING_RINGS``: for each model whose rows name the signing key that signed them
    (by label, e.g. ``prevention.credential``), the column holding the key id (``kid_field``), the
    dotted path of a function returning the ring's public keys as a JWKS (``public_keys``: RFC 7517,
    ``{"keys": [{"kid", "x", ...}]}``) and the setting that configures the ring (``setting``, for the
    messages). Declared in the settings, so that core names no app's module in its code."""
    return dict(getattr(settings, "OCTIP_BACKUP_SIGNING_RINGS", {}) or {})


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def configured_signing_keys(label: str) -> dict[str, str]:
    """kid → fingerprint of every public key of the configured ring that signs ``label``'s rows.
    Raises ``BackupError`` when no ring is declared for it or it is not configured."""
    hook = _signing_rings().get(label)
    if hook is None:
        raise BackupError(f"The backup's {label} rows are signed, and OCTIP_BACKUP_SIGNING_RINGS declares no "
                          "signing key ring for them here: their signatures could not be checked.")
    setting = hook.get("setting", "the signing key ring")
    try:
        published = import_string(hook["public_keys"])()
    except (ImproperlyConfigured, ImportError) as missing:
        raise BackupError(f"The backup's {label} rows are signed, and no signing key ring is configured here "
                          f"({setting}: {missing}).") from missing
    out: dict[str, str] = {}
    for jwk in published.get("keys", []):
        if jwk.get("kid") and jwk.get("x"):
            out[str(jwk["kid"])] = public_key_fingerprint(_b64url(str(jwk["x"])))
    return out


def signing_keys_in_use() -> dict[str, dict[str, str | None]]:
    """For each declared signed model (``OCTIP_BACKUP_SIGNING_RINGS``) with rows: kid → fingerprint of the
    public key of each signing key its rows name (None for a kid the configured ring no longer has, or
    for every kid when no ring is configured: what such a key signed already verifies as unknown, and a
    backup is not refused for it)."""
    out: dict[str, dict[str, str | None]] = {}
    for label, hook in sorted(_signing_rings().items()):
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        kids = sorted({k for k in model._base_manager.values_list(hook["kid_field"], flat=True).distinct() if k})
        if not kids:
            continue
        try:
            configured = configured_signing_keys(label)
        except BackupError:
            configured = {}
        out[label] = {kid: configured.get(kid) for kid in kids}
    return out


def key_fingerprints() -> dict[str, Any]:
    from .checkpoints import public_key_pem

    ring = crypto.key_ring()
    return {"field_keys": {key_id: fingerprint(key) for key_id, key in sorted(ring.keys.items())},
            "current_field_key": ring.current_id,
            "blind_index_keys": {key_id: fingerprint(key) for key_id, key in sorted(ring.index_keys().items())},
            "current_blind_index_key": ring.blind_index_id,
            "audit_signing_public_key": hashlib.sha256(public_key_pem()).hexdigest()[:32]}


def blind_index_versions_in_use() -> list[str]:
    used: set[str] = set()
    for model in blind_indexed_models():
        used.update(model._base_manager.values_list("index_key_id", flat=True).distinct())
    return sorted(used)


def _canonical(manifest: dict[str, Any]) -> bytes:
    """The bytes a manifest's HMAC covers: the manifest without its ``mac``, as canonical JSON."""
    body = {k: v for k, v in manifest.items() if k != "mac"}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _manifest_key(field_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=MANIFEST_MAC_INFO).derive(field_key)


def sign_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest`` with its ``mac``: HMAC-SHA256 of the canonical manifest under a key derived (HKDF,
    info ``octip.backup.manifest``) from the current field key, which it names."""
    ring = crypto.key_ring()
    value = hmac.new(_manifest_key(ring.current), _canonical(manifest), hashlib.sha256).hexdigest()
    return {**manifest, "mac": {"alg": MANIFEST_MAC_ALG, "key": ring.current_id, "value": value}}


def verify_manifest(manifest: Any) -> None:
    """Raise ``BackupError`` unless ``manifest`` carries a valid HMAC under a field key of the configured
    ring. Runs first: nothing of an unauthenticated manifest is trusted, not even its format."""
    mac = manifest.get("mac") if isinstance(manifest, dict) else None
    if not isinstance(mac, dict) or mac.get("alg") != MANIFEST_MAC_ALG or not isinstance(mac.get("value"), str):
        raise BackupError(f"The backup is refused: {NOT_SIGNED} (it carries no signature; a backup made before "
                          "manifests were signed cannot be restored by this version).")
    ring = crypto.key_ring()
    key_id = mac.get("key")
    key = ring.keys.get(key_id) if isinstance(key_id, str) else None
    if key is None:
        raise BackupError(f"The backup is refused: {NOT_SIGNED} (it is signed under field key {key_id!r}, which "
                          "is not in the configured key ring, OCTIP_FIELD_KEYS). Configure the key ring of the "
                          "backed-up platform.")
    expected = hmac.new(_manifest_key(key), _canonical(manifest), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, mac["value"]):
        # The fingerprint is read from the unauthenticated manifest: it only words the refusal.
        stated = manifest.get("keys", {}).get("field_keys", {}) if isinstance(manifest.get("keys"), dict) else {}
        if isinstance(stated, dict) and stated.get(key_id) not in (None, fingerprint(key)):
            hint = (f" Field key {key_id} of the configured key ring is not the backup's (its fingerprint "
                    "differs): configure the key ring of the backed-up platform.")
        else:
            hint = " A file of the backup or the manifest was altered."
        raise BackupError(f"The backup is refused: {NOT_SIGNED} (its HMAC does not verify).{hint}")


@dataclass(frozen=True)
class Written:
    folder: Path
    rows: int
    files: int
    audit_events: int = 0


@contextlib.contextmanager
def _snapshot(outermost: bool) -> Iterator[None]:
    """One read transaction for the whole dump, a consistent snapshot while the platform keeps writing:
    REPEATABLE READ READ ONLY on PostgreSQL; on SQLite a deferred transaction, which in WAL mode reads
    one snapshot without taking the write lock (Django's own transactions there are IMMEDIATE, which
    would make every writer wait for the dump)."""
    if not outermost:
        with transaction.atomic():
            yield
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")  # nothing was written: it only ends the snapshot
    else:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield


def write_backup(folder: Path, *, progress: Progress | None = None) -> Written:
    """Write a backup of the database and the private files into ``folder`` (new or empty)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} exists and is not an empty folder: give a new folder for the backup.")
    created = not folder.exists()
    try:
        return _write_backup(folder, progress)
    except BaseException:
        # A half-written backup is no backup: leave nothing that looks like one.
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for child in folder.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise


def _write_backup(folder: Path, progress: Progress | None) -> Written:
    outermost = not connection.in_atomic_block
    _private_dir(folder)
    tables: list[dict[str, Any]] = []
    key_ids_in_use: set[str] = set()
    with _snapshot(outermost):
        migrations_state = applied_migrations()
        total_rows = 0
        for model in backed_up_models():
            fields = _columns(model)
            encrypted = [i for i, f in enumerate(fields) if getattr(f, "encrypted", False)]
            name = f"db/{model._meta.label_lower}.jsonl"
            path = folder / name
            _private_dir(path.parent)
            digest, count = hashlib.sha256(), 0
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                header = json.dumps({"model": model._meta.label_lower, "columns": [f.attname for f in fields]},
                                    sort_keys=True).encode() + b"\n"
                handle.write(header)
                digest.update(header)
                for row in table_rows(model):
                    for i in encrypted:
                        key_id = crypto.key_id_of(row[i]) if row[i] else None
                        if key_id:
                            key_ids_in_use.add(key_id)
                    # Keys sorted inside JSON values: PostgreSQL's jsonb does not keep their order, SQLite does.
                    line = json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode() + b"\n"
                    handle.write(line)
                    digest.update(line)
                    count += 1
            total_rows += count
            tables.append({"model": model._meta.label_lower, "table": model._meta.db_table, "file": name,
                           "rows": count, "sha256": digest.hexdigest()})
            if progress:
                progress(model._meta.label_lower, count)
        from .models import AuditCheckpoint, AuditEvent

        last_event = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        index_versions = blind_index_versions_in_use()
        signing_keys = signing_keys_in_use()
        audit_state = {"events": last_event[0] if last_event else 0, "last_hash": last_event[1] if last_event else "",
                       "checkpoints": AuditCheckpoint.objects.count()}
    files: list[dict[str, Any]] = []
    storage = _storage()
    for name in storage_files(storage):
        with storage.open(name, "rb") as handle:
            content = handle.read()
        if content.startswith(crypto.PREFIX.encode() + b":"):
            key_id = crypto.key_id_of(content[:80].decode("ascii", "replace"))
            if key_id:
                key_ids_in_use.add(key_id)
        _write_private(folder / "files" / name, content)
        files.append({"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()})
        if progress:
            progress("files", 1)
    folders = []
    for label, root in _folders():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root).as_posix()
            content = path.read_bytes()
            _write_private(folder / "folders" / label / relative, content)
            folders.append({"folder": label, "name": relative, "size": len(content),
                            "sha256": hashlib.sha256(content).hexdigest()})
    canary = secrets.token_urlsafe(24)
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(), "database": connection.vendor,
        "migrations": migrations_state, "tables": tables, "files": files, "folders": folders, "audit": audit_state,
        "keys": {**key_fingerprints(), "field_keys_in_use": sorted(key_ids_in_use),
                 "blind_index_keys_in_use": index_versions, "signing_keys_in_use": signing_keys},
        "canary": {"ciphertext": crypto.encrypt(canary, CANARY_CONTEXT),
                   "sha256": hashlib.sha256(canary.encode()).hexdigest(),
                   "blind_index": crypto.blind_index(canary, CANARY_CONTEXT)},
    }
    manifest = sign_manifest(manifest)
    _write_private(folder / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
    return Written(folder, total_rows, len(files))


def _folders() -> list[tuple[str, Path]]:
    """(label, folder) of each configured extra folder (``BACKED_UP_FOLDERS``)."""
    out = []
    for label, setting in sorted(BACKED_UP_FOLDERS.items()):
        value = getattr(settings, setting, None)
        if value:
            out.append((label, Path(value)))
    return out


# --- Restore ------------------------------------------------------------------------------------

def _safe_relative(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("..", "") for part in path.parts):
        raise BackupError(f"The manifest names a file outside the backup ({name!r}): refusing it.")
    return str(path)


def inside(folder: Path, name: str) -> Path:
    """``folder / name`` for a name the manifest gives, refused (``BackupError``) when it is absolute, climbs
    out (``..``), passes through a symbolic link, or otherwise resolves outside ``folder``."""
    relative = _safe_relative(name)
    path = folder
    for part in PurePosixPath(relative).parts:
        path = path / part
        if path.is_symlink():
            raise BackupError(f"{relative} in the backup is, or passes through, a symbolic link: refusing it "
                              "(a backup holds regular files and folders only); nothing was restored.")
    if not path.resolve().is_relative_to(folder.resolve()):
        raise BackupError(f"{relative} resolves outside the backup folder: refusing it; nothing was restored.")
    return path


def read_manifest(folder: Path) -> dict[str, Any]:
    """The backup's manifest, its HMAC verified before anything else is read from it."""
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    path = folder / "manifest.json"
    if not path.is_file() and not path.is_symlink():
        raise BackupError(f"{folder} holds no manifest.json: it is not an OCTIP backup (or not a whole one).")
    path = inside(folder, "manifest.json")
    try:
        with _open_inside(path) as handle:
            manifest = json.loads(handle.read().decode())
    except (ValueError, UnicodeDecodeError) as bad:
        raise BackupError(f"{path} is not valid JSON: the backup is damaged.") from bad
    verify_manifest(manifest)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a manifest this version reads (format {FORMAT} expected).")
    for key in ("migrations", "tables", "files", "keys", "canary"):
        if key not in manifest:
            raise BackupError(f"The manifest has no “{key}”: the backup is damaged.")
    return manifest


def check_digests(folder: Path, manifest: dict[str, Any]) -> None:
    folders = ({"file": f"folders/{_safe_relative(f['folder'])}/{f['name']}", **f} for f in manifest.get("folders", []))
    for entry in [*manifest["tables"], *({"file": f"files/{f['name']}", **f} for f in manifest["files"]), *folders]:
        path = inside(folder, entry["file"])
        if not path.is_file():
            raise BackupError(f"{entry['file']} is missing from the backup.")
        if _sha256_file(path) != entry["sha256"]:
            raise BackupError(f"{entry['file']} does not match its SHA-256 in the manifest: the backup is damaged "
                              "or was altered.")


def check_keys(manifest: dict[str, Any]) -> None:
    """The configured keys are the backup's: every field key the data uses, by fingerprint, the canary
    decrypts, the blind-index key and the audit signing key are the same. Raises ``BackupError``."""
    from .checkpoints import public_key_pem

    stated = manifest["keys"]
    ring = crypto.key_ring()
    for key_id in stated.get("field_keys_in_use", []):
        key = ring.keys.get(key_id)
        if key is None:
            raise BackupError(f"The backup's data is encrypted under field key {key_id}, which is not in the "
                              "configured key ring (OCTIP_FIELD_KEYS). Configure the key ring of the backed-up "
                              "platform; nothing was restored.")
        if fingerprint(key) != stated["field_keys"].get(key_id):
            raise BackupError(f"Field key {key_id} of the configured key ring is not the backup's (its fingerprint "
                              "differs). Configure the key ring of the backed-up platform; nothing was restored.")
    canary = manifest["canary"]
    try:
        plain = crypto.decrypt(canary["ciphertext"], CANARY_CONTEXT)
    except crypto.DecryptionError as failed:
        raise BackupError(f"The configured keys cannot decrypt the backup's canary ({failed}). Configure the key "
                          "ring of the backed-up platform; nothing was restored.") from failed
    if hashlib.sha256(plain.encode()).hexdigest() != canary["sha256"]:
        raise BackupError("The backup's canary decrypts to the wrong value: the manifest was altered.")
    index_keys = ring.index_keys()
    for key_id in stated.get("blind_index_keys_in_use", []):
        key = index_keys.get(key_id)
        if key is None or fingerprint(key) != stated["blind_index_keys"].get(key_id):
            raise BackupError(f"The backup's rows are blind-indexed under key version {key_id}, and the configured "
                              "OCTIP_BLIND_INDEX_KEY has no such version or another key for it: searches by name, "
                              "date of birth and phone would find nothing. Configure the backed-up platform's key; "
                              "nothing was restored.")
    if not crypto.blind_index_matches(plain, CANARY_CONTEXT, canary["blind_index"]):
        raise BackupError("The configured blind-index key (OCTIP_BLIND_INDEX_KEY) is not the backup's: searches "
                          "by name, date of birth and phone would find nothing. Configure the backed-up platform's "
                          "key; nothing was restored.")
    signing = hashlib.sha256(public_key_pem()).hexdigest()[:32]
    if manifest.get("audit", {}).get("checkpoints") and signing != stated.get("audit_signing_public_key"):
        raise BackupError("The configured audit signing key (OCTIP_AUDIT_SIGNING_KEY) is not the backup's: its "
                          "signed checkpoints would not verify. Configure the backed-up platform's key; nothing "
                          "was restored.")
    check_signing_keys(stated.get("signing_keys_in_use", {}))


def check_signing_keys(in_use: dict[str, dict[str, str | None]]) -> None:
    """Every signing key the backed-up rows name (e.g. the certificates' ``kid``) is in the configured ring
    with the same public key; otherwise each of those rows would verify as unknown after the restore."""
    for label, kids in sorted(in_use.items()):
        needed = {kid: fp for kid, fp in kids.items() if fp is not None}
        if not needed:
            continue  # signed by keys already withdrawn when the backup was made
        configured = configured_signing_keys(label)
        setting = _signing_rings().get(label, {}).get("setting", "the signing key ring")
        for kid, fp in sorted(needed.items()):
            if kid not in configured:
                raise BackupError(f"The backup's {label} rows are signed with key {kid}, which is not in the "
                                  f"configured signing key ring ({setting}): every one of them would verify as "
                                  "unknown. Configure the ring of the backed-up platform; nothing was restored.")
            if not hmac.compare_digest(configured[kid], fp):
                raise BackupError(f"Signing key {kid} of the configured ring ({setting}) is not the backup's (its "
                                  f"public key differs): the backup's {label} rows would not verify. Configure the "
                                  "ring of the backed-up platform; nothing was restored.")


def check_schema(manifest: dict[str, Any]) -> None:
    here = {tuple(m) for m in applied_migrations()}
    there = {tuple(m) for m in manifest["migrations"]}
    if here != there:
        missing, extra = sorted(there - here), sorted(here - there)
        example = ", ".join(f"{a}.{n}" for a, n in (missing or extra)[:3])
        raise BackupError(f"The database's schema is not the backup's: {len(missing)} migration(s) of the backup "
                          f"are not applied here and {len(extra)} applied here are not in the backup (e.g. "
                          f"{example}). Restore with the platform version that made the backup, into a database "
                          "migrated with `manage.py migrate`.")
    known = {m._meta.label_lower for m in backed_up_models()}
    listed = [entry["model"] for entry in manifest["tables"]]
    for entry in manifest["tables"]:
        if entry["model"] not in known:
            raise BackupError(f"The backup holds a table this platform does not have ({entry['model']}).")
        if entry["file"] != f"db/{entry['model']}.jsonl":
            raise BackupError(f"The manifest gives table {entry['model']} the file {entry['file']}: the backup is "
                              "damaged or was altered.")
    if len(listed) != len(set(listed)) or set(listed) != known:
        absent = sorted(known - set(listed))
        raise BackupError(f"The backup does not hold every table this platform backs up (missing: "
                          f"{', '.join(absent[:5]) or 'none'}; or one is listed twice): the backup is damaged or "
                          "was altered; nothing was restored.")


def _not_backed_up_models() -> list[type[models.Model]]:
    out = []
    for label in sorted(NOT_BACKED_UP):
        with contextlib.suppress(LookupError):
            out.append(apps.get_model(label))
    return out


def check_empty() -> None:
    full = [m._meta.label_lower for m in [*backed_up_models(), *_not_backed_up_models()]
            if m._meta.label_lower not in SEEDED_BY_MIGRATE and m._base_manager.exists()]
    if full:
        raise BackupError(f"The database is not empty ({len(full)} table(s) hold rows, e.g. {', '.join(full[:3])}). "
                          "A restore goes into an empty database only: create one and run `manage.py migrate`.")
    stored = next(storage_files(), None)
    if stored is not None:
        raise BackupError(f"The files storage is not empty (it holds {stored}). A restore goes into an empty "
                          "storage only.")
    for label, root in _folders():
        if root.is_dir() and any(root.iterdir()):
            raise BackupError(f"The {label} folder {root} is not empty. A restore goes into empty folders only.")


def _insert(model: type[models.Model], path: Path, sha256: str, progress: Progress | None) -> int:
    """Insert the rows of one table file, hashing what it reads: a file changed after ``check_digests``
    read it is refused (inside the restore's transaction, so nothing of it stays)."""
    fields = {f.attname: f for f in _columns(model)}
    digest = hashlib.sha256()
    with _open_inside(path) as handle:
        first = handle.readline()
        digest.update(first)
        header = json.loads(first)
        columns = header["columns"]
        if header.get("model") != model._meta.label_lower or set(columns) != set(fields):
            raise BackupError(f"{path.name}: its columns are not those of {model._meta.label_lower} here.")
        quote = connection.ops.quote_name
        names = ", ".join(quote(str(fields[c].column)) for c in columns)
        # Table and column names are the models' own (checked against the header above), never input.
        sql = (f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
               f"VALUES ({', '.join(['%s'] * len(columns))})")
        count, batch = 0, []
        with connection.cursor() as cursor:
            for line in handle:
                digest.update(line)
                row = json.loads(line)
                batch.append([_decode(fields[c], v) for c, v in zip(columns, row, strict=True)])
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    if digest.hexdigest() != sha256:
        raise BackupError(f"{path.name} changed while it was restored (its SHA-256 is no longer the manifest's).")
    if progress:
        progress(model._meta.label_lower, count)
    return count


def _read_checked(path: Path, sha256: str) -> bytes:
    """A file of the backup, read once and checked against its digest (the bytes written are the bytes
    checked, whatever happens to the file meanwhile)."""
    with _open_inside(path) as handle:
        content: bytes = handle.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise BackupError(f"{path} does not match its SHA-256 in the manifest: the backup is damaged or was altered.")
    return content


def verify_restored_audit(manifest: dict[str, Any], *, checkpoints: bool = True,
                          export_dir: Path | None = None) -> int:
    """The restored audit log verifies: its hash chain from the first event, it ends where the manifest says,
    and (``checkpoints``) every signed checkpoint against the export folder, as ``verify_audit --full``.
    Runs inside the restore's transaction; raises ``BackupError``. Returns the number of events."""
    from .audit import ChainBreak, verify_chain
    from .checkpoints import LogBroken, verify_log
    from .models import AuditCheckpoint, AuditEvent

    for step in verify_chain():
        if isinstance(step, ChainBreak):
            raise BackupError(f"The backup's audit log does not verify: chain broken at event seq={step.seq}: "
                              f"{step.reason}. The restore was rolled back; nothing was restored.")
    stated = manifest.get("audit", {})
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first() or (0, "")
    if (last[0], last[1]) != (stated.get("events"), stated.get("last_hash")) or (
            AuditCheckpoint.objects.count() != stated.get("checkpoints")):
        raise BackupError("The restored audit log does not end where the manifest says (its size, newest hash or "
                          "checkpoints differ). The restore was rolled back; nothing was restored.")
    if checkpoints:
        try:
            verify_log(full=True, export_dir=export_dir)
        except LogBroken as broken:
            raise BackupError(f"The backup's audit log does not verify against its signed checkpoints (event "
                              f"seq={broken.seq}: {broken.reason}). The restore was rolled back; nothing was "
                              "restored.") from broken
    return int(last[0])


def restore_backup(folder: Path, *, progress: Progress | None = None, verify_checkpoints: bool = True,
                   export_dir: Path | None = None) -> Written:
    """Restore ``folder`` into this (empty) database and files storage. The manifest's HMAC is checked
    first, then every other check runs before the first write. The audit log is verified inside the
    transaction (``verify_checkpoints=False`` leaves out only the checkpoints against the export folder);
    any failure rolls the database back and removes the files already copied."""
    folder = folder.resolve()
    manifest = read_manifest(folder)
    check_digests(folder, manifest)
    check_schema(manifest)
    check_keys(manifest)
    check_empty()
    by_label = {m._meta.label_lower: m for m in backed_up_models()}
    storage = _storage()
    copied: list[str] = []
    placed: list[Path] = []
    roots = dict(_folders())
    try:
        for entry in manifest.get("folders", []):
            root = roots.get(entry["folder"])
            if root is None:
                continue  # a folder this installation does not configure
            source = inside(folder, f"folders/{_safe_relative(entry['folder'])}/{_safe_relative(entry['name'])}")
            target = root / _safe_relative(entry["name"])
            _write_private(target, _read_checked(source, entry["sha256"]))
            placed.append(target)
        for entry in manifest["files"]:
            name = _safe_relative(entry["name"])
            content = _read_checked(inside(folder, f"files/{name}"), entry["sha256"])
            saved = storage.save(name, ContentFile(content))
            copied.append(saved)
            if saved != name:
                raise BackupError(f"The storage saved {name} as {saved}: it was not empty.")
            if progress:
                progress("files", 1)
        rows = 0
        with transaction.atomic():
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                for label in sorted(SEEDED_BY_MIGRATE & set(by_label)):
                    cursor.execute(f"DELETE FROM {quote(by_label[label]._meta.db_table)}")  # noqa: S608 - our names
            for entry in manifest["tables"]:
                written = _insert(by_label[entry["model"]], inside(folder, entry["file"]), entry["sha256"], progress)
                if written != entry["rows"]:
                    raise BackupError(f"{entry['file']} holds {written} rows, the manifest says {entry['rows']}.")
                rows += written
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), list(by_label.values())):
                    cursor.execute(statement)
            connection.check_constraints()
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()  # the ids are the backup's now
            events = verify_restored_audit(manifest, checkpoints=verify_checkpoints, export_dir=export_dir)
    except BaseException:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()  # rolled back: forget the backup's ids
        for name in copied:
            storage.delete(name)
        for path in placed:
            path.unlink(missing_ok=True)
        raise
    return Written(folder, rows, len(copied), events)
