"""The live queue (issue 17): the endpoint the queue page polls, what it announces (only what is new
since the page's previous view, only in the reader's scope), the page without JavaScript, and the
periodic job that tells the person on call of a breached first-response target, once."""

from __future__ import annotations

import datetime
import re
from importlib import import_module

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from octip.core.models import AuditEvent
from octip.hotline import live, services
from octip.hotline.models import Contact, OnCallShift, TargetBreachAlert
from octip.notifications.models import Kind, Notification

LIVE = "hotline:queue_live"


def _shift(person, escalation=None):
    from tests.factories import UserFactory

    escalation = escalation or UserFactory(role="coordinator", organization=person.organization)
    now = timezone.now()
    return OnCallShift.objects.create(organization=person.organization, person=person, escalation_contact=escalation,
                                      starts_at=now - datetime.timedelta(hours=1),
                                      ends_at=now + datetime.timedelta(hours=8))


def _seen_on_page(client) -> str:
    """The ``seen`` token the queue page gives its script (the operator's first view)."""
    page = client.get(reverse("hotline:queue")).content.decode()
    return re.search(r'data-live-seen="([^"]+)"', page).group(1)


def _poll(client, **params):
    response = client.get(reverse(LIVE), params)
    assert response.status_code == 200, response.content
    return response.json()


def _state_counts():
    return (AuditEvent.objects.count(), Notification.objects.count(), TargetBreachAlert.objects.count(),
            Contact.objects.count())


# --- The endpoint -----------------------------------------------------------------------------------

def test_the_endpoint_returns_the_queue_table_of_my_organization_only(client_for, operator, org, other_org,
                                                                       make_contact):
    mine = make_contact(org, urgency="emergency", minutes_ago=10)
    theirs = make_contact(other_org, urgency="emergency", minutes_ago=10)
    response = client_for(operator).get(reverse(LIVE))
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert mine.reference in data["table"] and theirs.reference not in data["table"]
    assert "Overdue: no first response" in data["table"] and "1 open contact." in data["table"]
    assert "Synthetic summary" not in data["table"]  # protected text is never read for the queue
    assert data["updated"].startswith("Updated at ") and re.fullmatch(r"\d\d:\d\d:\d\d", data["updated_at"])
    assert data["emergencies"] == [] and data["breaches"] == []  # no previous view: nothing to announce
    assert live.seen_from(operator, data["seen"]).emergencies == {mine.pk}


def test_the_endpoint_reads_no_protected_text_and_audits_nothing(client_for, operator, org, make_contact):
    make_contact(org)
    client = client_for(operator)
    _poll(client)  # the first request of the session may record the sign-in
    before = AuditEvent.objects.count()
    _poll(client)
    assert AuditEvent.objects.count() == before


def test_the_filter_is_respected_but_a_new_emergency_is_still_announced(client_for, operator, org, make_contact):
    late = make_contact(org, urgency="urgent", minutes_ago=120)
    waiting = make_contact(org, urgency="routine", minutes_ago=5)
    client = client_for(operator)
    seen = _seen_on_page(client)
    fresh = make_contact(org, urgency="emergency", minutes_ago=0)
    data = _poll(client, past_target="on", seen=seen)
    assert late.reference in data["table"] and waiting.reference not in data["table"]
    assert fresh.reference not in data["table"]  # not past target yet…
    assert [a["reference"] for a in data["emergencies"]] == [fresh.reference]  # …but announced


def test_a_new_emergency_is_announced_once(client_for, operator, org, make_contact):
    make_contact(org, urgency="emergency", minutes_ago=1)  # there at the first view: never announced
    client = client_for(operator)
    seen = _seen_on_page(client)
    assert _poll(client, seen=seen)["emergencies"] == []
    contact = services.log_contact(actor=operator, channel="text", caller_type="public", urgency="emergency",
                                   summary="Synthetic: someone is held now")
    data = _poll(client, seen=seen)
    [announced] = data["emergencies"]
    assert announced["reference"] == contact.reference and announced["id"] == contact.pk
    assert announced["url"] == reverse("hotline:contact_detail", args=[contact.pk])
    assert announced["text"] == f"New emergency contact {contact.reference}."
    assert "held" not in str(data["emergencies"])  # reference and urgency only
    assert _poll(client, seen=data["seen"])["emergencies"] == []  # the next view has seen it


