"""Releases: what they hold, what they leave out, and what they refuse."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.stats import ctdc
from octip.stats.models import BudgetSpend, Release
from octip.stats.services import create_release
from tests.stats.conftest import YEAR

IDENTIFYING = {"legal_name", "preferred_name", "name", "date_of_birth", "dob", "phone", "email", "address",
               "number", "case_number", "id", "case_id", "person_id", "aliases", "identity_documents", "notes",
               "summary", "reason", "pronouns"}


def manifest_of(release: Release) -> dict:
    from pathlib import Path
    return json.loads((Path(release.directory) / "manifest.json").read_text())


def read_csv(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.mark.django_db
def test_ctdc_release_has_the_ctdc_columns_and_k_holds_recomputed_here(stats_world, analyst, tmp_path):
    cases, consented, _worker = stats_world(120)
    out = tmp_path / "ctdc"
    release = create_release(actor=analyst, kind="ctdc", period=YEAR, k=5, out=out)
    rows = read_csv(out / "ctdc.csv")
    header, body = rows[0], rows[1:]
    assert header == ctdc.COLUMNS
    reference = Path(__file__).resolve().parents[4] / "shared" / "reference" / "ctdc_columns.txt"
    if reference.exists():  # the 2018 k-anonymized file's columns, same names, same order
        expected = [line.strip().split(":", 1)[1] for line in reference.read_text().splitlines()
                    if line.startswith("2018:")]
        assert header == expected
    # k holds on every combination of the quasi-identifiers, counted here from the file.
    index = [header.index(c) for c in ctdc.QUASI_IDENTIFIERS]
    classes = Counter(tuple(row[i] for i in index) for row in body)
    assert classes and min(classes.values()) >= 5
    # Only consented cases, and the row count adds up.
    assert len(body) <= len(consented)
    assert release.row_count == len(body)
    manifest = manifest_of(release)
    assert release.left_out == len(cases) - len(consented)
    shown = manifest["cases_left_out_without_consent"]
    assert shown == "x" or abs(shown - release.left_out) <= 4 and shown % 5 == 0
    assert manifest["suppression"]["rows_in"] == len(consented)
    # No identifying column, no free text, no date finer than the year, no case number.
    assert not {h.lower() for h in header} & IDENTIFYING
    numbers = {c.number for c in cases}
    names = {c.person.legal_name for c in cases}
    text = (out / "ctdc.csv").read_text()
    assert not any(n in text for n in numbers) and not any(n in text for n in names)
    assert all(row[header.index("yearOfRegistration")] == str(YEAR) for row in body)
    for row in body:
        for value in row:
            assert len(value) < 80
            assert not any(ch.isdigit() for ch in value) or value.replace("-", "").replace(";", "").isalnum()


@pytest.mark.django_db
def test_aggregate_release_writes_csv_xlsx_and_a_manifest_with_hashes(stats_world, analyst, tmp_path):
    stats_world(60)
    out = tmp_path / "agg"
    release = create_release(actor=analyst, kind="aggregate", period=YEAR, out=out)
    manifest = manifest_of(release)
    names = {f["name"] for f in manifest["files"]}
    assert {"tables.xlsx", "cases_by_gender.csv", "medians.csv"} <= names
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    for path in out.iterdir():
        assert path.stat().st_mode & 0o077 == 0  # the platform's own user only
    assert out.stat().st_mode & 0o077 == 0
    assert manifest["k"] == 11 and "rounding_seed" not in manifest
    assert manifest["rounding_seed_sha256"] == hashlib.sha256(release.seed.encode()).hexdigest()
    assert set(manifest["software"]) >= {"duckdb", "opendp", "openpyxl", "Django", "python"}
    assert manifest["row_count"] == release.row_count > 0
    # Every number in the tables is 0 or at least k before rounding: after rounding, a shown count
    # is a multiple of 5; anything else is a symbol.
    for name in names - {"tables.xlsx", "medians.csv"}:
        for row in read_csv(out / name)[2:]:
            for value in row[1:]:
                assert value in {"x", "F", ".."} or int(value) % 5 == 0
    assert AuditEvent.objects.filter(action="stats.released", target_id=str(release.pk)).count() == 1
    with pytest.raises(ValueError, match="append-only"):
        release.save()
    with pytest.raises(ValueError, match="append-only"):
        release.delete()


@pytest.mark.django_db
def test_annual_release_is_a_pdf_citing_the_release(stats_world, analyst, tmp_path):
    stats_world(40)
    out = tmp_path / "annual"
    release = create_release(actor=analyst, kind="annual", period=YEAR, out=out)
    pdf = (out / "annual_report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert release.reference.encode() in pdf or b"annual_report.pdf" in {f["name"].encode() for f in release.files}


@pytest.mark.django_db
def test_a_case_without_the_statistics_consent_is_in_no_external_release(stats_world, analyst, tmp_path):
    cases, consented, _w = stats_world(60, consent_every=2)
    create_release(actor=analyst, kind="ctdc", period=YEAR, k=2, out=tmp_path / "a")
    rows = read_csv(tmp_path / "a" / "ctdc.csv")[1:]
    assert len(rows) <= len(consented)
    # With no consent at all, nothing is counted.
    from octip.consent.models import Consent
    Consent.objects.filter(scope="deidentified_statistics").update(withdrawn_at=timezone.now())
    release = create_release(actor=analyst, kind="aggregate", period=YEAR, k=2, out=tmp_path / "b")
    assert release.left_out == len(cases)
    total = read_csv(tmp_path / "b" / "cases_by_gender.csv")[-1]
    assert total[1] == "0"
    empty = create_release(actor=analyst, kind="ctdc", period=YEAR, k=2, out=tmp_path / "c")
    assert empty.row_count == 0
    assert len(read_csv(tmp_path / "c" / "ctdc.csv")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("params, field", [
    ({"kind": "aggregate", "k": 1}, "k"),
    ({"kind": "ctdc", "k": 3, "floor": 11}, "k"),
    ({"kind": "aggregate", "epsilon": 0}, "epsilon"),
    ({"kind": "aggregate", "epsilon": -1}, "epsilon"),
    ({"kind": "aggregate", "epsilon": "nan"}, "epsilon"),
    ({"kind": "public_use_file"}, "kind"),
    ({"kind": "aggregate", "period": timezone.localdate().year + 1}, "period"),
    ({"kind": "aggregate", "period": "last year"}, "period"),
])
def test_bad_parameters_get_a_clear_error_and_write_nothing(analyst, tmp_path, params, field, settings):
    out = tmp_path / "out"
    params = {"period": YEAR, **params}
    if "floor" in params:  # a caller may not go below the office's threshold
        settings.OCTIP_STATS_MIN_K = params.pop("floor")
    with pytest.raises(ValidationError) as info:
        create_release(actor=analyst, out=out, **params)
    assert field in info.value.message_dict
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert Release.objects.count() == 0 and BudgetSpend.objects.count() == 0


@pytest.mark.django_db
def test_only_stats_release_may_release(make_user, tmp_path):
    coordinator = make_user("coordinator")
    with pytest.raises(AccessDenied):
        create_release(actor=coordinator, kind="aggregate", period=YEAR, out=tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.django_db
def test_the_ledger_refuses_an_over_budget_release_and_records_nothing_for_it(stats_world, analyst, tmp_path,
                                                                               settings):
    settings.OCTIP_STATS_EPSILON_BUDGET = 4.0
    stats_world(40)
    first = create_release(actor=analyst, kind="aggregate", period=YEAR, epsilon=3, out=tmp_path / "one")
    spends = BudgetSpend.objects.filter(release=first)
    assert spends.count() > 1
    assert abs(sum(s.epsilon for s in spends) - 3) < 1e-9
    assert {s.spent_by_id for s in spends} == {analyst.pk}
    assert all(s.query.startswith("aggregate:") for s in spends)
    manifest = manifest_of(first)
    assert manifest["epsilon"] == 3 and manifest["differential_privacy"]["mechanism"].startswith("OpenDP")
    with pytest.raises(ValidationError, match=r"only ε 1 of 4 remains"):
        create_release(actor=analyst, kind="aggregate", period=YEAR, epsilon=1.5, out=tmp_path / "two")
    assert not (tmp_path / "two").exists()
    assert Release.objects.count() == 1 and BudgetSpend.objects.filter(release__isnull=False).count() == spends.count()
    # What remains can still be spent; another year has its own budget.
    create_release(actor=analyst, kind="aggregate", period=YEAR, epsilon=1, out=tmp_path / "three")
    create_release(actor=analyst, kind="aggregate", period=YEAR - 1, epsilon=4, out=tmp_path / "four")


@pytest.mark.django_db
def test_command_exits_non_zero_on_refusal_and_writes_nothing(analyst, tmp_path, stats_world):
    stats_world(30)
    out = tmp_path / "cmd"
    with pytest.raises(CommandError, match="k must be"):
        call_command("stats_release", kind="aggregate", period=str(YEAR), out=str(out), user=analyst.email, k="1")
    assert not out.exists()
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("stats_release", kind="nope", period=str(YEAR), out=str(out), user=analyst.email)
    stdout = io.StringIO()
    call_command("stats_release", kind="aggregate", period=str(YEAR), out=str(out), user=analyst.email,
                 stdout=stdout)
    assert "Release OCTIP-" in stdout.getvalue() and (out / "manifest.json").exists()


@pytest.mark.django_db
def test_k_holds_in_the_aggregate_tables_recomputed_from_the_database(stats_world, analyst, tmp_path):
    from octip.cases.models import Case, Gender

    cases, consented, _w = stats_world(90, consent_every=3)
    out = tmp_path / "agg"
    create_release(actor=analyst, kind="aggregate", period=YEAR, k=8, out=out)
    counted = Case.objects.filter(pk__in=consented)
    # One-way: cases by gender.
    truth = Counter(counted.values_list("person__gender", flat=True))
    rows = read_csv(out / "cases_by_gender.csv")[2:]
    labels = {str(label): code for code, label in Gender.choices}
    for label, value in rows[:-1]:
        true = truth.get(labels[label], 0)
        if 0 < true < 8:
            assert value == "x"  # primary suppression
        if value != "x":
            assert true == 0 or true >= 8
            assert abs(int(value) - true) <= 4  # rounded to base 5 from the true count
    assert [r[1] for r in rows[:-1]].count("x") != 1
    # Two-way with margins: region × funding line; no suppressed cell solvable from what is shown.
    table = read_csv(out / "cases_by_region_and_funding.csv")[2:]
    grid = [[v == "x" for v in row[1:]] for row in table]
    for line in grid:
        assert sum(line) != 1
    for column in zip(*grid, strict=True):
        assert sum(column) != 1
    for row in table:
        for value in row[1:]:
            assert value == "x" or int(value) % 5 == 0


@pytest.mark.django_db
def test_no_output_holds_an_identifying_value_or_free_text(stats_world, analyst, tmp_path):
    from octip.cases.models import ClosureRequest

    cases, _consented, worker = stats_world(40, consent_every=5)
    for case in cases[:10]:
        ClosureRequest.objects.create(case=case, reason="Private reason naming Synthetic Person", outcome="goals_met",
                                      requested_by=worker, previous_stage="services")
    for kind in ("ctdc", "aggregate"):
        out = tmp_path / kind
        create_release(actor=analyst, kind=kind, period=YEAR, k=2, out=out)
        for path in out.iterdir():
            if path.suffix in {".csv", ".json"}:
                text = path.read_text()
                assert "Synthetic Person" not in text and "604-555" not in text and "Private reason" not in text
                assert not any(c.number in text for c in cases)
                assert not any(str(c.pk) in text for c in cases)


@pytest.mark.django_db
def test_postgresql_refuses_to_change_a_release(stats_world, analyst, tmp_path):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    stats_world(10)
    release = create_release(actor=analyst, kind="aggregate", period=YEAR, out=tmp_path / "pg")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Release.objects.filter(pk=release.pk).update(row_count=0)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Release.objects.filter(pk=release.pk).delete()
