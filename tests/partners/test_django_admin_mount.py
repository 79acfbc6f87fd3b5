"""The Django admin (issue 9, "Also"): it answers only where ``OCTIP_DJANGO_ADMIN`` asks for it, and never in
production by default, so nobody is offered a second sign-in page without lockout throttling or MFA."""

import importlib

import pytest
from django.urls import clear_url_caches

from tests.security.test_settings import production_env, run_manage


@pytest.fixture
def remount(settings):
    """Reload the URLconf under the test's settings, and again under the normal ones afterwards."""
    import octip.urls

    def reload() -> None:
        importlib.reload(octip.urls)
        clear_url_caches()

    yield reload
    settings.OCTIP_DJANGO_ADMIN = False
    reload()


def test_the_django_admin_is_not_served_by_default(client, db, settings, remount):
    assert settings.OCTIP_DJANGO_ADMIN is False
    remount()
    assert client.get("/django-admin/").status_code == 404
    assert client.get("/django-admin/login/").status_code == 404


def test_the_django_admin_is_served_where_a_setting_asks(client, db, settings, remount):
    settings.OCTIP_DJANGO_ADMIN = True
    remount()
    assert client.get("/django-admin/login/").status_code == 200


def test_production_does_not_mount_it_unless_asked(tmp_path):
    probe = "from django.conf import settings; print('admin', settings.OCTIP_DJANGO_ADMIN)"
    result = run_manage("shell", "-c", probe, env_extra=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "admin False" in result.stdout
    result = run_manage("shell", "-c", probe, env_extra={**production_env(tmp_path), "OCTIP_DJANGO_ADMIN": "1"})
    assert "admin True" in result.stdout