def test_a_contact_raised_to_an_emergency_is_announced(client_for, operator, org, make_contact):
    contact = make_contact(org, urgency="routine", minutes_ago=1, channel="phone")
    client = client_for(operator)
    seen = _seen_on_page(client)
    services.update_contact(actor=operator, contact=contact, expected_version=contact.version,
                            changes={"urgency": "emergency"})
    assert [a["id"] for a in _poll(client, seen=seen)["emergencies"]] == [contact.pk]


def test_a_newly_breached_target_is_announced_politely_once(client_for, operator, org, make_contact):
    already_late = make_contact(org, urgency="urgent", minutes_ago=120)
    soon_late = make_contact(org, urgency="emergency", minutes_ago=1)
    client = client_for(operator)
    seen = _seen_on_page(client)
    # Time passes: the emergency is now past its 5-minute target.
    Contact.objects.filter(pk=soon_late.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=7))
    data = _poll(client, seen=seen)
    assert data["emergencies"] == []  # it was an emergency already at the previous view
    [breach] = data["breaches"]
    assert breach["id"] == soon_late.pk and breach["id"] != already_late.pk
    assert breach["text"] == f"Contact {soon_late.reference} (Emergency) has passed its first-response target."
    assert _poll(client, seen=data["seen"])["breaches"] == []


def test_another_organization_is_told_nothing_of_our_contacts(client_for, operator, other_operator, org,
                                                               make_contact):
    """From the other organization's side: our new emergency and our breach are not theirs to see."""
    ours = make_contact(org, urgency="emergency", minutes_ago=1)
    their_client = client_for(other_operator)
    seen = _seen_on_page(their_client)
    services.log_contact(actor=operator, channel="text", caller_type="public", urgency="emergency",
                         summary="Synthetic")
    Contact.objects.filter(pk=ours.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=30))
    data = _poll(their_client, seen=seen)
    assert data["emergencies"] == [] and data["breaches"] == []
    assert ours.reference not in data["table"] and "The queue is empty." in data["table"]


def test_a_token_of_another_organizations_page_cannot_reveal_ours(client_for, operator, other_operator, org,
                                                                  make_contact):
    make_contact(org, urgency="emergency")
    ours = _seen_on_page(client_for(operator))
    response = client_for(other_operator).get(reverse(LIVE), {"seen": ours})
    assert response.status_code == 400


@pytest.mark.parametrize("params", [
    {"seen": "not-a-token"},
    {"seen": "eyJ1IjoxfQ:1tampered:signature"},
    {"past_target": "maybe"},
    {"page": "2"},
    {"past_target": ["on", "off"]},
])
def test_bad_parameters_are_a_400_and_change_nothing(client_for, operator, org, make_contact, params):
    make_contact(org, urgency="emergency", minutes_ago=30)
    client = client_for(operator)
    before = _state_counts()
    response = client.get(reverse(LIVE), params)
    assert response.status_code == 400
    assert "table" not in response.json()
    assert _state_counts() == before


def test_an_expired_token_is_a_400(client_for, operator, monkeypatch):
    token = live.token_for(operator, live.Seen(at=timezone.now()))
    monkeypatch.setattr(live, "MAX_AGE", datetime.timedelta(seconds=-1))
    assert client_for(operator).get(reverse(LIVE), {"seen": token}).status_code == 400


def test_only_the_line_may_poll(client_for, client, make_user, org):
    assert client_for(make_user("caseworker", organization=org)).get(reverse(LIVE)).status_code == 403
    response = client.get(reverse(LIVE))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(make_user("coordinator", organization=org)).get(reverse(LIVE)).status_code == 200


def test_a_post_is_refused(client_for, operator):
    assert client_for(operator).post(reverse(LIVE)).status_code == 405


