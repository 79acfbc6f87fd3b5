"""Identifying fields are ciphertext in the database; search goes through blind indexes; the intake
warns of possible duplicates without revealing a record the user cannot see."""

from __future__ import annotations

import datetime
import json

from django.db import connection
from django.urls import reverse

from octip.cases import models as m
from octip.cases import selectors, services

from .conftest import case_data, open_case, person_data

PLAINTEXT = ["Ana Beatriz Ferreira", "Bia", "Anna F", "1995-03-14", "555 0142", "bia@example.invalid",
             "Synthetic Lane", "Sealed synthetic note", "Call the aunt", "blue umbrella", "MCFD-77"]


def raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names are ours
        return cursor.fetchall()


def test_identifying_fields_are_ciphertext_at_rest(world):
    case = world.case_a
    services.add_note(actor=world.caseworker_a, case=case, body="Sealed synthetic note")
    services.add_task(actor=world.caseworker_a, case=case, title="Call the aunt", due=datetime.date(2030, 1, 1))
    services.save_safety_plan(actor=world.caseworker_a, case=case, changes={"code_words": "blue umbrella"},
                              expected_version=None)
    dump = repr([raw_rows(t) for t in ("cases_person", "cases_case", "cases_note", "cases_task", "cases_safetyplan",
                                       "cases_timelineentry", "core_auditevent")])
    for value in PLAINTEXT:
        assert value not in dump, value
    assert "enc1:" in dump
    # The ORM still reads them back.
    person = m.Person.objects.get(pk=case.person_id)
    assert person.legal_name == "Ana Beatriz Ferreira" and person.date_of_birth == datetime.date(1995, 3, 14)


