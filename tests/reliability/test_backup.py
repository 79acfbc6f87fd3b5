"""Backup and restore: a round trip gives identical rows (byte for byte, re-dumped) and files and an audit
log that verifies; the wrong keys, a damaged backup, a database that is not empty or another schema
are refused with a clear message before anything is written."""

from __future__ import annotations

import base64
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
from octip.core import crypto
from octip.core.backup import backed_up_models, restore_backup, storage_files, write_backup
from octip.core.models import AuditEvent
from octip.partners.models import User
from octip.referrals.services import send_referral

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
    from octip.core import backup

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
    (other / "manifest.json").write_text(json.dumps(manifest))
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
