"""Backup and restore: a round trip gives identical rows (byte for byte, re-dumped) and files and an audit
log that verifies; the wrong keys, a damaged backup, a database that is not empty or another schema
are refused with a clear message before anything is written. A backup changed by whoever holds no key
(rows and their digests, the manifest) is refused by the manifest's signature first; a manifest that
leaves a table out, symbolic links, open sessions and a certificate signing ring without the data's
keys are refused; an audit log that does not verify rolls the whole restore back."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from octip.cases.models import Case, Document, Person
from octip.cases.services import add_note, upload_document
from octip.cases.services.documents import read_document
from octip.core import backup, crypto
from octip.core.backup import backed_up_models, restore_backup, storage_files, write_backup
from octip.core.models import AuditEvent
from octip.partners.models import User
from octip.referrals.services import send_referral
from tests.prevention.conftest import course, learner, passed, trainer  # noqa: F401 - the certificate fixtures

pytestmark = pytest.mark.django_db(transaction=True)

#: Round trips the tests make (the closing note of issue 14 quotes them).
ROUND_TRIPS = {"count": 0}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings.OCTIP_STATS_RELEASE_DIR = tmp_path / "stats-releases"
    release = settings.OCTIP_STATS_RELEASE_DIR / "d9c1" / "aggregate.csv"
    release.parent.mkdir(parents=True)
    release.write_text("measure,count\ncases,12\n")


@pytest.fixture
def world(case, caseworker, partner_org, partner_worker, consent_to_partner):
    add_note(actor=caseworker, case=case, body="Synthetic note: first meeting at the shelter.")
    upload_document(actor=caseworker, case=case, kind="legal", filename="permit.txt", content=b"synthetic permit")
    send_referral(actor=caseworker, case=case, organization=partner_org, purpose="Shelter bed tonight",
                  urgency="urgent", sections=["summary", "needs"])
    call_command("audit_checkpoint")
    return case


def _empty_database() -> None:
    """What `migrate` on a new database gives: no rows but the content types and permissions."""
    call_command("flush", interactive=False, verbosity=0)
    from django.core.files.storage import storages

    for name in list(storage_files()):
        storages["default"].delete(name)
    from django.conf import settings

    shutil.rmtree(settings.OCTIP_STATS_RELEASE_DIR)
    assert not Case.objects.exists() and not AuditEvent.objects.exists()


def _resign(folder: Path, manifest: dict) -> None:
    """Write ``manifest`` into the backup signed with the configured keys: a backup this installation made
    of data that was already so (only the key ring's holder can do this)."""
    signed = backup.sign_manifest({k: v for k, v in manifest.items() if k != "mac"})
    (folder / "manifest.json").write_text(json.dumps(signed))


def _digests(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return {**{t["file"]: t["sha256"] for t in manifest["tables"]},
            **{f"files/{f['name']}": f["sha256"] for f in manifest["files"]},
            **{f"folders/{f['folder']}/{f['name']}": f["sha256"] for f in manifest["folders"]}}


def test_a_round_trip_gives_identical_rows_and_files_and_a_log_that_verifies(world, caseworker, tmp_path):
    first = write_backup(tmp_path / "one")
    assert first.rows > 0 and first.files == 1
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    # Ciphertext stays ciphertext; no key, only fingerprints.
    dump = "".join(p.read_text() for p in (tmp_path / "one" / "db").iterdir())
    assert "Synthetic note" not in dump and "Synthetic Person" not in dump and "enc1:" in dump
    ring = crypto.key_ring()
    everything = "".join(p.read_text(errors="replace") for p in (tmp_path / "one").rglob("*") if p.is_file())
    for key in [*ring.keys.values(), ring.blind_index_key]:
        assert base64.urlsafe_b64encode(key).decode().rstrip("=") not in everything
    assert manifest["keys"]["field_keys_in_use"] == [ring.current_id]
    assert {t["model"] for t in manifest["tables"]} == {m._meta.label_lower for m in backed_up_models()}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in (tmp_path / "one").rglob("*") if p.is_file())

    _empty_database()
    restored = restore_backup(tmp_path / "one")
    assert restored.rows == first.rows and restored.files == 1
    second = write_backup(tmp_path / "two")
    assert _digests(tmp_path / "one") == _digests(tmp_path / "two")
    ROUND_TRIPS["count"] += 1

    call_command("verify_audit", "--full")
    document = Document.objects.get()
    reader = User.objects.get(pk=caseworker.pk)
    assert read_document(actor=reader, document=document) == b"synthetic permit"
    person = Person.objects.get()
    assert person.legal_name == "Synthetic Person" and person.name_index == crypto.blind_index(
        "Synthetic Person", "person.name")
    assert second.rows == first.rows
    assert "folders/stats-releases/d9c1/aggregate.csv" in _digests(tmp_path / "two")
    from django.conf import settings

    assert (settings.OCTIP_STATS_RELEASE_DIR / "d9c1" / "aggregate.csv").read_text() == "measure,count\ncases,12\n"


def test_the_commands_refuse_bad_input_and_change_nothing(world, tmp_path, monkeypatch):
    def disk_full(model):
        raise OSError("No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(backup, "table_rows", disk_full)
        with pytest.raises(OSError, match="No space"):
            call_command("backup", str(tmp_path / "half"))
    assert not (tmp_path / "half").exists(), "a half-written backup is removed"
    call_command("backup", str(tmp_path / "b"))
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", str(tmp_path / "b"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "b"))
    with pytest.raises(CommandError, match="holds no manifest"):
        call_command("restore", str(tmp_path))
    cases = Case.objects.count()

    _empty_database()
    # A damaged dump: refused by its digest.
    damaged = tmp_path / "damaged"
    shutil.copytree(tmp_path / "b", damaged)
    table = next((damaged / "db").glob("cases.note.jsonl"))
    table.write_text(table.read_text().replace("enc1", "enc2", 1))
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("restore", str(damaged))
    # Another schema: refused.
    other = tmp_path / "other"
    shutil.copytree(tmp_path / "b", other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["migrations"].append(["cases", "9999_from_the_future"])
    _resign(other, manifest)  # as another version of the platform, with these keys, would have written it
    with pytest.raises(CommandError, match="schema is not the backup's"):
        call_command("restore", str(other))
    assert not Case.objects.exists() and next(storage_files(), None) is None

    call_command("restore", str(tmp_path / "b"))
    ROUND_TRIPS["count"] += 1
    assert Case.objects.count() == cases
    assert AuditEvent.objects.filter(action="backup.restored").count() == 1


def test_the_wrong_keys_are_refused_before_anything_is_written(world, tmp_path, settings):
    call_command("backup", str(tmp_path / "b"))
    _empty_database()
    events = AuditEvent.objects.count()
    ring = crypto.key_ring()

    def b64(key: bytes) -> str:
        return base64.urlsafe_b64encode(key).decode()

    for which, message in [("field", "not the backup's"), ("blind_index", "blind-index")]:
        settings.OCTIP_FIELD_KEYS = ",".join(f"{k}:{crypto.new_key() if which == 'field' else b64(v)}"
                                             for k, v in ring.keys.items())
        settings.OCTIP_BLIND_INDEX_KEY = crypto.new_key() if which == "blind_index" else b64(ring.blind_index_key)
        crypto.reset_key_ring()
        try:
            with pytest.raises(CommandError, match=message):
                call_command("restore", str(tmp_path / "b"))
        finally:
            crypto.reset_key_ring()
        assert not Case.objects.exists() and AuditEvent.objects.count() == events
        assert next(storage_files(), None) is None


# --- The reviewer's findings (issue: unauthenticated manifest, audit verified after commit, signing keys) ---

def _copy(tmp_path: Path, source: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(source, target, symlinks=True)
    return target


def _nothing_restored(events: int) -> None:
    from django.conf import settings

    assert not Case.objects.exists() and not User.objects.exists()
    assert AuditEvent.objects.count() == events
    assert next(storage_files(), None) is None
    assert not any(p.is_file() for p in settings.OCTIP_STATS_RELEASE_DIR.rglob("*"))


def _rewrite_table(folder: Path, label: str, change) -> dict:
    """Edit one table of the backup (``change`` maps a row's dict to a new one) and put its new SHA-256 in
    the manifest, as whoever can write the backup but holds no key can: returns the manifest."""
    path = folder / "db" / f"{label}.jsonl"
    header, *lines = path.read_text().splitlines()
    columns = json.loads(header)["columns"]
    rows = [change(dict(zip(columns, json.loads(line), strict=True))) for line in lines]
    path.write_text("\n".join([header, *(json.dumps([r[c] for c in columns], sort_keys=True) for r in rows)]) + "\n")
    manifest = json.loads((folder / "manifest.json").read_text())
    entry = next(t for t in manifest["tables"] if t["model"] == label)
    entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return manifest


def test_a_changed_row_or_manifest_is_refused_by_the_manifests_signature_first(world, caseworker, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    _empty_database()
    events = AuditEvent.objects.count()

    # The reviewer's repro: a caseworker made system administrator, the new digest put into manifest.json.
    promoted = _copy(tmp_path, tmp_path / "b", "promoted")
    altered = _rewrite_table(promoted, "partners.user", lambda r: {**r, "role": "system_admin"})
    (promoted / "manifest.json").write_text(json.dumps(altered))
    with pytest.raises(CommandError, match="the manifest is not signed by this installation's keys, or was changed"):
        call_command("restore", str(promoted))
    _nothing_restored(events)

    # A replaced password hash, the same way.
    hashed = _copy(tmp_path, tmp_path / "b", "hashed")
    altered = _rewrite_table(hashed, "partners.user", lambda r: {**r, "password": "md5$salt$0123456789abcdef"})
    (hashed / "manifest.json").write_text(json.dumps(altered))
    # Checked before anything else: a manifest that is also malformed says what matters first.
    (hashed / "manifest.json").write_text(json.dumps({**altered, "format": "octip-backup/0", "tables": "x"}))
    with pytest.raises(CommandError, match="not signed by this installation's keys, or was changed"):
        call_command("restore", str(hashed))
    # An unsigned manifest (the signature taken out) is refused too.
    unsigned = {k: v for k, v in json.loads((tmp_path / "b" / "manifest.json").read_text()).items() if k != "mac"}
    (hashed / "manifest.json").write_text(json.dumps(unsigned))
    with pytest.raises(CommandError, match="not signed by this installation's keys, or was changed"):
        call_command("restore", str(hashed))
    _nothing_restored(events)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["mac"]["alg"] == "HMAC-SHA256" and manifest["mac"]["key"] == crypto.key_ring().current_id
    call_command("restore", str(tmp_path / "b"))  # the backup as written restores
    assert User.objects.get(pk=caseworker.pk).role == caseworker.role


def test_a_signed_manifest_must_list_every_backed_up_table(world, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    _empty_database()
    events = AuditEvent.objects.count()
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["tables"] = [t for t in manifest["tables"] if t["model"] != "core.auditevent"]
    _resign(tmp_path / "b", manifest)
    with pytest.raises(CommandError, match=r"does not hold every table .*core\.auditevent"):
        call_command("restore", str(tmp_path / "b"))
    _nothing_restored(events)


def test_an_audit_log_that_does_not_verify_is_rolled_back_with_everything_else(world, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    _empty_database()
    events = AuditEvent.objects.count()
    # The log was rewritten before the backup (an event's detail changed): the backup is genuine, the log not.
    manifest = _rewrite_table(tmp_path / "b", "core.auditevent",
                              lambda r: {**r, "purpose": "rewritten"} if r["seq"] == 2 else r)
    _resign(tmp_path / "b", manifest)
    with pytest.raises(CommandError, match=r"audit log does not verify.*seq=2.*rolled back"):
        call_command("restore", str(tmp_path / "b"))
    _nothing_restored(events)


def test_symbolic_links_in_the_backup_and_open_sessions_are_refused(world, tmp_path):
    from django.contrib.sessions.backends.db import SessionStore

    call_command("backup", str(tmp_path / "b"))
    _empty_database()
    events = AuditEvent.objects.count()
    # A file of the backup replaced by a link to a copy outside it (same bytes: the digest matches).
    linked = _copy(tmp_path, tmp_path / "b", "linked")
    document = next(p for p in (linked / "files").rglob("*") if p.is_file())
    outside = tmp_path / "outside.bin"
    outside.write_bytes(document.read_bytes())
    document.unlink()
    document.symlink_to(outside)
    with pytest.raises(CommandError, match="symbolic link"):
        call_command("restore", str(linked))
    # The db folder replaced by a link to a copy of it outside the backup.
    db_linked = _copy(tmp_path, tmp_path / "b", "db-linked")
    shutil.move(db_linked / "db", tmp_path / "db-outside")
    (db_linked / "db").symlink_to(tmp_path / "db-outside")
    with pytest.raises(CommandError, match="symbolic link"):
        call_command("restore", str(db_linked))
    _nothing_restored(events)
    # Someone still signed in on the database restored into: refused as not empty.
    session = SessionStore()
    session["who"] = "someone"
    session.create()
    with pytest.raises(CommandError, match=r"not empty.*sessions\.session"):
        call_command("restore", str(tmp_path / "b"))
    _nothing_restored(events)


@pytest.fixture
def credential_ring(settings, tmp_path):
    """A certificate signing ring of the test's own (one key, ``kid-a``)."""
    from octip.prevention import credentials

    settings.OCTIP_CREDENTIAL_SIGNING_KEYS = f"kid-a:{credentials.new_signing_key()}"
    settings.OCTIP_SITE_URL = ""
    credentials.reset_ring()
    yield settings.OCTIP_CREDENTIAL_SIGNING_KEYS
    credentials.reset_ring()


def test_the_certificate_signing_keys_the_data_names_must_be_configured(credential_ring, passed, tmp_path,  # noqa: F811
                                                                        settings):
    from cryptography.hazmat.primitives import serialization

    from octip.prevention import credentials

    _enrolment, credential = passed
    public = credentials.ring().keys["kid-a"].public_key.public_bytes(serialization.Encoding.Raw,
                                                                      serialization.PublicFormat.Raw)
    call_command("backup", str(tmp_path / "b"))
    _empty_database()
    events = AuditEvent.objects.count()

    for ring, message in [(f"kid-b:{credentials.new_signing_key()}", "signed with key kid-a, which is not in"),
                          (f"kid-a:{credentials.new_signing_key()}", "Signing key kid-a .* public key differs")]:
        settings.OCTIP_CREDENTIAL_SIGNING_KEYS = ring
        credentials.reset_ring()
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(tmp_path / "b"))
        _nothing_restored(events)

    # The manifest names each key by kid and the SHA-256 of its public key; no private key is in the backup.
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["keys"]["signing_keys_in_use"] == {
        "prevention.credential": {"kid-a": hashlib.sha256(public).hexdigest()}}
    everything = "".join(p.read_text(errors="replace") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert credential_ring.split(":", 1)[1] not in everything
    settings.OCTIP_CREDENTIAL_SIGNING_KEYS = credential_ring
    credentials.reset_ring()
    call_command("restore", str(tmp_path / "b"))
    from octip.prevention.models import Credential

    restored = Credential.objects.get(pk=credential.pk)
    assert credentials.check_signature(restored.token).status == credentials.Status.VALID


def test_a_round_trip_through_object_storage_restores_the_documents_into_the_bucket(s3_bucket, world, caseworker,
                                                                                     tmp_path):
    # OCTIP_STORAGE=s3 against a real S3 server on loopback: the backup reads the bucket's objects as
    # stored (sealed), the restore writes them back into an emptied bucket under the same keys.
    document = Document.objects.get()
    assert s3_bucket.keys() == [document.storage_name]
    sealed = s3_bucket.read(document.storage_name)
    first = write_backup(tmp_path / "one")
    assert first.files == 1
    assert (tmp_path / "one" / "files" / document.storage_name).read_bytes() == sealed
    _empty_database()
    assert s3_bucket.keys() == []
    restored = restore_backup(tmp_path / "one")
    assert restored.rows == first.rows and restored.files == 1
    assert s3_bucket.keys() == [document.storage_name] and s3_bucket.read(document.storage_name) == sealed
    reader = User.objects.get(pk=caseworker.pk)
    assert read_document(actor=reader, document=Document.objects.get()) == b"synthetic permit"
