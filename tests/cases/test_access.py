"""Authorization matrix: every case role × scope × door. A case outside the user's reach is a 404
(never a 403) through the page, the API, search, export, the document link and the timeline."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from octip.cases import models as m
from octip.cases import services
from octip.core.models import AuditEvent

from .conftest import share

# (user attribute of the world fixture, may see case_a of org A / team A1 / caseworker_a)
MATRIX = [
    ("caseworker_a", True),     # team scope, owner
    ("caseworker_a2", False),   # team scope, same organization, another team
    ("caseworker_b", False),    # another organization
    ("coordinator", True),      # scope all
    ("screener_a", False),      # own scope, not assigned
    ("hotline_a", True),        # organization scope
    ("police_a", False),        # own scope, not assigned
    ("analyst", False),         # no case.view
    ("auditor", False),
    ("trainer_a", False),
    ("org_admin_a", False),
]


def _document(world):
    return services.upload_document(actor=world.caseworker_a, case=world.case_a, kind="legal",
                                    filename="letter.txt", content=b"synthetic letter")


def door_results(client, world, document) -> dict[str, bool]:
    case = world.case_a
    seen = {}
    seen["page"] = client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    seen["api"] = client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    seen["timeline"] = client.get(f"/api/v1/cases/{case.pk}/timeline").status_code == 200
    listing = client.get(reverse("cases:list"), {"q": case.number})
    detail_url = reverse("cases:detail", args=[case.pk])
    seen["search_page"] = listing.status_code == 200 and detail_url in listing.content.decode()
    api_search = client.get("/api/v1/cases", {"search": case.number})
    seen["search_api"] = api_search.status_code == 200 and any(c["id"] == str(case.pk) for c in api_search.json())
    export = client.get(reverse("cases:export_csv"))
    seen["export"] = export.status_code == 200 and case.number in b"".join(export.streaming_content).decode()
    link = client.post(reverse("cases:document_link", args=[case.pk, document.pk]))
    seen["document_link"] = link.status_code == 302
    return seen


@pytest.mark.parametrize(("who", "visible"), MATRIX)
def test_authorization_matrix(world, client_for, who, visible):
    document = _document(world)
    user = getattr(world, who)
    client = client_for(user)
    results = door_results(client, world, document)
    if visible:
        can_export = "case.export" in user.role_def.permissions
        expected = dict.fromkeys(results, True)
        expected["export"] = can_export
        assert results == expected
    else:
        assert results == dict.fromkeys(results, False)
        # A case the user cannot see is a 404 — never a 403 that would confirm it exists.
        assert client.get(reverse("cases:detail", args=[world.case_a.pk])).status_code == 404
        assert client.get(f"/api/v1/cases/{world.case_a.pk}").status_code == 404
        token_url = reverse("cases:document_download", args=[world.case_a.pk, document.pk])
        assert client.get(token_url, {"t": "forged"}).status_code == 404


def test_own_case_reachable_through_every_door(world, client_for):
    document = _document(world)
    results = door_results(client_for(world.caseworker_a), world, document)
    assert all(results.values()), results


def test_assignment_opens_the_case_to_an_own_scope_user(world, client_for):
    client = client_for(world.screener_a)
    url = reverse("cases:detail", args=[world.case_a.pk])
    assert client.get(url).status_code == 404
    world.case_a.assigned_workers.add(world.screener_a)
    assert client.get(url).status_code == 200


def test_out_of_scope_probe_is_audited_as_denial(world, client_for):
    client_for(world.caseworker_b).get(reverse("cases:detail", args=[world.case_a.pk]))
    assert AuditEvent.objects.filter(action="access.denied", actor_id=world.caseworker_b.pk,
                                     target_id=str(world.case_a.pk)).exists()


def test_unknown_case_id_is_404_everywhere(world, client_for):
    client = client_for(world.coordinator)
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/app/cases/{missing}/").status_code == 404
    assert client.get(f"/api/v1/cases/{missing}").status_code == 404
    assert client.patch(f"/api/v1/cases/{missing}", {"version": 1}, content_type="application/json").status_code == 404


def test_grant_opens_only_shared_sections(world, client_for):
    services.grant_case_access(actor=world.caseworker_a, case=world.case_a, organization=world.org_b,
                               sections=["summary", "tasks"], source="referral", source_id="r-1", reason="test")
    services.add_note(actor=world.caseworker_a, case=world.case_a, body="Met at the clinic")
    client = client_for(world.caseworker_b)
    page = client.get(reverse("cases:detail", args=[world.case_a.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ana Beatriz Ferreira" not in html and "Met at the clinic" not in html
    body = client.get(f"/api/v1/cases/{world.case_a.pk}").json()
    assert body["person"] is None and body["sections"] == ["summary", "tasks"]
    assert client.get(f"/api/v1/cases/{world.case_a.pk}/notes").status_code == 404
    assert client.get(f"/api/v1/cases/{world.case_a.pk}/tasks").status_code == 200
    # Grants never let the receiver change the case's core record.
    assert client.patch(f"/api/v1/cases/{world.case_a.pk}", {"version": world.case_a.version, "immediate_danger": True},
                        content_type="application/json").status_code == 403
    services.revoke_case_access(actor=world.caseworker_a, source="referral", source_id="r-1")
    assert client.get(reverse("cases:detail", args=[world.case_a.pk])).status_code == 404


def test_grant_with_identity_shows_person_and_allows_name_search(world, client_for):
    services.grant_case_access(actor=world.caseworker_a, case=world.case_a, organization=world.org_b,
                               sections=["summary", "identity"], source="referral", source_id="r-2")
    client = client_for(world.caseworker_b)
    body = client.get(f"/api/v1/cases/{world.case_a.pk}").json()
    assert body["person"]["legal_name"] == "Ana Beatriz Ferreira"
    # Issue 9 #12: a name is searched by POST, never in the address.
    found = client.post("/api/v1/cases/search", json.dumps({"search": "ana beatriz ferreira"}),
                        content_type="application/json").json()
    assert [c["number"] for c in found] == [world.case_a.number]


def test_expired_grant_gives_nothing(world, client_for):
    import datetime

    from django.utils import timezone

    services.grant_case_access(actor=world.caseworker_a, case=world.case_a, organization=world.org_b,
                               sections=["summary"], source="referral", source_id="r-3",
                               expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client_for(world.caseworker_b).get(f"/api/v1/cases/{world.case_a.pk}").status_code == 404


def test_name_search_does_not_reach_cases_without_identity(world, client_for):
    services.grant_case_access(actor=world.caseworker_a, case=world.case_a, organization=world.org_b,
                               sections=["summary"], source="referral", source_id="r-4")
    client = client_for(world.caseworker_b)
    assert client.post("/api/v1/cases/search", json.dumps({"search": "Ana Beatriz Ferreira"}),
                       content_type="application/json").json() == []
    page = client.get(reverse("cases:list"), {"q": "Ana Beatriz Ferreira"}).content.decode()
    assert reverse("cases:detail", args=[world.case_a.pk]) not in page


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


def test_a_receiver_does_not_learn_from_the_timeline_whom_else_the_case_was_shared_with(world, client_for):
    from octip.consent.services import record_consent
    from octip.referrals.secure_exports import create_secure_export
    from octip.referrals.services import change_referral_status, send_referral, without_email
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
            referral = send_referral(actor=owner, case=case, organization=org, purpose="p", urgency="urgent",
                                     sections=["summary", "timeline"])
            if org == org_c:  # the timeline opens once the referral is accepted (issue 9 #17)
                change_referral_status(actor=worker_c, referral=referral, action="accept")
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


def test_user_without_identifying_permission_sees_no_person(world, client_for):
    world.case_a.assigned_workers.add(world.police_a)
    client = client_for(world.police_a)
    body = client.get(f"/api/v1/cases/{world.case_a.pk}").json()
    assert body["person"] is None and "identity" not in body["sections"]
    assert "Ana Beatriz Ferreira" not in client.get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()


def test_export_identifying_columns_only_with_permission(world, client_for):
    rows = list(csv.reader(io.StringIO(b"".join(
        client_for(world.caseworker_a).get(reverse("cases:export_csv")).streaming_content).decode())))
    assert "legal_name" in rows[0] and any("Ana Beatriz Ferreira" in r for r in rows)
    world.case_a.assigned_workers.add(world.hotline_a)  # hotline: no case.export at all
    assert client_for(world.hotline_a).get(reverse("cases:export_csv")).status_code == 403


def test_restricted_notes_only_for_owning_team(world, client_for):
    services.add_note(actor=world.caseworker_a, case=world.case_a, body="Restricted synthetic detail",
                      sensitivity="restricted")
    services.add_note(actor=world.caseworker_a, case=world.case_a, body="Normal synthetic detail")
    url = reverse("cases:detail", args=[world.case_a.pk])
    own = client_for(world.caseworker_a).get(url).content.decode()
    assert "Restricted synthetic detail" in own and "Normal synthetic detail" in own
    for other in (world.coordinator, world.hotline_a):
        html = client_for(other).get(url).content.decode()
        assert "Normal synthetic detail" in html
        assert "Restricted synthetic detail" not in html
        notes = client_for(other).get(f"/api/v1/cases/{world.case_a.pk}/notes").json()
        assert [n["body"] for n in notes] == ["Normal synthetic detail"]


def test_reading_identifying_data_is_audited(world, client_for):
    client_for(world.caseworker_a).get(reverse("cases:detail", args=[world.case_a.pk]))
    client_for(world.coordinator).get(f"/api/v1/cases/{world.case_a.pk}")
    viewers = set(AuditEvent.objects.filter(action="person.viewed", target_id=str(world.case_a.person_id))
                  .values_list("actor_id", flat=True))
    assert viewers == {world.caseworker_a.pk, world.coordinator.pk}
    assert not AuditEvent.objects.filter(detail__icontains="Ferreira").exists()


def test_case_list_without_view_permission_is_forbidden(world, client_for):
    assert client_for(world.analyst).get(reverse("cases:list")).status_code == 403
    assert m.Case.objects.visible_to(world.analyst).count() == 0
