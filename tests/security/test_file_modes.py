"""Finding 8: what the platform writes to disk (the SQLite database with its WAL and shared-memory
files, uploaded documents, exports, the key file) is readable by the platform's user only: files
0600, folders 0700 — even under the usual umask 022, which would make them 0644 and 0755."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WRITE_EVERYTHING = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from octip.core import crypto
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    print("journal", cursor.execute("PRAGMA journal_mode").fetchone()[0])
    # Keep the connection open: the WAL and shared-memory files exist while it is.
    default_storage.save("cases/documents/probe.enc", ContentFile(b"sealed"))
    crypto.key_ring()
    import pathlib, stat
    var = pathlib.Path(%(var)r)
    for path in sorted(var.rglob("*")):
        print("mode", path.relative_to(var), oct(stat.S_IMODE(path.stat().st_mode)))
"""


def _run(var_dir: Path, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCTIP_", "DJANGO_", "DATABASE_URL"))}
    env["OCTIP_VAR_DIR"] = str(var_dir)
    return subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(0o022))  # the usual umask, on purpose


def _modes(output: str) -> dict[str, int]:
    return {line.split()[1]: int(line.split()[2], 8) for line in output.splitlines() if line.startswith("mode ")}


@pytest.mark.once
def test_a_fresh_var_dir_holds_only_private_files(tmp_path):
    var = tmp_path / "var"  # does not exist yet: the platform makes it
    result = _run(var, WRITE_EVERYTHING % {"var": str(var)})
    assert result.returncode == 0, result.stderr
    assert "journal wal" in result.stdout
    modes = _modes(result.stdout)
    assert {"octip.sqlite3", "octip.sqlite3-wal", "octip.sqlite3-shm", "field_keys.json", "media",
            "media/cases", "media/cases/documents", "media/cases/documents/probe.enc"} <= set(modes), modes
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for name, mode in modes.items():
        expected = 0o700 if (var / name).is_dir() else 0o600
        assert mode == expected, (name, oct(mode))


@pytest.mark.once
def test_an_existing_world_readable_database_is_made_private(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    database = var / "octip.sqlite3"
    database.touch()
    database.chmod(0o644)  # as an older version left it
    result = _run(var, "from django.db import connection; connection.ensure_connection()")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


@pytest.mark.once
def test_the_check_warns_of_a_var_dir_others_can_read(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    var.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCTIP_", "DJANGO_", "DATABASE_URL"))}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                            env={**env, "OCTIP_VAR_DIR": str(var)}, timeout=120)
    assert "octip.W001" in result.stderr + result.stdout and "chmod 700" in result.stderr + result.stdout


def test_uploads_are_private_in_settings(settings):
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
