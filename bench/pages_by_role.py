"""Benchmark: every page of the load test's mix, for every demo role that the load test signs in as,
against a seeded PostgreSQL: where a request's time goes.

Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/octip_scale OCTIP_VAR_DIR=$PWD/var-scale \\
        .venv/bin/python bench/pages_by_role.py [--runs K] [--only coordinator,caseworker] \\
        [--every-filter] [--cold] [--explain MS]

It seeds nothing: point it at a database ``seed_demo --scale N`` filled. For each role and page it
gives the median and p95 of K requests through the Django test client (one process, no contention),
the number of SQL queries, the share of the time spent in SQL, and the slowest query with its time.
The reference, measured in the same run, is the time of that request's SQL alone: ``sql_share`` near 1
says the database is the cost; near 0, Python (templates, decryption). ``bench/load/run.py`` gives
the same pages under 50 users; this says which of them is slow on its own, and why.
``--every-filter`` adds the case list with each value of its stage, track and region filters;
``--cold`` empties the shared cache after each page's warm-up request and reports the time of the
request that follows: what the reader pays when the kept numbers and filter choices have expired.

Writes bench/results/pages_by_role_N.json (N: the cases in the database).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    raise SystemExit("Give DATABASE_URL=postgres://… (and OCTIP_VAR_DIR): this benchmark runs on PostgreSQL.")
if not os.environ.get("OCTIP_VAR_DIR"):
    raise SystemExit("Give OCTIP_VAR_DIR: the var/ directory holding the seeded database's field keys.")

import _harness as h  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402

#: The load test's staff roles (bench/load/locustfile.py) and the demo account each copies.
ROLES = {"coordinator": "coordinator", "caseworker": "caseworker", "hotline_operator": "hotline",
         "screener": "screener"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _Timer:
    """Times every query of a request (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql, params))


def _request(client, method: str, path: str, data) -> tuple[int, float, _Timer]:
    timer = _Timer()
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        response = client.post(path, data) if method == "POST" else client.get(path, data or {})
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, time.perf_counter() - started, timer


def _every_filter() -> list[tuple[str, str, str, dict | None]]:
    """The case list with each single value of its stage, track and region filters (the load test
    draws one of them at random): the rare values are where a list can walk far for its page."""
    from octip.cases.models import Stage, Track
    from octip.partners.models import Region

    values = [("stage", v) for v in Stage.values] + [("track", v) for v in Track.values] + \
        [("region", v) for v in Region.objects.order_by("position").values_list("code", flat=True)]
    return [(f"case list, {key}={value}", "GET", "/app/cases/", {key: value}) for key, value in values]


def _pages(user, case_id: str | None, name: str | None,
           every_filter: bool = False) -> list[tuple[str, str, str, dict | None]]:
    pages = [("home", "GET", "/app/", None), ("case list", "GET", "/app/cases/", None),
             ("case list, stage filter", "GET", "/app/cases/", {"stage": "services"}),
             ("case list, region filter", "GET", "/app/cases/", {"region": "northern"}),
             ("case list, my team's open", "GET", "/app/cases/", {"open": "on", "owner": "team"}),
             ("case list, overdue", "GET", "/app/cases/", {"overdue": "on"}),
             ("my work", "GET", "/app/cases/my-work/", None),
             ("referrals inbox", "GET", "/app/referrals/", None),
             ("API GET /api/v1/cases", "GET", "/api/v1/cases", {"limit": 50})]
    if every_filter:
        pages += _every_filter()
    if user.role == "hotline_operator":
        pages.append(("24/7 queue", "GET", "/app/hotline/", None))
    if user.role == "screener":
        pages.append(("screening", "GET", "/app/screening/", None))
    if case_id:
        pages.append(("case page", "GET", f"/app/cases/{case_id}/", None))
    if name:
        pages.append(("person search", "POST", "/app/cases/", {"q": name}))
        pages.append(("person search, sounds like", "POST", "/app/cases/", {"q": name, "phonetic": "on"}))
    return pages


