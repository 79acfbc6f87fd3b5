"""Benchmark: person search (exact name, alias, sounds-alike name, date of birth, phone) at scale on
PostgreSQL, through the app's selectors against the bare indexed SQL lookup of the same blind index.

Run: DATABASE_URL=postgres://… OCTIP_VAR_DIR=<its var folder> .venv/bin/python bench/search_at_scale.py [N]
(default N = 50000). The database is migrated, and seeded with ``manage.py seed_demo --scale N`` only
when it holds fewer than N cases (an already seeded database is used as it is). Writes
bench/results/search_at_scale.json (bench/results/search_at_scale_N.json for another N).

For each search, as the demo coordinator (scope all), interleaved run by run so the machine's load
falls on all of them alike:

- ``case_list``: ``selectors.case_list(actor, filters, annotate=False)`` evaluated to a list (the
  search's query, as the page runs it);
- ``page``: its first page, ordered and limited as the keyset page fetches it, against ``page_sql``,
  the bare lookup with the same ORDER BY and LIMIT;
- ``case_rows``: ``selectors.case_rows(...)``, the page's read: the count, the page of rows, their
  sections, and the audit records (``case.searched``, ``person.listed``);
- ``sql``: the reference, a raw cursor query: the blind index looked up in its index and joined to
  the cases (the token table for names; the person's column for date of birth and phone).
"""

from __future__ import annotations

import sys
import time

import _harness as h

RUNS = 60
PAGE = 25  # rows a page shows


def _reference_sql(kind: str) -> str:
    if kind in ("name", "phonetic"):
        return ("SELECT c.id, c.number FROM cases_case c WHERE c.person_id IN ("
                "SELECT t.person_id FROM cases_personsearchtoken t WHERE t.kind = %s AND t.key_id = %s "
                "AND t.token = ANY(%s) GROUP BY t.person_id HAVING count(*) = %s)")
    column = {"dob": "dob_index", "phone": "phone_index"}[kind]
    return (f"SELECT c.id, c.number FROM cases_case c JOIN cases_person p ON p.id = c.person_id "  # noqa: S608
            f"WHERE p.{column} = %s AND p.index_key_id = %s")


def _searches(person, key_id: str) -> list[tuple[str, dict, str, list]]:
    """(title, CaseFilters kwargs, reference SQL, its parameters) of each search for one person."""
    from octip.cases.models import dob_index, name_index, phone_index, phonetic_name_index

    def tokens(kind: str, tokens: list[str]) -> list:
        return [kind, key_id, tokens, len(tokens)]

    alias = person.aliases[0]
    phonetic = sorted(set(phonetic_name_index(person.legal_name, key_id).split()))
    return [
        ("exact name", {"q": person.legal_name}, _reference_sql("name"),
         tokens("name", [name_index(person.legal_name, key_id)])),
        ("alias", {"q": alias}, _reference_sql("name"), tokens("name", [name_index(alias, key_id)])),
        ("phonetic name", {"q": person.legal_name, "phonetic": True}, _reference_sql("phonetic"),
         tokens("phonetic", phonetic)),
        ("date of birth", {"date_of_birth": person.date_of_birth}, _reference_sql("dob"),
         [dob_index(person.date_of_birth, key_id), key_id]),
        ("phone", {"phone": person.phone}, _reference_sql("phone"), [phone_index(person.phone, key_id), key_id]),
    ]


