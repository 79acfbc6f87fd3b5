"""Import of the specification's examples, export, validation of every exported object, round trip."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from octip.core.models import AuditEvent
from octip.directory import hsds
from octip.directory import models as m
from octip.directory.exporter import export
from octip.directory.importer import ImportRefused, import_path

from .conftest import DIRECTORY_MODELS, snapshot

pytestmark = pytest.mark.django_db

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def _wipe() -> None:
    for model in reversed(DIRECTORY_MODELS):
        model.objects.all().delete()


def test_the_csv_data_package_of_the_specification_imports_with_every_table(examples):
    report = import_path(examples / "csv")
    assert report.totals() == {"created": 21, "updated": 0, "unchanged": 0}
    service = m.Service.objects.get(pk=SERVICE_ID)
    assert service.name == "Community Counselling"
    assert service.minimum_age == 12
    assert service.organization.name == "Example Organization Inc."
    assert service.phones.get().number == '"+44 1234 234567"'
    assert m.SupplementaryRecord.objects.filter(kind="cost_option", service_id=SERVICE_ID).exists()
    # datapackage.json in the copy is a dangling link: the import says it recognised files by name.
    assert any("datapackage.json" in w for w in report.warnings)


def test_reimporting_the_same_package_reports_everything_unchanged(examples):
    import_path(examples / "csv")
    before = snapshot()
    report = import_path(examples / "csv")
    assert report.totals() == {"created": 0, "updated": 0, "unchanged": 21}
    assert snapshot() == before


@pytest.mark.parametrize("name", [
    "service_full.json", "organization_full.json", "location.json", "service_at_location_full.json",
    "taxonomy.json", "taxonomy_term.json", "service_list.json", "organization_list.json",
    "taxonomy_list.json", "taxonomy_term_list.json", "service_at_location_list.json"])
def test_each_json_example_imports_into_an_empty_directory(examples, name):
    report = import_path(examples / name)
    assert report.totals()["created"] >= 1
    assert report.totals()["updated"] == 0


def test_nested_service_example_is_upserted_onto_the_package(examples):
    import_path(examples / "csv")
    report = import_path(examples / "service_full.json")
    assert report.created == {}
    assert report.totals()["unchanged"] > 0
    assert m.Service.objects.count() == 1


def test_the_tabular_json_example_is_refused_where_it_breaks_its_own_schema(examples):
    # The specification's tabular.json gives two string fields as numbers; we say exactly where.
    with pytest.raises(ImportRefused) as refused:
        import_path(examples / "tabular.json")
    places = {(p.file, p.row, p.field) for p in refused.value.problems}
    assert ("tabular.json:locations.csv", 1, "external_identifier") in places
    assert ("tabular.json:organization_identifiers.csv", 1, "identifier") in places
    assert m.Organization.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_validates_and_reimports_into_an_empty_directory_as_the_same_directory(examples, tmp_path, fmt):
    import_path(examples / "csv")
    import_path(examples / "service_at_location_full.json")
    service = m.Service.objects.get(pk=SERVICE_ID)
    service.visibility = m.Visibility.PARTNERS
    service.gender_eligibility = m.GenderEligibility.WOMEN
    service.save()
    counts = export(tmp_path, fmt=fmt)
    assert counts["service"] == 1
    before = snapshot()

    # Every exported object validates against its schema, read back from the files themselves.
    checked = 0
    for kind in hsds.ORDER:
        stem = hsds.KINDS[kind].csv.removesuffix(".csv")
        if fmt == "json":
            rows = json.loads((tmp_path / f"{stem}.json").read_text())
        else:
            with (tmp_path / f"{stem}.csv").open(newline="") as handle:
                rows = [{k: v for k, v in row.items() if v} for row in csv.DictReader(handle)]
            types = hsds.field_types(kind)
            rows = [{k: (float(v) if types[k] == "number" else v) for k, v in row.items()} for row in rows]
        for row in rows:
            assert hsds.validation_errors(kind, row) == [], (kind, row)
            checked += 1
    assert checked >= sum(counts.values())
    if fmt == "csv":
        package = json.loads((tmp_path / "datapackage.json").read_text())
        assert {r["path"] for r in package["resources"]} == {k.csv for k in hsds.KINDS.values()}

    _wipe()
    assert m.Service.objects.count() == 0
    report = import_path(tmp_path)
    assert report.totals()["updated"] == 0
    assert snapshot() == before
    again = m.Service.objects.get(pk=SERVICE_ID)
    assert again.visibility == m.Visibility.PARTNERS  # a confidential service stays confidential
    assert again.gender_eligibility == m.GenderEligibility.WOMEN


def test_csv_export_neutralises_formulas_and_the_import_restores_them(examples, tmp_path):
    import_path(examples / "csv")
    m.Service.objects.filter(pk=SERVICE_ID).update(alert="=HYPERLINK(\"http://evil\")")
    export(tmp_path, fmt="csv")
    text = (tmp_path / "services.csv").read_text()
    assert "'=HYPERLINK" in text
    _wipe()
    import_path(tmp_path)
    assert m.Service.objects.get(pk=SERVICE_ID).alert == "=HYPERLINK(\"http://evil\")"


def test_reimport_does_not_make_a_confidential_service_public(examples):
    import_path(examples / "csv", visibility="partners")
    assert m.Service.objects.get(pk=SERVICE_ID).visibility == "partners"
    import_path(examples / "service_full.json")  # plain HSDS: says nothing about visibility
    assert m.Service.objects.get(pk=SERVICE_ID).visibility == "partners"


def test_import_and_export_are_audited(examples, tmp_path):
    import_path(examples / "csv")
    export(tmp_path, fmt="json")
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "directory.imported" in actions and "directory.exported" in actions


def test_commands_report_counts(examples, tmp_path, capsys):
    call_command("hsds_import", str(examples / "csv"))
    assert "21 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    call_command("hsds_import", str(examples / "csv"))
    assert "0 created, 0 updated, 21 unchanged" in capsys.readouterr().out
    call_command("hsds_export", "--format", "csv", str(tmp_path / "out"))
    assert (tmp_path / "out" / "datapackage.json").exists()


# --- bad files: rejected with file, row and field named, nothing written ---------------------

def _package(examples: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(examples / "csv", folder)
    (folder / "datapackage.json").unlink()
    return folder


def _edit_csv(path: Path, change) -> None:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
        columns = list(rows[0].keys())
    rows = change(rows)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _refused(path: Path) -> list:
    with pytest.raises(ImportRefused) as refused:
        import_path(path)
    assert m.Service.objects.count() == 0 and m.Organization.objects.count() == 0
    assert m.SupplementaryRecord.objects.count() == 0 and m.Taxonomy.objects.count() == 0
    return [(p.file, p.row, p.field) for p in refused.value.problems]


def test_missing_required_field_is_named_by_file_row_and_field(examples, tmp_path):
    folder = _package(examples, tmp_path)
    _edit_csv(folder / "services.csv", lambda rows: [{**rows[0], "name": ""}])
    assert ("services.csv", 2, "name") in _refused(folder)


def test_wrong_enum_value_is_refused(examples, tmp_path):
    folder = _package(examples, tmp_path)
    _edit_csv(folder / "locations.csv", lambda rows: [{**rows[0], "location_type": "spaceship"}])
    assert ("locations.csv", 2, "location_type") in _refused(folder)


def test_broken_reference_is_refused(examples, tmp_path):
    folder = _package(examples, tmp_path)
    _edit_csv(folder / "service_at_location.csv",
              lambda rows: [{**rows[0], "location_id": "00000000-0000-4000-8000-000000000000"}])
    assert ("service_at_location.csv", 2, "location_id") in _refused(folder)


def test_duplicate_id_is_refused(examples, tmp_path):
    folder = _package(examples, tmp_path)
    _edit_csv(folder / "phones.csv", lambda rows: [rows[0], {**rows[0], "number": "+1 604 555 0100"}])
    assert ("phones.csv", 3, "id") in _refused(folder)


def test_bad_json_object_names_row_and_nested_field(examples, tmp_path):
    services = json.loads((examples / "service_list.json").read_text())["contents"]
    bad = [dict(services[0]), {**services[0], "id": "9b7c9d2f-0b55-4c57-9b53-2a4b0c8d3a11", "status": "open"}]
    bad[0]["phones"] = [{"id": "1554f2e2-a373-45db-a3fa-9fc48a61c15e"}]  # a phone without a number
    (tmp_path / "services.json").write_text(json.dumps(bad))
    places = _refused(tmp_path / "services.json")
    assert ("services.json", 1, "phones.0.number") in places
    assert ("services.json", 2, "status") in places


def test_a_service_without_an_organization_is_refused(tmp_path):
    (tmp_path / "service.json").write_text(json.dumps(
        {"id": "9b7c9d2f-0b55-4c57-9b53-2a4b0c8d3a11", "name": "Orphan", "status": "active"}))
    assert ("service.json", 1, "organization_id") in _refused(tmp_path / "service.json")


def test_command_prints_every_problem_and_fails(examples, tmp_path, capsys):
    folder = _package(examples, tmp_path)
    _edit_csv(folder / "services.csv", lambda rows: [{**rows[0], "status": "closed"}])
    with pytest.raises(CommandError):
        call_command("hsds_import", str(folder))
    assert "services.csv, row 2, field status" in capsys.readouterr().err


def test_an_abridged_nested_copy_does_not_erase_stored_fields(examples):
    import_path(examples / "csv")
    # service_full.json nests the organization without the tax_id that organizations.csv gives.
    import_path(examples / "service_full.json")
    organization = m.Organization.objects.get(pk="d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
    assert organization.tax_id == "tax_id"
    assert organization.legal_status == "Limited Company"


def test_unknown_columns_are_reported_and_ignored(examples, tmp_path):
    folder = _package(examples, tmp_path)
    _edit_csv(folder / "services.csv", lambda rows: rows)
    text = (folder / "services.csv").read_text().splitlines()
    text[0] += ",favourite_colour"
    text[1] += ",blue"
    (folder / "services.csv").write_text("\n".join(text) + "\n")
    report = import_path(folder)
    assert any("favourite_colour" in w for w in report.warnings)
    assert m.Service.objects.count() == 1


def test_references_match_whatever_the_case_of_the_uuid(examples, tmp_path):
    folder = _package(examples, tmp_path)
    _edit_csv(folder / "service_at_location.csv",
              lambda rows: [{**rows[0], "service_id": rows[0]["service_id"].upper()}])
    import_path(folder)
    assert m.ServiceAtLocation.objects.get().service_id.hex == SERVICE_ID.replace("-", "")


def test_reference_to_a_record_already_in_the_directory_is_accepted(examples, tmp_path):
    import_path(examples / "csv")
    extra = {"id": "5a4f1d2e-9c8b-4b7a-8e6d-1c2b3a4f5e6d", "service_id": SERVICE_ID,
             "location_id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "description": "Second door"}
    (tmp_path / "service_at_location.json").write_text(json.dumps([extra]))
    assert import_path(tmp_path / "service_at_location.json").created == {"service_at_location": 1}
