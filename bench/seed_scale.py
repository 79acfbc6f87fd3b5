"""Benchmark: how fast ``seed_demo --scale N`` writes synthetic cases, against the per-case demo path.

Run: .venv/bin/python bench/seed_scale.py [N]   (N bulk cases, default 5000)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty db> .venv/bin/python bench/seed_scale.py [N]
       (PostgreSQL: COPY; the database must be empty, it is migrated and filled, and not dropped)
Writes bench/results/seed_scale.json (seed_scale_sqlite.json on SQLite).

Reference, measured in the same run on the same database: the default demo's per-case path
(``octip.cases.demo._make_chunk``, 200 cases: model saves in chunks of 500, no consents or referrals).
The ratio is bulk cases/s over reference cases/s, and bulk rows/s over reference rows/s (the bulk
path writes more rows per case: consents, referrals, grants, their timeline).
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "octip.settings")
if not os.environ.get("DATABASE_URL"):
    import _harness  # noqa: F401  - a throwaway SQLite database and OCTIP_VAR_DIR
else:
    import django

    django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def _rows() -> Counter[str]:
    """Rows per table of the tables the case seeders write."""
    from django.apps import apps

    labels = ["cases.person", "cases.case", "cases.need", "cases.goal", "cases.planaction", "cases.task",
              "cases.note", "cases.youthprofile", "cases.dutytoreport", "cases.closurerequest",
              "cases.timelineentry", "cases.caseaccessgrant", "consent.consent", "consent.disclosure",
              "referrals.referral"]
    return Counter({label: apps.get_model(label).objects.count() for label in labels})


def main(n: int) -> dict:
    from octip.cases import bulk_demo, demo
    from octip.cases.models import Case
    from octip.partners import demo as partners_demo
    from octip.referrals import demo as referrals_demo  # noqa: F401  (registers the referrals step, as seed_demo does)

    call_command("migrate", verbosity=0)
    if Case.objects.exists():
        raise SystemExit("The database already holds cases: give this benchmark an empty one.")
    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)

    started = time.perf_counter()
    demo._seed_cases(scale=None, stdout=out)  # the per-case path: DEFAULT_CASES cases
    reference_s = time.perf_counter() - started
    reference_rows = _rows()
    reference_cases = reference_rows["cases.case"]

    captured: dict = {}
    original = bulk_demo.seed_scale

    def keep(**kwargs):
        captured["summary"] = original(**kwargs)
        return captured["summary"]

    bulk_demo.seed_scale = keep
    try:
        started = time.perf_counter()
        demo._seed_cases(scale=reference_cases + n, stdout=out)
        bulk_s = time.perf_counter() - started
    finally:
        bulk_demo.seed_scale = original
    summary = captured["summary"]
    per_table = {label: {"rows": count, "rows_per_s": round(count / bulk_s)}
                 for label, count in sorted(summary.counts.items())}
    bulk_rows = sum(summary.counts.values())
    result = {
        "database": connection.vendor,
        "insert": "COPY" if connection.vendor == "postgresql" else "bulk_create",
        "n": n,
        "batch": bulk_demo.BATCH,
        "seconds": round(bulk_s, 1),
        "cases_per_s": round(n / bulk_s, 1),
        "rows_per_s": round(bulk_rows / bulk_s),
        "rows_per_case": round(bulk_rows / n, 1),
        "per_table": per_table,
        "reference": {"what": "octip.cases.demo per-case path (default demo)", "cases": reference_cases,
                      "seconds": round(reference_s, 2), "cases_per_s": round(reference_cases / reference_s, 1),
                      "rows_per_s": round(sum(reference_rows.values()) / reference_s)},
        "ratio_cases_per_s": round((n / bulk_s) / (reference_cases / reference_s), 2),
        "ratio_rows_per_s": round((bulk_rows / bulk_s) / (sum(reference_rows.values()) / reference_s), 2),
        "million_cases_estimate_min": round(1_000_000 / (n / bulk_s) / 60, 1),
        "machine": {"load_average_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()},
    }
    return result


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    result = main(n)
    name = "seed_scale" if result["database"] == "postgresql" else "seed_scale_sqlite"
    path = ROOT / "bench" / "results" / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"Wrote {path.relative_to(ROOT)}")
