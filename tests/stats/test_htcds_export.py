"""The HTCDS release and the HTCDS codes in the CTDC release: every code the profile may store leaves
as the same HTCDS code, nothing identifying leaves, and k holds."""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from octip.cases import reference
from octip.cases.models import Case, Person, TraffickingEvent, TraffickingProfile
from octip.core.models import AuditEvent
from octip.stats import ctdc, htcds
from octip.stats.extract import build_from_columns
from octip.stats.selectors import build_extract
from octip.stats.services import create_release
from tests.factories import OrganizationFactory
from tests.factories.consent import make_consent
from tests.factories.partners import region
from tests.stats.conftest import YEAR

#: Extract column → (HTCDS column, HTCDS list, several codes).
FIELDS = {
    "trafficking_status": ("vic_TraffickingStatus", "TraffickingStatus", False),
    "status_decided_by": ("vic_TraffickingStatusDecisionMakingOrg", "TraffickingStatusDecisionMakingOrg", False),
    "trafficker_relationship": ("vic_RelationshipToTrafficker", "RelationshipToTrafficker", False),
    "labour_industry": ("vic_ForcedLabourIndustry", "ForcedLabourIndustry", False),
    "recruitment_methods": ("vic_MethodOfRecruitment", "MethodOfRecruitment", True),
    "recruitment_platforms": ("vic_RecruitmentWebsitesAndApps", "WebsitesAndApps", True),
    "exploitation_platforms": ("vic_ExploitationWebsitesAndApps", "WebsitesAndApps", True),
    "sex_exploitation": ("vic_TypeOfSexExploitation", "TypeOfSexExploitation", True),
    "vulnerabilities": ("vic_Vulnerabilities", "Vulnerabilities", True),
}
#: The model's field for each extract column.
MODEL = {"sex_exploitation": "sex_exploitation_types"}
LONGEST = max(len(reference.htcds(list_name)) for _c, list_name, _s in FIELDS.values())


def _codes(list_name: str) -> list[str]:
    return [t.code for t in reference.htcds(list_name)]


