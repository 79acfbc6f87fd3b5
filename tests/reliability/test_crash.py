"""Crash safety: the real server (gunicorn) takes a stream of writes — intakes, consents, notes,
referrals — through the API with a personal access token, is killed with SIGKILL mid-stream, and is
started again. Then every write that was answered 2xx is there, nothing half-written is visible, and
the audit log verifies. On SQLite (a file copied out of the test database and back, as in
tests/jobs/test_worker_process.py) and on PostgreSQL (the test's own database)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from octip.cases.models import Case, CaseAccessGrant, Note, Person, name_index
from octip.consent.models import Consent
from octip.core.models import AuditEvent
from octip.referrals.models import Referral
from tests.factories import OrganizationFactory, TeamFactory
from tests.factories.partners import region

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 3
#: The server is killed once this many writes were answered (a few seconds of work, not more).
KILL_AFTER = 24

#: What the test measured, per database: docs/operations.md quotes it (writes killed, writes lost).
FIGURES: dict[str, dict[str, int]] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(sqlite_file: Path | None) -> str:
    if sqlite_file is not None:
        return f"sqlite:///{sqlite_file}"
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """``gunicorn octip.wsgi`` in its own process group, as production runs it (docs/operations.md)."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "OCTIP_VAR_DIR": str(settings.VAR_DIR),
               "PYTHONPATH": str(ROOT), "OCTIP_REQUIRE_MFA": "1",
               "OCTIP_AUDIT_CHECKPOINT_DIR": str(settings.OCTIP_AUDIT_CHECKPOINT_DIR)}
        env.pop("OCTIP_TEST_SQLITE_NAME", None)
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own server, no shell
            [sys.executable, "-m", "gunicorn", "octip.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--threads", "2", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited: see {log}"
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):  # noqa: S310 - local
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer within 60 s: see {log}")

    def kill(self) -> None:
        """SIGKILL to the master and every worker: no graceful anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


@dataclass
class Stream:
    base: str
    token: str
    organization_id: int
    answered: list[tuple[str, dict]] = field(default_factory=list)
    killed: list[tuple[str, dict]] = field(default_factory=list)
    not_sent: int = 0
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def post(self, kind: str, path: str, body: dict) -> dict | None:
        request = urllib.request.Request(  # noqa: S310 - local
            f"{self.base}/api/v1{path}", data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - local
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            with self.lock:
                self.refused.append((kind, error.code, error.read()[:300].decode(errors="replace")))
            return None
        except OSError as error:
            with self.lock:
                if isinstance(getattr(error, "reason", error), ConnectionRefusedError):
                    self.not_sent += 1  # started after the kill: it never reached the server
                else:
                    # The connection died with the server while the write was in flight: killed mid-stream.
                    self.killed.append((kind, body))
            self.stop.set()
            return None
        with self.lock:
            self.answered.append((kind, answer))
        return answer

    def writer(self, n: int) -> None:
        i = 0
        while not self.stop.is_set():
            i += 1
            case = self.post("intake", "/cases", {
                "person": {"legal_name": f"Synthetic Crash {n}-{i}", "date_of_birth": f"1991-04-0{1 + i % 9}",
                           "phone": f"604-555-{n}{i:03d}"},
                "region": "fraser", "exploitation_types": ["labour"]})
            if case is None:
                continue
            if self.post("note", f"/cases/{case['id']}/notes", {"body": f"First meeting {i}."}) is None:
                continue
            consent = self.post("consent", f"/cases/{case['id']}/consents", {
                "scope": "share_with_organization", "language": "English", "organization_id": self.organization_id,
                "purpose": "housing support", "sections": ["summary", "needs"]})
            if consent is None:
                continue
            self.post("referral", f"/cases/{case['id']}/referrals", {
                "organization_id": self.organization_id, "purpose": "Shelter bed tonight", "urgency": "urgent",
                "sections": ["summary", "needs"]})


def _world():
    from octip.partners.services import create_api_token

    org = OrganizationFactory(name="Crash Test Shelter (test)")
    team = TeamFactory(organization=org)
    from tests.factories import UserFactory

    worker = UserFactory(role="caseworker", organization=org, teams=[team])
    partner = OrganizationFactory(name="Crash Test Partner (test)")
    UserFactory(role="caseworker", organization=partner, teams=[TeamFactory(organization=partner)])
    region("fraser")
    _token, raw = create_api_token(actor=worker, name="crash test")
    return partner, raw


def _check_after_restart(stream: Stream, server: Server) -> None:
    # The restarted server answers, with what was written before the kill.
    cases = [a for kind, a in stream.answered if kind == "intake"]
    probe = urllib.request.Request(f"{server.base}/api/v1/cases/{cases[0]['id']}",  # noqa: S310 - local
                                   headers={"Authorization": f"Bearer {stream.token}"})
    with urllib.request.urlopen(probe, timeout=10) as response:  # noqa: S310 - local
        assert json.loads(response.read())["id"] == cases[0]["id"]


def _lost_and_half_written(stream: Stream) -> tuple[int, list[str]]:
    lost = 0
    for kind, answer in stream.answered:
        model = {"intake": Case, "note": Note, "consent": Consent, "referral": Referral}[kind]
        lost += not model.objects.filter(pk=answer["id"]).exists()
    half: list[str] = []
    orphans = Person.objects.filter(cases__isnull=True).values_list("pk", flat=True)
    half += [f"person {pk} without a case" for pk in orphans]
    for case in Case.objects.all():
        if not AuditEvent.objects.filter(target_id=str(case.pk), action="case.opened").exists():
            half.append(f"case {case.pk} without its audit event")
    for referral in Referral.objects.select_related("disclosure"):
        if referral.disclosure is None or not CaseAccessGrant.objects.filter(
                source="referral", source_id=str(referral.pk)).exists():
            half.append(f"referral {referral.pk} without its disclosure or access grant")
    return lost, half


def _crash_and_restart(tmp_path: Path, sqlite_file: Path | None, label: str) -> None:
    partner, token = _world()
    call_command("audit_checkpoint")  # verify_audit checks the chain against a signed checkpoint too
    if sqlite_file is not None:
        connection.ensure_connection()
        with sqlite3.connect(sqlite_file) as copy:
            connection.connection.backup(copy)
    url = _database_url(sqlite_file)
    server = Server(url, tmp_path / "gunicorn.log")
    stream = Stream(server.base, token, partner.pk)
    threads = [threading.Thread(target=stream.writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    while len(stream.answered) < KILL_AFTER and not stream.stop.is_set():
        time.sleep(0.01)
    server.kill()
    stream.stop.set()
    for thread in threads:
        thread.join(timeout=30)
    restarted = Server(url, tmp_path / "gunicorn.log")
    try:
        _check_after_restart(stream, restarted)
    finally:
        restarted.stop()
    if sqlite_file is not None:
        with sqlite3.connect(sqlite_file) as copy:
            copy.backup(connection.connection)

    assert not stream.refused, stream.refused
    lost, half = _lost_and_half_written(stream)
    # A write killed in flight was never answered: it either committed before the kill or left nothing.
    killed_intakes = [body for kind, body in stream.killed if kind == "intake"]
    committed = sum(Person.objects.filter(name_index=name_index(b["person"]["legal_name"])).exists()
                    for b in killed_intakes)
    FIGURES[label] = {"answered_2xx": len(stream.answered), "killed_mid_stream": len(stream.killed),
                      "killed_intakes_committed": committed, "not_sent_after_kill": stream.not_sent, "lost": lost}
    print(f"crash[{label}]: {FIGURES[label]}")  # noqa: T201 - the figures the issue asks for
    assert stream.killed, "the kill landed between writes: nothing was in flight"
    assert lost == 0
    assert not half, half
    call_command("verify_audit", "--full")


# Skipped before any fixture runs: a transactional test's teardown (a flush) costs seconds on PostgreSQL.
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run")
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_stream_on_sqlite(tmp_path):
    _crash_and_restart(tmp_path, tmp_path / "crash.sqlite3", "sqlite")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs DATABASE_URL on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_stream_on_postgresql(tmp_path):
    _crash_and_restart(tmp_path, None, "postgresql")
