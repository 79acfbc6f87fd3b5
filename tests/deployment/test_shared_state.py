"""No state in a process: a rate limit counted by two separate processes is one limit, in Redis
(OCTIP_REDIS_URL) and in the database cache used without it; sessions are rows any node reads; and
the system checks refuse process-local engines in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error
from django.core.checks import Warning as CheckWarning

from octip.core.checks import check_object_storage, check_shared_state

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("OCTIP_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")

#: One attempt counted by a fresh Django process, which prints whether it was allowed.
COUNT_ONE = """
import django
django.setup()
from octip.core.ratelimit import count_attempt
print("allowed" if count_attempt("deploy-test:{key}", limit=3, window_seconds=60) else "refused")
"""


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def _count_in_a_new_process(key: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter, no shell
        [sys.executable, "-c", COUNT_ONE.format(key=key)], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "octip.settings", **env},
        timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(not _redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_two_processes_count_one_rate_limit_in_redis():
    import uuid

    import redis

    key = uuid.uuid4().hex
    env = {"OCTIP_REDIS_URL": REDIS_URL}
    answers = [_count_in_a_new_process(key, env) for _ in range(5)]
    # Each process alone would allow all five; together they share the limit of three.
    assert answers == ["allowed"] * 3 + ["refused"] * 2
    client = redis.Redis.from_url(REDIS_URL)
    for stored in client.scan_iter(f"*deploy-test:{key}*"):
        client.delete(stored)


@pytest.mark.django_db(transaction=True)
def test_two_processes_count_one_rate_limit_in_the_database_cache(settings):
    from django.db import connection

    if connection.vendor == "sqlite":
        if not settings.DATABASES["default"]["TEST"].get("NAME"):
            pytest.skip("the SQLite test database is in memory: another process cannot open it")
        database_url = f"sqlite:///{connection.settings_dict['NAME']}"
    else:
        db = connection.settings_dict
        database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    import uuid

    key = uuid.uuid4().hex
    env = {"DATABASE_URL": database_url, "OCTIP_REDIS_URL": "", "OCTIP_VAR_DIR": str(settings.VAR_DIR)}
    answers = [_count_in_a_new_process(key, env) for _ in range(4)]
    assert answers == ["allowed"] * 3 + ["refused"]


def test_the_default_cache_and_sessions_are_shared_not_process_local(settings):
    # What settings.py itself gives (the tests put a cache of their own over it: tests/conftest.py).
    import octip.settings as configured

    if not os.environ.get("OCTIP_REDIS_URL"):
        assert configured.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert configured.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    settings.CACHES = configured.CACHES
    assert check_shared_state() == []


def test_a_process_local_cache_or_file_sessions_are_refused_in_production_and_warned_elsewhere(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.PRODUCTION = False
    assert {(type(p), p.id) for p in check_shared_state()} == {(CheckWarning, "octip.W010"),
                                                              (CheckWarning, "octip.W011")}
    settings.PRODUCTION = True
    assert {(type(p), p.id) for p in check_shared_state()} == {(Error, "octip.E010"), (Error, "octip.E011")}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.file"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL}}
    assert [p.id for p in check_shared_state()] == ["octip.E011"]


def test_an_incomplete_or_public_object_storage_is_refused(settings, tmp_path):
    from octip.core.object_storage import StorageConfigurationError, s3_storage

    with pytest.raises(StorageConfigurationError):
        s3_storage({})
    with pytest.raises(StorageConfigurationError):
        s3_storage({"OCTIP_S3_BUCKET": "b", "OCTIP_S3_SERVER_SIDE_ENCRYPTION": "rot13"})
    good = s3_storage({"OCTIP_S3_BUCKET": "octip-docs"})
    settings.STORAGES = {**settings.STORAGES, "default": good}
    settings.PRODUCTION = False
    assert check_object_storage() == []
    public = {**good, "OPTIONS": {**good["OPTIONS"], "default_acl": "public-read", "file_overwrite": True}}
    settings.STORAGES = {**settings.STORAGES, "default": public}
    assert [p.id for p in check_object_storage()] == ["octip.E012", "octip.E012"]
    # In production the folders still on a local disk must be named (a volume every node mounts).
    settings.STORAGES = {**settings.STORAGES, "default": good}
    settings.PRODUCTION = True
    settings.OCTIP_STATS_RELEASE_DIR = settings.VAR_DIR / "stats-releases"
    settings.OCTIP_AUDIT_CHECKPOINT_DIR = tmp_path / "shared-volume" / "checkpoints"
    assert [p.id for p in check_object_storage()] == ["octip.W013"]


def test_a_node_refuses_to_start_with_object_storage_half_configured(tmp_path):
    from tests.security.test_settings import production_env, run_manage

    env = {**production_env(tmp_path), "OCTIP_STORAGE": "s3"}
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0 and "OCTIP_S3_BUCKET" in result.stderr
    result = run_manage("check", env_extra={**env, "OCTIP_STORAGE": "nfs"})
    assert result.returncode != 0 and "OCTIP_STORAGE must be local or s3" in result.stderr
    # Complete: it starts, and `check` names the folders still on this node's disk (W013).
    result = run_manage("check", "--deploy", env_extra={**env, "OCTIP_S3_BUCKET": "octip-docs"})
    assert result.returncode == 0, result.stderr
    assert "octip.W013" in result.stderr + result.stdout
