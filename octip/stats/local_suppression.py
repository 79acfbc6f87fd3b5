"""k-anonymity by local suppression, in DuckDB, for the case-level releases (``ctdc``, ``htcds``).

Rows whose combination of quasi-identifiers has fewer than k rows have the columns of the first step
set to the release's missing value, then those of the next step, and so on; rows still in a class under
k are dropped. What was done is returned as counts, for the release's manifest.
"""

from __future__ import annotations

from typing import Any


def quoted(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return '"' + name + '"'


def count_rows(con: Any, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {quoted(table)}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


def suppress(con: Any, table: str, *, quasi_identifiers: list[str], steps: list[list[str]], k: int,
             missing: str) -> dict[str, Any]:
    """Make ``table`` k-anonymous over ``quasi_identifiers``: generalize by ``steps`` (columns set to
    ``missing``), then drop the rows still in a class under ``k``. Returns the rows in and out, the
    rows dropped, and how many rows each step generalized."""
    cols = ", ".join(quoted(c) for c in quasi_identifiers)
    name = quoted(table)
    small = f"({cols}) IN (SELECT ({cols}) FROM {name} GROUP BY {cols} HAVING count(*) < {int(k)})"  # noqa: S608
    before = count_rows(con, table)
    generalized: dict[str, int] = {}
    for step in steps:
        row = con.execute(f"SELECT count(*) FROM {name} WHERE {small}").fetchone()  # noqa: S608
        affected = int(row[0]) if row else 0
        if not affected:
            break
        sets = ", ".join(f"{quoted(c)} = ?" for c in step)
        con.execute(f"UPDATE {name} SET {sets} WHERE {small}", [missing] * len(step))  # noqa: S608
        generalized["+".join(step)] = affected
    row = con.execute(f"SELECT count(*) FROM {name} WHERE {small}").fetchone()  # noqa: S608
    dropped = int(row[0]) if row else 0
    if dropped:
        con.execute(f"DELETE FROM {name} WHERE {small}")  # noqa: S608
    return {"rows_in": before, "rows_out": count_rows(con, table), "rows_suppressed": dropped,
            "generalized": generalized}
