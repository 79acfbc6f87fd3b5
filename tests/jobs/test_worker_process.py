"""A real worker process (``manage.py db_worker``) started by the test runs a queued job end to end
against the real database: the test's own PostgreSQL database, or on SQLite a file that holds the
test database (copied out with SQLite's backup API when the test database lives in memory, and
copied back so the test reads what the worker wrote)."""

from __future__ import annotations

import datetime
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from octip.notifications.models import Kind, Notification
from octip.notifications.services import notify
from octip.notifications.tasks import escalate_unacknowledged

ROOT = Path(__file__).resolve().parents[2]


def _database_url(sqlite_file: Path | None) -> str:
    if sqlite_file is not None:
        return f"sqlite:///{sqlite_file}"
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _run_worker(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "OCTIP_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
           "OCTIP_VAR_DIR": str(settings.VAR_DIR), "PYTHONPATH": str(ROOT)}
    env.pop("OCTIP_TEST_SQLITE_NAME", None)
    return subprocess.run(  # noqa: S603 - our own manage.py, no shell
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--interval", "0", "--no-startup-delay",
         "--no-reload", "--worker-id", "test-subprocess"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_a_queued_job_against_the_database(settings, make_user, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    on_call, escalation = make_user("hotline_operator"), make_user("coordinator")
    past = timezone.now() - datetime.timedelta(minutes=10)
    notify(recipients=[on_call], kind=Kind.EMERGENCY_CONTACT, subject="hotline.contact:1", now=past,
           template="Emergency 24/7 contact %(reference)s of %(org)s: respond now.",
           params={"reference": "ABCDE-FGHJK", "org": "Line (test)"},
           acknowledge_by=past + datetime.timedelta(minutes=5), escalate_to=escalation)
    result = escalate_unacknowledged.enqueue()
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"

    sqlite_file = None
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if connection.is_in_memory_db():
            sqlite_file = tmp_path / "queue.sqlite3"
            with sqlite3.connect(sqlite_file) as copy:
                connection.connection.backup(copy)
        else:
            sqlite_file = Path(connection.settings_dict["NAME"])
    else:
        assert connection.vendor == "postgresql"
    finished = _run_worker(_database_url(sqlite_file))
    assert finished.returncode == 0, finished.stderr[-3000:]
    if sqlite_file is not None and connection.is_in_memory_db():
        with sqlite3.connect(sqlite_file) as copy:
            copy.backup(connection.connection)

    run = DBTaskResult.objects.get(pk=result.id)
    assert run.status == "SUCCESSFUL" and run.return_value == 1 and run.worker_ids == ["test-subprocess"]
    escalated = Notification.objects.get(recipient=escalation)
    assert escalated.kind == "hotline.emergency.escalated" and "ABCDE-FGHJK" in escalated.message
