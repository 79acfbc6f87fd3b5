"""The load test, in one command: a fresh PostgreSQL database, the demo seeded at --scale cases, 50
staff accounts with authenticators and API tokens, gunicorn (4 workers, production settings, Redis
for cache and rate limits), then locust headless on loopback, first a reference phase (one user per
staff role) and then the load (50 staff users and 2 public reporters). Everything it started is
stopped and the database dropped at the end, whatever happens (finally, and on Ctrl-C).

    .venv/bin/python bench/load/run.py [--scale 20000] [--run-time 3m] [--port 8100]

Writes bench/results/load_test.json (or --out). See bench/README.md, "Load test".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = ROOT / ".venv" / "bin"
PG = ["-h", "127.0.0.1", "-U", "postgres"]
REDIS_DB = 5
PAGE_TARGET_MS = 300


def step(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _key() -> str:
    from octip.core.crypto import new_key

    return new_key()


def server_env(db: str, port: int, var: Path) -> dict[str, str]:
    """Production settings with throwaway secrets (as `make deploy-check` makes them), behind a TLS
    proxy on loopback (run.py's locust plays it: see locustfile.py)."""
    sys.path.insert(0, str(ROOT))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCTIP_", "DJANGO_", "DATABASE_URL"))}
    env.update({
        "OCTIP_ENV": "production", "OCTIP_VAR_DIR": str(var), "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "OCTIP_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "OCTIP_ALLOWED_HOSTS": "127.0.0.1", "OCTIP_SITE_URL": f"https://127.0.0.1:{port}",
        # The proxy in front appends the visitor's address; the platform trusts its right-most entry.
        "OCTIP_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "DJANGO_SECRET_KEY": _key() + _key(), "OCTIP_FIELD_KEYS": f"k1:{_key()}",
        "OCTIP_BLIND_INDEX_KEY": _key(), "OCTIP_AUDIT_SIGNING_KEY": _key(),
        "OCTIP_CREDENTIAL_SIGNING_KEYS": f"c1:{_key()}",
    })
    return env


def run(cmd: list[str], env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, check=True, cwd=ROOT, **kwargs)


def manage(env: dict[str, str], *args: str) -> None:
    run([str(BIN / "python"), "manage.py", *args], env)


def flush_redis() -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode} before answering")
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(req, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz in time")


def locust(env: dict[str, str], tmp: Path, phase: str, *, users: int, staff: int, run_time: str,
           spawn_rate: float, classes: list[str]) -> Path:
    samples = tmp / f"{phase}_samples.json"
    run([str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--host", env["LOAD_HOST"],
         "-u", str(users), "-r", str(spawn_rate), "--run-time", run_time, "--stop-timeout", "20",
         "--csv", str(tmp / phase), "--only-summary" if phase == "reference" else "--print-stats",
         "--exit-code-on-error", "0", "--loglevel", "WARNING", *classes],
        {**env, "LOAD_SAMPLES": str(samples), "LOAD_BASELINE": "1" if phase == "reference" else "0",
         "LOAD_STAFF_USERS": str(staff)})
    return samples


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return round(ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo), 1)


def summarize(recorded: dict) -> dict:
    """Percentiles per request, per kind and overall, over the steady state: from the moment every
    staff user had signed in to the end. The sign-in storm before it is summarized on its own."""
    samples = recorded["samples"]
    # If some users never signed in (reported), the steady state starts after the last one who did.
    start = recorded["steady_from"] or recorded["last_sign_in"]
    if start is None:
        raise SystemExit("No staff user signed in: nothing to measure.")
    end = max(r[3] for r in samples)
    steady = [r for r in samples if r[3] >= start and not r[0].startswith("login")]
    ramp = [r for r in samples if r[3] < start or r[0].startswith("login")]
    return {"steady_seconds": round(end - start, 1), "steady": _summary(steady, end - start),
            "signed_in": f"{recorded['signed_in']} of {recorded['expected']}",
            "sign_in_ramp": {"seconds": round(start - min(r[3] for r in samples), 1),
                             **_summary(ramp, max(start - min(r[3] for r in samples), 1))}}


