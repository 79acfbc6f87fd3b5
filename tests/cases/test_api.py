"""The cases API: create, read, patch with versions, search, sub-resources, and bad input."""

from __future__ import annotations

import datetime

import pytest

from octip.cases import models as m
from octip.cases import services
from octip.core.models import AuditEvent

PERSON = {"legal_name": "Lucia Mendoza Synthetic", "preferred_name": "Lu", "date_of_birth": "1998-07-01",
          "phone": "778 555 0107", "citizenship": ["MX"], "languages": ["es"]}


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def test_create_read_patch_case(world, client_for):
    client = client_for(world.caseworker_a)
    response = post(client, "/api/v1/cases", {"person": PERSON, "region": "fraser", "exploitation_types": ["sexual"],
                                              "referral_source": "police"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"]["legal_name"] == "Lucia Mendoza Synthetic"
    assert body["person"]["date_of_birth"] == "1998-07-01"
    assert body["track"] == "adult" and body["stage"] == "intake" and body["number"].startswith("BC-")
    case_id = body["id"]
    got = client.get(f"/api/v1/cases/{case_id}").json()
    assert got["version"] == 1 and got["owner_organization_id"] == world.org_a.pk
    changed = patch(client, f"/api/v1/cases/{case_id}", {"version": 1, "immediate_danger": True})
    assert changed.status_code == 200 and changed.json()["version"] == 2 and changed.json()["immediate_danger"]
    stale = patch(client, f"/api/v1/cases/{case_id}", {"version": 1, "immediate_danger": False})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2 and stale.json()["changed"] == ["immediate_danger"]
    assert m.Case.objects.get(pk=case_id).immediate_danger is True


def test_patch_person_with_version(world, client_for):
    client = client_for(world.caseworker_a)
    url = f"/api/v1/cases/{world.case_a.pk}/person"
    ok = patch(client, url, {"version": 1, "preferred_name": "Beatriz"})
    assert ok.status_code == 200 and ok.json()["person"]["preferred_name"] == "Beatriz"
    assert patch(client, url, {"version": 1, "preferred_name": "B"}).status_code == 409
    # The blind index follows the change.
    found = post(client, "/api/v1/cases/search", {"search": "beatriz"}).json()
    assert [c["id"] for c in found] == [str(world.case_a.pk)]


def test_an_empty_person_patch_does_not_make_a_new_version_or_an_update_in_the_audit_log(world, client_for):
    client = client_for(world.caseworker_a)
    case = world.case_a
    version = case.person.version
    updates = AuditEvent.objects.filter(action="person.updated").count()
    for body in ({"version": version}, {"version": version, "legal_name": case.person.legal_name}):
        response = patch(client, f"/api/v1/cases/{case.pk}/person", body)
        assert response.status_code == 200, response.content
    person = m.Person.objects.get(pk=case.person.pk)
    assert person.version == version
    assert AuditEvent.objects.filter(action="person.updated").count() == updates
    # A real change still makes a version.
    response = patch(client, f"/api/v1/cases/{case.pk}/person", {"version": version, "preferred_name": "Lu2"})
    assert response.status_code == 200 and m.Person.objects.get(pk=person.pk).version == version + 1


def test_youth_created_through_api(world, client_for):
    client = client_for(world.caseworker_a)
    born = (datetime.date.today() - datetime.timedelta(days=365 * 15)).isoformat()
    body = post(client, "/api/v1/cases", {"person": {**PERSON, "date_of_birth": born}, "region": "fraser"}).json()
    assert body["track"] == "youth"
    stage = post(client, f"/api/v1/cases/{body['id']}/stage", {"stage": "assessment", "version": body["version"]})
    assert stage.status_code == 400 and "duty-to-report" in str(stage.json())
    report = post(client, f"/api/v1/cases/{body['id']}/duty-to-report", {
        "reported_by_name": "Synthetic Worker", "reported_at": "2026-01-05T10:00:00-08:00", "office": "mcfd_line"})
    assert report.status_code == 201


def test_bad_input_gets_clear_errors_and_changes_nothing(world, client_for):
    client = client_for(world.caseworker_a)
    before = m.Case.objects.count()
    cases = [
        {"person": {**PERSON, "date_of_birth": "1998-02-31"}, "region": "fraser"},
        {"person": {**PERSON, "date_of_birth": "2999-01-01"}, "region": "fraser"},
        {"person": PERSON, "region": "atlantis"},
        {"person": {**PERSON, "citizenship": ["QQ"]}, "region": "fraser"},
        {"person": {**PERSON, "legal_name": ""}, "region": "fraser"},
        {"person": PERSON, "region": "fraser", "exploitation_types": ["astrology"]},
    ]
    for body in cases:
        response = post(client, "/api/v1/cases", body)
        assert response.status_code in (400, 422), (body, response.status_code)
        assert "detail" in response.json()
    assert m.Case.objects.count() == before
    assert patch(client, f"/api/v1/cases/{world.case_a.pk}", {"immediate_danger": True}).status_code == 400
    assert patch(client, "/api/v1/cases/not-a-uuid", {"version": 1}).status_code in (400, 404)


def test_listing_cases_with_a_huge_offset_or_owner_is_a_clear_answer_not_a_server_error(world, client_for):
    client = client_for(world.caseworker_a)
    client.raise_request_exception = False
    for query in ("offset=99999999999999999999", "offset=100001", "offset=-5", "limit=99999999999999999999"):
        response = client.get(f"/api/v1/cases?{query}")
        assert response.status_code == 400, (query, response.content)
    assert client.get("/api/v1/cases?owner=99999999999999999999").json() == []
    assert client.get("/api/v1/cases?owner=%D9%A3").status_code == 200  # a non-ASCII digit is no id
    assert [c["id"] for c in client.get("/api/v1/cases?offset=0&limit=5").json()] == [str(world.case_a.pk)]


def test_closure_through_api(world, client_for):
    worker, coordinator = client_for(world.caseworker_a), client_for(world.coordinator)
    url = f"/api/v1/cases/{world.case_a.pk}/closure-requests"
    request = post(worker, url, {"reason": "Goals met", "outcome": "goals_met"})
    assert request.status_code == 201
    decision_url = f"{url}/{request.json()['id']}/decision"
    assert post(worker, decision_url, {"approve": True, "comment": "mine"}).status_code == 403
    assert post(coordinator, decision_url, {"approve": True, "comment": "Approved"}).status_code == 200
    assert coordinator.get(f"/api/v1/cases/{world.case_a.pk}").json()["stage"] == "closed"
    kinds = [e["kind"] for e in worker.get(f"/api/v1/cases/{world.case_a.pk}/timeline").json()]
    assert kinds[:2] == ["case.closure_approved", "case.closure_requested"]


def test_sub_resources(world, client_for):
    client = client_for(world.caseworker_a)
    base = f"/api/v1/cases/{world.case_a.pk}"
    assert client.put(base + "/needs", {"domain": "legal", "priority": "high", "status": "identified"},
                      content_type="application/json").status_code == 200
    goal = post(client, base + "/goals", {"description": "Work permit"}).json()
    assert post(client, f"{base}/goals/{goal['id']}/actions", {"description": "Apply for TRP", "due": "2026-12-01",
                                                               "owner_id": world.caseworker_a.pk}).status_code == 201
    task = post(client, base + "/tasks", {"title": "Follow up", "due": "2026-12-01"}).json()
    done = post(client, f"{base}/tasks/{task['id']}/done", {"version": task["version"]})
    assert done.status_code == 200 and done.json()["done_at"]
    assert post(client, f"{base}/tasks/{task['id']}/done", {"version": task["version"]}).status_code == 400
    assert post(client, base + "/notes", {"body": "Synthetic note"}).status_code == 201
    assert post(client, base + "/notes", {"body": "x", "sensitivity": "secret"}).status_code == 400
    saved = client.put(base + "/safety-plan", {"code_words": "red kite"}, content_type="application/json")
    assert saved.status_code == 200
    assert client.get(base + "/safety-plan").json()["code_words"] == "red kite"
    assert len(client.get(base + "/goals").json()[0]["actions"]) == 1
    assert len(client.get(base + "/needs").json()) == 1


@pytest.mark.parametrize(("sub", "action"), [("needs", "case.needs_viewed"), ("goals", "case.plan_viewed"),
                                             ("tasks", "case.tasks_viewed"), ("documents", "case.documents_listed")])
def test_reading_needs_plan_tasks_or_documents_through_the_api_is_audited(world, client_for, sub, action):
    services.save_need(actor=world.caseworker_a, case=world.case_a, domain="safety", priority="high",
                       status="identified", notes="lives with a friend")
    response = client_for(world.caseworker_a).get(f"/api/v1/cases/{world.case_a.pk}/{sub}")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=action, actor_id=world.caseworker_a.pk).last()
    assert event is not None and event.target_id == str(world.case_a.pk) and event.detail["via"] == "api"


def test_token_auth_and_document_download_link(world, client_for):
    from django.test import Client

    from octip.partners.services import create_api_token

    _token, raw = create_api_token(actor=world.caseworker_a, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    document = services.upload_document(actor=world.caseworker_a, case=world.case_a, kind="legal",
                                        filename="note.txt", content=b"synthetic text")
    link = client.post(f"/api/v1/cases/{world.case_a.pk}/documents/{document.pk}/link").json()
    assert link["expires_in_seconds"] <= 300
    download = client.get(link["url"])
    assert download.status_code == 200 and download.content == b"synthetic text"
    # The link is for its holder only: another user's token gets nothing.
    _t, other_raw = create_api_token(actor=world.hotline_a, name="other")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_raw}")
    assert other.get(link["url"]).status_code == 410
    _t, outsider_raw = create_api_token(actor=world.caseworker_b, name="outsider")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {outsider_raw}").get(link["url"]).status_code == 404


def test_patch_with_nulls_is_a_clear_error_not_a_crash(world, client_for):
    client = client_for(world.caseworker_a)
    url = f"/api/v1/cases/{world.case_a.pk}"
    for body in ({"region": None}, {"first_contact_date": None}, {"referral_source": None},
                 {"immediate_danger": None}):
        response = patch(client, url, {"version": 1, **body})
        assert response.status_code in (400, 422), body
    person = patch(client, url + "/person", {"version": 1, "gender": None})
    assert person.status_code == 400
    cleared = patch(client, url + "/person", {"version": 1, "phone": None, "aliases": None})
    assert cleared.status_code == 200 and cleared.json()["person"]["phone"] == ""
    assert cleared.json()["person"]["aliases"] == []
    world.case_a.refresh_from_db()
    assert world.case_a.version == 1 and world.case_a.region.code == "fraser"


def test_duplicate_check_through_api(world, client_for):
    body = {"legal_name": "Ana Beatriz Ferreira", "date_of_birth": "1995-03-14", "reason": "intake"}
    mine = post(client_for(world.caseworker_a), "/api/v1/cases/duplicate-check", body).json()
    assert mine["visible"] == [str(world.case_a.pk)] and mine["elsewhere"] is False
    theirs = post(client_for(world.caseworker_b), "/api/v1/cases/duplicate-check", body).json()
    assert theirs == {"visible": [], "elsewhere": True,
                      "message": "A possible record exists elsewhere. A coordinator can check it for you."}
    nobody = post(client_for(world.caseworker_b), "/api/v1/cases/duplicate-check",
                  {"legal_name": "Nobody Synthetic", "date_of_birth": "1995-03-14", "reason": "intake"}).json()
    assert nobody["elsewhere"] is False and nobody["visible"] == []
    assert post(client_for(world.analyst), "/api/v1/cases/duplicate-check", body).status_code == 403


def test_api_search_by_dob_and_phone(world, client_for):
    client = client_for(world.caseworker_a)
    # Issue 9 #12: identity criteria are sent by POST, never in the address.
    search = "/api/v1/cases/search"
    assert [c["number"] for c in post(client, search, {"phone": "604.555.0142"}).json()] == [world.case_a.number]
    assert [c["number"] for c in post(client, search, {"date_of_birth": "1990-01-02"}).json()] == []
    assert post(client, search, {"date_of_birth": "1990-02-31"}).status_code == 400


def test_youth_profile_reopen_assignment_and_review_through_api(world, client_for):
    worker, coordinator, auditor = (client_for(world.caseworker_a), client_for(world.coordinator),
                                    client_for(world.auditor))
    born = (datetime.date.today() - datetime.timedelta(days=365 * 15)).isoformat()
    youth = post(worker, "/api/v1/cases", {"person": {**PERSON, "date_of_birth": born}, "region": "fraser"}).json()
    url = f"/api/v1/cases/{youth['id']}/youth"
    profile = worker.get(url).json()
    assert profile["duty_to_report_outstanding"] is True
    updated = patch(worker, url, {"version": profile["version"], "separation": "unaccompanied",
                                  "consent_given_by": "both", "guardian_name": "Synthetic Aunt"})
    assert updated.status_code == 200 and updated.json()["separation"] == "unaccompanied"
    assert patch(worker, url, {"version": profile["version"], "separation": "separated"}).status_code == 409
    assert patch(worker, url, {"version": updated.json()["version"], "separation": "lost"}).status_code == 400
    assert worker.get(f"/api/v1/cases/{world.case_a.pk}/youth").status_code == 404  # adult case
    # Assignment: only with case.assign, and only to people of the owning organization.
    body = {"owner_team_id": world.team_a2.pk, "owner_worker_id": world.caseworker_a2.pk}
    assert client_for(world.caseworker_a).put(f"/api/v1/cases/{world.case_a.pk}/assignment", body,
                                              content_type="application/json").status_code == 403
    assert coordinator.put(f"/api/v1/cases/{world.case_a.pk}/assignment", {"owner_worker_id": world.caseworker_b.pk},
                           content_type="application/json").status_code == 400
    assert coordinator.put(f"/api/v1/cases/{world.case_a.pk}/assignment", body,
                           content_type="application/json").json()["owner_team_id"] == world.team_a2.pk
    # Emergency access review by an auditor.
    access = post(coordinator, f"/api/v1/cases/{world.case_b.pk}/emergency-access",
                  {"reason": "Person missing; police need contacts"}).json()
    listed = auditor.get("/api/v1/emergency-access").json()
    assert [a["id"] for a in listed] == [access["id"]]
    assert post(worker, f"/api/v1/emergency-access/{access['id']}/review", {"review": "justified"}).status_code == 403
    assert post(auditor, f"/api/v1/emergency-access/{access['id']}/review", {"review": "maybe"}).status_code == 400
    assert post(auditor, f"/api/v1/emergency-access/{access['id']}/review",
                {"review": "justified"}).json()["review"] == "justified"
    assert auditor.get("/api/v1/emergency-access").json() == []
    # A role without the review permission is refused (and the refusal recorded) before its cursor is read.
    refused = worker.get("/api/v1/emergency-access", {"cursor": "not-a-cursor"})
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor_id=world.caseworker_a.pk,
                                     detail__permission="audit.review_emergency_access").exists()