def _queries_of_one_poll(client, seen) -> int:
    with CaptureQueriesContext(connection) as queries:
        _poll(client, seen=seen, past_target="on")
    return len(queries)


def test_the_endpoints_queries_do_not_grow_with_the_queue(client_for, operator, make_user, org, make_contact):
    client = client_for(operator)
    handlers = [operator, make_user("hotline_operator", organization=org)]
    for n in range(2):
        make_contact(org, urgency="emergency", minutes_ago=30, handled_by=handlers[n % 2])
    seen = _seen_on_page(client)
    few = _queries_of_one_poll(client, seen)
    for n in range(20):
        make_contact(org, urgency=["emergency", "urgent", "routine"][n % 3], minutes_ago=300 + n,
                     handled_by=handlers[n % 2])
    many = _queries_of_one_poll(client, seen)
    assert many == few


# --- The page, with and without JavaScript ----------------------------------------------------------

def test_the_page_works_without_javascript(client_for, operator, org, make_contact, settings):
    settings.OCTIP_HOTLINE_LIVE_INTERVAL_SECONDS = 0.5
    contact = make_contact(org, urgency="urgent", minutes_ago=120)
    page = client_for(operator).get(reverse("hotline:queue"), {"past_target": "on"}).content.decode()
    assert contact.reference in page  # rendered on the server
    assert f'<a id="queue-refresh" href="{reverse("hotline:queue")}?past_target=on">Refresh</a>' in page
    assert 'http-equiv="refresh"' not in page.lower()
    assert 'data-live-interval="500"' in page
    assert f'data-live-url="{reverse(LIVE)}?past_target=on"' in page
    assert re.search(r'<script src="[^"]*hotline/queue\.js" defer></script>', page)
    assert "<script>" not in page and " onclick=" not in page  # CSP: no inline script or handler
    # The live regions are there from the start, empty: nothing is announced on the first load.
    assert re.search(r'aria-live="assertive"[^>]*><ul></ul></div>', page)
    assert re.search(r'aria-live="polite"[^>]*><ul></ul></div>', page)


def test_the_default_interval_is_fifteen_seconds():
    assert settings.OCTIP_HOTLINE_LIVE_INTERVAL_SECONDS == 15


# --- The person on call is told of a breached target, once --------------------------------------------

def test_a_breached_target_tells_the_person_on_call_once(org, other_org, make_user, make_contact):
    on_call = _shift(make_user("hotline_operator", organization=org)).person
    colleague = make_user("hotline_operator", organization=org)
    theirs_on_call = _shift(make_user("hotline_operator", organization=other_org)).person
    late = make_contact(org, urgency="urgent", minutes_ago=90)
    make_contact(org, urgency="urgent", minutes_ago=10)  # within its hour
    make_contact(org, urgency="urgent", minutes_ago=90, first_response_at=timezone.now())  # answered
    make_contact(org, urgency="urgent", minutes_ago=90, outcome="information_given")  # closed

    assert services.alert_breached_targets() == 1
    [notice] = Notification.objects.all()
    assert notice.recipient == on_call and notice.kind == "hotline.emergency.target_breached"
    assert notice.message == f"Urgent 24/7 contact {late.reference} has passed its first-response target: respond now."
    assert notice.params == {"reference": late.reference}  # no identifying detail, not even the organization
    assert notice.link == reverse("hotline:contact_detail", args=[late.pk])
    assert not Notification.objects.filter(recipient__in=[colleague, theirs_on_call]).exists()

    [event] = AuditEvent.objects.filter(action="hotline.contact.target_breach_alerted")
    assert event.actor_id is None and event.target_id == str(late.pk)
    assert event.detail == {"urgency": "urgent", "on_call": True, "notified": [on_call.pk]}

    assert services.alert_breached_targets() == 0  # once per contact
    assert services.alert_breached_targets(now=timezone.now() + datetime.timedelta(hours=2)) == 1  # the other one
    assert TargetBreachAlert.objects.filter(contact=late).count() == 1
    assert Notification.objects.filter(recipient=on_call, key__contains=f"hotline.contact:{late.pk}").count() == 1


