"""Field encryption, blind indexes and key rotation."""

import base64
import datetime
import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models

from octip.core import crypto
from octip.core.fields import EncryptedChar, EncryptedDate, EncryptedJSON, EncryptedText
from octip.partners.models import User


def key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def key_ring(settings):
    """A key ring of our own for the test, restored afterwards."""
    def use(spec: str, index_key: str | None = None):
        settings.OCTIP_FIELD_KEYS = spec
        settings.OCTIP_BLIND_INDEX_KEY = index_key or settings.OCTIP_BLIND_INDEX_KEY or key()
        crypto.reset_key_ring()
    yield use
    crypto.reset_key_ring()


def test_round_trip_and_key_id_prefix(key_ring):
    key_ring(f"alpha:{key()}")
    sealed = crypto.encrypt("Jane Synthetic", "cases.person.legal_name")
    assert sealed.startswith("enc1:alpha:")
    assert "Jane" not in sealed
    assert crypto.decrypt(sealed, "cases.person.legal_name") == "Jane Synthetic"
    assert crypto.encrypt("Jane Synthetic", "x") != crypto.encrypt("Jane Synthetic", "x")  # random nonce


def test_ciphertext_moved_to_another_column_does_not_decrypt(key_ring):
    key_ring(f"alpha:{key()}")
    sealed = crypto.encrypt("secret", "cases.person.legal_name")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, "cases.person.address")


def test_tampered_ciphertext_is_refused(key_ring):
    key_ring(f"alpha:{key()}")
    sealed = crypto.encrypt("secret", "ctx")
    body = bytearray(base64.urlsafe_b64decode(sealed.split(":", 2)[2]))
    body[-1] ^= 1
    forged = "enc1:alpha:" + base64.urlsafe_b64encode(bytes(body)).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(forged, "ctx")


def test_old_values_stay_readable_after_a_new_key_is_added(key_ring):
    old = key()
    key_ring(f"k1:{old}")
    sealed = crypto.encrypt("value", "ctx")
    key_ring(f"k1:{old},k2:{key()}")
    assert crypto.key_id_of(crypto.encrypt("value", "ctx")) == "k2"
    assert crypto.decrypt(sealed, "ctx") == "value"


FIXED_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


@pytest.mark.parametrize("spec", ["", "nocolon", "k1:short", f"k1:{FIXED_KEY},k1:{FIXED_KEY}", f"bad id!:{FIXED_KEY}"],
                         ids=["empty", "no-colon", "short-key", "duplicate-id", "bad-id"])
def test_bad_key_configuration_is_a_clear_error(spec):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_field_keys(spec)


def test_blind_index_is_normalized_keyed_and_purpose_separated(key_ring):
    key_ring(f"k1:{key()}", index_key=key())
    a = crypto.blind_index("  Zoë  O'Brien ", "person.name")
    assert a == crypto.blind_index("zoe o brien", "person.name")
    assert a != crypto.blind_index("zoe o brien", "person.alias")
    assert len(a) == 64 and "zo" not in a
    assert crypto.blind_index("", "person.name") == ""
    first = a
    key_ring(f"k1:{key()}", index_key=key())
    assert crypto.blind_index("Zoë O'Brien", "person.name") != first  # keyed: useless without the key


def test_phonetic_index_matches_spelling_variants(key_ring):
    key_ring(f"k1:{key()}", index_key=key())
    assert crypto.phonetic_index("Jon Smyth", "person.name") == crypto.phonetic_index("John Smith", "person.name")
    assert crypto.phonetic_index("Smith John", "person.name") == crypto.phonetic_index("John Smith", "person.name")
    assert crypto.phonetic_index("Maria Lopez", "person.name") != crypto.phonetic_index("John Smith", "person.name")


def test_development_key_file_is_private(settings, tmp_path):
    import stat

    settings.OCTIP_FIELD_KEYS = ""
    settings.OCTIP_BLIND_INDEX_KEY = ""
    settings.OCTIP_KEY_FILE = tmp_path / "field_keys.json"
    crypto.reset_key_ring()
    try:
        ring = crypto.key_ring()
        assert ring.current_id == "k1"
        assert stat.S_IMODE(settings.OCTIP_KEY_FILE.stat().st_mode) == 0o600
    finally:
        crypto.reset_key_ring()


def test_production_refuses_to_run_without_keys(settings):
    settings.OCTIP_FIELD_KEYS = ""
    settings.OCTIP_BLIND_INDEX_KEY = ""
    settings.PRODUCTION = True
    crypto.reset_key_ring()
    try:
        with pytest.raises(ImproperlyConfigured):
            crypto.key_ring()
    finally:
        crypto.reset_key_ring()


