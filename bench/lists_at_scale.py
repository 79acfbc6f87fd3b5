"""Benchmark: keyset-paged lists, the case page and streamed exports against a seeded PostgreSQL.

Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lists_bench OCTIP_VAR_DIR=/tmp/lists_bench_var \\
        .venv/bin/python bench/lists_at_scale.py [N]

N (default 50000) synthetic cases: a database holding fewer is seeded up to N (``seed_demo --scale N``,
about 300 cases/s); one holding N or more is reused as it is. ``OCTIP_VAR_DIR`` keeps the field
keys the seeded rows were encrypted under (it must be the same directory every run).

For the demo coordinator (sees every case) and caseworker (their team's), each request is compared with
the bare SQL of its main query (run on a raw cursor, the same WHERE / ORDER BY / LIMIT, in the same run):
ratio of the medians and of the p95s (target ≤ 3). Query counts are taken on the whole database and on a
filter matching few cases: they must be the same (flat in N). The case page is timed with audit and
decryption on and then off, in this process only (``audit.record`` a no-op, ``crypto.decrypt`` a lookup of
the plaintext already decrypted once): the overhead is the difference (target ≤ 15 %). The
coordinator's CSV exports at two sizes about 10x apart (the larger near 100,000 rows at N = 1,000,000) and
the XLSX export at the smaller one, each in a process of its own: rows/s, and the process's peak resident
memory, to show memory flat in the rows.

Writes bench/results/lists_at_scale.json (lists_at_scale_N.json for another N).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import statistics
import sys
import time

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    raise SystemExit("Give DATABASE_URL=postgres://… (and OCTIP_VAR_DIR): this benchmark runs on PostgreSQL.")
if not os.environ.get("OCTIP_VAR_DIR"):
    raise SystemExit("Give OCTIP_VAR_DIR: the var/ directory holding the seeded database's field keys.")

import _harness as h  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rich.progress import Progress  # noqa: E402

DEFAULT_CASES = 50_000


def _timed(fn, *, runs: int = 15, budget_s: float = 10.0, min_runs: int = 5) -> dict:
    times: list[float] = []
    spent = 0.0
    fn()  # warm-up
    while len(times) < runs and (len(times) < min_runs or spent < budget_s):
        started = time.perf_counter()
        fn()
        took = time.perf_counter() - started
        times.append(took)
        spent += took
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {"runs": len(times), "median_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(p95 * 1000, 2)}


def _main_query(client, method: str, path: str, data, pattern: str) -> str:
    """The SQL (parameters in place) of the request's main query: the first captured one matching."""
    with CaptureQueriesContext(connection) as captured:
        h._call(client, method, path, data)
    found = [q["sql"] for q in captured.captured_queries if re.search(pattern, q["sql"])]
    if not found:
        raise SystemExit(f"no query of {path} matches {pattern!r}")
    return found[0]


def _bare(sql: str) -> dict:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
    return _timed(run)


def _compare(client, label: str, method: str, path: str, data, pattern: str) -> dict:
    row = h.measure(client, method, path, data, runs=15, budget_s=10.0)
    ref = _bare(_main_query(client, method, path, data, pattern))
    row.update(name=label, bare_sql=ref, ratio_median=round(row["median_ms"] / ref["median_ms"], 2),
               ratio_p95=round(row["p95_ms"] / ref["p95_ms"], 2))
    print(f"  {label:44} {row['median_ms']:8.1f} ms (SQL {ref['median_ms']:6.2f})  x{row['ratio_median']:6.1f}  "
          f"{row['queries']:3} queries", file=sys.stderr)
    return row


def _deep_cursor(actor, filters, depth: int) -> str | None:
    """A cursor ``depth`` rows into the list (found once with OFFSET, here only, to start a deep page)."""
    from octip.cases import selectors
    from octip.core import keyset

    row = selectors.case_list(actor=actor, filters=filters).order_by(*selectors.CASE_ORDERING)[depth:depth + 1].first()
    return keyset.make_cursor(selectors.CASE_CURSOR, selectors.CASE_ORDERING, row, "n") if row else None


def _export_child(email: str, filters_kw: dict, fmt: str, out) -> None:
    """In a fresh process: one export read to the end; sends its time, size and the process's peak RSS."""
    from octip.cases import exports, selectors
    from octip.partners.models import User

    actor = User.objects.get(email=email)
    started = time.perf_counter()
    response = exports.export_response(actor=actor, filters=selectors.CaseFilters(**filters_kw), fmt=fmt)
    size = sum(len(chunk) for chunk in response.streaming_content)
    took = time.perf_counter() - started
    response.close()
    out.send({"seconds": round(took, 2), "bytes": size,
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})