def _summary(samples: list[list], seconds: float) -> dict:
    def block(rows: list[list]) -> dict:  # noqa: ANN202
        times = [r[1] for r in rows]
        return {"requests": len(rows), "errors": sum(1 for r in rows if not r[2]),
                "rps": round(len(rows) / seconds, 2), "p50_ms": pct(times, 50), "p95_ms": pct(times, 95),
                "p99_ms": pct(times, 99), "max_ms": round(max(times), 1) if times else 0.0,
                "mean_ms": round(statistics.fmean(times), 1) if times else 0.0}

    by_name: dict[str, list[list]] = {}
    for row in samples:
        by_name.setdefault(row[0], []).append(row)
    kinds: dict[str, list[list]] = {}
    for row in samples:
        kinds.setdefault(row[0].split(":", 1)[0], []).append(row)
    return {"overall": block(samples), "by_kind": {k: block(v) for k, v in sorted(kinds.items())},
            "by_request": {k: block(v) for k, v in sorted(by_name.items())}}


def failures(tmp: Path, phase: str) -> list[dict]:
    path = tmp / f"{phase}_failures.csv"
    if not path.exists():
        return []
    with path.open() as f:
        return [{"method": r["Method"], "name": r["Name"], "error": r["Error"][:400],
                 "occurrences": int(r["Occurrences"])} for r in csv.DictReader(f)]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=20000, help="cases seeded (seed_demo --scale); default 20000")
    parser.add_argument("--run-time", default="3m", help="length of the load phase (locust --run-time); default 3m")
    parser.add_argument("--reference-time", default="45s", help="length of the reference phase; default 45s")
    parser.add_argument("--ramp-allowance", default="90s",
                        help="added to each phase for the users to sign in (not measured); default 90s")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second; default 10")
    parser.add_argument("--port", type=int, default=8100, help="gunicorn's port on 127.0.0.1; default 8100")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers; default 4")
    parser.add_argument("--template", metavar="DATABASE",
                        help="copy this already seeded database (createdb --template) instead of seeding one: "
                             "for a run at a size that takes long to seed; it is read, never changed")
    parser.add_argument("--template-var", metavar="DIR",
                        help="with --template: the OCTIP_VAR_DIR that database was seeded with (its field_keys.json "
                             "decrypts the copied rows)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "load_test.json"))
    args = parser.parse_args()
    if args.scale < 0 or not 1024 <= args.port <= 65535 or args.workers < 1:
        parser.error("--scale must be 0 or more, --port a port number and --workers at least 1")
    template_keys = _template_keys(parser, args.template, args.template_var)

    db = f"load_{os.getpid()}_{int(time.time())}"
    tmp = Path(tempfile.mkdtemp(prefix="octip-load-"))
    tmp.chmod(0o700)
    env = server_env(db, args.port, tmp / "var")
    env.update(template_keys)
    env["LOAD_HOST"] = f"http://127.0.0.1:{args.port}"
    gunicorn: subprocess.Popen | None = None
    db_created = False
    # A SIGTERM becomes the same orderly stop as Ctrl-C (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started = time.monotonic()
    try:
        step(f"database {db}" + (f" (a copy of {args.template})" if args.template else "")
             + f", Redis DB {REDIS_DB} (flushed), temporary folder {tmp}")
        t0 = time.monotonic()
        run(["createdb", *PG, *(["--template", args.template] if args.template else []), db])
        db_created = True
        flush_redis()
        step("migrate")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        if args.template:
            args.scale = _case_count(db)
            step(f"{args.scale:,} cases copied from {args.template}")
        else:
            step(f"seed_demo --scale {args.scale} (a few minutes at 20,000)")
            # seed_demo refuses production settings (demo accounts share a published password): the seed runs
            # with the same database and keys as a development process; the server below is production.
            manage({k: v for k, v in env.items() if k != "OCTIP_ENV"}, "seed_demo", "--scale", str(args.scale))
        seed_seconds = round(time.monotonic() - t0, 1)
        step("50 staff accounts with authenticators and API tokens")
        accounts = tmp / "accounts.json"
        run([str(BIN / "python"), str(HERE / "prepare.py"), str(accounts)], env)
        env["LOAD_ACCOUNTS"] = str(accounts)
        run(["psql", *PG, "-q", "-d", db, "-c", "ANALYZE"])
        step(f"gunicorn, {args.workers} workers, on 127.0.0.1:{args.port}")
        log = (tmp / "gunicorn.log").open("w")
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "octip.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers",
             str(args.workers), "--timeout", "60", "--error-logfile", "-", "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_up(args.port, gunicorn)
        staff = ["Caseworker", "Coordinator", "LineOperator", "Screener"]
        step(f"reference phase: 1 user per staff role, {args.reference_time}")
        load_avg_before = os.getloadavg()
        cpu_before = _tree_cpu(gunicorn.pid)
        ref_samples = locust(env, tmp, "reference", users=4, staff=4, spawn_rate=4, classes=staff,
                             run_time=f"{int(_seconds(args.reference_time) + _seconds(args.ramp_allowance))}s")
        step(f"load phase: 50 staff users + 2 public reporters, {args.run_time}, spawn rate {args.spawn_rate}/s")
        t0 = time.monotonic()
        load_samples = locust(env, tmp, "load", users=52, staff=50, spawn_rate=args.spawn_rate,
                              classes=[*staff, "PublicReporter"],
                              run_time=f"{int(_seconds(args.run_time) + _seconds(args.ramp_allowance))}s")
        load_seconds = time.monotonic() - t0
        load_avg_after = os.getloadavg()
        cpu_after = _tree_cpu(gunicorn.pid)

        out = Path(args.out)
        try:
            ref_all = summarize(json.loads(ref_samples.read_text()))
            load_all = summarize(json.loads(load_samples.read_text()))
        except Exception:
            # Keep the raw timings (names and times only: no account data) rather than lose the run.
            shutil.copy(load_samples, out.with_suffix(".samples.json"))
            raise
        ref, load = ref_all["steady"], load_all["steady"]
        server_log = (tmp / "gunicorn.log").read_text().splitlines()
        result = {
            "what": "50 staff users (24 caseworkers, 8 coordinators, 10 24/7 line operators, 8 screeners) and 2 "
                    "public reporters through locust on loopback, against gunicorn with production settings",
            "targets": {"errors": 0, "page_view_p95_ms": PAGE_TARGET_MS},
            "met": {"errors": load["overall"]["errors"] == 0,
                    "page_view_p95": load["by_kind"].get("page", {}).get("p95_ms", 0) <= PAGE_TARGET_MS},
            "load": load,
            "load_steady_seconds": load_all["steady_seconds"],
            "reference": ref,
            "reference_steady_seconds": ref_all["steady_seconds"],
            "sign_in_ramp": load_all["sign_in_ramp"],
            "staff_signed_in": load_all["signed_in"],
            "server_cpu_ms_per_request": _cpu_per_request(cpu_before, cpu_after, load_all),
            "p95_ratio_load_to_reference": {
                k: round(v["p95_ms"] / ref["by_kind"][k]["p95_ms"], 2)
                for k, v in load["by_kind"].items() if ref["by_kind"].get(k, {}).get("p95_ms")},
            "error_examples": failures(tmp, "load")[:20],
            "reference_error_examples": failures(tmp, "reference")[:20],
            "server_log_tail": [line for line in server_log if "Traceback" in line or "Error" in line][-20:],
            "parameters": {
                "scale": args.scale, "run_time": args.run_time, "reference_time": args.reference_time,
                "ramp_allowance": args.ramp_allowance,
                "spawn_rate": args.spawn_rate, "staff_users": 50, "public_reporters": 2,
                "think_time_s": [float(os.environ.get("LOAD_WAIT_MIN", "2")),
                                 float(os.environ.get("LOAD_WAIT_MAX", "8"))],
                "report_pacing_s": float(os.environ.get("LOAD_REPORT_PACING", "30")),
                "gunicorn_workers": args.workers, "worker_class": "sync",
                "settings": "OCTIP_ENV=production (DEBUG off, MFA enforced: every user signs in with password "
                            "and TOTP), HTTPS through X-Forwarded-Proto from the driver acting as the TLS proxy",
                "database": "PostgreSQL 127.0.0.1:5432, a fresh load_* database"
                + (f" copied from the seeded {args.template}" if args.template else "") + ", dropped afterwards",
                "cache_and_rate_limits": f"Redis DB {REDIS_DB} (OCTIP_REDIS_URL)",
                "sessions": _setting(env, "SESSION_ENGINE"),
                "documents_storage": _setting(env, "STORAGES['default']['BACKEND']")
                + " (no document is read or written by this mix)",
                "client_ip_header": "HTTP_X_FORWARDED_FOR (public reporters only send it)",
                "static_files": "not requested (a browser caches them; WhiteNoise serves them)",
            },
            "seed_seconds": seed_seconds,
            "load_seconds": round(load_seconds, 1),
            "total_seconds": round(time.monotonic() - started, 1),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "load_average_before": [round(x, 2) for x in load_avg_before],
                        "load_average_after": [round(x, 2) for x in load_avg_after],
                        "postgres": subprocess.run(["psql", *PG, "-tAc", "SHOW server_version"], capture_output=True,
                                                   text=True).stdout.strip(),
                        "git_commit": _git("rev-parse", "--short", "HEAD"),
                        "uncommitted_app_files": _git("status", "--porcelain", "--", "octip",
                                                      "templates").splitlines()},
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        _print_summary(result, out)
    except KeyboardInterrupt:
        step("interrupted: cleaning up")
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            step("stopping gunicorn")
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        if db_created:
            step(f"dropping {db}")
            subprocess.run(["dropdb", *PG, "--if-exists", "--force", db], check=False)
        try:
            flush_redis()
        except Exception as problem:  # noqa: BLE001 - cleanup goes on
            step(f"could not flush Redis DB {REDIS_DB}: {problem}")
        shutil.rmtree(tmp, ignore_errors=True)


def _template_keys(parser: argparse.ArgumentParser, template: str | None, var: str | None) -> dict[str, str]:
    """The field and blind-index keys the template database was seeded under, for the server's environment."""
    if not template:
        if var:
            parser.error("--template-var goes with --template")
        return {}
    if not var:
        parser.error("--template needs --template-var: the OCTIP_VAR_DIR it was seeded with")
    key_file = Path(var) / "field_keys.json"
    if not key_file.is_file():
        parser.error(f"{key_file} does not exist: --template-var must be the folder the template was seeded with")
    try:
        cases = _case_count(template)
    except (subprocess.CalledProcessError, ValueError):
        parser.error(f"no seeded database {template!r} on 127.0.0.1:5432 (no cases_case table to read)")
    if cases == 0:
        parser.error(f"{template} holds no case: seed it first (seed_demo --scale N)")
    stored = json.loads(key_file.read_text())
    return {"OCTIP_FIELD_KEYS": stored["field_keys"], "OCTIP_BLIND_INDEX_KEY": stored["blind_index_key"]}


def _case_count(db: str) -> int:
    return int(subprocess.run(["psql", *PG, "-d", db, "-tAc", "SELECT count(*) FROM cases_case"],
                              capture_output=True, text=True, check=True).stdout.strip())


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn and its workers."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _cpu_per_request(before: float, after: float, load_all: dict) -> dict:
    """The web tier's own CPU per request over both phases (sign-ins included): a measure that does not
    depend on how busy the rest of the machine is, unlike the wall times. PostgreSQL's CPU is not in it."""
    requests = load_all["steady"]["overall"]["requests"] + load_all["sign_in_ramp"]["overall"]["requests"]
    return {"gunicorn_cpu_seconds_load_phase": round(after - before, 1), "requests_load_phase": requests,
            "ms_per_request": round(1000 * (after - before) / max(requests, 1), 1)}


def _seconds(duration: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    total, number = 0.0, ""
    for ch in duration:
        if ch.isdigit():
            number += ch
        elif ch in units and number:
            total, number = total + int(number) * units[ch], ""
        else:
            raise SystemExit(f"Not a duration: {duration!r} (like 45s, 3m, 1m30s)")
    return total + (int(number) if number else 0)


def _setting(env: dict[str, str], expr: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{expr})"
    answer = subprocess.run([str(BIN / "python"), "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "octip.settings"},
                            cwd=ROOT, capture_output=True, text=True)
    return answer.stdout.strip() or f"unknown ({answer.stderr.strip()[-200:]})"


def _print_summary(result: dict, out: Path) -> None:
    load = result["load"]
    print(f"\n{'request':52} {'n':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7}  (ms, load phase)")
    for name, row in load["by_request"].items():
        print(f"{name:52} {row['requests']:6} {row['errors']:4} {row['p50_ms']:7} {row['p95_ms']:7} {row['p99_ms']:7}")
    print()
    for name, row in load["by_kind"].items():
        print(f"{'all ' + name:52} {row['requests']:6} {row['errors']:4} {row['p50_ms']:7} {row['p95_ms']:7} "
              f"{row['p99_ms']:7}   x{result['p95_ratio_load_to_reference'].get(name, '-')} of the reference p95")
    o = load["overall"]
    print(f"\nthroughput {o['rps']} req/s, {o['errors']} errors of {o['requests']}; targets met: {result['met']}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
