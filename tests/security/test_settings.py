"""Production settings, security headers and the public shell."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCTIP_", "DJANGO_", "DATABASE_URL"))}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def production_env(tmp_path):
    from octip.core.crypto import new_key

    return {"OCTIP_ENV": "production", "DJANGO_SECRET_KEY": new_key() + new_key(),
            "OCTIP_ALLOWED_HOSTS": "octip.example.ca", "OCTIP_FIELD_KEYS": f"k1:{new_key()}",
            "OCTIP_BLIND_INDEX_KEY": new_key(), "OCTIP_VAR_DIR": str(tmp_path),
            "OCTIP_AUDIT_SIGNING_KEY": new_key(), "OCTIP_CREDENTIAL_SIGNING_KEYS": f"c1:{new_key()}",
            "OCTIP_REDIS_URL": "redis://127.0.0.1:6379/1", "OCTIP_SITE_URL": "https://octip.example.invalid"}


@pytest.mark.once
def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "OCTIP_FIELD_KEYS", "OCTIP_BLIND_INDEX_KEY",
                                     "OCTIP_AUDIT_SIGNING_KEY"])
@pytest.mark.once
def test_production_refuses_to_start_without_secrets(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.once
def test_production_refuses_mfa_off(tmp_path):
    result = run_manage("check", env_extra={**production_env(tmp_path), "OCTIP_REQUIRE_MFA": "0"})
    assert result.returncode != 0 and "OCTIP_REQUIRE_MFA" in result.stderr


def test_security_headers_and_csp_without_inline_script(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]
    html = response.content.decode()
    assert "<script>" not in html and "<script " not in html.replace('<script src="/static/', "")
    assert " style=" not in html


@pytest.mark.parametrize("path", ["/", "/get-help/"])
def test_public_pages_carry_the_quick_exit(client, db, settings, path):
    html = client.get(path).content.decode()
    assert 'id="quick-exit"' in html
    assert settings.OCTIP_QUICK_EXIT_URL in html
    assert "1-888-712-7974" in html  # the office's 24/7 line


def test_public_pages_in_french(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "Sortie rapide" in html


def test_staff_area_requires_sign_in(client, db):
    response = client.get("/app/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_healthz_reveals_no_data(client, db):
    assert set(client.get("/healthz").json()) == {"status", "database"}


def test_a_refused_public_form_keeps_the_quick_exit(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/report/", {"what": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="quick-exit"' in html and "911" in html


@pytest.mark.once
def test_production_refuses_debug(tmp_path):
    result = run_manage("check", env_extra={**production_env(tmp_path), "OCTIP_DEBUG": "1"})
    assert result.returncode != 0 and "OCTIP_DEBUG" in result.stderr


def test_forwarded_for_uses_the_entry_our_proxy_wrote(rf, settings):
    from octip.core.middleware import client_ip

    settings.OCTIP_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.9"
    settings.OCTIP_CLIENT_IP_HEADER = ""
    assert client_ip(request) == "10.0.0.2"
