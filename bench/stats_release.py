"""Benchmark: a full ``aggregate`` statistical release over N synthetic case rows (default 1,000,000)
against DuckDB's plain GROUP BY of the same cells.

Run: .venv/bin/python bench/stats_release.py [N]   (a throwaway OCTIP_VAR_DIR under /tmp; no database
rows: the synthetic rows are generated straight into the DuckDB extract, as the release reads it)
Writes its numbers to bench/results/stats_release.json (stats_release_N.json for another N).

The release is everything ``stats.services.produce`` does for ``aggregate``: one GROUP BY per table,
primary and complementary suppression, random rounding, the medians, and writing every CSV and the
XLSX workbook, then the SHA-256 of each file. The baseline runs the same GROUP BY statements and
fetches their rows, nothing else. Target: a ratio of 2 or less.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "octip.settings")
os.environ["OCTIP_VAR_DIR"] = tempfile.mkdtemp(prefix="octip-bench-")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402
import numpy as np  # noqa: E402

YEAR = 2025
REPEATS = 3


def _pick(values: list[str]) -> str:
    quoted = ", ".join("'" + v + "'" for v in values)
    return f"([{quoted}])[1 + floor(random() * {len(values)})::INTEGER]"


def synthetic_extract(n: int):
    from octip.cases import reference
    from octip.cases.models import AGE_BANDS, ClosureOutcome, Gender, ReferralSource
    from octip.hotline.models import Channel, Urgency
    from octip.referrals.models import ReferralStatus
    from octip.stats.extract import Extract, build_from_columns, world_regions
    from octip.stats.tables import regions

    extract: Extract = build_from_columns({}, year=YEAR)
    con: duckdb.DuckDBPyConnection = extract.con
    con.execute("SELECT setseed(0.42)")
    region_codes = [code for code, _label in regions()]
    means = [t.code for t in reference.means_of_control()]
    means_list = ", ".join("'" + m + "'" for m in means)
    con.execute(f"""
        INSERT INTO cases
        SELECT {YEAR}, {_pick(region_codes)}, track, CASE WHEN track = 'adult' THEN 'pssg_adult'
                   WHEN random() < 0.3 THEN 'mcfd_migrant_services' ELSE 'mcfd_youth' END,
               {_pick([b for _l, _h, b in AGE_BANDS] + [''])}, {_pick(list(Gender.values))},
               c, coalesce(w, 'unknown'), ex, ex IN ('sexual', 'sexual_labour'), ex IN ('labour', 'sexual_labour'),
               ex = 'other', {_pick([t.code for t in reference.polaris_settings()])},
               list_filter([{means_list}], lambda x: random() < 0.15),
               {_pick(list(ReferralSource.values))}, closed,
               CASE WHEN closed THEN floor(random() * 500)::INTEGER END,
               CASE WHEN closed THEN {_pick(list(ClosureOutcome.values))} END, random() < 0.8
        FROM (SELECT CASE WHEN random() < 0.25 THEN 'youth' ELSE 'adult' END AS track,
                     {_pick(['CA', 'CA', 'CA', 'MX', 'PH', 'IN', 'UA', 'CN', 'NG', ''])} AS c,
                     {_pick(['sexual', 'sexual', 'labour', 'sexual_labour', 'other', 'unknown'])} AS ex,
                     random() < 0.4 AS closed
              FROM range({n})) AS base
        LEFT JOIN (SELECT * FROM (VALUES {", ".join(f"('{c}', '{r.code}')" for r in world_regions()
                                                      for c in r.countries)}) AS t(country, w)) AS map
               ON map.country = base.c
    """)  # noqa: S608
    domains = [t.code for t in reference.needs_domains()]
    con.execute(f"""INSERT INTO needs SELECT {YEAR}, {_pick(region_codes)}, 'pssg_adult', {_pick(domains)},
                    random() < 0.5, random() < 0.8 FROM range({n // 2})""")  # noqa: S608
    con.execute(f"""INSERT INTO referrals SELECT {YEAR}, {_pick(region_codes)}, 'pssg_adult',
                    {_pick(list(ReferralStatus.values))}, floor(random() * 20)::INTEGER, random() < 0.8
                    FROM range({n // 3})""")  # noqa: S608
    con.execute(f"""INSERT INTO contacts SELECT {YEAR}, {_pick(region_codes)}, {_pick(list(Channel.values))},
                    {_pick(list(Urgency.values))}, {_pick(['met', 'met', 'missed', 'none'])},
                    floor(random() * 600)::INTEGER, TRUE FROM range({n // 2})""")  # noqa: S608
    return extract


def plain_group_by(extract) -> int:
    """The same cells as the release, by plain GROUP BY statements, rows fetched; nothing more."""
    from octip.stats.tables import MEDIANS, SPECS, Filters

    filters = Filters(year=YEAR)
    fetched = 0
    for spec in SPECS:
        where, params = filters.sql(spec.table)
        where = f"({where}) AND ({spec.where})"
        if spec.flags:
            sql = (f"SELECT m, count(*) FROM (SELECT unnest({spec.rows}) AS m FROM {spec.table} WHERE {where}) "
                   "GROUP BY 1")
        elif spec.cols:
            sql = f"SELECT {spec.rows}, {spec.cols}, count(*) FROM {spec.table} WHERE {where} GROUP BY 1, 2"
        else:
            sql = f"SELECT {spec.rows}, count(*) FROM {spec.table} WHERE {where} GROUP BY 1"
        fetched += len(extract.con.execute(sql, params).fetchall())
    for table, column, condition in MEDIANS.values():
        where, params = filters.sql(table)
        extract.con.execute(f"SELECT median({column}), count(*) FROM {table} WHERE ({where}) AND {condition}",
                            params).fetchall()
    return fetched


def full_release(extract, folder: Path) -> dict:
    from octip.stats import disclosure
    from octip.stats.services import ReleaseRequest, files_of, produce

    req = ReleaseRequest(kind="aggregate", period=YEAR, k=11, epsilon=None, delta=None, out=folder)
    rng = np.random.default_rng(disclosure.new_seed())
    row_count, suppression, _dp, left_out = produce(extract, req, rng, folder, "OCTIP-BENCH")
    files = files_of(folder)
    return {"rows": row_count, "cells_suppressed": suppression["cells_suppressed"], "files": len(files),
            "left_out": left_out}


def main(n: int) -> dict:
    started = time.perf_counter()
    extract = synthetic_extract(n)
    build_s = time.perf_counter() - started
    plain_group_by(extract)  # warm DuckDB and the imports once, for both sides
    full_release(extract, Path(tempfile.mkdtemp(prefix="octip-bench-release-")))
    release_times, plain_times, detail = [], [], {}
    for _ in range(REPEATS):
        folder = Path(tempfile.mkdtemp(prefix="octip-bench-release-"))
        started = time.perf_counter()
        detail = full_release(extract, folder)
        release_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        plain_group_by(extract)
        plain_times.append(time.perf_counter() - started)
    release_s, plain_s = statistics.median(release_times), statistics.median(plain_times)
    cases = extract.count("cases")
    extract.close()
    return {
        "case_rows": cases, "build_extract_s": round(build_s, 3), "repeats": REPEATS,
        "aggregate_release_s": round(release_s, 4), "plain_group_by_s": round(plain_s, 4),
        "ratio": round(release_s / plain_s, 2), "target_ratio": 2.0, "release": detail,
        "duckdb": duckdb.__version__,
    }


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    result = main(size)
    print(json.dumps(result, indent=2))
    name = "stats_release.json" if size == 1_000_000 else f"stats_release_{size}.json"
    (ROOT / "bench" / "results" / name).write_text(json.dumps(result, indent=2) + "\n")
