"""Shared plumbing for the request benchmarks in ``bench/`` (not a benchmark itself).

Importing this module points Django at a throwaway SQLite database in a fresh temporary
``OCTIP_VAR_DIR`` and sets Django up, so import it before anything from ``octip``.
"""

from __future__ import annotations

import atexit
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "octip.settings")
# OCTIP_BENCH_VAR_DIR: a kept var/ for a database that outlives the run (a seeded PostgreSQL given by
# DATABASE_URL): its field keys must stay with it. Otherwise a throwaway one.
VAR_DIR = os.environ.get("OCTIP_BENCH_VAR_DIR") or tempfile.mkdtemp(prefix="octip-bench-")
os.environ["OCTIP_VAR_DIR"] = VAR_DIR
if not os.environ.get("OCTIP_BENCH_VAR_DIR"):
    atexit.register(shutil.rmtree, VAR_DIR, ignore_errors=True)  # the database of a big run is 100 MB or more
# DEBUG off, as in production: no per-query logging outside the counted request, no debug pages.
os.environ.setdefault("OCTIP_DEBUG", "0")
warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# The benches sign in exactly as the tests do (``h.signed_in_client(user)``): one helper, in tests/.
from tests.clients import signed_in_client  # noqa: E402, F401


def migrate() -> None:
    call_command("migrate", verbosity=0)


def seed_demo(scale: int | None = None) -> float:
    """``manage.py seed_demo [--scale N]``; returns the seconds it took."""
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", *(["--scale", str(scale)] if scale is not None else []), stdout=quiet)
    return round(time.perf_counter() - started, 1)


def _call(client: Client, method: str, path: str, data=None, **extra):
    if method == "GET":
        response = client.get(path, data or {}, **extra)
    elif method == "POST_JSON":
        response = client.post(path, json.dumps(data or {}), content_type="application/json", **extra)
    else:
        response = client.post(path, data or {}, **extra)
    # A streamed response (CSV export, NDJSON) is only done once its body has been read.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def measure(client: Client, method: str, path: str, data=None, *, runs: int = 20, budget_s: float = 15.0,
            min_runs: int = 5, expect: int = 200, **extra) -> dict:
    """Median and p95 wall time of ``runs`` requests (fewer, but at least ``min_runs``, when they
    would take longer than ``budget_s`` in all), and the SQL queries of one request.

    One warm-up request first (it fills per-process caches), then one under
    ``CaptureQueriesContext`` for the query count (its time is not used), then the timed runs.
    """
    response, _body = _call(client, method, path, data, **extra)
    if response.status_code != expect:
        raise SystemExit(f"{method} {path} answered {response.status_code}, expected {expect}")
    with CaptureQueriesContext(connection) as captured:
        response, body = _call(client, method, path, data, **extra)
    # Read now: ``captured_queries`` slices the connection's log, which the next request empties.
    queries = len(captured.captured_queries)
    times: list[float] = []
    spent = 0.0
    while len(times) < runs and (len(times) < min_runs or spent < budget_s):
        started = time.perf_counter()
        _call(client, method, path, data, **extra)
        took = time.perf_counter() - started
        times.append(took)
        spent += took
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {
        "method": "POST" if method.startswith("POST") else method, "path": path,
        "runs": len(times), "median_ms": round(statistics.median(times) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
        "queries": queries, "status": response.status_code, "bytes": len(body),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict:
    """Where and on what the numbers were taken: the working tree is shared, so uncommitted
    changes to the application at the time of the run are listed too."""
    from django.conf import settings

    return {"python": platform.python_version(), "django": django.get_version(), "cpus": os.cpu_count(),
            "database": connection.vendor, "debug": settings.DEBUG,
            "load_average_1m": round(os.getloadavg()[0], 2),  # the machine is shared: read p95 with this
            "git_commit": _git("rev-parse", "--short", "HEAD"),
            "uncommitted_app_files": _git("status", "--porcelain", "--", "octip", "templates").splitlines()}


def write(name: str, result: dict) -> None:
    out = ROOT / "bench" / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