def test_a_target_missed_long_ago_is_not_news_to_whoever_is_on_call_now(org, make_user, make_contact):
    """The job's first run on an old queue (or after it was stopped) does not alert for every contact
    that missed its target days ago: those are in the queue's "past target" view."""
    on_call = _shift(make_user("hotline_operator", organization=org)).person
    make_contact(org, urgency="urgent", minutes_ago=60 * 26)  # its hour passed 25 hours ago
    recent = make_contact(org, urgency="urgent", minutes_ago=90)
    assert services.alert_breached_targets() == 1
    [notice] = Notification.objects.filter(recipient=on_call)
    assert notice.params == {"reference": recent.reference}
    assert list(TargetBreachAlert.objects.values_list("contact", flat=True)) == [recent.pk]


def test_with_nobody_on_call_the_lines_staff_of_that_organization_are_told(org, other_org, make_user,
                                                                            make_contact):
    staff = {make_user("hotline_operator", organization=org), make_user("coordinator", organization=org)}
    other_staff = make_user("hotline_operator", organization=other_org)
    caseworker = make_user("caseworker", organization=org)
    contact = make_contact(org, urgency="emergency", minutes_ago=20)
    assert services.alert_breached_targets() == 1
    told = {n.recipient for n in Notification.objects.all()}
    assert told == staff and other_staff not in told and caseworker not in told
    assert all(n.message.startswith(f"Emergency 24/7 contact {contact.reference} has passed") for n in
               Notification.objects.all())


def test_a_breach_in_the_other_organization_tells_only_theirs(org, other_org, make_user, make_contact):
    ours = _shift(make_user("hotline_operator", organization=org)).person
    theirs = _shift(make_user("hotline_operator", organization=other_org)).person
    make_contact(other_org, urgency="emergency", minutes_ago=20)
    assert services.alert_breached_targets() == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [theirs.pk]
    assert not Notification.objects.filter(recipient=ours).exists()


def test_two_runs_at_once_tell_the_person_once(org, make_user, make_contact, monkeypatch):
    """Race: a second run that listed the contact before the first one stamped it tells nobody."""
    on_call = _shift(make_user("hotline_operator", organization=org)).person
    contact = make_contact(org, urgency="emergency", minutes_ago=20)
    stale = services.breached_contacts()
    assert services.alert_breached_targets() == 1
    monkeypatch.setattr(services, "breached_contacts", lambda now=None: stale)
    assert services.alert_breached_targets() == 0
    assert Notification.objects.filter(recipient=on_call).count() == 1
    assert AuditEvent.objects.filter(action="hotline.contact.target_breach_alerted",
                                     target_id=str(contact.pk)).count() == 1


def test_a_contact_answered_meanwhile_is_not_alerted(org, make_user, make_contact, monkeypatch):
    _shift(make_user("hotline_operator", organization=org))
    contact = make_contact(org, urgency="emergency", minutes_ago=20)
    stale = services.breached_contacts()
    Contact.objects.filter(pk=contact.pk).update(first_response_at=timezone.now())
    monkeypatch.setattr(services, "breached_contacts", lambda now=None: stale)
    assert services.alert_breached_targets() == 0
    assert not Notification.objects.exists() and not TargetBreachAlert.objects.exists()


def test_a_contact_of_no_organization_is_left_to_the_queue(make_user, make_contact):
    make_user("coordinator")
    make_contact(None, urgency="emergency", minutes_ago=20)
    assert services.alert_breached_targets() == 0


def test_the_job_is_registered_and_runs_the_service(org, make_user, make_contact):
    job = settings.OCTIP_PERIODIC_JOBS["hotline.target_breaches"]
    assert job["every"] == 60
    module, name = job["task"].rsplit(".", 1)
    task = getattr(import_module(module), name)
    _shift(make_user("hotline_operator", organization=org))
    make_contact(org, urgency="emergency", minutes_ago=20)
    assert task.call() == 1
    assert task.call() == 0


# --- Every path to an emergency alerts the person on call ---------------------------------------------