# --- encrypted model fields, through a real table ---------------------------------------------

class SecretThing(models.Model):
    """A throwaway model with encrypted fields; its table exists only during the tests below."""

    name = EncryptedChar(max_length=100, blank=True)
    story = EncryptedText(blank=True)
    born = EncryptedDate(null=True, blank=True)
    aliases = EncryptedJSON(null=True, blank=True)

    class Meta:
        app_label = "core"
        db_table = "test_secret_thing"
        managed = False


@pytest.fixture
def secret_model(transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(SecretThing)
    yield SecretThing
    with connection.schema_editor() as editor:
        editor.delete_model(SecretThing)


def raw_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - test table name
        return cursor.fetchall()


def test_encrypted_fields_round_trip_and_store_no_plaintext(secret_model):
    thing = secret_model.objects.create(name="Ada Synthetica", story="Met at the bus depot",
                                        born=datetime.date(2001, 2, 3), aliases=["Ada S.", "Addie"])
    thing = secret_model.objects.get(pk=thing.pk)
    assert thing.name == "Ada Synthetica"
    assert thing.born == datetime.date(2001, 2, 3)
    assert thing.aliases == ["Ada S.", "Addie"]
    stored = " ".join(str(v) for row in raw_rows("test_secret_thing") for v in row)
    for plaintext in ("Ada", "Synthetica", "bus depot", "2001", "Addie"):
        assert plaintext not in stored
    assert stored.count("enc1:") == 4


def test_encrypted_fields_refuse_lookups_that_cannot_work(secret_model):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(secret_model.objects.filter(name__icontains="Ada"))
    assert secret_model.objects.filter(born__isnull=True).count() == 0


def test_rotate_keys_reencrypts_everything_and_can_run_again(secret_model, key_ring, capsys):
    old = key()
    key_ring(f"k1:{old}")
    for i in range(7):
        secret_model.objects.create(name=f"Person {i}", story="s", born=datetime.date(2000, 1, i + 1))
    user = User.objects.first()
    key_ring(f"k1:{old},k2:{key()}")
    call_command("rotate_keys", batch_size=3)
    assert "7 rows re-encrypted under key k2" in capsys.readouterr().out
    rows = raw_rows("test_secret_thing")
    assert all(crypto.key_id_of(v) == "k2" for row in rows for v in row[1:4] if v)
    assert sorted(t.name for t in secret_model.objects.all()) == [f"Person {i}" for i in range(7)]
    call_command("rotate_keys")  # nothing left to do: a second run is harmless
    assert "0 rows re-encrypted" in capsys.readouterr().out
    assert user is None or User.objects.filter(pk=user.pk).exists()


def test_rotation_interrupted_midway_finishes_on_the_next_run(secret_model, key_ring, monkeypatch):
    old = key()
    key_ring(f"k1:{old}")
    for i in range(6):
        secret_model.objects.create(name=f"Person {i}")
    key_ring(f"k1:{old},k2:{key()}")
    from django.db.models import QuerySet

    real_update, calls = QuerySet.update, {"n": 0}

    def flaky_update(self, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", flaky_update)
    with pytest.raises(KeyboardInterrupt):
        call_command("rotate_keys", batch_size=3)
    monkeypatch.setattr(QuerySet, "update", real_update)
    ids = [crypto.key_id_of(row[1]) for row in raw_rows("test_secret_thing")]
    assert ids.count("k2") == 3 and ids.count("k1") == 3  # first batch committed, second rolled back
    call_command("rotate_keys", batch_size=3)
    assert {crypto.key_id_of(row[1]) for row in raw_rows("test_secret_thing")} == {"k2"}


def database_dump() -> str:
    """The whole database as a dump would show it (sqlite3 .dump / pg_dump)."""
    import shutil
    import subprocess

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    settings_dict = connection.settings_dict
    pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
    return subprocess.run(
        [pg_dump, "-h", settings_dict["HOST"] or "127.0.0.1", "-p", str(settings_dict["PORT"] or 5432),
         "-U", settings_dict["USER"] or "postgres", "--data-only", settings_dict["NAME"]],
        check=True, capture_output=True, text=True).stdout


def test_database_dump_shows_no_plaintext_of_encrypted_fields(secret_model):
    secret_model.objects.create(name="Quentin Plaintextovich", story="Lives near the Fraser docks",
                                born=datetime.date(1999, 12, 31), aliases=["Q-Ball"])
    dump = database_dump()
    assert "test_secret_thing" in dump and "enc1:" in dump
    for plaintext in ("Quentin", "Plaintextovich", "Fraser docks", "1999-12-31", "Q-Ball"):
        assert plaintext not in dump
