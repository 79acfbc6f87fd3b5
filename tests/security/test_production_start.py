"""Findings 19 and 20: production refuses to start without the shared cache its rate limits need, and
nothing starts with a malformed key ring. Each refusal names the problem and never prints a key."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from octip.core import crypto
from octip.core.crypto import new_key, parse_field_keys

from .test_settings import production_env, run_manage

ROOT = Path(__file__).resolve().parents[2]
# Start-up checks in subprocesses of their own (no database of the suite): once, in the SQLite pass.
pytestmark = pytest.mark.once


def _key(length: int = 32, seed: int = 7) -> str:
    # Fixed material: the parameters below name the tests, and every test worker must see the same names.
    return base64.urlsafe_b64encode(bytes((i * seed + 3) % 256 for i in range(length))).decode().rstrip("=")


# --- finding 19: the public-report rate limit must hold across worker processes ---------------------

def test_production_refuses_to_start_without_a_shared_cache(tmp_path):
    env = production_env(tmp_path)
    del env["OCTIP_REDIS_URL"]
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0
    assert "OCTIP_REDIS_URL" in result.stderr


def test_production_refuses_a_shared_cache_address_that_is_not_redis(tmp_path):
    result = run_manage("check", env_extra={**production_env(tmp_path), "OCTIP_REDIS_URL": "localhost:6379"})
    assert result.returncode != 0 and "OCTIP_REDIS_URL" in result.stderr


def test_production_with_redis_uses_it_for_the_cache(tmp_path):
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
                        env_extra=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "RedisCache" in result.stdout


def test_the_readme_says_what_the_client_address_header_needs():
    production = (ROOT / "README.md").read_text().split("## Production", 1)[1]
    assert "OCTIP_REDIS_URL" in production and "OCTIP_CLIENT_IP_HEADER" in production
    assert "overwrites or appends" in production


# --- finding 20: the key ring is checked at start-up --------------------------------------------------

@pytest.mark.parametrize(("field_keys", "index_key", "named"), [
    ("k1:notbase64", None, "Key k1 is not valid base64"),
    ("k1:" + _key()[:-1] + "!", None, "Key k1 is not valid base64"),
    ("k1:" + _key(31), None, "Key k1 must be 32 bytes"),
    ("k1:" + _key(64), None, "Key k1 must be 32 bytes"),
    (f"k1:{_key()},k1:{_key(seed=11)}", None, "names key k1 twice"),
    (",", None, "OCTIP_FIELD_KEYS holds no key"),
    ("k1", None, "key_id:base64key"),
    ("k1:", None, "Key k1 is empty"),
    (None, "notbase64", "OCTIP_BLIND_INDEX_KEY is not valid base64"),
    (None, _key(16), "OCTIP_BLIND_INDEX_KEY must be 32 bytes"),
])
def test_each_key_ring_problem_is_named(field_keys, index_key, named):
    field_keys = field_keys if field_keys is not None else f"k1:{new_key()}"
    index_key = index_key if index_key is not None else new_key()
    problems = crypto.key_ring_problems(field_keys, index_key)
    assert any(named in problem for problem in problems), problems
    for secret in [*(entry.partition(":")[2] for entry in field_keys.split(",")), index_key]:
        if len(secret) > 3:
            assert not any(secret in problem for problem in problems)


def test_a_good_key_ring_has_no_problem():
    assert crypto.key_ring_problems(f"k1:{new_key()},k2:{new_key()}", new_key()) == []
    padded = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()  # README's recipe keeps the "="
    assert crypto.key_ring_problems(f"k1:{padded}", padded.replace("=", "")) == [
        "OCTIP_BLIND_INDEX_KEY must not be one of the field keys."]


def test_the_blind_index_key_is_not_a_field_key():
    key = new_key()
    assert "OCTIP_BLIND_INDEX_KEY must not be one of the field keys." in crypto.key_ring_problems(f"k1:{key}", key)


def test_loading_a_malformed_ring_names_every_problem():
    with pytest.raises(ImproperlyConfigured, match="names key k1 twice"):
        parse_field_keys(f"k1:{new_key()},k1:{new_key()}")


def test_check_deploy_refuses_a_malformed_key_ring_in_production(tmp_path):
    env = {**production_env(tmp_path), "OCTIP_FIELD_KEYS": "k1:notbase64"}
    result = run_manage("check", "--deploy", env_extra=env)
    assert result.returncode != 0
    assert "Key k1 is not valid base64" in result.stderr
    assert "notbase64" not in (result.stdout + result.stderr).replace("not valid base64", "")


def test_development_check_refuses_a_malformed_key_ring(tmp_path):
    result = run_manage("check", env_extra={"OCTIP_VAR_DIR": str(tmp_path), "OCTIP_FIELD_KEYS": f"k1:{_key(16)}",
                                            "OCTIP_BLIND_INDEX_KEY": new_key()})
    assert result.returncode != 0
    assert "octip.E001" in result.stderr and "Key k1 must be 32 bytes" in result.stderr


def test_development_check_refuses_a_malformed_key_file(tmp_path):
    (tmp_path / "field_keys.json").write_text(json.dumps({"field_keys": "k1:short", "blind_index_key": new_key()}))
    result = run_manage("check", env_extra={"OCTIP_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "field_keys.json" in result.stderr and "Key k1" in result.stderr


def test_development_check_with_no_key_file_yet_passes_and_creates_none(tmp_path):
    result = run_manage("check", env_extra={"OCTIP_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "field_keys.json").exists()  # it is made on first use, not by a check
