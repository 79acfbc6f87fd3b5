"""Regressions from the security review of the cases app: what a receiver of a referral (a grant
holder), an own-scope user without identifying rights, or a careless export could reach."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from octip.cases import models as m
from octip.cases import services
from octip.core.models import AuditEvent

from .conftest import open_case, person_data


@pytest.fixture
def youth_case(world):
    born = timezone.localdate().replace(year=timezone.localdate().year - 15)
    case = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))
    profile = m.YouthProfile.objects.get(case=case)
    profile.guardian_name, profile.guardian_contact = "Guardian Zelda Quinterro", "778-555-0111"
    profile.save()
    return case


def share(world, case, sections, source_id="r-review"):
    """Org B receives ``sections`` of ``case`` (as a referral would grant them)."""
    return services.grant_case_access(actor=world.caseworker_a, case=case, organization=world.org_b,
                                      sections=sections, source="referral", source_id=source_id, reason="test")


# --- 1. Youth guardian details and the duty-to-report reference ------------------------------------

def test_receiver_of_a_summary_referral_cannot_read_the_guardians_name_and_phone(world, youth_case, client_for):
    share(world, youth_case, ["summary"])
    client = client_for(world.caseworker_b)
    response = client.get(reverse("cases:youth", args=[youth_case.pk]))
    body = response.content.decode()
    assert response.status_code in (403, 404)
    assert "Zelda" not in body and "778-555-0111" not in body
    assert "Zelda" not in client.get(reverse("cases:detail", args=[youth_case.pk])).content.decode()


def test_own_scope_user_without_identifying_rights_cannot_read_the_guardian(world, youth_case, client_for):
    youth_case.assigned_workers.add(world.police_a)
    response = client_for(world.police_a).get(reverse("cases:youth", args=[youth_case.pk]))
    assert response.status_code in (403, 404)
    assert "Zelda" not in response.content.decode()


def test_opening_the_youth_details_form_is_an_audited_read_of_the_person(world, youth_case, client_for):
    response = client_for(world.caseworker_a).get(reverse("cases:youth", args=[youth_case.pk]))
    assert response.status_code == 200 and "Guardian Zelda Quinterro" in response.content.decode()
    event = AuditEvent.objects.filter(action="person.viewed", actor_id=world.caseworker_a.pk,
                                      target_id=str(youth_case.person_id)).last()
    assert event is not None and event.detail["case_id"] == str(youth_case.pk)
    assert not AuditEvent.objects.filter(detail__icontains="Zelda").exists()


def test_receiver_without_identity_does_not_see_the_duty_to_report_reference(world, youth_case, client_for):
    services.record_duty_to_report(actor=world.caseworker_a, case=youth_case, reported_by_name="Synthetic Worker",
                                   reported_at=timezone.now(), office="mcfd_line", reference="MCFD-REF-778899")
    share(world, youth_case, ["needs"])
    assert "MCFD-REF-778899" not in client_for(world.caseworker_b).get(
        reverse("cases:detail", args=[youth_case.pk])).content.decode()
    assert "MCFD-REF-778899" in client_for(world.caseworker_a).get(
        reverse("cases:detail", args=[youth_case.pk])).content.decode()


# --- 2. The duty-to-report is recorded by the case's own circle only ------------------------------

def test_receiver_of_a_referral_cannot_record_the_duty_to_report_and_clear_the_flag(world, youth_case, client_for):
    share(world, youth_case, ["summary"])
    client = client_for(world.caseworker_b)
    response = client.post(f"/api/v1/cases/{youth_case.pk}/duty-to-report", json.dumps({
        "reported_by_name": "nobody", "reported_at": timezone.now().isoformat(), "office": "other"}),
        content_type="application/json")
    assert response.status_code == 403
    page = client.post(reverse("cases:duty_to_report", args=[youth_case.pk]), {
        "reported_by_name": "nobody", "reported_at": "2026-01-05T10:30", "office": "other"})
    assert page.status_code == 403
    assert services.duty_to_report_outstanding(youth_case)
    assert "Record the report" not in client.get(reverse("cases:detail", args=[youth_case.pk])).content.decode()


# --- 3. Assignment stays inside the owner organization ---------------------------------------------

def test_coordinator_cannot_assign_a_worker_of_another_organization_to_open_the_case(world, client_for):
    client = client_for(world.coordinator)
    response = client.put(f"/api/v1/cases/{world.case_a.pk}/assignment", json.dumps({
        "owner_team_id": world.team_a1.pk, "owner_worker_id": world.caseworker_a.pk,
        "assigned_worker_ids": [world.caseworker_b.pk]}), content_type="application/json")
    assert response.status_code == 400
    assert "assigned_workers" in response.content.decode()
    assert not world.case_a.assigned_workers.filter(pk=world.caseworker_b.pk).exists()
    assert client_for(world.caseworker_b).get(f"/api/v1/cases/{world.case_a.pk}").status_code == 404
    with pytest.raises(ValidationError):
        services.assign_case(actor=world.coordinator, case=world.case_a, owner_team=world.team_a1,
                             owner_worker=world.caseworker_a, assigned_workers=[world.caseworker_b])
    # Inside the organization an assignment still works.
    services.assign_case(actor=world.coordinator, case=world.case_a, owner_team=world.team_a1,
                         owner_worker=world.caseworker_a, assigned_workers=[world.caseworker_a2])
    assert client_for(world.caseworker_a2).get(f"/api/v1/cases/{world.case_a.pk}").status_code == 200


# --- 4. The closure reason is for the deciding coordinator only ------------------------------------

def test_receiver_cannot_read_the_reason_for_closing_on_the_decision_page(world, client_for):
    share(world, world.case_a, ["summary"])
    closure = services.request_closure(actor=world.caseworker_a, case=world.case_a,
                                       reason="She moved to her aunt at 55 Elm St", outcome="moved_away")
    url = reverse("cases:closure_decide", args=[world.case_a.pk, closure.pk])
    for outsider in (world.caseworker_b, world.caseworker_a2, world.caseworker_a):
        response = client_for(outsider).get(url)
        assert response.status_code in (403, 404), outsider
        assert "55 Elm St" not in response.content.decode()
    assert "55 Elm St" in client_for(world.coordinator).get(url).content.decode()


# --- 5. Staff lists of the owner organization stay in its own circle ------------------------------

def test_receiver_is_not_shown_the_owner_organizations_teams_and_staff(world, client_for):
    share(world, world.case_a, ["summary", "plan"])
    goal = services.add_goal(actor=world.caseworker_a, case=world.case_a, description="Housing")
    client = client_for(world.caseworker_b)
    assign = client.get(reverse("cases:assign", args=[world.case_a.pk]))
    assert assign.status_code == 403
    assert world.caseworker_a.full_name not in assign.content.decode()
    assert world.team_a1.name not in assign.content.decode()
    action = client.get(reverse("cases:plan_action_add", args=[world.case_a.pk, goal.pk]))
    assert action.status_code == 200
    html = action.content.decode()
    assert world.caseworker_a.full_name not in html and world.caseworker_a2.full_name not in html
    assert world.caseworker_b.full_name in html  # the receiver's own colleagues (who see the case) are offered
    # The owner's circle is still offered its own staff who can see the case.
    own = client_for(world.caseworker_a).get(reverse("cases:plan_action_add", args=[world.case_a.pk, goal.pk]))
    assert world.caseworker_a.full_name in own.content.decode()
    assert world.caseworker_a2.full_name not in own.content.decode()  # another team: cannot see the case


# --- 11. The summary section is shared like any other ----------------------------------------------

def test_receiver_not_given_the_summary_does_not_see_danger_exploitation_or_region(world, client_for):
    import csv
    import io

    world.case_a.immediate_danger = True
    world.case_a.save()
    share(world, world.case_a, ["documents"])
    client = client_for(world.caseworker_b)
    body = client.get(f"/api/v1/cases/{world.case_a.pk}").json()
    assert body["sections"] == ["documents"]
    assert body["exploitation_types"] == [] and body["immediate_danger"] is None and body["region"] is None
    assert body["age_band"] == "" and body["gender"] == "" and body["first_contact_date"] is None
    assert body["means_of_control"] == [] and body["setting"] == ""
    listed = client.get("/api/v1/cases").json()
    assert [c["exploitation_types"] for c in listed if c["id"] == str(world.case_a.pk)] == [[]]
    page = client.get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert "Immediate danger" not in page and "Labour" not in page and "Fraser" not in page
    listing = client.get(reverse("cases:list")).content.decode()
    row_html = listing.split(world.case_a.number)[1].split("</tr>")[0]
    assert "danger" not in row_html and "Fraser" not in row_html
    export = b"".join(client.get(reverse("cases:export_csv")).streaming_content).decode()
    rows = {r[0]: dict(zip(list(csv.reader(io.StringIO(export)))[0], r)) for r in csv.reader(io.StringIO(export))}
    row = rows[world.case_a.number]
    assert row["exploitation_types"] == "" and row["immediate_danger"] == "" and row["region"] == ""
    # Given the summary, the same receiver sees it.
    share(world, world.case_a, ["summary"], source_id="r-summary")
    body = client.get(f"/api/v1/cases/{world.case_a.pk}").json()
    assert body["exploitation_types"] == ["labour"] and body["immediate_danger"] is True


# --- 7. Every read of case content is audited ------------------------------------------------------

def test_an_export_records_which_cases_and_whose_identity_left(world, client_for):
    client = client_for(world.caseworker_a)
    body = b"".join(client.get(reverse("cases:export_csv")).streaming_content).decode()
    assert "Ana Beatriz Ferreira" in body
    event = AuditEvent.objects.filter(action="case.exported", actor_id=world.caseworker_a.pk).last()
    assert event.detail["case_ids"] == [str(world.case_a.pk)]
    assert event.detail["identifying_case_ids"] == [str(world.case_a.pk)]
    assert "Ferreira" not in json.dumps(event.detail)


@pytest.mark.parametrize(("sub", "action"), [("needs", "case.needs_viewed"), ("goals", "case.plan_viewed"),
                                             ("tasks", "case.tasks_viewed"), ("documents", "case.documents_listed")])
def test_reading_needs_plan_tasks_or_documents_through_the_api_is_audited(world, client_for, sub, action):
    services.save_need(actor=world.caseworker_a, case=world.case_a, domain="safety", priority="high",
                       status="identified", notes="lives with a friend")
    response = client_for(world.caseworker_a).get(f"/api/v1/cases/{world.case_a.pk}/{sub}")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=action, actor_id=world.caseworker_a.pk).last()
    assert event is not None and event.target_id == str(world.case_a.pk) and event.detail["via"] == "api"


# --- 9. A stray control character does not break the spreadsheet export ----------------------------

def test_a_name_with_a_control_character_still_exports_to_excel(world, client_for):
    from openpyxl import load_workbook

    person = world.case_a.person
    person.legal_name = "Bad\x01Name"
    person.save()
    response = client_for(world.caseworker_a).get(reverse("cases:export_xlsx"))
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "BadName" in values


# --- 6. A needs assessment is never silently overwritten -------------------------------------------

def test_two_workers_assessing_the_same_need_the_second_is_told_instead_of_overwriting(world, client_for):
    colleague = world.caseworker_a2
    world.case_a.assigned_workers.add(colleague)
    url = reverse("cases:need_edit", args=[world.case_a.pk, "safety"])
    first, second = client_for(world.caseworker_a), client_for(colleague)
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200  # both see no assessment
    assert first.post(url, {"domain": "safety", "priority": "high", "status": "in_progress", "notes": "first",
                            "version": ""}).status_code == 302
    response = second.post(url, {"domain": "safety", "priority": "low", "status": "met", "notes": "second",
                                 "version": ""})
    assert response.status_code == 409
    need = m.Need.objects.get(case=world.case_a, domain="safety")
    assert (need.priority, need.notes, need.version) == ("high", "first", 1)
    api = first.put(f"/api/v1/cases/{world.case_a.pk}/needs", json.dumps({
        "domain": "safety", "priority": "medium", "status": "identified", "notes": "api"}),
        content_type="application/json")
    assert api.status_code == 409
    need.refresh_from_db()
    assert need.notes == "first"
    # With the version they saw, the update goes through.
    ok = first.put(f"/api/v1/cases/{world.case_a.pk}/needs", json.dumps({
        "domain": "safety", "priority": "medium", "status": "identified", "notes": "api", "version": 1}),
        content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2


# --- 8. A search for a person never goes in a web address ------------------------------------------

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


def test_reading_the_guardian_through_the_api_is_an_audited_read_of_the_person(world, youth_case, client_for):
    body = client_for(world.caseworker_a).get(f"/api/v1/cases/{youth_case.pk}/youth").json()
    assert body["guardian_name"] == "Guardian Zelda Quinterro"
    assert AuditEvent.objects.filter(action="person.viewed", actor_id=world.caseworker_a.pk,
                                     target_id=str(youth_case.person_id), detail__case_id=str(youth_case.pk)).exists()
    # A receiver of the summary alone gets no guardian details, and no person read is recorded.
    share(world, youth_case, ["summary"])
    body = client_for(world.caseworker_b).get(f"/api/v1/cases/{youth_case.pk}/youth").json()
    assert body["guardian_name"] is None and body["guardian_contact"] is None
    assert not AuditEvent.objects.filter(action="person.viewed", actor_id=world.caseworker_b.pk).exists()
