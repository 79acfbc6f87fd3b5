"""The public report of concern: plain questions, nothing stored on bad input, honeypot, rate
limit, a reference code that reveals nothing, and the report lands in the 24/7 queue."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from octip.core.models import AuditEvent
from octip.hotline.models import REFERENCE_ALPHABET, Contact
from octip.hotline.selectors import queue
from tests.factories import OrganizationFactory, region

URL = "/report/"


@pytest.fixture
def office(db):
    return OrganizationFactory(name="Coordinating office (test)", type="coordinating_office")


def good_report(**overrides):
    data = {"danger_now": "no", "what_happened": "Synthetic: workers sleep in the warehouse and look afraid.",
            "region": region("fraser").pk, "place": "Synthetic industrial park", "seen_when": "past_week",
            "anonymous": "yes", "contact_details": "", "website": ""}
    data.update(overrides)
    return data


def test_report_page_shows_911_first_and_loads_nothing_from_elsewhere(client, db):
    response = client.get(URL)
    page = response.content.decode()
    main = page[page.index("<main"):]
    assert response.status_code == 200
    assert main.index("Call 911") < main.index("<form")
    assert 'id="quick-exit"' in page
    assert not re.search(r'(src|action)="(https?:)?//', page)  # no script, image or form elsewhere
    assert not re.search(r'<link[^>]+href="(https?:)?//', page)  # no third-party stylesheet
    assert "<script>" not in page  # no inline scripts; only our own quick-exit file


def test_report_lands_in_the_queue_as_an_encrypted_web_report(client, office, make_user):
    response = client.post(URL, good_report())
    assert response.status_code == 200
    contact = Contact.objects.get()
    page = response.content.decode()
    assert contact.reference in page and "1-888-712-7974" in page  # the code and the lines to call
    assert (contact.channel, contact.caller_type, contact.urgency) == ("web_report", "anonymous", "routine")
    assert contact.organization == office and contact.reporter_contact == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary, place FROM hotline_contact WHERE id = %s", [contact.pk])
        summary, place = cursor.fetchone()
    assert "warehouse" not in summary and "industrial" not in place
    operator = make_user("hotline_operator", organization=office)
    assert [e.contact for e in queue(actor=operator)] == [contact]
    event = AuditEvent.objects.get(action="hotline.report.received")
    assert event.actor_id is None and "warehouse" not in str(event.detail)


def test_the_reporters_address_is_not_kept_in_the_audit_log(client, office):
    client.post(URL, good_report(), REMOTE_ADDR="198.51.100.77")
    assert Contact.objects.exists()
    assert not AuditEvent.objects.filter(ip="198.51.100.77").exists()


def test_someone_in_danger_now_is_an_emergency_and_the_answer_says_call_911_first(client, office):
    response = client.post(URL, good_report(danger_now="yes"))
    page = response.content.decode()
    main = page[page.index("<main"):]
    assert Contact.objects.get().urgency == "emergency"
    assert main.index("call 911 now") < main.index("Thank you")


def test_reporter_who_wants_contact_gives_details_encrypted(client, office):
    client.post(URL, good_report(anonymous="no", contact_details="synthetic@example.invalid"))
    contact = Contact.objects.get()
    assert contact.caller_type == "public" and contact.reporter_contact == "synthetic@example.invalid"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_contact FROM hotline_contact WHERE id = %s", [contact.pk])
        assert "example.invalid" not in cursor.fetchone()[0]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"what_happened": ""}, "Please tell us what you saw or heard."),
    ({"region": ""}, "Please choose the region where it happened."),
    ({"region": "999999"}, "Select a valid choice"),
    ({"danger_now": ""}, "Please tell us if someone is in danger right now."),
    ({"seen_when": "yesterday-ish"}, "Select a valid choice"),
    ({"anonymous": "no", "contact_details": ""}, "Please give a phone number or email"),
    ({"anonymous": "yes", "contact_details": "604-555-0100"}, "You chose to stay anonymous"),
    ({"what_happened": "x" * 5001}, "at most 5000 characters"),
])
def test_bad_input_gets_a_clear_error_and_stores_nothing(client, office, overrides, message):
    response = client.post(URL, good_report(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contact.objects.exists()


def test_honeypot_filled_looks_like_success_but_stores_nothing(client, office):
    response = client.post(URL, good_report(website="http://spam.example"))
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert not Contact.objects.exists()


def test_rate_limit_per_client_with_a_clear_message(office, settings):
    settings.OCTIP_REPORT_RATE_LIMIT = 3
    first, second = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        assert first.post(URL, good_report()).status_code == 200
    blocked = first.post(URL, good_report())
    assert blocked.status_code == 429
    assert "Too many reports from this connection" in blocked.content.decode()
    assert "1-888-712-7974" in blocked.content.decode()
    assert Contact.objects.count() == 3
    assert second.post(URL, good_report()).status_code == 200  # another client is not affected
    assert Contact.objects.count() == 4


def test_rate_limit_counts_bad_and_honeypot_attempts_too(client, office, settings):
    settings.OCTIP_REPORT_RATE_LIMIT = 2
    client.post(URL, good_report(what_happened=""))
    client.post(URL, good_report(website="spam"))
    assert client.post(URL, good_report()).status_code == 429
    assert not Contact.objects.exists()


def test_rate_limit_never_stores_the_address(client, office):
    client.post(URL, good_report(), REMOTE_ADDR="198.51.100.23")
    keys = list(cache._cache.keys())  # LocMemCache
    assert keys and not any("198.51.100.23" in key for key in keys)


def test_reference_codes_are_random_not_sequential(client, office, settings):
    settings.OCTIP_REPORT_RATE_LIMIT = 10
    for _ in range(5):
        client.post(URL, good_report())
    codes = list(Contact.objects.order_by("pk").values_list("reference", flat=True))
    assert len(set(codes)) == 5
    assert all(len(c) == 11 and set(c.replace("-", "")) <= set(REFERENCE_ALPHABET) for c in codes)
    assert codes != sorted(codes) or len({c[:4] for c in codes}) > 1  # no shared running prefix


def test_report_in_french(client, office):
    client.cookies["django_language"] = "fr"
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Signaler une préoccupation" in page
    client.post(URL, good_report(), HTTP_ACCEPT_LANGUAGE="fr")
    assert Contact.objects.get().language == "French"


def test_without_a_coordinating_office_reports_reach_coordinators(client, db, make_user):
    client.post(URL, good_report())
    contact = Contact.objects.get()
    assert contact.organization is None
    assert [e.contact for e in queue(actor=make_user("coordinator"))] == [contact]
