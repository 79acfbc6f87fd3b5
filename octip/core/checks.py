"""System checks of the platform's own configuration (``manage.py check``, run by ``runserver`` and
``migrate`` too). Production also refuses these at settings load (octip/settings.py), so that a worker
process that never runs the checks does not start either."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage, storages

from .crypto import key_ring_problems
from .object_storage import S3_BACKEND
from .private_files import readable_by_others

KEY_HINT = ('Make a key with: python -c "from octip.core.crypto import new_key; print(new_key())". '
            "The key ring is OCTIP_FIELD_KEYS=k1:<key>,k2:<key> (the last one encrypts new values).")


@register(Tags.security)
def check_key_ring(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The field-encryption key ring and the blind-index key, as configured or in the development key
    file: each problem an error that names it (never the key). A missing key file is no problem: it is
    generated on first use, outside production."""
    field_spec, index_spec = settings.OCTIP_FIELD_KEYS, settings.OCTIP_BLIND_INDEX_KEY
    where = "OCTIP_FIELD_KEYS / OCTIP_BLIND_INDEX_KEY"
    if not field_spec or not index_spec:
        path = settings.OCTIP_KEY_FILE
        if not path.exists():
            return []
        where = str(path)
        try:
            stored = json.loads(path.read_text())
            field_spec = field_spec or str(stored["field_keys"])
            index_spec = index_spec or str(stored["blind_index_key"])
        except (OSError, ValueError, KeyError, TypeError):
            return [Error(f"The key file {where} cannot be read as the key file this platform writes.",
                          hint=KEY_HINT, id="octip.E001")]
    return [Error(f"{problem} ({where})", hint=KEY_HINT, id="octip.E001")
            for problem in key_ring_problems(field_spec, index_spec)]


@register(Tags.security)
def check_private_folders(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The var folder (database, key file) and the uploads folder, when they already exist from an
    older version that made them readable by other users. New ones are created 0700."""
    folders = [settings.VAR_DIR]
    if isinstance(storages["default"], FileSystemStorage):  # an object storage has no folder here
        folders.append(Path(storages["default"].location))
    return [CheckWarning(f"{folder} can be read by other users of this machine: it holds survivors' records.",
                    hint=f"chmod 700 {folder}", id="octip.W001")
            for folder in folders if folder.is_dir() and readable_by_others(folder)]


# --- Several machines (docs/deployment.md) --------------------------------------------------------

#: Cache and session engines whose state stays inside one process or on one machine's disk.
PROCESS_LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache",
                        "django.core.cache.backends.filebased.FileBasedCache",
                        "django.core.cache.backends.dummy.DummyCache")
LOCAL_SESSION_ENGINES = ("django.contrib.sessions.backends.file",
                         "django.contrib.sessions.backends.signed_cookies")


@register(Tags.caches, Tags.security)
def check_shared_state(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """State that must be shared by every process and machine: the cache (rate limits count there)
    and the sessions. A process-local engine is an error in production, a warning elsewhere (two
    ``runserver`` processes would count two limits)."""
    problems: list[CheckMessage] = []
    production = getattr(settings, "PRODUCTION", False)
    kind = Error if production else CheckWarning
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PROCESS_LOCAL_CACHES:
        problems.append(kind(
            f"The cache ({backend}) lives in one process or on one disk: each process or machine would count "
            "rate limits on its own.", hint="Set OCTIP_REDIS_URL, or use the database cache (settings.CACHES).",
            id="octip.E010" if production else "octip.W010"))
    engine = settings.SESSION_ENGINE
    cache_sessions = engine in ("django.contrib.sessions.backends.cache",
                                "django.contrib.sessions.backends.cached_db")
    if engine in LOCAL_SESSION_ENGINES or (cache_sessions and backend in PROCESS_LOCAL_CACHES):
        problems.append(kind(
            f"Sessions ({engine}) are kept where another web node cannot read them (or, as signed cookies, "
            "cannot be ended by the server).",
            hint="Keep SESSION_ENGINE at django.contrib.sessions.backends.db (or cached_db with Redis).",
            id="octip.E011" if production else "octip.W011"))
    return problems


@register(Tags.security)
def check_object_storage(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """OCTIP_STORAGE=s3: the bucket's settings complete and private. In production, also the folders
    still written on a local disk (statistics releases, audit checkpoints), which must then be a
    volume every node shares: a warning until they are set explicitly."""
    default: dict[str, Any] = cast(dict[str, Any], settings.STORAGES.get("default", {}))
    if default.get("BACKEND") != S3_BACKEND:
        return []
    problems: list[CheckMessage] = []
    options: dict[str, Any] = dict(default.get("OPTIONS", {}))
    if not all(importlib.util.find_spec(name) for name in ("boto3", "storages")):
        problems.append(Error("OCTIP_STORAGE=s3 needs django-storages and boto3 installed.",
                              hint="pip install django-storages[s3] boto3 (pyproject.toml)", id="octip.E012"))
    if not options.get("bucket_name"):
        problems.append(Error("OCTIP_STORAGE=s3 without OCTIP_S3_BUCKET.", id="octip.E012"))
    if options.get("default_acl") not in (None, "private"):
        problems.append(Error("The bucket's objects must be private (default_acl private): they are "
                              "survivors' documents.", id="octip.E012"))
    if options.get("file_overwrite", True):
        problems.append(Error("The object storage must never overwrite a file (file_overwrite False).",
                              id="octip.E012"))
    if getattr(settings, "PRODUCTION", False):
        if not options.get("object_parameters", {}).get("ServerSideEncryption"):
            problems.append(CheckWarning(
                "The bucket is not asked to encrypt objects at rest (OCTIP_S3_SERVER_SIDE_ENCRYPTION=none). "
                "Documents are encrypted by the platform anyway; secure exports by their password.",
                id="octip.W012"))
        default_dirs = {"OCTIP_STATS_RELEASE_DIR": settings.VAR_DIR / "stats-releases",
                        "OCTIP_AUDIT_CHECKPOINT_DIR": settings.VAR_DIR / "audit-checkpoints"}
        for name, local in default_dirs.items():
            if Path(getattr(settings, name)) == local:
                problems.append(CheckWarning(
                    f"{name} is still the local folder {local} while files go to object storage: on more "
                    "than one machine each node would keep its own.",
                    hint=f"Set {name} to a folder on a volume every node mounts (docs/deployment.md).",
                    id="octip.W013"))
    return problems
