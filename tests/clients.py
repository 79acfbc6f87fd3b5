"""A Django test client signed in as a user and past MFA: the tests (``client_for``) and the request
benchmarks (``bench/_harness.py``) both sign in with it.

Only Django and django-otp are imported here, so the benchmarks need none of the test dependencies.
"""

from __future__ import annotations

from django.test import Client


def signed_in_client(user) -> Client:
    """A client signed in as ``user`` and past MFA (as if they had entered a valid code)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    client = Client()
    client.force_login(user)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="test-verified", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client
