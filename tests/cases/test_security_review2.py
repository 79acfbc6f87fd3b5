"""Second security review (cases): what a person would notice before these fixes."""

from __future__ import annotations

import json

from octip.cases import models as m
from octip.cases import reference, services
from octip.core.models import AuditEvent


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


# --- An empty assignment does not leave the case owned by nobody --------------------------------

def test_an_empty_assignment_is_refused_and_the_caseworker_keeps_the_case(world, client_for):
    coordinator = client_for(world.coordinator)
    case = world.case_a
    before = (case.owner_team_id, case.owner_worker_id)
    url = f"/api/v1/cases/{case.pk}/assignment"
    for body in ({}, {"owner_team_id": None, "owner_worker_id": None, "assigned_worker_ids": []}):
        response = put(coordinator, url, body)
        assert response.status_code in (400, 422), (body, response.content)
    case.refresh_from_db()
    assert (case.owner_team_id, case.owner_worker_id) == before
    assert client_for(world.caseworker_a).get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert not AuditEvent.objects.filter(action="case.assigned").exists()
    # Naming either one is enough.
    response = put(coordinator, url, {"owner_team_id": world.team_a1.pk, "owner_worker_id": None,
                                      "assigned_worker_ids": [world.caseworker_a2.pk]})
    assert response.status_code == 200 and response.json()["owner_worker_id"] is None
    # Leaving the other assigned workers out keeps them (it does not unassign them).
    response = put(coordinator, url, {"owner_team_id": world.team_a1.pk, "owner_worker_id": world.caseworker_a.pk})
    assert response.status_code == 200
    assert list(case.assigned_workers.values_list("pk", flat=True)) == [world.caseworker_a2.pk]


def test_the_assignment_page_refuses_to_leave_the_case_without_owner(world, client_for):
    from django.urls import reverse

    case = world.case_a
    response = client_for(world.coordinator).post(reverse("cases:assign", args=[case.pk]),
                                                  {"owner_team": "", "owner_worker": ""})
    assert response.status_code == 400
    assert "Choose the owning team or the caseworker" in response.content.decode()
    case.refresh_from_db()
    assert case.owner_worker_id == world.caseworker_a.pk


# --- A partial PUT does not blank what it left out --------------------------------------------------

def test_updating_one_part_of_the_safety_plan_keeps_the_others(world, client_for):
    client = client_for(world.caseworker_a)
    case = world.case_a
    plan = services.save_safety_plan(actor=world.caseworker_a, case=case, expected_version=None,
                                     changes={"risks": "Old risk", "code_words": "BLUE-UMBRELLA",
                                              "trusted_contacts": "Synthetic aunt"})
    response = put(client, f"/api/v1/cases/{case.pk}/safety-plan", {"risks": "Updated risk", "version": plan.version})
    assert response.status_code == 200, response.content
    plan.refresh_from_db()
    assert (plan.risks, plan.code_words, plan.trusted_contacts) == ("Updated risk", "BLUE-UMBRELLA", "Synthetic aunt")


def test_changing_a_needs_priority_keeps_its_notes(world, client_for):
    client = client_for(world.caseworker_a)
    case = world.case_a
    domain = reference.needs_domains()[0].code
    need = services.save_need(actor=world.caseworker_a, case=case, domain=domain, priority="low",
                              status="identified", notes="Needs a dentist")
    response = put(client, f"/api/v1/cases/{case.pk}/needs",
                   {"domain": domain, "priority": "high", "status": "identified", "version": need.version})
    assert response.status_code == 200, response.content
    need.refresh_from_db()
    assert (need.priority, need.notes) == ("high", "Needs a dentist")
    # Sending notes explicitly still replaces them.
    response = put(client, f"/api/v1/cases/{case.pk}/needs",
                   {"domain": domain, "priority": "high", "status": "identified", "notes": "",
                    "version": need.version})
    need.refresh_from_db()
    assert response.status_code == 200 and need.notes == ""


# --- An empty person PATCH changes nothing --------------------------------------------------------

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


# --- Out-of-range numbers and times are a clear 400, not a server error -----------------------------