def _export(email: str, filters_kw: dict, fmt: str) -> dict:
    """One export in its own process (forked after the parent's connections are closed, so that the
    child opens its own): its peak RSS is the export's alone, on top of the same Django baseline."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_export_child, args=(email, filters_kw, fmt, send))
    child.start()
    result = receive.recv()
    child.join()
    return result


def main(n: int) -> dict:
    h.migrate()
    from octip.cases import models as m
    from octip.cases import selectors

    seed_s = None
    if m.Case.objects.count() < n:
        print(f"seeding up to {n} cases (about {n // 300} s)…", file=sys.stderr)
        seed_s = h.seed_demo(n)
    from octip.core import audit, crypto
    from octip.partners.demo import demo_email
    from octip.partners.models import User

    users = {"coordinator": User.objects.get(email=demo_email("coordinator")),
             "caseworker": User.objects.get(email=demo_email("caseworker"))}
    caseworker = users["caseworker"]
    case = (m.Case.objects.in_own_scope(caseworker).filter(stage="services").order_by("number").first())
    visible = {label: selectors.case_list(actor=user).count() for label, user in users.items()}
    few = {"stage": "closure_requested", "track": "youth", "region": "northern"}  # matches few cases
    results: dict[str, dict] = {}
    started = time.perf_counter()
    with Progress(transient=True) as progress:
        task = progress.add_task("requests", total=len(users) * 8 + 5)
        for label, user in users.items():
            client = h.signed_in_client(user)
            deep = _deep_cursor(user, selectors.CaseFilters(), visible[label] // 2)
            rows = []
            listing = r'FROM "cases_case".*LIMIT 26'
            for title, method, path, data, pattern in [
                ("list, first page", "GET", "/app/cases/", None, listing),
                ("list, deep page (cursor)", "GET", "/app/cases/", {"cursor": deep}, listing),
                ("list, filter matching few", "GET", "/app/cases/", few, listing),
                ("case page", "GET", f"/app/cases/{case.pk}/", None, r'FROM "cases_case".*"cases_case"."id" ='),
                ("API GET /api/v1/cases", "GET", "/api/v1/cases", None, r'FROM "cases_case".*LIMIT 51'),
                ("API GET /api/v1/cases, deep (cursor)", "GET", "/api/v1/cases", {"cursor": deep},
                 r'FROM "cases_case".*LIMIT 51'),
                ("API GET /api/v1/cases, filter matching few", "GET", "/api/v1/cases", few,
                 r'FROM "cases_case".*LIMIT 51'),
                ("my work", "GET", "/app/cases/my-work/", None, r'FROM "cases_task".*LIMIT 26'),
            ]:
                rows.append(_compare(client, title, method, path, data, pattern))
                progress.advance(task)
            by = {r["name"]: r for r in rows}
            results[label] = {
                "requests": rows,
                "queries_flat_in_n": {
                    "list": by["list, first page"]["queries"] == by["list, filter matching few"]["queries"]
                    == by["list, deep page (cursor)"]["queries"],
                    "api": by["API GET /api/v1/cases"]["queries"] == by["API GET /api/v1/cases, filter matching few"][
                        "queries"] == by["API GET /api/v1/cases, deep (cursor)"]["queries"]},
            }

        # The case page with audit and decryption switched off, in this process only.
        client = h.signed_in_client(caseworker)
        path = f"/app/cases/{case.pk}/"
        on = h.measure(client, "GET", path, runs=30, budget_s=15.0)
        progress.advance(task)
        plain: dict[tuple[str, str], str] = {}
        real_decrypt, real_record = crypto.decrypt, audit.record

        def remembered(value: str, context: str) -> str:
            key = (value, context)
            if key not in plain:
                plain[key] = real_decrypt(value, context)
            return plain[key]

        crypto.decrypt = remembered
        h._call(client, "GET", path)  # fills the lookup: later requests decrypt nothing
        audit.record = lambda *args, **kwargs: None
        try:
            off = h.measure(client, "GET", path, runs=30, budget_s=15.0)
        finally:
            crypto.decrypt, audit.record = real_decrypt, real_record
        progress.advance(task)
        results["case page, audit and decryption"] = {
            "on": on, "off": off,
            "overhead_percent": round(100 * (on["median_ms"] - off["median_ms"]) / off["median_ms"], 1),
            "how_off": "in this process only: octip.core.audit.record replaced by a no-op, octip.core.crypto.decrypt "
                       "by a lookup of the plaintext decrypted once before (no AES-GCM)"}

        # Exports: rows/s and the peak memory (RSS of a process doing only that export) at two sizes about
        # 10x apart, the larger near 100,000 rows; XLSX at the smaller size only (a 100,000-row workbook
        # takes many minutes on this shared machine).
        coordinator = users["coordinator"]
        candidates = [{"region": region, **extra} for region in ("northern", "interior", "vancouver_island", "fraser")
                      for extra in ({"stage": "intake"}, {"stage": "services"}, {})]
        counted = [(selectors.case_list(actor=coordinator, filters=selectors.CaseFilters(**kw)).count(), kw)
                   for kw in candidates]
        small = min(counted, key=lambda c: abs(c[0] - min(10_000, n // 10)))
        big = min(counted, key=lambda c: abs(c[0] - min(100_000, n // 2)))
        exports_out = {}
        for fmt, (count, filters_kw) in (("csv", small), ("csv", big), ("xlsx", small)):
            label = ", ".join(f"{k}={v}" for k, v in filters_kw.items())
            timed = _export(coordinator.email, filters_kw, fmt)
            exports_out[f"{fmt}, {label}"] = {"rows": count, **timed, "rows_per_s": round(count / timed["seconds"])}
            print(f"  export {fmt} {label:36} {count:7} rows {timed['seconds']:7.1f} s "
                  f"peak RSS {timed['peak_rss_mb']} MB", file=sys.stderr)
            progress.advance(task)
        results["exports (coordinator)"] = exports_out
    return {
        "cases": m.Case.objects.count(), "visible_cases": visible, "seed_seconds": seed_s,
        "measure_seconds": round(time.perf_counter() - started, 1), "machine": h.machine(),
        "targets": {"ratio_median_and_p95": "≤ 3", "audit_and_crypto_overhead_percent": "≤ 15",
                    "queries": "the same for the whole database, a deep page and a filter matching few"},
        "note": "Django test client in one process against PostgreSQL; 'bare_sql' is the request's main query "
                "(captured from the request, parameters in place) run on a raw cursor in the same run; "
                "ratio = request / bare SQL. Exports: one run each in a process of its own; peak_rss_mb is that "
                "process's peak resident memory (Django's baseline included), to compare between sizes.",
        "results": results,
    }


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CASES
    h.write("lists_at_scale" if size == DEFAULT_CASES else f"lists_at_scale_{size}", main(size))
