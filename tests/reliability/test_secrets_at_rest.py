"""Secrets at rest: TOTP secrets and recovery codes are ciphertext in the database (existing clear rows
are moved by a data migration), and MFA sign-in still works; the blind-index key can be rotated by a
re-index pass that can be interrupted and resumed while searches keep finding everyone."""

from __future__ import annotations

import base64
import datetime
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from octip.cases.models import Case, Person
from octip.cases.selectors import CaseFilters, case_list, find_possible_duplicates
from octip.core import crypto
from octip.partners.models import SealedStaticDevice, SealedStaticToken, SealedTOTPDevice
from octip.partners.services import (
    confirm_totp_enrolment,
    start_totp_enrolment,
    verify_second_factor,
)
from tests.factories import PASSWORD, totp_code
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


def _raw(model, field: str) -> list[str]:
    return list(model.objects.values_list(Cast(field, TextField()), flat=True))


def test_totp_secrets_and_recovery_codes_are_ciphertext_and_sign_in_works(make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user("caseworker")
    device = start_totp_enrolment(actor=user)
    codes = confirm_totp_enrolment(actor=user, device=device, code=totp_code(device))
    assert codes and len(codes) == 10
    [stored_key] = _raw(SealedTOTPDevice, "key")
    assert stored_key.startswith("enc1:") and device.key not in stored_key
    stored_codes = _raw(SealedStaticToken, "token")
    assert len(stored_codes) == 10 and all(c.startswith("enc1:") for c in stored_codes)
    assert not any(code in "".join(stored_codes) for code in codes)
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()

    # Sign in through the pages: password, then a recovery code (used up), then the authenticator.
    client = Client()
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert client.post("/accounts/mfa/verify/", {"code": codes[0]}).status_code == 302
    assert client.get("/app/").status_code == 200
    assert SealedStaticToken.objects.count() == 9
    assert verify_second_factor(actor=user, code=codes[0]) is None  # single use
    fresh = SealedTOTPDevice.objects.get(user=user)
    fresh.last_t = -1
    fresh.save()
    assert isinstance(verify_second_factor(actor=user, code=totp_code(fresh)), SealedTOTPDevice)


def test_the_data_migration_seals_existing_clear_secrets(make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user("caseworker")
    clear = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345efgh")
    session_device = StaticDevice.objects.create(user=user, name="test-verified", confirmed=True)  # no secret
    migration = importlib.import_module("octip.partners.migrations.0004_sealed_mfa_devices")

    migration.seal_existing_secrets(apps, None)

    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    assert list(StaticDevice.objects.all()) == [session_device]
    sealed = SealedTOTPDevice.objects.get(user=user)
    assert sealed.key == clear.key and _raw(SealedTOTPDevice, "key")[0].startswith("enc1:")
    assert SealedStaticDevice.objects.get(user=user).token_set.get().token == "abcd2345efgh"
    # The moved authenticator and recovery code still sign the person in.
    assert verify_second_factor(actor=user, code=totp_code(sealed)) == sealed
    assert verify_second_factor(actor=user, code="abcd2345efgh") is not None


# --- Blind-index key rotation --------------------------------------------------------------------

@pytest.fixture
def ring_with(settings):
    """Configure the blind-index key versions given (``{"b1": key, "b2": key}``; the last is current)."""
    ring = crypto.key_ring()
    field_spec = ",".join(f"{k}:{base64.urlsafe_b64encode(v).decode()}" for k, v in ring.keys.items())
    first = base64.urlsafe_b64encode(ring.blind_index_key).decode()

    def configure(versions: dict[str, str]) -> None:
        settings.OCTIP_FIELD_KEYS = field_spec
        settings.OCTIP_BLIND_INDEX_KEY = ",".join(f"{k}:{v}" for k, v in versions.items())
        crypto.reset_key_ring()

    yield configure, first
    crypto.reset_key_ring()


#: Synthetic names, each with its own sounds (a phonetic search finds one of them).
NAMES = ["Amara Okafor", "Lena Brandt", "Tomas Villanueva", "Hana Kowalczyk", "Dmitri Sokolov"]


def _found(actor, i: int) -> bool:
    """Found by the duplicate check (name and date of birth), and by the case search: by name,
    phonetically, and by date of birth."""
    name, born = NAMES[i] if i < len(NAMES) else "Nobody Known", datetime.date(1990, 1, 1 + i)
    duplicate = bool(find_possible_duplicates(actor=actor, reason="intake", legal_name=name, other_names=[],
                                              date_of_birth=born, phone="", via="test").visible)
    searches = [CaseFilters(name=name), CaseFilters(name=name, phonetic=True),
                CaseFilters(date_of_birth=born)]
    listed = [case_list(actor=actor, filters=f).filter(person__legal_name__isnull=False).count() == 1
              for f in searches]
    assert len({duplicate, *listed}) == 1, (duplicate, listed)
    return duplicate


def test_the_blind_index_key_rotates_with_an_interruption_and_searches_keep_working(
        org, make_user, ring_with, monkeypatch, capsys):
    configure, first = ring_with
    worker = make_user("caseworker", organization=org)
    for i in range(5):
        make_case(organization=org, worker=worker, legal_name=NAMES[i])
        Person.objects.filter(cases__number=Case.objects.latest("opened_at").number).update(
            date_of_birth=datetime.date(1990, 1, 1 + i))
    for person in Person.objects.all():
        person.refresh_indexes()
        person.save()
    assert set(Person.objects.values_list("index_key_id", flat=True)) == {"b1"}
    old_indexes = set(Person.objects.values_list("name_index", flat=True))
    assert all(_found(worker, i) for i in range(5))

    configure({"b1": first, "b2": crypto.new_key()})
    assert all(_found(worker, i) for i in range(5)), "found under b1 while nothing is re-indexed"

    # Interrupted: the second batch fails (the machine went down); the first one stays done.
    from octip.core.management.commands import rotate_blind_index_key as command

    real = command.Command._reindex
    calls = {"n": 0}

    def crash_on_second_batch(self, model, batch, current):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, model, batch, current)

    monkeypatch.setattr(command.Command, "_reindex", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        call_command("rotate_blind_index_key", "--batch-size", "2")
    monkeypatch.setattr(command.Command, "_reindex", real)
    versions = list(Person.objects.values_list("index_key_id", flat=True))
    assert versions.count("b2") == 2 and versions.count("b1") == 3
    assert all(_found(worker, i) for i in range(5)), "found under both versions mid-rotation"

    # Chunked: stop after one more row, then resume to the end.
    call_command("rotate_blind_index_key", "--batch-size", "2", "--max-rows", "1")
    assert "still under an older version" in capsys.readouterr().out
    assert list(Person.objects.values_list("index_key_id", flat=True)).count("b1") == 2
    call_command("rotate_blind_index_key", "--batch-size", "2")
    assert "every row is indexed under blind-index key b2" in capsys.readouterr().out
    assert set(Person.objects.values_list("index_key_id", flat=True)) == {"b2"}
    assert not old_indexes & set(Person.objects.values_list("name_index", flat=True))

    # Done: the old version can go, and everyone is still found.
    current = base64.urlsafe_b64encode(crypto.key_ring().blind_index_key).decode()
    configure({"b2": current})
    assert all(_found(worker, i) for i in range(5))
    assert not _found(worker, 7)
