"""The 24/7 alert: a reporter's phone that matches a person of interest on a case tells that case's
owner only, audited, and the operator's answer is the same with or without a match."""

from __future__ import annotations

import json

import pytest

from octip.core.models import AuditEvent
from octip.hotline.signals import contact_logged
from octip.notifications.models import Notification
from octip.situations import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/hotline/contacts"
VOLATILE = {"id", "reference", "received_at", "respond_by", "first_response_at", "reporter_contact", "created_at",
            "updated_at"}


@pytest.fixture
def lone_poi(coordinator_a, case1):
    """A person of interest in no situation, on case 1 only."""
    made = services.create_poi(actor=coordinator_a, names=["Synthetic Caller"], phones=["+1 604-555-0100"])
    services.link_poi_case(actor=coordinator_a, poi=made, case=case1, relationship="Unaquainted")
    return made


def _log(client, capture, reporter_contact):
    body = {"channel": "text", "caller_type": "public", "urgency": "routine", "summary": "Synthetic message",
            "reporter_contact": reporter_contact}
    with capture(execute=True):
        response = client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response


def _steady(response):
    return {k: v for k, v in response.json().items() if k not in VOLATILE}


def test_a_matching_phone_alerts_only_the_case_owner_and_the_operator_sees_nothing(
        lone_poi, situation, case1, worker1, worker2, coordinator_a, operator, client_for,
        django_capture_on_commit_callbacks):
    client = client_for(operator)
    plain = _log(client, django_capture_on_commit_callbacks, "Text back on 778 555 0111")
    assert not Notification.objects.filter(kind=services.ALERT_KIND).exists()
    matched = _log(client, django_capture_on_commit_callbacks, "Call 6045550100 after 5")
    assert _steady(plain) == _steady(matched)

    [notice] = Notification.objects.filter(kind=services.ALERT_KIND)
    reference = matched.json()["reference"]
    assert notice.recipient == worker1 and notice.params == {"number": case1.number, "reference": reference}
    assert notice.message == (f"A 24/7 contact ({reference}) may concern case {case1.number}: it gave a phone "
                              "number of a person of interest on the case. Ask the 24/7 line about this reference.")
    # Cases 2 and 3 share a situation with case 1, but not this person of interest: nobody else is told.
    told = {n.recipient_id: n.params["number"] for n in Notification.objects.filter(kind=services.ALERT_KIND)}
    assert told == {worker1.pk: case1.number}
    assert not Notification.objects.filter(recipient=operator).exists()
    event = AuditEvent.objects.get(action="situation.poi_alerted", target_id=str(case1.pk))
    assert event.actor_id is None and "604" not in json.dumps(event.detail)
    assert event.detail["recipient_ids"] == [worker1.pk]
    # Nothing the operator reads tells of it: their notifications, the contact's page and detail.
    contact_id = matched.json()["id"]
    page = client.get(f"/app/hotline/contacts/{contact_id}/").content.decode()
    assert case1.number not in page and "person of interest" not in page.lower()
    assert client.get(f"{URL}/{contact_id}").json()["case_id"] is None
    assert client.get("/app/notifications/").content.decode().count(case1.number) == 0


def test_a_poi_in_a_situation_alerts_the_owners_of_its_cases_each_of_their_own(
        situation, case1, case2, case3, worker1, worker2, coordinator_a, operator, client_for,
        django_capture_on_commit_callbacks):
    services.create_poi(actor=coordinator_a, situation=situation, names=["Synthetic Driver"],
                        phones=["604-555-0123"])
    _log(client_for(operator), django_capture_on_commit_callbacks, "+1 (604) 555-0123")
    told = sorted((n.recipient_id, n.params["number"]) for n in Notification.objects.filter(kind=services.ALERT_KIND))
    assert told == sorted([(worker1.pk, case1.number), (worker1.pk, case2.number), (worker2.pk, case3.number)])


def test_a_case_without_a_caseworker_alerts_its_organization_coordinators(
        lone_poi, case1, coordinator_a, operator, client_for, django_capture_on_commit_callbacks):
    case1.owner_worker = None
    case1.save(update_fields=["owner_worker"])
    _log(client_for(operator), django_capture_on_commit_callbacks, "6045550100")
    assert [n.recipient for n in Notification.objects.filter(kind=services.ALERT_KIND)] == [coordinator_a]


def test_a_failing_alert_never_breaks_logging_the_contact(
        lone_poi, operator, client_for, django_capture_on_commit_callbacks, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr("octip.situations.receivers.alert_on_contact", broken)
    response = _log(client_for(operator), django_capture_on_commit_callbacks, "6045550100")
    assert response.status_code == 201
    assert "person-of-interest alert failed" in caplog.text
    assert not Notification.objects.filter(kind=services.ALERT_KIND).exists()


def test_the_signal_carries_only_the_contact_id(poi, operator, client_for, django_capture_on_commit_callbacks):
    seen = []

    def listener(sender, **kwargs):
        seen.append(kwargs)

    contact_logged.connect(listener, dispatch_uid="test.listener")
    try:
        _log(client_for(operator), django_capture_on_commit_callbacks, "nothing")
    finally:
        contact_logged.disconnect(dispatch_uid="test.listener")
    assert len(seen) == 1 and set(seen[0]) == {"contact_id", "signal"}


def test_a_public_report_giving_a_known_phone_alerts_the_owner_too(lone_poi, worker1, case1,
                                                                    django_capture_on_commit_callbacks):
    from octip.hotline.services import receive_public_report
    from tests.factories import region

    with django_capture_on_commit_callbacks(execute=True):
        receive_public_report(what_happened="Synthetic report", region=region("fraser"), place="", seen_when="",
                              danger_now="", anonymous=False, contact_details="text me: 604.555.0100",
                              language="en")
    assert [(n.recipient, n.params["number"]) for n in Notification.objects.filter(kind=services.ALERT_KIND)] == [
        (worker1, case1.number)]
    # An anonymous report keeps no contact details: nothing to match.
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        receive_public_report(what_happened="Synthetic report", region=region("fraser"), place="", seen_when="",
                              danger_now="", anonymous=True, contact_details="604.555.0100", language="en")
    assert not Notification.objects.filter(kind=services.ALERT_KIND).exists()
