"""The ``ctdc`` release: case-level rows with the columns of the CTDC k-anonymized file (the 2018
list of ``../shared/reference/ctdc_columns.txt``, same names, same order) and HTCDS codes.

Coding follows the CTDC file: flags 0/1, missing -99, ISO 3166 alpha-2 countries, CTDC's ageBroad
bands. The HTCDS profile fills the columns it maps honestly (``docs/casework-htcds.md``): the kinds of
labour and sexual exploitation, the recruiter relationship, the majority status when exploited;
isAbduction stays -99 (no HTCDS method of recruitment says abduction).

Every row is one consented case of the year; no identifying column, no free text, no date finer than
the year, no case number or id.

k-anonymity over the quasi-identifiers (yearOfRegistration, gender, ageBroad, citizenship, the
exploitation-type flags, CountryOfExploitation) is reached in DuckDB by local suppression: rows
whose combination has fewer than k rows have their citizenship set to -99, then their age band,
then their gender, then their exploitation flags; rows still in a class under k are dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .extract import Extract
from .local_suppression import quoted, suppress

MISSING = "-99"

COLUMNS: list[str] = [
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "majorityStatusAtExploit",
    "majorityEntry", "citizenship", "meansOfControlDebtBondage", "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess", "meansOfControlThreats", "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse", "meansOfControlSexualAbuse", "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances", "meansOfControlRestrictsMovement", "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours", "meansOfControlUsesChildren", "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities", "meansOfControlWithholdsDocuments", "meansOfControlOther",
    "meansOfControlNotSpecified", "meansOfControlConcatenated", "isForcedLabour", "isSexualExploit",
    "isOtherExploit", "isSexAndLabour", "isForcedMarriage", "isForcedMilitary", "isOrganRemoval",
    "isSlaveryAndPractices", "typeOfExploitConcatenated", "typeOfLabourAgriculture", "typeOfLabourAquafarming",
    "typeOfLabourBegging", "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities", "typeOfLabourManufacturing", "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling", "typeOfLabourTransportation", "typeOfLabourOther", "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated", "typeOfSexProstitution", "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices", "typeOfSexPrivateSexualServices", "typeOfSexConcatenated",
    "isAbduction", "RecruiterRelationship", "CountryOfExploitation", "recruiterRelationIntimatePartner",
    "recruiterRelationFriend", "recruiterRelationFamily", "recruiterRelationOther", "recruiterRelationUnknown",
]

# majorityStatus is derived from the age band: it is a quasi-identifier too, and gives way with it, or
# a class whose age was generalized would still single out its one minor.
# majorityStatusAtExploit (from the HTCDS age when trafficked) is an age too: it gives way with ageBroad.
QUASI_IDENTIFIERS = ["yearOfRegistration", "gender", "ageBroad", "majorityStatus", "majorityStatusAtExploit",
                     "citizenship", "isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour",
                     "CountryOfExploitation"]

#: Generalization order: which quasi-identifiers give way first (set to -99) in a class under k.
GENERALIZE = [["citizenship"], ["ageBroad", "majorityStatus", "majorityStatusAtExploit"], ["gender"],
              ["isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour"]]

#: HTCDS vic_MethodsOfControl code → CTDC meansOfControl column.
MEANS = {
    "DebtBondage": "meansOfControlDebtBondage", "TakesEarnings": "meansOfControlTakesEarnings",
    "RestrictsFinancialAccess": "meansOfControlRestrictsFinancialAccess", "PhysicalThreats": "meansOfControlThreats",
    "ThreatensChildrenFamily": "meansOfControlThreats", "PsychologicalAbuse": "meansOfControlPsychologicalAbuse",
    "PhysicalAbuse": "meansOfControlPhysicalAbuse", "SexualAbuse": "meansOfControlSexualAbuse",
    "FalsePromises": "meansOfControlFalsePromises", "PsychoactiveSubstance": "meansOfControlPsychoactiveSubstances",
    "RestrictsMedicalCare": "meansOfControlRestrictsMedicalCare",
    "ExcessiveWorkingHours": "meansOfControlExcessiveWorkingHours",
    "ThreatsLawEnforcement": "meansOfControlThreatOfLawEnforcement",
    "WithholdsNecessities": "meansOfControlWithholdsNecessities",
    "WithholdsDocuments": "meansOfControlWithholdsDocuments", "Other": "meansOfControlOther",
}

#: Polaris setting → CTDC typeOf* column.
SETTINGS = {
    "agriculture_animal_husbandry": "typeOfLabourAgriculture", "forestry_logging": "typeOfLabourAgriculture",
    "landscaping": "typeOfLabourAgriculture", "construction": "typeOfLabourConstruction",
    "domestic_work": "typeOfLabourDomesticWork", "hotels_hospitality": "typeOfLabourHospitality",
    "restaurants_food_service": "typeOfLabourHospitality", "illicit_activities": "typeOfLabourIllicitActivities",
    "factories_manufacturing": "typeOfLabourManufacturing", "peddling_begging": "typeOfLabourPeddling",
    "traveling_sales_crews": "typeOfLabourPeddling", "escort_services": "typeOfSexProstitution",
    "outdoor_solicitation": "typeOfSexProstitution", "residential": "typeOfSexProstitution",
    "illicit_massage_health_beauty": "typeOfSexProstitution", "bars_strip_clubs_cantinas": "typeOfSexProstitution",
    "pornography": "typeOfSexPornography", "remote_interactive_sexual_acts": "typeOfSexRemoteInteractiveServices",
    "personal_sexual_servitude": "typeOfSexPrivateSexualServices",
}

#: HTCDS vic_ForcedLabourIndustry (ISIC rev. 4 section) → CTDC typeOfLabour column, where the section is
#: that kind of labour. Sections CTDC has no column for count as typeOfLabourOther; aquafarming and
#: begging are not ISIC sections (A holds fishing with farming), so they come only from the setting.
INDUSTRIES = {
    "A_AgricultureForestryAndFishing": "typeOfLabourAgriculture",
    "B_MiningAndQuarrying": "typeOfLabourMiningOrDrilling",
    "C_Manufacturing": "typeOfLabourManufacturing", "F_Construction": "typeOfLabourConstruction",
    "H_TransportationAndStorage": "typeOfLabourTransportation",
    "I_AccommodationAndFoodServiceActivities": "typeOfLabourHospitality",
    "T_ActivitiesOfHouseholdsAsEmployers": "typeOfLabourDomesticWork",
}

#: HTCDS vic_TypeOfSexExploitation → CTDC typeOfSex column: the same four kinds, one to one.
SEX_TYPES = {"Prostitution": "typeOfSexProstitution", "Pornography": "typeOfSexPornography",
             "RemoteInteractiveServices": "typeOfSexRemoteInteractiveServices",
             "PrivateSexualServices": "typeOfSexPrivateSexualServices"}

#: HTCDS vic_RelationshipToTrafficker → (CTDC RecruiterRelationship value, its recruiterRelation* flag).
#: HTCDS does not tell a friend or an intimate partner from another acquaintance: "Acquainted" and
#: "Unaquainted" are CTDC's "Other", never guessed as Friend or Intimate Partner.
RELATIONSHIPS = {"Familial": ("Family/Relative", "recruiterRelationFamily"),
                 "Acquainted": ("Other", "recruiterRelationOther"),
                 "Unaquainted": ("Other", "recruiterRelationOther")}

GENDER = {"woman": "Female", "trans_woman": "Transgender/NonConforming", "man": "Male",
          "trans_man": "Transgender/NonConforming", "non_binary": "Transgender/NonConforming",
          "two_spirit": "Transgender/NonConforming"}
AGE = {"0-8": "0--8", "9-17": "9--17", "18-20": "18--20", "21-23": "21--23", "24-26": "24--26",
       "27-29": "27--29", "30-38": "30--38", "39-47": "39--47", "48+": "48+"}


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _case(column: str, mapping: dict[str, str], default: str = MISSING) -> str:
    whens = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE {_lit(default)} END"


def _select(year: int) -> str:
    """The SELECT that turns the extract's consented cases into CTDC columns (all as text)."""
    exprs: dict[str, str] = {name: _lit(MISSING) for name in COLUMNS}
    exprs["yearOfRegistration"] = "CAST(year AS VARCHAR)"
    exprs["Datasource"] = _lit("Case Management")
    exprs["gender"] = _case("gender", GENDER)
    exprs["ageBroad"] = _case("age_band", AGE)
    exprs["majorityStatus"] = ("CASE WHEN age_band IN ('0-8', '9-17') THEN 'Minor' "
                               "WHEN age_band IS NULL OR age_band = '' THEN '-99' ELSE 'Adult' END")
    exprs["citizenship"] = "CASE WHEN coalesce(citizenship, '') = '' THEN '-99' ELSE citizenship END"
    flag_columns = sorted(set(MEANS.values()))
    for column in flag_columns:
        codes = ", ".join(_lit(code) for code, col in MEANS.items() if col == column)
        exprs[column] = f"CASE WHEN list_has_any(means, [{codes}]) THEN '1' ELSE '0' END"
    exprs["meansOfControlNotSpecified"] = "CASE WHEN len(means) = 0 THEN '1' ELSE '0' END"
    exprs["meansOfControlConcatenated"] = "CASE WHEN len(means) = 0 THEN '-99' ELSE array_to_string(means, ';') END"
    exprs["isForcedLabour"] = "CASE WHEN labour THEN '1' ELSE '0' END"
    exprs["isSexualExploit"] = "CASE WHEN sexual THEN '1' ELSE '0' END"
    exprs["isOtherExploit"] = "CASE WHEN other_exploitation THEN '1' ELSE '0' END"
    exprs["isSexAndLabour"] = "CASE WHEN sexual AND labour THEN '1' ELSE '0' END"
    exprs["typeOfExploitConcatenated"] = (
        "CASE exploitation WHEN 'sexual' THEN 'Sexual exploitation' WHEN 'labour' THEN 'Forced labour' "
        "WHEN 'sexual_labour' THEN 'Forced labour;Sexual exploitation' WHEN 'other' THEN 'Other' ELSE '-99' END")
    # A kind of labour or sexual exploitation is told by the case's Polaris setting or by the HTCDS profile
    # (its ISIC industry, its types of sexual exploitation): either one sets the flag.
    conditions: dict[str, list[str]] = {}
    for column in sorted(set(SETTINGS.values())):
        codes = ", ".join(_lit(code) for code, col in SETTINGS.items() if col == column)
        conditions.setdefault(column, []).append(f"coalesce(setting, '') IN ({codes})")
    for column in sorted(set(INDUSTRIES.values())):
        codes = ", ".join(_lit(code) for code, col in INDUSTRIES.items() if col == column)
        conditions.setdefault(column, []).append(f"coalesce(labour_industry, '') IN ({codes})")
    conditions.setdefault("typeOfLabourOther", []).append(
        "coalesce(labour_industry, '') NOT IN ('', " + ", ".join(_lit(code) for code in INDUSTRIES) + ")")
    for code, column in SEX_TYPES.items():
        conditions.setdefault(column, []).append(f"list_contains(coalesce(sex_exploitation, []), {_lit(code)})")
    for column, parts in conditions.items():
        exprs[column] = "CASE WHEN " + " OR ".join(f"({p})" for p in parts) + " THEN '1' ELSE '0' END"
    labour_cols = sorted(c for c in conditions if c.startswith("typeOfLabour"))
    sex_cols = sorted(c for c in conditions if c.startswith("typeOfSex"))
    known_labour = " OR ".join(f"({p})" for c in labour_cols for p in conditions[c])
    exprs["typeOfLabourNotSpecified"] = f"CASE WHEN labour AND NOT ({known_labour}) THEN '1' ELSE '0' END"
    exprs["typeOfLabourConcatenated"] = _concatenated(labour_cols, conditions, "typeOfLabour")
    exprs["typeOfSexConcatenated"] = _concatenated(sex_cols, conditions, "typeOfSex")
    exprs["majorityStatusAtExploit"] = ("CASE WHEN age_trafficked IS NULL THEN '-99' WHEN age_trafficked < 18 "
                                        "THEN 'Minor' ELSE 'Adult' END")
    exprs["RecruiterRelationship"] = _case("trafficker_relationship", {k: v for k, (v, _f) in RELATIONSHIPS.items()})
    for flag in ("recruiterRelationFamily", "recruiterRelationOther"):
        codes = ", ".join(_lit(code) for code, (_v, f) in RELATIONSHIPS.items() if f == flag)
        exprs[flag] = f"CASE WHEN trafficker_relationship IN ({codes}) THEN '1' ELSE '0' END"
    # Nothing in HTCDS says a friend or an intimate partner: those flags stay "not known" (-99).
    exprs["recruiterRelationUnknown"] = ("CASE WHEN coalesce(trafficker_relationship, '') = '' THEN '1' "
                                         "ELSE '0' END")
    exprs["CountryOfExploitation"] = _lit("CA")  # the office's cases are exploitation in Canada (B.C.)
    select = ", ".join(f"CAST({exprs[name]} AS VARCHAR) AS {quoted(name)}" for name in COLUMNS)
    return f"SELECT {select} FROM cases WHERE year = {int(year)} AND consented"  # noqa: S608


def _concatenated(columns: list[str], conditions: dict[str, list[str]], prefix: str) -> str:
    """The CTDC ``...Concatenated`` column: the names of the flags set, joined by ";" (-99 for none)."""
    parts = ", ".join("CASE WHEN " + " OR ".join(f"({p})" for p in conditions[c])
                      + f" THEN {_lit(c.removeprefix(prefix))} END" for c in columns)
    return f"coalesce(nullif(concat_ws(';', {parts}), ''), '-99')"


def build(extract: Extract, *, k: int) -> dict[str, Any]:
    """Create table ``ctdc`` in the extract's connection, k-anonymous; return the counts."""
    con = extract.con
    con.execute("DROP TABLE IF EXISTS ctdc")
    con.execute(f"CREATE TABLE ctdc AS {_select(extract.year)}")
    return suppress(con, "ctdc", quasi_identifiers=QUASI_IDENTIFIERS, steps=GENERALIZE, k=k, missing=MISSING)


def write_csv(extract: Extract, path: Path) -> None:
    copy = f"COPY (SELECT * FROM ctdc ORDER BY ALL) TO {_lit(str(path))} (HEADER, DELIMITER ',')"  # noqa: S608
    extract.con.execute(copy)  # noqa: S608
