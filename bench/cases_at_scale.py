"""Benchmark: the cases pages and API with many cases, as a coordinator (scope all) and a caseworker
(scope team), through the Django test client (no network, no web server).

Run: .venv/bin/python bench/cases_at_scale.py [N]   (N synthetic cases, default 5000; uses a throwaway
SQLite database under /tmp). Writes its numbers to bench/results/cases_at_scale.json
(bench/results/cases_at_scale_N.json for another N).
"""

from __future__ import annotations

import sys
import time

import _harness as h


def _scenarios(case, name: str) -> list[tuple[str, str, str, dict | None]]:
    detail = f"/app/cases/{case.pk}/"
    return [
        ("list", "GET", "/app/cases/", None),
        ("list ?stage=services", "GET", "/app/cases/", {"stage": "services"}),
        ("list ?track=youth", "GET", "/app/cases/", {"track": "youth"}),
        ("list ?region=fraser", "GET", "/app/cases/", {"region": "fraser"}),
        ("list ?overdue=on", "GET", "/app/cases/", {"overdue": "on"}),
        ("list ?stage=services&track=adult&overdue=on", "GET", "/app/cases/",
         {"stage": "services", "track": "adult", "overdue": "on"}),
        ("person search, exact name (POST)", "POST", "/app/cases/", {"q": name}),
        ("person search, phonetic name (POST)", "POST", "/app/cases/", {"q": name, "phonetic": "on"}),
        ("case detail", "GET", detail, None),
        ("export CSV", "GET", "/app/cases/export.csv", None),
        ("export XLSX", "GET", "/app/cases/export.xlsx", None),
        ("my work", "GET", "/app/cases/my-work/", None),
        ("API GET /api/v1/cases", "GET", "/api/v1/cases", None),
        ("API GET /api/v1/cases?limit=200", "GET", "/api/v1/cases", {"limit": 200}),
        ("API POST /api/v1/cases/search, exact name", "POST_JSON", "/api/v1/cases/search", {"search": name}),
        ("API POST /api/v1/cases/search, phonetic name", "POST_JSON", "/api/v1/cases/search",
         {"search": name, "phonetic": True}),
    ]


def main(n: int) -> dict:
    h.migrate()
    seed_s = h.seed_demo(n)
    from octip.cases import models as m
    from octip.cases import selectors
    from octip.partners.demo import demo_email
    from octip.partners.models import User

    users = {"coordinator (scope all)": User.objects.get(email=demo_email("coordinator")),
             "caseworker (scope team)": User.objects.get(email=demo_email("caseworker"))}
    caseworker = users["caseworker (scope team)"]
    # One case both can open: on the caseworker's team, in services (needs, plan, notes, tasks).
    case = (m.Case.objects.in_own_scope(caseworker).filter(stage="services").select_related("person")
            .order_by("number").first())
    name = case.person.legal_name  # synthetic, decrypted here only to search for it
    visible = {label: selectors.case_list(actor=user).count() for label, user in users.items()}

    results: dict[str, list[dict]] = {}
    started = time.perf_counter()
    for label, user in users.items():
        client = h.signed_in_client(user)
        rows = []
        for title, method, path, data in _scenarios(case, name):
            row = h.measure(client, method, path, data, runs=20, budget_s=12.0)
            row["name"] = title
            rows.append(row)
            print(f"{label:26} {title:48} median {row['median_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
                  f"{row['queries']:4} queries  ({row['runs']} runs)", file=sys.stderr)
        results[label] = rows
    return {
        "cases": m.Case.objects.count(),
        "visible_cases": visible,
        "seed_seconds": seed_s,
        "measure_seconds": round(time.perf_counter() - started, 1),
        "machine": h.machine(),
        "note": "Wall time through the Django test client (no server, no network), one process, SQLite; "
                "median and p95 over 'runs' requests after one warm-up; 'queries' = SQL queries of one request.",
        "results": results,
    }


DEFAULT_CASES = 5000

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CASES
    # Another size writes its own file, so the committed default stays comparable run to run.
    h.write("cases_at_scale" if n == DEFAULT_CASES else f"cases_at_scale_{n}", main(n))
