"""``make run`` starts the web server, the worker and the scheduler together (tools/run_all.py),
and Ctrl-C stops all of them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) is gone for our purpose.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


def _group_members(pgid: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


@pytest.mark.once
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_run_all_starts_web_worker_and_scheduler_and_ctrl_c_stops_them(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
           "OCTIP_VAR_DIR": str(settings.VAR_DIR), "PYTHONPATH": str(ROOT),
           "OCTIP_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,  # noqa: S603
                   check=True, timeout=300)
    port = _free_port()
    supervisor = subprocess.Popen(  # noqa: S603
        [sys.executable, "tools/run_all.py", "--port", str(port)], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        started: dict[str, int] = {}
        while len(started) < 3:
            line = supervisor.stdout.readline()
            assert line, "run_all ended early"
            if line.startswith("run_all: started"):
                name, pid = line.split()[2], int(line.split("pid ")[1].rstrip(")\n"))
                started[name] = pid
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the web server did not answer"
                time.sleep(0.5)
        assert all(_alive(pid) for pid in started.values())
        supervisor.send_signal(signal.SIGINT)
        assert supervisor.wait(timeout=30) == 0
        assert not any(_group_members(pid) for pid in started.values())
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
