"""Benchmark: the audit log at scale on PostgreSQL (issue 15).

Run: DATABASE_URL=postgres://…/scratch_db .venv/bin/python bench/audit_at_scale.py
        [--writers 8] [--seconds 10] [--sizes 200000,2000000] [--new 100000]
Use a scratch database (it is migrated, and synthetic events are appended to its audit log; a log
already there is continued). Writes bench/results/audit_at_scale.json.

1. Append throughput: ``--writers`` processes, each with its own connection, call ``audit.record``
   for ``--seconds``; against, in the same run, the same processes doing a bare INSERT of a row of the
   same size into an ordinary scratch table (no lock, no chain, one commit per row as well), and one
   process calling ``audit.record``. Reported as ratios.
2. Verification: for each size M of ``--sizes`` the log is filled to M events (``bulk_audit``), a
   checkpoint is signed at M, ``--new`` K events are appended, and the incremental check
   (``verify_log()``) is timed: it should not grow with M. The full check (``verify_log(full=True)``)
   is timed once, on the first size, as events per second, against the rate of hashing the same
   events' canonical form in Python (its floor).
The issue's target (1,000,000 new events on a 100,000,000-event log) is ``--sizes 100000000 --new
1000000``; filling such a log takes hours at the generator's rate on a small machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "octip.settings")
# One var folder per database, kept between runs: the development signing key and the exported
# checkpoints must stay those of the log a later run continues.
_DB_NAME = os.environ.get("DATABASE_URL", "none").rstrip("/").rsplit("/", 1)[-1]
os.environ.setdefault("OCTIP_VAR_DIR", str(Path(tempfile.gettempdir()) / f"octip-bench-audit-{_DB_NAME}"))
os.environ.setdefault("OCTIP_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

SCRATCH = "bench_audit_scratch"
DETAIL = {"section": "identity", "fields": ["name", "date_of_birth"]}


def _writer(kind: str, seconds: float, start: mp.Event, ready: mp.Queue, out: mp.Queue) -> None:
    """One writer process: ``kind`` "record" (audit.record) or "bare" (INSERT without lock or chain)."""
    from django.db import connection as conn

    from octip.core import audit

    conn.ensure_connection()
    ready.put(1)
    start.wait()
    stop_at = time.time() + seconds
    n = 0
    with conn.cursor() as cursor:
        while time.time() < stop_at:
            if kind == "record":
                audit.record(None, "case.viewed", ("cases.case", n), purpose="case work", detail=DETAIL)
            else:  # the same columns and sizes, autocommit: one transaction per row, as record() has
                cursor.execute(
                    f"INSERT INTO {SCRATCH} (seq, occurred_at, actor_id, actor_email, organization_id, ip, "  # noqa: S608
                    "request_id, action, target_type, target_id, purpose, detail, prev_hash, hash) "
                    "VALUES (%s, now(), NULL, '', NULL, NULL, '', 'case.viewed', 'cases.case', %s, 'case work', "
                    "%s, %s, %s)", [n, str(n), json.dumps(DETAIL), "0" * 64, "f" * 64])
            n += 1
    conn.close()
    out.put(n)


def throughput(kind: str, writers: int, seconds: float) -> float:
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()
    ready: mp.Queue = ctx.Queue()
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(kind, seconds, start, ready, out)) for _ in range(writers)]
    for p in procs:
        p.start()
    for _ in procs:  # every process set up and connected before the clock starts
        ready.get(timeout=120)
    start.set()
    total = sum(out.get(timeout=seconds + 120) for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def _head() -> int:
    from octip.core.models import AuditEvent

    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _fill(to: int) -> float | None:
    """Append events until the log has ``to``; returns the rate (events/s) or None when already there."""
    from octip.core import bulk_audit

    missing = to - _head()
    if missing <= 0:
        return None
    started = time.perf_counter()
    step = max(missing // 20, 50_000)
    bulk_audit.generate(missing, progress=lambda n: n % step < 50_000 and print(f"  … {n}/{missing}", flush=True))
    return missing / (time.perf_counter() - started)


def verification(sizes: list[int], new: int) -> dict:
    from octip.core import audit, checkpoints
    from octip.core.models import AuditEvent

    stages, full = [], None
    for size in sizes:
        print(f"Log of {size} events:", flush=True)
        rate = _fill(size)
        started = time.perf_counter()
        checkpoints.write_checkpoint()
        checkpoint_s = time.perf_counter() - started
        base = _head()
        _fill(base + new)
        started = time.perf_counter()
        verified = checkpoints.verify_log()
        incremental_s = time.perf_counter() - started
        assert verified.events == new, verified
        stages.append({"existing_events": base, "new_events": new, "incremental_check_seconds": round(incremental_s, 3),
                       "incremental_events_per_second": round(new / incremental_s, 1),
                       "fill_events_per_second": round(rate, 1) if rate else None,
                       "checkpoint_write_seconds": round(checkpoint_s, 2)})
        print(f"  incremental check of {new} new events: {incremental_s:.2f} s", flush=True)
        if full is None:
            started = time.perf_counter()
            walked = checkpoints.verify_log(full=True).events
            full_s = time.perf_counter() - started
            # The floor of any check: hashing the same events' canonical form, nothing else.
            started = time.perf_counter()
            hashed = 0
            for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
                audit.compute_hash(event.prev_hash, event)
                hashed += 1
            floor_s = time.perf_counter() - started
            full = {"events": walked, "seconds": round(full_s, 2), "events_per_second": round(walked / full_s, 1),
                    "read_and_hash_only_events_per_second": round(hashed / floor_s, 1),
                    "ratio_to_read_and_hash_only": round((walked / full_s) / (hashed / floor_s), 3)}
            print(f"  full check: {full['events_per_second']} events/s", flush=True)
    growth = (stages[-1]["incremental_check_seconds"] / stages[0]["incremental_check_seconds"]
              if len(stages) > 1 else None)
    return {"stages": stages, "full_check": full,
            "incremental_time_ratio_largest_to_smallest_log": round(growth, 3) if growth else None,
            "log_size_ratio_largest_to_smallest": round(stages[-1]["existing_events"] / stages[0]["existing_events"], 1)
            if len(stages) > 1 else None}


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--sizes", default="200000,2000000", help="Log sizes M, comma-separated, increasing.")
    parser.add_argument("--new", type=int, default=100_000, help="New events K checked incrementally.")
    parser.add_argument("--unpartitioned", action="store_true",
                        help="On a fresh database: migrate core only to 0003 (one plain table), to compare.")
    parser.add_argument("--out", default="audit_at_scale", help="Results file name under bench/results/.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL to a scratch database.")
    from django.core.management import call_command

    from octip.core.audit_partitions import ensure_partitions, is_partitioned, partitions

    if args.unpartitioned:
        call_command("migrate", "core", "0003", verbosity=0)
    else:
        call_command("migrate", verbosity=0)
        ensure_partitions()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} (LIKE core_auditevent INCLUDING CONSTRAINTS)")
        cursor.execute(f"ALTER TABLE {SCRATCH} ADD COLUMN sid bigserial PRIMARY KEY")
        cursor.execute(f"ALTER TABLE {SCRATCH} ALTER COLUMN id DROP NOT NULL")
    print(f"Append throughput, {args.writers} writers, {args.seconds} s each run:", flush=True)
    bare = throughput("bare", args.writers, args.seconds)
    many = throughput("record", args.writers, args.seconds)
    one = throughput("record", 1, args.seconds)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")
    appends = {"writers": args.writers, "seconds_per_run": args.seconds,
               "record_events_per_second": round(many, 1), "record_1_writer_events_per_second": round(one, 1),
               "bare_insert_rows_per_second": round(bare, 1),
               "ratio_record_to_bare_insert": round(many / bare, 3),
               "ratio_record_n_writers_to_1_writer": round(many / one, 3)}
    print(json.dumps(appends, indent=2), flush=True)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    return {"benchmark": "audit_at_scale", "out": args.out, "database": "postgresql", "partitioned": is_partitioned(),
            "partitions": len(partitions()), "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "appends": appends, "verification": verification(sizes, args.new)}


if __name__ == "__main__":
    result = main()
    out = ROOT / "bench" / "results" / f"{result['out']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
