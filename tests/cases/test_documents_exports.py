"""Documents (type and size checks, short-lived links, audited downloads), exports (CSV injection,
XLSX) and bounded queries on list pages."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from octip.cases import models as m
from octip.cases import services
from octip.cases.services import documents
from octip.core.models import AuditEvent

from .conftest import open_case, person_data


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


def upload(client, case, name, content, kind="legal"):
    return client.post(reverse("cases:document_upload", args=[case.pk]),
                       {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_upload_and_download_through_short_lived_link(world, client_for):
    client = client_for(world.caseworker_a)
    pdf = b"%PDF-1.4 synthetic"
    assert upload(client, world.case_a, "letter.pdf", pdf).status_code == 302
    document = m.Document.objects.get(case=world.case_a)
    link = client.post(reverse("cases:document_link", args=[world.case_a.pk, document.pk]))
    assert link.status_code == 302
    download = client.get(link["Location"])
    assert download.status_code == 200 and download.content == pdf
    assert download["Content-Type"] == "application/pdf" and download["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="case.document_downloaded", actor_id=world.caseworker_a.pk).count() == 1


def test_download_link_expires_and_is_personal(world, client_for, monkeypatch):
    document = services.upload_document(actor=world.caseworker_a, case=world.case_a, kind="legal",
                                        filename="a.txt", content=b"synthetic")
    link = client_for(world.caseworker_a).post(reverse("cases:document_link", args=[world.case_a.pk, document.pk]))
    url = link["Location"]
    # Another user who can see the case cannot use someone else's link.
    assert client_for(world.hotline_a).get(url).status_code == 410
    # Someone who cannot see the case gets a 404 at the link too.
    assert client_for(world.caseworker_b).get(url).status_code == 404
    # Six minutes later the link is dead.
    monkeypatch.setattr(documents, "DOWNLOAD_LINK_SECONDS", -1)
    assert client_for(world.caseworker_a).get(url).status_code == 410
    assert not AuditEvent.objects.filter(action="case.document_downloaded").exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("photo.png", b"%PDF-1.4 not a png", "must match"),
    ("script.exe", b"MZ\x90\x00", "must match"),
    ("page.html", b"<script>alert(1)</script>", "must match"),
    ("empty.pdf", b"", "empty"),
])
def test_wrong_type_uploads_are_refused(world, client_for, name, content, message):
    response = upload(client_for(world.caseworker_a), world.case_a, name, content)
    assert response.status_code == 400
    assert not m.Document.objects.exists()


def test_oversize_upload_is_refused(world, client_for):
    big = b"%PDF-" + b"0" * services.MAX_DOCUMENT_BYTES
    response = upload(client_for(world.caseworker_a), world.case_a, "big.pdf", big)
    assert response.status_code == 400 and "larger than 10 MB" in response.content.decode()
    assert not m.Document.objects.exists()


def test_document_upload_to_invisible_case_is_404(world, client_for):
    response = upload(client_for(world.caseworker_b), world.case_a, "a.txt", b"x")
    assert response.status_code == 404
    assert not m.Document.objects.exists()


def export_rows(client, **params) -> list[list[str]]:
    response = client.get(reverse("cases:export_csv"), params)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_neutralises_formulas(world, client_for):
    open_case(world.caseworker_a, person_data(legal_name="=HYPERLINK(\"http://evil.invalid\")",
                                              preferred_name="+1+1", phone="-2", email="@SUM(A1)"))
    rows = export_rows(client_for(world.caseworker_a))
    header = rows[0]
    evil = next(r for r in rows[1:] if "HYPERLINK" in r[header.index("legal_name")])
    for column in ("legal_name", "preferred_name", "phone", "email"):
        assert evil[header.index(column)].startswith("'"), column
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_xlsx_export_only_visible_cases_and_no_formulas(world, client_for):
    from openpyxl import load_workbook

    open_case(world.caseworker_a, person_data(legal_name="=1+2"))
    response = client_for(world.caseworker_a).get(reverse("cases:export_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    numbers = {row[0] for row in values[1:]}
    assert world.case_a.number in numbers and world.case_b.number not in numbers
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in values for v in row)
    assert any(v == "'=1+2" for row in values for v in row)


def test_a_name_with_a_control_character_still_exports_to_excel(world, client_for):
    from openpyxl import load_workbook

    person = world.case_a.person
    person.legal_name = "Bad\x01Name"
    person.save()
    response = client_for(world.caseworker_a).get(reverse("cases:export_xlsx"))
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "BadName" in values


def test_export_without_identifying_permission_has_no_identifying_columns(world, client_for, monkeypatch):
    from octip.core import roles

    limited = roles.ROLES["caseworker"].permissions - {"case.export_identifying"}
    monkeypatch.setitem(roles.ROLES, "caseworker", roles.Role(
        "caseworker", "Caseworker", roles.Scope.TEAM, frozenset(limited), True))
    rows = export_rows(client_for(world.caseworker_a))
    assert "legal_name" not in rows[0]
    assert "Ana Beatriz Ferreira" not in repr(rows)


def test_export_is_audited(world, client_for):
    export_rows(client_for(world.caseworker_a))
    event = AuditEvent.objects.filter(action="case.exported").get()
    assert event.detail["identifying"] is True and event.actor_id == world.caseworker_a.pk


def test_an_export_records_which_cases_and_whose_identity_left(world, client_for):
    client = client_for(world.caseworker_a)
    body = b"".join(client.get(reverse("cases:export_csv")).streaming_content).decode()
    assert "Ana Beatriz Ferreira" in body
    event = AuditEvent.objects.filter(action="case.exported", actor_id=world.caseworker_a.pk).last()
    assert event.detail["case_ids"] == [str(world.case_a.pk)]
    assert event.detail["identifying_case_ids"] == [str(world.case_a.pk)]
    assert "Ferreira" not in json.dumps(event.detail)


def _many_cases(world, count: int):
    for i in range(count):
        case = open_case(world.caseworker_a, person_data(legal_name=f"Synthetic Person {i}", phone="",
                                                         date_of_birth=datetime.date(1990, 1, 1 + i % 27)))
        services.add_task(actor=world.caseworker_a, case=case, title="t", due=datetime.date(2020, 1, 1),
                          assignee=world.caseworker_a)
        services.grant_case_access(actor=world.caseworker_a, case=case, organization=world.org_b,
                                   sections=["summary", "identity"], source="referral", source_id=f"x{i}")


@pytest.mark.parametrize("who", ["caseworker_a", "coordinator", "caseworker_b"])
def test_list_pages_use_bounded_queries(world, client_for, django_assert_max_num_queries, who):
    client = client_for(getattr(world, who))
    _many_cases(world, 3)
    with django_assert_max_num_queries(40) as few:
        assert client.get(reverse("cases:list")).status_code == 200
    _many_cases(world, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cases:list")).status_code == 200
    with django_assert_max_num_queries(40) as api_few:
        assert client.get("/api/v1/cases").status_code == 200
    _many_cases(world, 5)
    with django_assert_max_num_queries(len(api_few.captured_queries)):
        assert client.get("/api/v1/cases").status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(reverse("cases:my_work")).status_code == 200


def test_case_page_queries_do_not_grow_with_its_records(world, client_for, django_assert_max_num_queries):
    client = client_for(world.caseworker_a)
    url = reverse("cases:detail", args=[world.case_a.pk])

    def add_records(n: int):
        for i in range(n):
            services.add_task(actor=world.caseworker_a, case=world.case_a, title=f"t{i}", due=datetime.date(2030, 1, 1),
                              assignee=world.caseworker_a)
            services.add_note(actor=world.caseworker_a, case=world.case_a, body=f"n{i}")
            goal = services.add_goal(actor=world.caseworker_a, case=world.case_a, description=f"g{i}")
            services.add_plan_action(actor=world.caseworker_a, goal=goal, description=f"a{i}",
                                     owner=world.caseworker_a)

    add_records(2)
    with django_assert_max_num_queries(60) as few:
        assert client.get(url).status_code == 200
    add_records(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