def test_raising_a_contact_to_an_emergency_through_the_api_alerts_the_person_on_call(client_for, org, make_user):
    on_call = _shift(make_user("hotline_operator", organization=org)).person
    contact = services.log_contact(actor=on_call, channel="text", caller_type="public", urgency="routine",
                                   summary="Synthetic")
    body = {"version": contact.version, "urgency": "emergency"}
    response = client_for(on_call).patch(f"/api/v1/hotline/contacts/{contact.pk}", body,
                                         content_type="application/json")
    assert response.status_code == 200, response.content
    assert Notification.objects.filter(recipient=on_call, kind=Kind.EMERGENCY_CONTACT).count() == 1


# --- The token stays small, and the windows overlap without announcing twice ---------------------------

def test_the_token_does_not_grow_with_the_queue_and_names_no_contact(client_for, operator, org, make_contact):
    """A backlog of past-target contacts (the line at its worst) must not make the poll's URL too long
    for the server, which would stop the announcements; and the token carries no contact's id."""
    old = timezone.now() - datetime.timedelta(hours=5)
    Contact.objects.bulk_create([Contact(channel="text", caller_type="public", urgency="urgent", summary="s",
                                         organization=org, received_at=old) for _ in range(1500)])
    Contact.objects.filter(organization=org).update(created_at=old)
    client = client_for(operator)
    seen = _seen_on_page(client)
    assert len(seen) < 200
    data = _poll(client, seen=seen)
    assert len(data["seen"]) < 200 and data["breaches"] == []
    payload = live.seen_from(operator, data["seen"])
    assert payload.breaches == frozenset() and payload.emergencies == frozenset()


def test_a_contact_saved_just_before_a_view_but_committed_after_it_is_announced_once(client_for, operator, org,
                                                                                    make_contact):
    client = client_for(operator)
    seen = _seen_on_page(client)
    view_time = live.seen_from(operator, seen).at
    late_commit = make_contact(org, urgency="emergency", minutes_ago=0)
    # Its transaction stamped it 5 seconds before the page's view, but the view did not see it yet.
    Contact.objects.filter(pk=late_commit.pk).update(emergency_since=view_time - datetime.timedelta(seconds=5))
    first = _poll(client, seen=seen)
    assert [a["reference"] for a in first["emergencies"]] == [late_commit.reference]
    second = _poll(client, seen=first["seen"])
    assert second["emergencies"] == []  # within the overlap, but seen already


def test_a_contact_logged_already_past_its_target_is_announced(client_for, operator, org, make_contact):
    client = client_for(operator)
    seen = _seen_on_page(client)
    backdated = make_contact(org, urgency="urgent", minutes_ago=300)  # a call logged hours after it came in
    data = _poll(client, seen=seen)
    assert [a["reference"] for a in data["breaches"]] == [backdated.reference]
    assert _poll(client, seen=data["seen"])["breaches"] == []


def test_a_contact_raised_to_an_emergency_through_the_service_is_announced(client_for, operator, org,
                                                                          make_contact):
    contact = make_contact(org, urgency="routine", minutes_ago=0)
    assert contact.emergency_since is None
    client = client_for(operator)
    seen = _seen_on_page(client)
    services.update_contact(actor=operator, contact=contact, expected_version=contact.version,
                            changes={"urgency": "emergency"})
    contact.refresh_from_db()
    assert contact.emergency_since is not None
    data = _poll(client, seen=seen)
    assert [a["reference"] for a in data["emergencies"]] == [contact.reference]
    services.update_contact(actor=operator, contact=contact, expected_version=contact.version,
                            changes={"urgency": "urgent"})
    contact.refresh_from_db()
    assert contact.emergency_since is None  # no longer an emergency


def test_an_oversized_or_future_token_is_a_400_and_reads_nothing(client_for, operator):
    client = client_for(operator)
    assert client.get(reverse(LIVE), {"seen": "x" * 5000}).status_code == 400
    future = live.token_for(operator, live.Seen(at=timezone.now() + datetime.timedelta(hours=1)))
    assert client.get(reverse(LIVE), {"seen": future}).status_code == 400
