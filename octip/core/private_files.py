"""What the platform keeps on disk is readable by its own user only: files 0600, folders 0700.

SQLite creates its database file under the process umask (usually 0644) and gives its WAL and
shared-memory files the database file's mode. So the file is created 0600 *before* SQLite first opens
it — never briefly readable by others — and, for a database an older version left readable, made
0600 again (with its WAL and shared-memory files) each time a connection opens. Uploaded files follow
``FILE_UPLOAD_PERMISSIONS`` / ``FILE_UPLOAD_DIRECTORY_PERMISSIONS`` (settings); the key file is made
0600 in octip/core/crypto.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def readable_by_others(path: Path) -> bool:
    """True when the group or other users may read, write or enter ``path``."""
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def sqlite_file(settings_dict: Mapping[str, object]) -> Path | None:
    """The file of an SQLite database, or None when it has none (in memory, a URI, another engine)."""
    if "sqlite3" not in str(settings_dict.get("ENGINE", "")):
        return None
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def _sqlite_files(database: Path) -> Iterator[Path]:
    for suffix in _SQLITE_COMPANIONS:
        yield database.with_name(database.name + suffix)


def create_database_files() -> None:
    """Create each configured SQLite database file empty with mode 0600 unless it exists (SQLite
    takes an empty file as a new database). Called once at start-up, before any connection."""
    for settings_dict in settings.DATABASES.values():
        database = sqlite_file(settings_dict)
        if database is None or not database.parent.is_dir():
            continue
        with contextlib.suppress(FileExistsError):
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def make_database_files_private(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On ``connection_created``: an SQLite database, its WAL and shared-memory files made 0600 if an
    older version (or a copy) left them readable by others."""
    database = sqlite_file(connection.settings_dict)
    if database is None:
        return
    for path in _sqlite_files(database):
        try:
            if readable_by_others(path):
                path.chmod(PRIVATE_FILE)
        except FileNotFoundError:
            continue


def make_private_dir(folder: Path) -> Path:
    """``folder`` created (with its parents) readable by this user only, 0700."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    folder.chmod(PRIVATE_FOLDER)
    return folder


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex (read in chunks: a release file may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
