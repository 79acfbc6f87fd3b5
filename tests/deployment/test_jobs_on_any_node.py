"""Background jobs on any node: two schedulers started at the same moment on two "nodes" (separate
processes against one PostgreSQL database) enqueue each periodic run once, and two workers started
together run each job once (django-tasks-db claims a job with SELECT ... FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from octip.jobs.models import PeriodicRun

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two processes on one database need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _env(tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return {**os.environ, "PYTHONPATH": str(ROOT), "OCTIP_VAR_DIR": str(settings.VAR_DIR),
            "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "OCTIP_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            # The checkpoint job signs into a folder of the test's own, never the checkout's var/.
            "OCTIP_AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints")}


def _start_together(commands: list[list[str]], env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    processes = [subprocess.Popen(  # noqa: S603 - our own manage.py, no shell
        [sys.executable, str(ROOT / "manage.py"), *command], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for command in commands]
    finished = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        finished.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return finished


def test_two_schedulers_then_two_workers_on_two_nodes_do_each_run_once(tmp_path):
    env = _env(tmp_path)
    schedulers = _start_together([["run_scheduler", "--once"], ["run_scheduler", "--once"]], env)
    for done in schedulers:
        assert done.returncode == 0, done.stderr[-3000:]
    jobs = settings.OCTIP_PERIODIC_JOBS
    # One queued run per periodic job, whichever scheduler claimed it.
    assert DBTaskResult.objects.count() == len(jobs)
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == sorted(j["task"] for j in jobs.values())
    assert PeriodicRun.objects.filter(last_result_id__isnull=False).count() == len(jobs)

    workers = _start_together([
        ["db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload", "--worker-id", f"node-{n}"]
        for n in ("a", "b")], env)
    for done in workers:
        assert done.returncode == 0, done.stderr[-3000:]
    runs = list(DBTaskResult.objects.all())
    assert len(runs) >= len(jobs)
    # Each job was taken by exactly one worker and finished once.
    for run in runs:
        assert len(run.worker_ids) == 1 and run.worker_ids[0] in {"node-a", "node-b"}, (run.task_path, run.worker_ids)
        assert run.status in {"SUCCESSFUL", "FAILED"} and run.finished_at is not None
