"""The one columnar extract every figure is computed from: a DuckDB database in memory.

It holds de-identified fields only — no name, date of birth, contact, free text, case number or id,
and no date finer than the year (durations are whole days or minutes). Five tables:

- ``cases``: one row per case opened in the period;
- ``needs``: one row per need of those cases;
- ``referrals``: one row per referral sent in the period;
- ``contacts``: one row per 24/7 line contact received in the period;
- ``events``: one row per trafficking event (HTCDS ``hte_``) of those cases: type, year, country.

Each row of ``cases``, ``needs``, ``referrals`` and ``events`` carries ``consented``: whether the person's
``deidentified_statistics`` consent is active at extraction time (``consent.policy``). A release
outside the office keeps only consented rows; a contact not linked to a case is not a person's
record and counts as consented.

``build_from_database`` reads the platform's tables (called by ``stats.selectors`` only, after the
permission check); ``build_from_columns`` takes synthetic columns (the benchmark, the tests).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import yaml
from django.utils import timezone
from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data"

#: The columns of each table, in order, with their DuckDB types.
SCHEMA: dict[str, dict[str, str]] = {
    "cases": {
        "year": "INTEGER", "region": "VARCHAR", "track": "VARCHAR", "funding": "VARCHAR",
        "age_band": "VARCHAR", "gender": "VARCHAR", "citizenship": "VARCHAR", "world_region": "VARCHAR",
        "exploitation": "VARCHAR", "sexual": "BOOLEAN", "labour": "BOOLEAN", "other_exploitation": "BOOLEAN",
        "setting": "VARCHAR", "means": "VARCHAR[]", "referral_source": "VARCHAR", "closed": "BOOLEAN",
        "days_to_close": "INTEGER", "closure_outcome": "VARCHAR", "consented": "BOOLEAN",
        # The HTCDS profile (``cases.TraffickingProfile``): HTCDS codes only; the age in whole years.
        "trafficking_status": "VARCHAR", "status_decided_by": "VARCHAR", "recruitment_methods": "VARCHAR[]",
        "recruitment_platforms": "VARCHAR[]", "exploitation_platforms": "VARCHAR[]", "labour_industry": "VARCHAR",
        "sex_exploitation": "VARCHAR[]", "vulnerabilities": "VARCHAR[]", "trafficker_relationship": "VARCHAR",
        "age_trafficked": "INTEGER",
    },
    "needs": {"year": "INTEGER", "region": "VARCHAR", "funding": "VARCHAR", "domain": "VARCHAR",
              "met": "BOOLEAN", "consented": "BOOLEAN"},
    "referrals": {"year": "INTEGER", "region": "VARCHAR", "funding": "VARCHAR", "status": "VARCHAR",
                  "days_to_accept": "INTEGER", "consented": "BOOLEAN"},
    "contacts": {"year": "INTEGER", "region": "VARCHAR", "channel": "VARCHAR", "urgency": "VARCHAR",
                 "response": "VARCHAR", "minutes_to_response": "INTEGER", "consented": "BOOLEAN",
                 # Codes only (hotline.models.ContactType); ``counts_as_case``: a substantive contact with a
                 # trafficking category (hotline.reference), the way Polaris counts cases among signals.
                 "contact_type": "VARCHAR", "counts_as_case": "BOOLEAN"},
    # One row per trafficking event of the year's cases: its HTCDS type, its year only, its country.
    # Not linked to its case's row (no id): an event is counted, never joined back to a person.
    "events": {"year": "INTEGER", "type": "VARCHAR", "event_year": "INTEGER", "country": "VARCHAR",
               "consented": "BOOLEAN"},
}

#: Funding lines of the annual report: adult services under PSSG, youth and the Migrant Services
#: Program under MCFD.
FUNDING_PSSG_ADULT = "pssg_adult"
FUNDING_MCFD_YOUTH = "mcfd_youth"
FUNDING_MCFD_MSP = "mcfd_migrant_services"

UNKNOWN = "unknown"


@dataclass(frozen=True)
class WorldRegion:
    code: str
    label_en: str
    label_fr: str
    countries: frozenset[str]

    @property
    def label(self) -> str:
        return self.label_fr if (get_language() or "").startswith("fr") else self.label_en


@cache
def world_regions() -> tuple[WorldRegion, ...]:
    rows = yaml.safe_load((DATA / "world_regions.yaml").read_text(encoding="utf-8"))
    return tuple(WorldRegion(r["code"], r["label"], r["label_fr"], frozenset(r["countries"])) for r in rows)


@cache
def _country_to_region() -> dict[str, str]:
    return {country: region.code for region in world_regions() for country in region.countries}


def world_region_of(country: str) -> str:
    return _country_to_region().get((country or "").upper(), UNKNOWN)


def funding_of(track: str, migrant_services: bool) -> str:
    if track == "youth":
        return FUNDING_MCFD_MSP if migrant_services else FUNDING_MCFD_YOUTH
    return FUNDING_PSSG_ADULT


def exploitation_of(types: Sequence[str]) -> str:
    kinds = set(types or ())
    if {"sexual", "labour"} <= kinds:
        return "sexual_labour"
    for kind in ("sexual", "labour", "other"):
        if kind in kinds:
            return kind
    return UNKNOWN


class Extract:
    """A DuckDB connection holding the four tables. Close it when done (or use ``with``)."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, *, year: int, built_at: datetime.datetime) -> None:
        self.con = connection
        self.year = year
        self.built_at = built_at

    def __enter__(self) -> Extract:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def count(self, table: str, where: str = "TRUE", params: Sequence[Any] = ()) -> int:
        if table not in SCHEMA:
            raise ValueError(table)
        row = self.con.execute(f"SELECT count(*) FROM {table} WHERE {where}", list(params)).fetchone()  # noqa: S608
        return int(row[0]) if row else 0


