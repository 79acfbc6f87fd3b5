"""Benchmark: the HSDS 3.0 API (/hsds/) over the demo directory, anonymous (public services only)
and with a partner's personal API token (partners-only services too; those reads are audited).

Run: .venv/bin/python bench/hsds_api.py [SERVICES]   (default 2000; uses a throwaway SQLite database
under /tmp). Writes its numbers to bench/results/hsds_api.json.

Measured twice: over the demo directory as ``seed_demo`` makes it (~80 services), then again after
importing copies of it (``hsds_export`` → fresh ids → the importer behind ``hsds_import``; odd copies
partners-only) up to about SERVICES services, to see how each endpoint grows with the directory.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

import _harness as h

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _new_id(copy: int, shared: set[str]):
    def replace(found: re.Match) -> str:
        old = found.group(0).lower()
        return old if old in shared else str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-copy-{copy}:{old}"))
    return replace


def grow_directory(target: int) -> float:
    """Import copies of the demo directory (new ids; taxonomies shared) until ~``target`` services."""
    from django.core.management import call_command

    from octip.directory import models as m
    from octip.directory.importer import import_path

    started = time.perf_counter()
    source = Path(tempfile.mkdtemp(prefix="hsds-", dir=h.VAR_DIR))
    with open(os.devnull, "w") as quiet:
        call_command("hsds_export", str(source), format="csv", stdout=quiet)
    shared = set()
    for name in ("taxonomies.csv", "taxonomy_terms.csv"):
        shared |= {u.lower() for u in UUID.findall((source / name).read_text())}
    per_copy = m.Service.objects.count()
    copy = 0
    while m.Service.objects.count() + per_copy <= target:
        copy += 1
        folder = Path(tempfile.mkdtemp(prefix=f"hsds-{copy}-", dir=h.VAR_DIR))
        for path in source.iterdir():
            (folder / path.name).write_text(UUID.sub(_new_id(copy, shared), path.read_text()))
        import_path(folder, visibility=m.Visibility.PARTNERS if copy % 2 else m.Visibility.PUBLIC)
    return round(time.perf_counter() - started, 1)


def measure_all(runs: int, budget_s: float) -> dict:
    from django.test import Client

    from octip.directory import models as m
    from octip.partners.demo import demo_email
    from octip.partners.models import User
    from octip.partners.services import create_api_token

    caseworker = User.objects.get(email=demo_email("caseworker"))
    _token, raw = create_api_token(actor=caseworker, name=f"benchmark {time.time()}")
    public = m.Service.objects.filter(visibility=m.Visibility.PUBLIC).order_by("name", "pk").first()
    confidential = m.Service.objects.filter(visibility=m.Visibility.PARTNERS).order_by("name", "pk").first()

    callers = {"anonymous": Client(), "token (caseworker)": Client(headers={"Authorization": f"Bearer {raw}"})}
    scenarios = [
        ("services ?per_page=50", "/hsds/services", {"per_page": 50}),
        ("services ?per_page=50&full=true", "/hsds/services", {"per_page": 50, "full": "true"}),
        ("services ?format=ndjson (all)", "/hsds/services", {"format": "ndjson"}),
        ("services ?format=ndjson&full=true (all)", "/hsds/services", {"format": "ndjson", "full": "true"}),
        ("services/{id} (public service)", f"/hsds/services/{public.pk}", None),
    ]
    results: dict[str, list[dict]] = {}
    started = time.perf_counter()
    for label, client in callers.items():
        rows = []
        extra = [("services/{id} (partners-only service)", f"/hsds/services/{confidential.pk}", None)] \
            if label.startswith("token") and confidential else []
        for title, path, data in scenarios + extra:
            row = h.measure(client, "GET", path, data, runs=runs, budget_s=budget_s)
            row["name"] = title
            rows.append(row)
            print(f"{label:20} {title:42} median {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
                  f"{row['queries']:3} queries  {row['bytes']:8} bytes", file=sys.stderr)
        results[label] = rows
    return {
        "services": m.Service.objects.count(),
        "public_services": m.Service.objects.filter(visibility=m.Visibility.PUBLIC).count(),
        "measure_seconds": round(time.perf_counter() - started, 1),
        "results": results,
    }


def main(target: int) -> dict:
    h.migrate()
    seed_s = h.seed_demo()
    demo = measure_all(runs=20, budget_s=10.0)
    grow_s = grow_directory(target)
    grown = measure_all(runs=20, budget_s=10.0)
    return {
        "seed_seconds": seed_s,
        "grow_seconds": grow_s,
        "machine": h.machine(),
        "note": "Wall time through the Django test client (no server, no network), one process, SQLite; "
                "median and p95 over 'runs' requests after one warm-up; 'queries' = SQL queries of one request; "
                "'bytes' = response body (NDJSON read to the end).",
        "demo_directory": demo,
        "grown_directory": grown,
    }


if __name__ == "__main__":
    h.write("hsds_api", main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