def main(n: int) -> dict:
    from django.db import connection

    if connection.vendor != "postgresql" or not h.given_database():
        raise SystemExit("Give a PostgreSQL database: DATABASE_URL=postgres://… OCTIP_VAR_DIR=<its var folder>.")
    h.migrate()
    from octip.cases import models as m
    from octip.cases import selectors
    from octip.core import crypto
    from octip.partners.demo import demo_email
    from octip.partners.models import User

    seed_s = h.seed_demo(n) if m.Case.objects.count() < n else None
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum keeps them in service: a freshly seeded database has none,
        # and PostgreSQL then scans the cases for a lookup that matches two.
        cursor.execute("ANALYZE")
    coordinator = User.objects.get(email=demo_email("coordinator"))
    key_id = crypto.key_ring().blind_index_id
    # A person with an alias, a date of birth and a phone, on the current key version (synthetic:
    # decrypted here only to search for them).
    person = next(p for p in m.Person.objects.filter(index_key_id=key_id, cases__isnull=False)
                  .exclude(phone_index="").exclude(dob_index="").order_by("pk")[:500] if p.aliases)

    results = []
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for title, filters_kw, sql, params in _searches(person, key_id):
            filters = selectors.CaseFilters(**filters_kw)

            def app_list(filters: selectors.CaseFilters = filters) -> int:
                # The search's query as the page runs it (the flags come afterwards, for the page's rows).
                return len(list(selectors.case_list(actor=coordinator, filters=filters, annotate=False)))

            def app_page(filters: selectors.CaseFilters = filters) -> int:
                # The first page of the search, as the keyset page fetches it (one row more than it shows).
                return len(list(selectors.case_list(actor=coordinator, filters=filters, annotate=False)
                                .order_by(*selectors.CASE_ORDERING)[:PAGE + 1]))

            def app_rows(filters: selectors.CaseFilters = filters) -> int:
                return len(selectors.case_rows(actor=coordinator, filters=filters, via="api").rows)

            def bare(sql: str = sql, params: list = params) -> int:
                cursor.execute(sql, params)
                return len(cursor.fetchall())

            def bare_page(sql: str = sql, params: list = params) -> int:
                cursor.execute(f"{sql} ORDER BY c.opened_at DESC, c.id DESC LIMIT {PAGE + 1}", params)
                return len(cursor.fetchall())

            kinds = (("sql", bare), ("case_list", app_list), ("page_sql", bare_page), ("page", app_page),
                     ("case_rows", app_rows))
            found = {name: fn() for name, fn in kinds}
            if found["sql"] == 0 or found["case_list"] != found["sql"] or found["case_rows"] != min(found["sql"], 25) \
                    or found["page"] != found["page_sql"]:
                raise SystemExit(f"{title}: the selector and the reference disagree: {found}")
            times: dict[str, list[float]] = {name: [] for name, _fn in kinds}
            for _run in range(RUNS):
                for name, fn in kinds:
                    t0 = time.perf_counter()
                    fn()
                    times[name].append(time.perf_counter() - t0)
            stats = {name: h.percentiles(values) for name, values in times.items()}
            row = {"search": title, "matches": found["sql"], **stats}
            for name, reference in (("case_list", "sql"), ("page", "page_sql"), ("case_rows", "page_sql")):
                row[f"{name}_ratio_median"] = round(stats[name]["median_ms"] / stats[reference]["median_ms"], 2)
                row[f"{name}_ratio_p95"] = round(stats[name]["p95_ms"] / stats[reference]["p95_ms"], 2)
            results.append(row)
            print(f"{title:14} {found['sql']:5} matches  case_list p95 x{row['case_list_ratio_p95']} "
                  f"(median x{row['case_list_ratio_median']})  first page p95 x{row['page_ratio_p95']} "
                  f"(median x{row['page_ratio_median']})  case_rows p95 x{row['case_rows_ratio_p95']}  "
                  f"[sql {stats['sql']['median_ms']:.2f} ms, page sql {stats['page_sql']['median_ms']:.2f} ms]",
                  file=sys.stderr)
    return {
        "cases": m.Case.objects.count(),
        "persons": m.Person.objects.count(),
        "search_tokens": m.PersonSearchToken.objects.count(),
        "seed_seconds": seed_s,
        "measure_seconds": round(time.perf_counter() - started, 1),
        "machine": h.machine(),
        "note": "PostgreSQL, one process, the demo coordinator (scope all). Per search: median and p95 over "
                "'runs' calls, the three kinds interleaved run by run; ratios are the selector's time over the "
                "bare SQL lookup's: case_list (every match) against 'sql', the first page ('page', the search's query "
                "ordered and limited as the keyset page runs it) against 'page_sql' (the same ORDER BY and LIMIT "
                "on the bare lookup), case_rows against 'page_sql'. case_rows also counts the matches, reads the "
                "rows' sections and appends two audit events. Target: p95 ratio <= 2.",
        "results": results,
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    if n < 1:
        raise SystemExit("N must be 1 or more.")
    result = main(n)
    h.write("search_at_scale" if n == 50_000 else f"search_at_scale_{n}", result)