def _row_values(i: int) -> dict:
    """Profile values of the i-th pair of cases: the i-th code of each list (wrapping), so that together
    the rows hold every code of every list."""
    values = {}
    for column, (_htcds, list_name, several) in FIELDS.items():
        codes = _codes(list_name)
        code = codes[i % len(codes)]
        values[MODEL.get(column, column)] = [code] if several else code
    values["age_when_trafficked"] = 10 + i
    return values


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def profiled_cases(make_user):
    """Two consented cases for each row of ``_row_values`` (a class of k = 2), each with a profile and
    one event; and one case without consent whose codes must not leave."""
    org = OrganizationFactory()
    worker = make_user("caseworker", organization=org)
    fraser = region("fraser")
    cases = []
    for i in range(LONGEST * 2 + 1):
        person = Person(legal_name=f"Synthetic Profile {i}", gender="woman")
        person.refresh_indexes()
        person.age_band = "30-38"
        person.save()
        opened = timezone.make_aware(datetime.datetime(YEAR, 5, 1 + i % 28, 10))
        case = Case.objects.create(number=f"BC-{YEAR}-H{i:05d}", person=person, owner_organization=org, region=fraser,
                                   first_contact_date=opened.date(), opened_at=opened, exploitation_types=["labour"],
                                   means_of_control=["DebtBondage"])
        TraffickingProfile.objects.create(case=case, **_row_values(i // 2))
        TraffickingEvent.objects.create(case=case, type="Exploitation", date=datetime.date(YEAR - 1, 6, 1),
                                        date_precision="month", city="CITYMARK Synthetic", state="STATEMARK",
                                        country="CA", description="DESCMARK a synthetic account")
        if i < LONGEST * 2:
            make_consent(case=case, obtained_by=worker, scope="deidentified_statistics")
        cases.append(case)
    return cases


@pytest.mark.django_db
def test_every_htcds_code_leaves_as_the_same_code(profiled_cases, analyst):
    with build_extract(actor=analyst, year=YEAR) as extract:
        counts = htcds.build(extract, k=2)
        rows = extract.con.execute("SELECT * FROM htcds_persons").fetchall()
        header = [d[0] for d in extract.con.description]
    assert header == htcds.PERSON_HEADER
    assert counts["persons"]["rows_in"] == LONGEST * 2 and counts["persons"]["rows_suppressed"] == 0
    exported = [dict(zip(header, row, strict=True)) for row in rows]
    for column, (name, list_name, _several) in FIELDS.items():
        # Each stored code → the same HTCDS code, and every code of the standard's list is there.
        assert {r[name] for r in exported} == set(_codes(list_name)), name
    by_age = {int(r["vic_AgeWhenTrafficked"]): r for r in exported}
    for i in range(LONGEST):
        stored = _row_values(i)
        row = by_age[10 + i]
        for column, (name, _list, several) in FIELDS.items():
            value = stored[MODEL.get(column, column)]
            assert row[name] == (value[0] if several else value), (i, name)
        assert row["vic_TypeOfExploitation"] == "ForcedLabour" and row["vic_MethodsOfControl"] == "DebtBondage"
        assert row["yearOfRegistration"] == str(YEAR)


def test_multiselect_codes_are_joined_in_the_order_of_the_htcds_list():
    extract = build_from_columns({"cases": {
        "year": [YEAR] * 2, "labour": [True] * 2, "sexual": [True] * 2, "consented": [True] * 2,
        "vulnerabilities": [["WorkEnvironment", "Addiction"]] * 2, "means": [["WithholdsDocuments", "DebtBondage"]] * 2,
        "recruitment_platforms": [["Other", "4Sale", "Facebook"]] * 2, "trafficking_status": ["Unknown code"] * 2,
    }}, year=YEAR)
    with extract:
        htcds.build(extract, k=2)
        row = dict(zip(htcds.PERSON_HEADER, extract.con.execute("SELECT * FROM htcds_persons").fetchone(), strict=True))
    assert row["vic_Vulnerabilities"] == "Addiction;WorkEnvironment"
    assert row["vic_MethodsOfControl"] == "DebtBondage;WithholdsDocuments"
    assert row["vic_RecruitmentWebsitesAndApps"] == "Facebook;4Sale;Other"
    assert row["vic_TypeOfExploitation"] == "ForcedLabour;SexualExploitation"
    assert row["vic_TraffickingStatus"] == ""  # a code outside the list never leaves


def test_a_class_under_k_loses_its_age_then_its_relationship_then_its_industry_then_the_row():
    common = {"year": [YEAR] * 4, "labour": [True] * 4, "consented": [True] * 4,
              "trafficking_status": ["ActualVictimOfTrafficking"] * 4}
    extract = build_from_columns({"cases": {
        **common, "age_trafficked": [15, 16, 30, 30], "trafficker_relationship": ["Familial"] * 3 + ["Acquainted"],
        "labour_industry": ["F_Construction"] * 4}}, year=YEAR)
    with extract:
        counts = htcds.build(extract, k=2)
        rows = extract.con.execute('SELECT "vic_AgeWhenTrafficked", "vic_RelationshipToTrafficker", '
                                   '"vic_ForcedLabourIndustry" FROM htcds_persons ORDER BY ALL').fetchall()
    # Every row was alone in its class: each loses its age; then the one "Acquainted" is still alone, loses its
    # relationship, then its industry, and is dropped.
    assert counts["persons"]["generalized"] == {"vic_AgeWhenTrafficked": 4, "vic_RelationshipToTrafficker": 1,
                                                "vic_ForcedLabourIndustry": 1}
    assert counts["persons"]["rows_suppressed"] == 1 and counts["persons"]["rows_out"] == 3
    assert rows == [("", "Familial", "F_Construction")] * 3


@pytest.mark.django_db
def test_the_htcds_release_is_de_identified_consented_and_audited(profiled_cases, analyst, tmp_path):
    out = tmp_path / "htcds"
    release = create_release(actor=analyst, kind="htcds", period=YEAR, k=2, out=out)
    persons, events = _read(out / "htcds_persons.csv"), _read(out / "htcds_events.csv")
    assert list(persons[0]) == htcds.PERSON_HEADER and list(events[0]) == htcds.EVENT_HEADER
    assert release.row_count == len(persons) == LONGEST * 2  # the case without consent is left out
    assert release.left_out == 1
    # Events: type, the year only, the country; never the city, the state or the account.
    assert {(e["hte_Type"], e["hte_Date"], e["hte_Country"]) for e in events} == {("Exploitation", str(YEAR - 1), "CA")}
    assert len(events) == LONGEST * 2
    text = (out / "htcds_persons.csv").read_text() + (out / "htcds_events.csv").read_text()
    assert "MARK" not in text and "Synthetic" not in text and "BC-" not in text
    assert not any(str(c.pk) in text for c in profiled_cases)
    manifest = (out / "manifest.json").read_text()
    assert '"kind": "htcds"' in manifest and "htcds_events.csv" in manifest
    assert AuditEvent.objects.filter(action="stats.released", detail__kind="htcds").exists()
    index = [htcds.PERSON_HEADER.index(c) for c in htcds.QUASI_IDENTIFIERS]
    classes = Counter(tuple(list(r.values())[i] for i in index) for r in persons)
    assert min(classes.values()) >= 2


@pytest.mark.django_db
def test_an_htcds_release_refuses_epsilon_and_writes_nothing(analyst, tmp_path):
    with pytest.raises(ValidationError) as refused:
        create_release(actor=analyst, kind="htcds", period=YEAR, k=5, epsilon=1.0, out=tmp_path / "x")
    assert "epsilon" in refused.value.message_dict
    assert not (tmp_path / "x").exists()


def _ctdc_row(**columns) -> dict[str, str]:
    base = {"year": [YEAR] * 2, "consented": [True] * 2, "age_band": ["24-26"] * 2, "gender": ["woman"] * 2}
    extract = build_from_columns({"cases": {**base, **{k: [v] * 2 for k, v in columns.items()}}}, year=YEAR)
    with extract:
        ctdc.build(extract, k=2)
        return dict(zip(ctdc.COLUMNS, extract.con.execute("SELECT * FROM ctdc").fetchone(), strict=True))


@pytest.mark.parametrize(("relationship", "value", "flags"), [
    ("Familial", "Family/Relative", {"recruiterRelationFamily": "1", "recruiterRelationOther": "0"}),
    ("Acquainted", "Other", {"recruiterRelationFamily": "0", "recruiterRelationOther": "1"}),
    ("Unaquainted", "Other", {"recruiterRelationFamily": "0", "recruiterRelationOther": "1"}),
    (None, "-99", {"recruiterRelationUnknown": "1", "recruiterRelationOther": "0"}),
])
def test_ctdc_recruiter_relationship_comes_from_the_relationship_to_the_trafficker(relationship, value, flags):
    row = _ctdc_row(trafficker_relationship=relationship, labour=True)
    assert row["RecruiterRelationship"] == value
    assert {k: row[k] for k in flags} == flags
    # HTCDS cannot tell a friend or an intimate partner: those stay unknown, never guessed.
    assert row["recruiterRelationFriend"] == "-99" and row["recruiterRelationIntimatePartner"] == "-99"
    assert row["isAbduction"] == "-99"


@pytest.mark.parametrize(("industry", "column"), sorted(ctdc.INDUSTRIES.items()) + [
    ("K_FinancialAndInsuranceActivities", "typeOfLabourOther")])
def test_ctdc_type_of_labour_comes_from_the_forced_labour_industry(industry, column):
    row = _ctdc_row(labour=True, labour_industry=industry)
    labour = [c for c in ctdc.COLUMNS if c.startswith("typeOfLabour") and c not in (
        "typeOfLabourConcatenated", "typeOfLabourNotSpecified")]
    assert [c for c in labour if row[c] == "1"] == [column]
    assert row["typeOfLabourNotSpecified"] == "0"
    assert row["typeOfLabourConcatenated"] == column.removeprefix("typeOfLabour")


@pytest.mark.parametrize(("code", "column"), sorted(ctdc.SEX_TYPES.items()))
def test_ctdc_type_of_sex_is_the_htcds_type_of_sexual_exploitation_one_to_one(code, column):
    row = _ctdc_row(sexual=True, sex_exploitation=[code])
    sex = [c for c in ctdc.COLUMNS if c.startswith("typeOfSex") and c != "typeOfSexConcatenated"]
    assert [c for c in sex if row[c] == "1"] == [column]
    assert row["typeOfSexConcatenated"] == column.removeprefix("typeOfSex")


def test_every_isic_section_and_sex_type_of_the_htcds_lists_is_mapped_or_counted_as_other():
    assert set(ctdc.INDUSTRIES) <= {t.code for t in reference.htcds("ForcedLabourIndustry")}
    assert set(ctdc.SEX_TYPES) == {t.code for t in reference.htcds("TypeOfSexExploitation")}
    assert set(ctdc.RELATIONSHIPS) == {t.code for t in reference.htcds("RelationshipToTrafficker")}


@pytest.mark.parametrize(("age", "status"), [(12, "Minor"), (17, "Minor"), (18, "Adult"), (None, "-99")])
def test_ctdc_majority_status_when_exploited_comes_from_the_age_when_trafficked(age, status):
    assert _ctdc_row(labour=True, age_trafficked=age)["majorityStatusAtExploit"] == status


def test_a_setting_and_an_industry_both_set_their_flags():
    row = _ctdc_row(labour=True, setting="domestic_work", labour_industry="F_Construction")
    assert row["typeOfLabourDomesticWork"] == "1" and row["typeOfLabourConstruction"] == "1"
    assert row["typeOfLabourConcatenated"] == "Construction;DomesticWork"