def test_reopen_through_api(world, client_for):
    worker = client_for(world.caseworker_a)
    assert post(worker, f"/api/v1/cases/{world.case_a.pk}/reopen", {"reason": "x"}).status_code == 400
    request = services.request_closure(actor=world.caseworker_a, case=world.case_a, reason="r", outcome="goals_met")
    services.decide_closure(actor=world.coordinator, closure=request, approve=True, comment="ok")
    reopened = post(worker, f"/api/v1/cases/{world.case_a.pk}/reopen", {"reason": "Came back"})
    assert reopened.status_code == 200 and reopened.json()["stage"] == "assessment"


def test_identity_documents_round_trip_and_validation(world, client_for):
    client = client_for(world.caseworker_a)
    docs = [{"type": "passport", "number": "X1234567", "country": "mx", "held_by_person": False}]
    body = post(client, "/api/v1/cases", {"person": {**PERSON, "identity_documents": docs}, "region": "fraser"}).json()
    assert body["person"]["identity_documents"] == [{"type": "passport", "number": "X1234567", "country": "MX",
                                                     "held_by_person": False}]
    bad = post(client, "/api/v1/cases", {"person": {**PERSON, "identity_documents": [{"type": "passport",
                                                                                     "country": "QQ"}]},
                                         "region": "fraser"})
    assert bad.status_code == 400
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT identity_documents FROM cases_person")
        assert "X1234567" not in repr(cursor.fetchall())


def test_identity_documents_on_the_person_form(world, client_for):
    from django.urls import reverse

    client = client_for(world.caseworker_a)
    url = reverse("cases:person_edit", args=[world.case_a.pk])
    form = {"legal_name": "Ana Beatriz Ferreira", "gender": "woman", "version": 1,
            "identity_documents": "passport | BR998877 | BR | no\nwork permit | WP-1 | CA | yes"}
    assert client.post(url, {**form, "identity_documents": "passport | 1 | BR | maybe"}).status_code == 400
    assert client.post(url, form).status_code == 302
    person = m.Person.objects.get(pk=world.case_a.person_id)
    assert person.identity_documents[0] == {"type": "passport", "number": "BR998877", "country": "BR",
                                            "held_by_person": False}
    html = client.get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert "BR998877" in html and "not held by the person" in html
    assert "BR998877" in client.get(url).content.decode()