def _plan(sql: str, params) -> str:
    """EXPLAIN ANALYZE of a query as the request ran it (its parameters in place)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(line for (line,) in cursor.fetchall())


def main(runs: int, only: set[str], explain: float = 0, every_filter: bool = False, cold: bool = False) -> dict:
    from django.core.cache import cache

    from octip.cases import models as m
    from octip.cases import selectors
    from octip.partners.demo import demo_email
    from octip.partners.models import User

    out: dict[str, list[dict]] = {}
    for role, local in ROLES.items():
        if only and role not in only:
            continue
        user = User.objects.get(email=demo_email(local))
        client = h.signed_in_client(user)
        case = selectors.case_list(actor=user).order_by("-opened_at").first()
        # A synthetic name on a case of the reader's own (the load test searches for such names).
        own = m.Case.objects.in_own_scope(user).select_related("person").order_by("-opened_at").first()
        name = own.person.legal_name if own and user.role != "screener" else None
        rows = []
        for label, method, path, data in _pages(user, str(case.pk) if case else None, name, every_filter):
            if method == "POST":
                data = {**data, "csrfmiddlewaretoken": CSRF.search(client.get(path).content.decode()).group(1)}
            status, _took, _timer = _request(client, method, path, data)  # warm-up (templates, connections)
            if cold:
                cache.clear()  # the page's request after the kept numbers and choices expired
                status, first, _timer = _request(client, method, path, data)
            times, sql_times, slowest = [], [], (0.0, "", None)
            for _ in range(runs):
                status, took, timer = _request(client, method, path, data)
                times.append(took)
                sql_times.append(sum(t for t, _sql, _params in timer.queries))
                slowest = max([slowest, *timer.queries], key=lambda q: q[0])
            pct = h.percentiles(times)
            row = {"page": label, "path": path, "status": status, **pct, "queries": len(timer.queries),
                   "sql_median_ms": round(statistics.median(sql_times) * 1000, 1),
                   "sql_share": round(statistics.median(sql_times) / statistics.median(times), 2),
                   "slowest_query_ms": round(slowest[0] * 1000, 1), "slowest_query": slowest[1][:2000]}
            if cold:
                row["cold_cache_ms"] = round(first * 1000, 1)
            rows.append(row)
            if explain and slowest[0] * 1000 >= explain:
                row["slowest_query_plan"] = _plan(slowest[1], slowest[2])
            print(f"  {role:17} {label:28} {status} {row['median_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f}  "
                  f"{row['queries']:3} q  sql {row['sql_share']:4.2f}  slowest {row['slowest_query_ms']:7.1f} ms"
                  + (f"  cold cache {row['cold_cache_ms']:8.1f} ms" if cold else ""),
                  file=sys.stderr)
        out[role] = rows
    return {"cases": m.Case.objects.count(), "runs": runs, "machine": h.machine(),
            "note": "Django test client in one process against PostgreSQL, nothing else running; sql_share is "
                    "the request's SQL time over its whole time (the reference measured in the same request).",
            "results": out}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (default 5)")
    parser.add_argument("--explain", type=float, default=0, metavar="MS",
                        help="add the plan (EXPLAIN ANALYZE) of each page's slowest query taking MS or more")
    parser.add_argument("--every-filter", action="store_true",
                        help="also the case list with each value of its stage, track and region filters")
    parser.add_argument("--cold", action="store_true",
                        help="empty the shared cache after each page's warm-up and report the next request's time")
    parser.add_argument("--only", default="", help="comma-separated roles (default: all four)")
    args = parser.parse_args()
    unknown = set(filter(None, args.only.split(","))) - set(ROLES)
    if unknown or args.runs < 1 or args.explain < 0:
        raise SystemExit(f"--only takes {', '.join(ROLES)}; --runs at least 1" + (f" (not {', '.join(unknown)})"
                                                                                  if unknown else ""))
    result = main(args.runs, set(filter(None, args.only.split(","))), args.explain, args.every_filter, args.cold)
    h.write(f"pages_by_role_{result['cases']}", result)