def build_from_columns(columns: Mapping[str, Mapping[str, Any]], *, year: int,
                       built_at: datetime.datetime | None = None) -> Extract:
    """An extract from columns (table name → column name → sequence or numpy array). Every table
    of ``SCHEMA`` is created, empty when not given; a column not in ``SCHEMA`` is refused, so no
    identifying column can slip in."""
    con = duckdb.connect(database=":memory:")
    for table, schema in SCHEMA.items():
        given = dict(columns.get(table, {}))
        unknown = set(given) - set(schema)
        if unknown:
            con.close()
            raise ValueError(f"The extract has no column {sorted(unknown)} in {table}.")
        ddl = ", ".join(f"{name} {kind}" for name, kind in schema.items())
        con.execute(f"CREATE TABLE {table} ({ddl})")
        if not given:
            continue
        lengths = {len(v) for v in given.values()}
        if len(lengths) != 1:
            con.close()
            raise ValueError(f"The columns of {table} differ in length.")
        length = lengths.pop()
        source = {name: _column(given.get(name), schema[name], length) for name in schema}
        con.register("_source", source)
        con.execute(f"INSERT INTO {table} SELECT * FROM _source")  # noqa: S608
        con.unregister("_source")
    return Extract(con, year=year, built_at=built_at or timezone.now())


def _column(values: Any, kind: str, length: int) -> Any:
    if values is None:
        if kind == "BOOLEAN":
            return np.zeros(length, dtype=bool)
        return np.array([None] * length, dtype=object)
    if isinstance(values, np.ndarray):
        return values
    if kind == "VARCHAR[]":
        # Filled one by one: np.array of lists all of one length would make a 2-D array, not a column of lists.
        column = np.empty(length, dtype=object)
        for i, v in enumerate(values):
            column[i] = None if v is None else list(v)
        return column
    if kind == "INTEGER":
        return np.array([None if v is None else int(v) for v in values], dtype=object)
    if kind == "BOOLEAN":
        return np.array([bool(v) for v in values], dtype=bool)
    return np.array([v if v is None else str(v) for v in values], dtype=object)
