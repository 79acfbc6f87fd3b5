"""Issue 9 #13: the guardian's relationship to the youth is identity, and four free-text columns are
encrypted at rest.

A receiver given only ``summary`` got ``guardian_relationship`` (free text: "aunt", "my employer's
wife") from ``GET …/youth``. It is now a field of the identity section's youth fields, so every door
follows. ``YouthProfile.guardian_relationship``, ``DutyToReport.office_detail``,
``DutyToReport.reported_by_name`` and ``Person.pronouns`` were plaintext columns; they are encrypted,
and a migration encrypts the rows written before.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from octip.cases import models as m
from octip.cases import sections, services
from octip.core import crypto
from tests.cases.conftest import open_case, person_data, share

pytestmark = pytest.mark.django_db

RELATIONSHIP = "RELATIONMARK employer's wife"


@pytest.fixture
def youth_case(world):
    born = timezone.localdate().replace(year=timezone.localdate().year - 15)
    case = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born,
                                                     pronouns="PRONOUNMARK"))
    profile = m.YouthProfile.objects.get(case=case)
    services.update_youth_profile(actor=world.caseworker_a, case=case, expected_version=profile.version, changes={
        "guardian_name": "Guardian Zelda Quinterro", "guardian_relationship": RELATIONSHIP})
    services.record_duty_to_report(actor=world.caseworker_a, case=case, reported_by_name="REPORTERMARK Worker",
                                   reported_at=timezone.now(), office="other", office_detail="OFFICEMARK Surrey")
    return case


def test_a_summary_receiver_does_not_get_the_guardian_relationship(world, youth_case, client_for):
    share(world, youth_case, ["summary"])
    body = client_for(world.caseworker_b).get(f"/api/v1/cases/{youth_case.pk}/youth").json()
    assert body["guardian_relationship"] is None
    assert body["separation"] is not None  # the summary's youth fields still come


def test_an_identity_receiver_and_the_owner_get_it(world, youth_case, client_for):
    assert client_for(world.caseworker_a).get(
        f"/api/v1/cases/{youth_case.pk}/youth").json()["guardian_relationship"] == RELATIONSHIP
    share(world, youth_case, ["summary", "identity"])
    assert client_for(world.caseworker_b).get(
        f"/api/v1/cases/{youth_case.pk}/youth").json()["guardian_relationship"] == RELATIONSHIP


def test_the_relationship_is_declared_in_the_identity_section():
    assert "guardian_relationship" in {f.name for f in sections.fields_of("identity", on=["youth"])}
    assert "guardian_relationship" not in {f.name for f in sections.fields_of("summary")}


COLUMNS = [("cases_youthprofile", "guardian_relationship", RELATIONSHIP),
           ("cases_dutytoreport", "office_detail", "OFFICEMARK Surrey"),
           ("cases_dutytoreport", "reported_by_name", "REPORTERMARK Worker"),
           ("cases_person", "pronouns", "PRONOUNMARK")]


def _raw(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - names are ours
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(("table", "column", "plaintext"), COLUMNS)
def test_the_column_is_ciphertext_at_rest(youth_case, table, column, plaintext):
    stored = [v for v in _raw(table, column) if v]
    assert stored and all(v.startswith(crypto.PREFIX + ":") for v in stored)
    assert plaintext not in repr(stored)


def test_the_migration_encrypts_rows_written_in_plaintext(youth_case):
    with connection.cursor() as cursor:
        for table, column, plaintext in COLUMNS:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {column} != ''", [plaintext])  # noqa: S608
    migration = importlib.import_module("octip.cases.migrations.0004_encrypt_free_text_columns").Migration
    editor = SimpleNamespace(connection=connection)  # the step only needs the editor's connection
    for operation in migration.operations:
        if hasattr(operation, "code"):
            operation.code(None, editor)
    for table, column, plaintext in COLUMNS:
        assert plaintext not in repr(_raw(table, column))
    report = m.DutyToReport.objects.get(case=youth_case)
    assert (report.office_detail, report.reported_by_name) == ("OFFICEMARK Surrey", "REPORTERMARK Worker")
    assert m.YouthProfile.objects.get(case=youth_case).guardian_relationship == RELATIONSHIP
    assert m.Person.objects.get(pk=youth_case.person_id).pronouns == "PRONOUNMARK"