def test_listing_cases_with_a_huge_offset_or_owner_is_a_clear_answer_not_a_server_error(world, client_for):
    client = client_for(world.caseworker_a)
    client.raise_request_exception = False
    for query in ("offset=99999999999999999999", "offset=100001", "offset=-5", "limit=99999999999999999999"):
        response = client.get(f"/api/v1/cases?{query}")
        assert response.status_code == 400, (query, response.content)
    assert client.get("/api/v1/cases?owner=99999999999999999999").json() == []
    assert client.get("/api/v1/cases?owner=%D9%A3").status_code == 200  # a non-ASCII digit is no id
    assert [c["id"] for c in client.get("/api/v1/cases?offset=0&limit=5").json()] == [str(world.case_a.pk)]


def test_a_duty_to_report_dated_near_year_1_or_9999_is_refused_with_a_clear_message(world, client_for):
    youth = services.open_case(actor=world.caseworker_a, person={"legal_name": "Synthetic Youth", "estimated_age": 15},
                               case={"region": world.case_a.region})
    client = client_for(world.caseworker_a)
    client.raise_request_exception = False
    for when in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1850-01-01T00:00:00Z"):
        response = client.post(f"/api/v1/cases/{youth.pk}/duty-to-report", json.dumps(
            {"reported_by_name": "Synthetic Worker", "reported_at": when, "office": "mcfd_line"}),
            content_type="application/json")
        assert response.status_code == 400, (when, response.content)
        assert "between 1900 and 2100" in response.json()["errors"]["reported_at"][0]
    assert not m.DutyToReport.objects.filter(case=youth).exists()


# --- A receiver's timeline does not tell of the case's other sharing ----------------------------------

def test_a_receiver_does_not_learn_from_the_timeline_whom_else_the_case_was_shared_with(world, client_for):
    from octip.consent.services import record_consent
    from octip.referrals.secure_exports import create_secure_export
    from octip.referrals.services import send_referral, without_email
    from tests.factories import OrganizationFactory, UserFactory

    org_c = OrganizationFactory(name="Third Partner Synthetic")
    worker_c = UserFactory(role="caseworker", organization=org_c)
    owner, case = world.caseworker_a, world.case_a
    services.add_note(actor=owner, case=case, body="Restricted synthetic", sensitivity="restricted")
    record_consent(actor=owner, case=case, scope="share_with_organization", language="English",
                   external_recipient="Dr. Jane Q (family doctor)", purpose="p", sections=["summary"])
    create_secure_export(actor=owner, case=case, recipient="Dr. Jane Q (family doctor)", purpose="p",
                         sections=["summary"])
    for org in (world.org_b, org_c):
        record_consent(actor=owner, case=case, scope="share_with_organization", language="English",
                       organization=org, purpose="p", sections=["summary", "timeline"])
        with without_email():
            send_referral(actor=owner, case=case, organization=org, purpose="p", urgency="urgent",
                          sections=["summary", "timeline"])
    everything = {e["kind"] for e in client_for(owner).get(f"/api/v1/cases/{case.pk}/timeline").json()}
    assert {"export.secure", "disclosure", "referral.sent", "consent_given", "case.note_added"} <= everything

    response = client_for(worker_c).get(f"/api/v1/cases/{case.pk}/timeline")
    assert response.status_code == 200
    seen = response.json()
    text = response.content.decode()
    assert "Test Partner" not in text and world.org_b.name not in text  # nothing about organization B
    assert "export" not in text.lower() and "not on the platform" not in text
    assert "Restricted note" not in text
    kinds = [e["kind"] for e in seen]
    # What concerns organization C itself is still told: its consent, the disclosure to it, its referral.
    assert kinds.count("referral.sent") == 1 and kinds.count("consent_given") == 1 and kinds.count("disclosure") == 1
    assert "Third Partner Synthetic" in text
    assert "case.opened" in kinds
    page = client_for(worker_c).get(f"/app/cases/{case.pk}/").content.decode()
    assert "Third Partner Synthetic" in page and world.org_b.name not in page and "Restricted note" not in page
