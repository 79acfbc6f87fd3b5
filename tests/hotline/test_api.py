"""The 24/7 line API: scope, good and bad input, versioned PATCH."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from octip.core.models import AuditEvent
from octip.hotline.models import Contact

URL = "/api/v1/hotline/contacts"


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_create_and_read_a_contact(client_for, operator):
    client = client_for(operator)
    response = _post(client, URL, {"channel": "email", "caller_type": "family_or_friend", "urgency": "urgent",
                                   "summary": "Synthetic email", "region": "fraser", "language": "Tagalog"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["summary"] == "Synthetic email" and body["region"] == "fraser" and body["version"] == 1
    assert body["first_response_at"] is None and body["respond_by"] is not None
    contact = Contact.objects.get()
    assert contact.organization == operator.organization
    got = client.get(f"{URL}/{contact.pk}")
    assert got.status_code == 200 and got.json()["summary"] == "Synthetic email"
    assert AuditEvent.objects.filter(action="hotline.contact.read", target_id=str(contact.pk)).exists()


def test_list_is_scoped_and_carries_no_protected_text(client_for, operator, org, other_org, make_contact):
    mine = make_contact(org, summary="Mine secret")
    make_contact(other_org)
    response = client_for(operator).get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [mine.pk]
    assert "summary" not in response.json()[0] and "Mine secret" not in response.content.decode()


def test_contact_of_another_organization_is_404(client_for, other_operator, org, make_contact):
    contact = make_contact(org, summary="Not yours")
    client = client_for(other_operator)
    assert client.get(f"{URL}/{contact.pk}").status_code == 404
    response = _patch(client, f"{URL}/{contact.pk}", {"version": 1, "summary": "hijacked"})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.summary == "Not yours" and contact.version == 1


def test_bad_input_is_400_naming_the_field_and_stores_nothing(client_for, operator):
    client = client_for(operator)
    for body, field in (
            ({"channel": "carrier_pigeon", "caller_type": "person", "urgency": "routine", "summary": "s"}, "channel"),
            ({"channel": "phone", "caller_type": "person", "urgency": "whenever", "summary": "s"}, "urgency"),
            ({"channel": "phone", "caller_type": "person", "urgency": "routine", "summary": ""}, "summary"),
            ({"channel": "phone", "caller_type": "person", "urgency": "routine", "summary": "s",
              "region": "atlantis"}, "region")):
        response = _post(client, URL, body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"]
    assert _post(client, URL, {"channel": "phone"}).status_code in {400, 422}
    assert not Contact.objects.exists()


def test_patch_with_current_version_saves(client_for, operator, org, make_contact):
    contact = make_contact(org)
    response = _patch(client_for(operator), f"{URL}/{contact.pk}",
                      {"version": 1, "urgency": "urgent", "actions_taken": "Called back"})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["urgency"] == "urgent"
    contact.refresh_from_db()
    assert contact.actions_taken == "Called back"


def test_patch_with_stale_version_is_409_and_changes_nothing(client_for, operator, org, make_contact):
    contact = make_contact(org)
    client = client_for(operator)
    assert _patch(client, f"{URL}/{contact.pk}", {"version": 1, "summary": "first"}).status_code == 200
    response = _patch(client, f"{URL}/{contact.pk}", {"version": 1, "summary": "second"})
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    contact.refresh_from_db()
    assert contact.summary == "first"


def test_patch_bad_value_is_400_and_changes_nothing(client_for, operator, org, make_contact):
    contact = make_contact(org)
    response = _patch(client_for(operator), f"{URL}/{contact.pk}", {"version": 1, "outcome": "vanished"})
    assert response.status_code == 400 and "outcome" in response.json()["errors"]
    response = _patch(client_for(operator), f"{URL}/{contact.pk}", {"version": 1, "summary": None})
    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.version == 1 and contact.outcome == ""


def test_roles_without_hotline_permission_are_refused(client_for, make_user, org, make_contact):
    contact = make_contact(org)
    client = client_for(make_user("caseworker", organization=org))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{contact.pk}").status_code == 404
    body = {"channel": "phone", "caller_type": "person", "urgency": "routine", "summary": "s"}
    assert _post(client, URL, body).status_code == 403
    assert Contact.objects.count() == 1


def test_link_to_case_through_the_api_only_if_visible(client_for, operator, org, other_org):
    from tests.hotline.test_contacts import _case

    hidden = _case(other_org, "BC-2026-000002")
    client = client_for(operator)
    body = {"channel": "phone", "caller_type": "person", "urgency": "routine", "summary": "s",
            "case_id": str(hidden.pk)}
    response = _post(client, URL, body)
    assert response.status_code == 400 and "case" in response.json()["errors"]
    missing = _post(client, URL, {**body, "case_id": "00000000-0000-0000-0000-000000000000"})
    assert missing.json() == response.json()  # a hidden case and no case look the same
    visible = _case(org, "BC-2026-000001")
    created = _post(client, URL, {**body, "case_id": str(visible.pk)})
    assert created.status_code == 201 and created.json()["case_id"] == str(visible.pk)


def test_link_to_screening_through_the_api_only_if_visible(client_for, operator, other_operator):
    from tests.hotline.test_contacts import _screening

    theirs, mine = _screening(other_operator), _screening(operator)
    client = client_for(operator)
    body = {"channel": "phone", "caller_type": "person", "urgency": "routine", "summary": "s"}
    refused = _post(client, URL, {**body, "screening_id": str(theirs.pk)})
    assert refused.status_code == 400 and "screening" in refused.json()["errors"]
    created = _post(client, URL, {**body, "screening_id": str(mine.pk)})
    assert created.status_code == 201 and created.json()["screening_id"] == str(mine.pk)
    assert Contact.objects.count() == 1


def test_routes_are_documented_in_the_openapi_schema(client_for, operator):
    paths = client_for(operator).get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/hotline/contacts"])
    assert {"get", "patch"} <= set(paths["/api/v1/hotline/contacts/{contact_id}"])


def test_a_link_to_a_case_the_operator_cannot_see_cannot_be_removed(client_for, operator, org, other_org,
                                                                      make_contact):
    from tests.hotline.test_contacts import _case

    hidden = _case(other_org, "BC-2026-000003")
    contact = make_contact(org, case=hidden)
    client = client_for(operator)
    response = client.patch(f"{URL}/{contact.pk}", {"version": contact.version, "case_id": None},
                            content_type="application/json")
    assert response.status_code == 400 and "case" in response.json()["errors"]
    contact.refresh_from_db()
    assert contact.case_id == hidden.pk


def test_a_contact_received_far_in_the_future_or_past_is_refused_and_the_queue_keeps_working(
        client_for, operator, org, make_contact):
    client = client_for(operator)
    base = {"channel": "text", "caller_type": "public", "summary": "Synthetic"}
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    for received_at in ("9999-12-31T23:00:00Z", tomorrow, "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:00Z"):
        for urgency in ("routine", "emergency"):
            response = _post(client, URL, {**base, "urgency": urgency, "received_at": received_at})
            assert response.status_code == 400, (received_at, response.content)
            assert "received_at" in response.content.decode()
    assert not Contact.objects.exists()
    # A clock a minute or two fast is not refused.
    slightly_ahead = (timezone.now() + datetime.timedelta(minutes=2)).isoformat()
    assert _post(client, URL, {**base, "urgency": "routine", "received_at": slightly_ahead}).status_code == 201
    contact = Contact.objects.get()
    response = _patch(client, f"{URL}/{contact.pk}",
                      {"version": contact.version, "received_at": "9999-12-31T23:00:00Z"})
    assert response.status_code == 400 and "received_at" in response.content.decode()
    contact.refresh_from_db()
    assert contact.version == 1 and contact.received_at.year == timezone.now().year
    # A row stored before the bound existed does not break the list or the queue pages.
    make_contact(org, urgency="emergency", received_at=datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.UTC))
    assert client.get(URL).status_code == 200
    assert client.get("/app/hotline/").status_code == 200
