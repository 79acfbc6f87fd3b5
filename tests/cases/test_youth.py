"""Youth cases: who may read the guardian's details and the duty-to-report reference, reading them
is an audited read of the person, and only the case's own circle records the report (with a date in
range)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from octip.cases import models as m
from octip.cases import services
from octip.core.models import AuditEvent

from .conftest import open_case, person_data, share


@pytest.fixture
def youth_case(world):
    born = timezone.localdate().replace(year=timezone.localdate().year - 15)
    case = open_case(world.caseworker_a, person_data(legal_name="Young Synthetic", date_of_birth=born))
    profile = m.YouthProfile.objects.get(case=case)
    profile.guardian_name, profile.guardian_contact = "Guardian Zelda Quinterro", "778-555-0111"
    profile.save()
    return case


# --- The guardian's details --------------------------------------------------------------------

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


# --- The duty-to-report --------------------------------------------------------------------------

def test_receiver_without_identity_does_not_see_the_duty_to_report_reference(world, youth_case, client_for):
    services.record_duty_to_report(actor=world.caseworker_a, case=youth_case, reported_by_name="Synthetic Worker",
                                   reported_at=timezone.now(), office="mcfd_line", reference="MCFD-REF-778899")
    share(world, youth_case, ["needs"])
    assert "MCFD-REF-778899" not in client_for(world.caseworker_b).get(
        reverse("cases:detail", args=[youth_case.pk])).content.decode()
    assert "MCFD-REF-778899" in client_for(world.caseworker_a).get(
        reverse("cases:detail", args=[youth_case.pk])).content.decode()


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
