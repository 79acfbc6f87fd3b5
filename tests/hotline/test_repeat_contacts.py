"""Repeat contacts: the reporter's phone and email are blind-indexed; the operator sees how many
earlier contacts came from the same caller (audited), the ones in their scope by reference."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from octip.core.fields import blind_indexed_models
from octip.core.models import AuditEvent
from octip.hotline import reporter, selectors, services
from octip.hotline.models import Contact, ReporterToken

URL = "/api/v1/hotline/contacts"


def _log(actor, minutes_ago=0, **fields):
    base = {"channel": "phone", "caller_type": "public", "urgency": "routine", "summary": "Synthetic call",
            "received_at": timezone.now() - datetime.timedelta(minutes=minutes_ago)}
    return services.log_contact(actor=actor, **{**base, **fields})


def test_identifiers_come_from_the_explicit_fields_and_the_free_text():
    found = reporter.identifiers(phone="+1 (604) 555-0100", email=" Synthetic@Example.org ",
                                 free_text="call 604.555.0100 or 778 555 0101, or write to other@example.org")
    assert found == [("phone", "6045550100"), ("phone", "7785550101"), ("email", "synthetic@example.org"),
                     ("email", "other@example.org")]
    # One extraction for the line and the situations app.
    from octip.situations import services as situation_services
    assert situation_services.phones_in is reporter.phones_in


def test_the_operator_sees_previous_contacts_and_the_read_is_audited_once(db, client_for, operator):
    first = _log(operator, minutes_ago=30, reporter_contact="604-555-0100, evenings")
    second = _log(operator, minutes_ago=20, reporter_phone="(604) 555 0100")
    _log(operator, minutes_ago=10, reporter_email="synthetic.caller@example.org")
    third = _log(operator, reporter_phone="6045550100", reporter_email="Synthetic.Caller@example.org")
    repeat = selectors.repeat_contacts(actor=operator, contact=third)
    assert repeat.count == 3 and len(repeat.shown) == 3 and repeat.hidden == 0
    assert repeat.shown[-1] == first and second in repeat.shown
    events = AuditEvent.objects.filter(action="hotline.contact.repeat_read", target_id=str(third.pk))
    assert events.count() == 1 and events.get().detail["previous"] == 3
    page = client_for(operator).get(reverse("hotline:contact_detail", args=[third.pk])).content.decode()
    assert "3 previous contacts from this caller" in page and first.reference in page
    # The earliest contact has no earlier one.
    assert selectors.repeat_contacts(actor=operator, contact=first).count == 0


def test_a_contact_without_phone_or_email_looks_nothing_up(db, operator):
    contact = _log(operator)
    assert selectors.repeat_contacts(actor=operator, contact=contact).count == 0
    assert not AuditEvent.objects.filter(action="hotline.contact.repeat_read").exists()


def test_contacts_out_of_the_readers_scope_are_counted_not_shown(db, monkeypatch, make_user, org, operator):
    colleague = make_user("hotline_operator", organization=org)
    first = _log(colleague, minutes_ago=5, reporter_phone="604 555 0177")
    latest = _log(operator, reporter_phone="604 555 0177")
    # No line role has a narrower scope than its organization today; a reader whose scope left the
    # earlier contact out (``visible_to``) would see it counted, not shown.
    monkeypatch.setattr(selectors, "contacts_for", lambda *, actor: Contact.objects.filter(pk=latest.pk))
    repeat = selectors.repeat_contacts(actor=operator, contact=latest)
    assert repeat.count == 1 and repeat.shown == [] and repeat.hidden == 1
    assert first.pk not in AuditEvent.objects.get(action="hotline.contact.repeat_read").detail["shown"]


def test_another_organizations_contacts_are_neither_shown_nor_counted(db, client_for, operator, other_operator):
    """Decision: a reporter's contacts with another organization's line are not counted either. Even a
    number would tell our operator that this caller spoke to them, which is theirs to know."""
    theirs = _log(other_operator, minutes_ago=5, reporter_phone="604 555 0188")
    ours = _log(operator, reporter_phone="604 555 0188")
    assert selectors.repeat_contacts(actor=operator, contact=ours).count == 0
    assert selectors.repeat_contacts(actor=other_operator, contact=theirs).count == 0
    page = client_for(other_operator).get(reverse("hotline:contact_detail", args=[ours.pk]))
    assert page.status_code == 404
    assert client_for(other_operator).get(f"{URL}/{ours.pk}").status_code == 404


def test_the_phone_and_email_are_encrypted_at_rest_and_the_tokens_reveal_nothing(db, operator):
    contact = _log(operator, reporter_phone="604-555-0199", reporter_email="synthetic@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone, reporter_email FROM hotline_contact WHERE id = %s", [contact.pk])
        phone, email = cursor.fetchone()
    # Look for the number and address themselves: a ciphertext or a hex token can hold "555" by chance.
    numbers = ("604-555-0199", "6045550199", "5550199")
    assert not any(n in phone for n in numbers) and "example" not in email
    tokens = list(ReporterToken.objects.filter(contact=contact).values_list("token", flat=True))
    assert len(tokens) == 2
    assert all(not any(n in t for n in numbers) and "example" not in t for t in tokens)
    # The line's tokens do not correlate with a person's phone index.
    from octip.cases.models import phone_index
    assert phone_index("604-555-0199") not in tokens


def test_an_update_of_the_reporter_rewrites_the_tokens(db, operator):
    earlier = _log(operator, minutes_ago=5, reporter_phone="604 555 0111")
    contact = _log(operator, reporter_phone="604 555 0122")
    assert selectors.repeat_contacts(actor=operator, contact=contact).count == 0
    services.update_contact(actor=operator, contact=contact, expected_version=contact.version,
                            changes={"reporter_phone": "604 555 0111"})
    assert selectors.repeat_contacts(actor=operator, contact=contact).count == 1
    assert earlier.reporter_tokens.count() == 1


def test_bad_reporter_phone_or_email_is_refused_and_nothing_is_logged(db, client_for, operator):
    with pytest.raises(Exception):
        _log(operator, reporter_phone="12")
    response = client_for(operator).post(reverse("hotline:contact_create"), {
        "urgency": "routine", "channel": "phone", "caller_type": "person", "summary": "Synthetic",
        "reporter_email": "not an email"})
    assert response.status_code == 400 and not Contact.objects.exists()


@pytest.fixture
def rotating_keys(settings):
    from octip.core import crypto

    old, new = crypto.new_key(), crypto.new_key()
    settings.OCTIP_BLIND_INDEX_KEY = f"b1:{old}"
    crypto.reset_key_ring()

    def rotate() -> None:
        settings.OCTIP_BLIND_INDEX_KEY = f"b1:{old},b2:{new}"
        crypto.reset_key_ring()

    yield rotate
    crypto.reset_key_ring()


def test_a_key_rotation_re_indexes_contacts_and_repeats_are_found_meanwhile(db, rotating_keys, operator):
    assert Contact in blind_indexed_models()
    earlier = _log(operator, minutes_ago=5, reporter_phone="604 555 0133")
    assert earlier.index_key_id == "b1"
    rotating_keys()
    latest = _log(operator, reporter_phone="604 555 0133")  # indexed under b2
    assert latest.index_key_id == "b2"
    assert selectors.repeat_contacts(actor=operator, contact=latest).count == 1  # looks under b1 too
    call_command("rotate_blind_index_key", stdout=io.StringIO())
    earlier.refresh_from_db()
    assert earlier.index_key_id == "b2"
    assert set(ReporterToken.objects.values_list("key_id", flat=True)) == {"b2"}
    assert selectors.repeat_contacts(actor=operator, contact=latest).count == 1


def test_the_api_gives_the_count_and_the_visible_ids(db, client_for, operator):
    earlier = _log(operator, minutes_ago=5, reporter_email="synthetic@example.org")
    client = client_for(operator)
    response = client.post(URL, json.dumps({"channel": "email", "caller_type": "person", "urgency": "routine",
                                            "summary": "Synthetic", "reporter_email": "SYNTHETIC@example.org"}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["previous_contacts"] == 1 and body["previous_contact_ids"] == [earlier.pk]
    assert body["reporter_email"] == "SYNTHETIC@example.org"
    assert "reporter_email" not in client.get(URL).json()[0]


def test_the_data_migration_fills_tokens_of_existing_contacts(db, operator, make_contact, org):
    from importlib import import_module

    from django.apps import apps

    contact = make_contact(org, reporter_contact="Synthetic: 604 555 0144")
    assert not ReporterToken.objects.filter(contact=contact).exists()
    migration = import_module("octip.hotline.migrations.0003_coded_and_repeat_contacts")

    class Editor:
        connection = connection

    migration.fill_reporter_tokens(apps, Editor())
    assert ReporterToken.objects.filter(contact=contact, kind="phone").count() == 1


def test_the_demo_has_a_repeat_caller_a_flagged_caller_and_non_data_contacts(db):
    from octip.hotline import demo
    from octip.partners import demo as partners_demo
    from octip.partners.models import User

    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    demo.seed(scale=None, stdout=out)
    operator = User.objects.get(email=partners_demo.demo_email("hotline"))
    latest = Contact.objects.filter(reporter_tokens__isnull=False, contact_type="substantive").distinct() \
        .order_by("-received_at").first()
    assert selectors.repeat_contacts(actor=operator, contact=latest).count == 2
    assert selectors.active_flags_on(actor=operator, contact=latest)
    assert Contact.objects.filter(contact_type="silent").exists()
    assert selectors.contact_counts(actor=operator).cases > 0