def test_document_content_is_encrypted_in_storage(world, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    document = services.upload_document(actor=world.caseworker_a, case=world.case_a, kind="legal",
                                        filename="ferreira-letter.txt", content=b"Synthetic secret letter body")
    stored = (tmp_path / document.storage_name).read_bytes()
    assert b"Synthetic secret letter" not in stored and stored.startswith(b"enc1:")
    assert "ferreira" not in repr(raw_rows("cases_document"))
    assert services.read_document(actor=world.caseworker_a, document=document) == b"Synthetic secret letter body"


def test_search_by_exact_name_dob_phone_and_phonetic(world):
    actor = world.caseworker_a

    def numbers(**filters):
        return [c.number for c in selectors.case_list(actor=actor, filters=selectors.CaseFilters(**filters))]

    expected = [world.case_a.number]
    assert numbers(q="  ana beatriz FERREIRA ") == expected  # case, spacing: normalized
    assert numbers(q="Bia") == expected                       # preferred name
    assert numbers(q="Anna F") == expected                    # alias
    assert numbers(q="Ana Ferreira") == []                    # exact match only
    assert numbers(q="Anna Beatris Fereira", phonetic=True) == expected
    assert numbers(date_of_birth=datetime.date(1995, 3, 14)) == expected
    assert numbers(phone="(604) 555-0142") == expected
    assert numbers(q=world.case_a.number.lower()) == expected
    # Only visible cases: org B's case never appears, even by its exact name.
    assert numbers(q="Other Person") == []
    assert numbers(q=world.case_b.number) == []


def test_searching_for_a_person_by_name_keeps_the_name_out_of_the_address_and_export_links(world, client_for):
    client = client_for(world.caseworker_a)
    page = client.get(reverse("cases:list"))
    html = page.content.decode()
    search_form = html.split('aria-label="Find a person"')[0].rsplit("<form", 1)[1]
    assert 'method="post"' in search_form
    # The name is posted; filters that identify nobody stay in the address and combine with it.
    found = client.post(reverse("cases:list") + "?track=adult", {"q": "Ana Beatriz Ferreira"})
    assert found.status_code == 200
    body = found.content.decode()
    assert reverse("cases:detail", args=[world.case_a.pk]) in body
    assert reverse("cases:detail", args=[world.case_b.pk]) not in body
    links = [part.split('"')[0] for part in body.split('href="')[1:] if "export" in part.split('"')[0]]
    assert links and all("Ferreira" not in link and "Ana" not in link and "track=adult" in link for link in links)
    # A name, date of birth or phone in the address is refused, in the list and the export alike.
    for params in ({"q": "Ana Beatriz Ferreira"}, {"phone": "604 555 0142"}, {"date_of_birth": "1995-03-14"}):
        refused = client.get(reverse("cases:list"), params)
        assert refused.status_code == 400, params
        assert reverse("cases:detail", args=[world.case_a.pk]) not in refused.content.decode()
        assert client.get(reverse("cases:export_csv"), params).status_code == 400, params
    # A case number is not identifying: it may stay in the address.
    by_number = client.get(reverse("cases:list"), {"q": world.case_a.number})
    assert by_number.status_code == 200
    assert reverse("cases:detail", args=[world.case_a.pk]) in by_number.content.decode()
    # The API offers the same search with the criteria in the body.
    api = client.post("/api/v1/cases/search", json.dumps({"phone": "604 555 0142"}), content_type="application/json")
    assert api.status_code == 200 and [c["number"] for c in api.json()] == [world.case_a.number]


def test_filters(world):
    actor = world.coordinator
    services.change_stage(actor=world.caseworker_a, case=world.case_a, to_stage="assessment",
                          expected_version=world.case_a.version)

    def numbers(**filters):
        return {c.number for c in selectors.case_list(actor=actor, filters=selectors.CaseFilters(**filters))}

    assert numbers(stage="assessment") == {world.case_a.number}
    assert numbers(track="youth") == set()
    assert numbers(region="fraser") == {world.case_a.number, world.case_b.number}
    assert numbers(region="northern") == set()
    assert numbers(owner=str(world.org_b.pk)) == {world.case_b.number}


def test_duplicate_warning_reveals_nothing_about_invisible_record(world, client_for):
    # caseworker_b re-enters org A's person: a match exists but is not visible to them.
    client = client_for(world.caseworker_b)
    form = {"legal_name": "ana beatriz ferreira", "date_of_birth": "1995-03-14", "region": case_data()["region"].pk,
            "first_contact_date": datetime.date.today().isoformat(), "referral_source": "self", "gender": "woman"}
    before = m.Case.objects.count()
    response = client.post(reverse("cases:intake"), form)
    html = response.content.decode()
    assert response.status_code == 409
    assert "A possible record exists elsewhere" in html
    assert world.case_a.number not in html and world.org_a.name not in html
    assert m.Case.objects.count() == before
    # Confirming opens a new case anyway.
    response = client.post(reverse("cases:intake"), {**form, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert m.Case.objects.count() == before + 1


def test_duplicate_warning_links_visible_match(world, client_for):
    client = client_for(world.caseworker_a)
    form = {"legal_name": "Someone New", "phone": "604-555-0142", "region": case_data()["region"].pk,
            "first_contact_date": datetime.date.today().isoformat(), "referral_source": "self", "gender": "woman"}
    html = client.post(reverse("cases:intake"), form).content.decode()
    assert reverse("cases:detail", args=[world.case_a.pk]) in html
    assert "exists elsewhere" not in html


def test_intake_bad_input_changes_nothing(world, client_for):
    client = client_for(world.caseworker_a)
    before = (m.Case.objects.count(), m.Person.objects.count())
    for bad in ({"date_of_birth": "1995-02-30"}, {"date_of_birth": "2999-01-01"}, {"citizenship": "ZZ"},
                {"legal_name": ""}, {"region": "999999"}, {"estimated_age": "-4"}):
        form = {"legal_name": "Synthetic Name", "region": case_data()["region"].pk,
                "first_contact_date": "2026-01-10", "referral_source": "self", "gender": "woman", **bad}
        response = client.post(reverse("cases:intake"), form)
        assert response.status_code == 400, bad
        assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in response.content.decode()
    assert (m.Case.objects.count(), m.Person.objects.count()) == before


def test_open_case_refuses_unknown_codes(world):
    import pytest
    from django.core.exceptions import ValidationError

    before = m.Case.objects.count()
    with pytest.raises(ValidationError):
        open_case(world.caseworker_a, exploitation_types=["sexual", "astrology"])
    with pytest.raises(ValidationError):
        open_case(world.caseworker_a, means_of_control=["Bribes"])
    with pytest.raises(ValidationError):
        open_case(world.caseworker_a, setting="moon_base")
    with pytest.raises(ValidationError):
        open_case(world.caseworker_a, person_data(citizenship=["XX"]))
    assert m.Case.objects.count() == before


def test_reference_lists_come_from_data(world):
    from octip.cases import reference

    assert len(reference.polaris_settings()) == 25
    assert "DebtBondage" in {t.code for t in reference.means_of_control()}
    assert len(reference.needs_domains()) == 11
