"""The ``htcds`` release: the HTCDS profile of each consented case of the year, and its trafficking
events, with the IOM Human Trafficking Case Data Standard's column names and codes.

Two files:

- ``htcds_persons.csv``: one row per consented case: ``yearOfRegistration`` (CTDC's name: HTCDS has no
  field for it) and the ``vic_`` fields, each code exactly as stored, which is exactly as HTCDS spells
  it (``cases/data/htcds_profile.yaml``). Multiselect fields join their codes with ";" in the order
  of the HTCDS list; an empty value is an empty cell. ``vic_TypeOfExploitation`` and
  ``vic_MethodsOfControl`` come from the case itself (its exploitation types and means of control).
- ``htcds_events.csv``: one row per event of those cases: ``hte_Type``, ``hte_Date`` (the year only)
  and ``hte_Country`` (ISO 3166 alpha-2). Never the city, the state, the street or the account, and
  no key joining an event to a person's row.

De-identified as the ctdc release is: k-anonymity over the quasi-identifiers by local suppression (in
a class under k, the age when trafficked is emptied first, then the relationship to the trafficker,
then the industry; rows still in a class under k are dropped). Events: the country is emptied first,
then the year; an event still in a class under k is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from octip.cases import reference

from .extract import Extract
from .local_suppression import quoted, suppress

#: The case's exploitation types → HTCDS vic_TypeOfExploitation (the platform's three kinds).
EXPLOITATION = {"labour": "ForcedLabour", "sexual": "SexualExploitation", "other": "Other"}

#: HTCDS column → (the extract's column, the HTCDS list its codes are ordered by, several codes).
PERSON_COLUMNS: dict[str, tuple[str, str, bool]] = {
    "vic_TraffickingStatus": ("trafficking_status", "TraffickingStatus", False),
    "vic_TraffickingStatusDecisionMakingOrg": ("status_decided_by", "TraffickingStatusDecisionMakingOrg", False),
    "vic_RelationshipToTrafficker": ("trafficker_relationship", "RelationshipToTrafficker", False),
    "vic_AgeWhenTrafficked": ("age_trafficked", "", False),
    "vic_RecruitmentWebsitesAndApps": ("recruitment_platforms", "WebsitesAndApps", True),
    "vic_MethodOfRecruitment": ("recruitment_methods", "MethodOfRecruitment", True),
    "vic_MethodsOfControl": ("means", "", True),
    "vic_TypeOfExploitation": ("", "", True),
    "vic_ForcedLabourIndustry": ("labour_industry", "ForcedLabourIndustry", False),
    "vic_TypeOfSexExploitation": ("sex_exploitation", "TypeOfSexExploitation", True),
    "vic_ExploitationWebsitesAndApps": ("exploitation_platforms", "WebsitesAndApps", True),
    "vic_Vulnerabilities": ("vulnerabilities", "Vulnerabilities", True),
}
PERSON_HEADER = ["yearOfRegistration", *PERSON_COLUMNS]
EVENT_HEADER = ["hte_Type", "hte_Date", "hte_Country"]

QUASI_IDENTIFIERS = ["yearOfRegistration", "vic_TraffickingStatus", "vic_TypeOfExploitation",
                     "vic_AgeWhenTrafficked", "vic_RelationshipToTrafficker", "vic_ForcedLabourIndustry"]
GENERALIZE = [["vic_AgeWhenTrafficked"], ["vic_RelationshipToTrafficker"], ["vic_ForcedLabourIndustry"]]
EVENT_GENERALIZE = [["hte_Country"], ["hte_Date"]]


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ordered(column: str, codes: list[str]) -> str:
    """The codes of list column ``column`` in the order of ``codes``, joined by ";" ('' for none)."""
    parts = ", ".join(f"CASE WHEN list_contains(coalesce({column}, []), {_lit(c)}) THEN {_lit(c)} END" for c in codes)
    return f"coalesce(concat_ws(';', {parts}), '')"


def _person_select(year: int) -> str:
    exprs: dict[str, str] = {"yearOfRegistration": "CAST(year AS VARCHAR)"}
    for name, (column, list_name, several) in PERSON_COLUMNS.items():
        if name == "vic_TypeOfExploitation":
            exprs[name] = ("coalesce(concat_ws(';', " + ", ".join(
                f"CASE WHEN {flag} THEN {_lit(EXPLOITATION[kind])} END"
                for flag, kind in (("labour", "labour"), ("sexual", "sexual"), ("other_exploitation", "other")))
                + "), '')")
        elif name == "vic_MethodsOfControl":
            exprs[name] = _ordered(column, [t.code for t in reference.means_of_control()])
        elif name == "vic_AgeWhenTrafficked":
            exprs[name] = f"coalesce(CAST({column} AS VARCHAR), '')"
        elif several:
            exprs[name] = _ordered(column, [t.code for t in reference.htcds(list_name)])
        else:
            # A code not in the list (none can be stored: the services refuse them) is left out, not passed on.
            codes = ", ".join(_lit(t.code) for t in reference.htcds(list_name))
            exprs[name] = f"CASE WHEN {column} IN ({codes}) THEN {column} ELSE '' END"
    select = ", ".join(f"CAST({exprs[name]} AS VARCHAR) AS {quoted(name)}" for name in PERSON_HEADER)
    return f"SELECT {select} FROM cases WHERE year = {int(year)} AND consented"  # noqa: S608


def _event_select(year: int) -> str:
    codes = ", ".join(_lit(t.code) for t in reference.htcds("EventType"))
    return (f"SELECT CAST(type AS VARCHAR) AS {quoted('hte_Type')}, "  # noqa: S608
            f"coalesce(CAST(event_year AS VARCHAR), '') AS {quoted('hte_Date')}, "
            f"coalesce(CAST(country AS VARCHAR), '') AS {quoted('hte_Country')} "
            f"FROM events WHERE year = {int(year)} AND consented AND type IN ({codes})")


def build(extract: Extract, *, k: int) -> dict[str, Any]:
    """Create tables ``htcds_persons`` and ``htcds_events`` in the extract's connection, k-anonymous;
    return their counts."""
    con = extract.con
    con.execute("DROP TABLE IF EXISTS htcds_persons")
    con.execute("DROP TABLE IF EXISTS htcds_events")
    con.execute(f"CREATE TABLE htcds_persons AS {_person_select(extract.year)}")
    con.execute(f"CREATE TABLE htcds_events AS {_event_select(extract.year)}")
    persons = suppress(con, "htcds_persons", quasi_identifiers=QUASI_IDENTIFIERS, steps=GENERALIZE, k=k,
                       missing="")
    events = suppress(con, "htcds_events", quasi_identifiers=EVENT_HEADER, steps=EVENT_GENERALIZE, k=k,
                      missing="")
    return {"persons": persons, "events": events}


def write_csv(extract: Extract, folder: Path) -> None:
    for table in ("htcds_persons", "htcds_events"):
        path = folder / f"{table}.csv"
        copy = f"COPY (SELECT * FROM {table} ORDER BY ALL) TO {_lit(str(path))} (HEADER, DELIMITER ',')"  # noqa: S608
        extract.con.execute(copy)
