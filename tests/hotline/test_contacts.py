"""Contacts: scope, audited reading, encryption at rest, versioned edits, links to cases."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from octip.core.models import AuditEvent
from octip.hotline import services
from octip.hotline.models import Contact
from tests.factories import region


def _case(org, number="BC-2026-000001"):
    from octip.cases.models import Case, Person

    person = Person.objects.create(legal_name="Synthetic Person")
    return Case.objects.create(number=number, person=person, owner_organization=org, region=region("fraser"),
                               first_contact_date=timezone.localdate())


def _raw_column(contact: Contact, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM hotline_contact WHERE id = %s", [contact.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_summary_and_reporter_details_are_not_stored_in_plaintext(operator):
    contact = services.log_contact(actor=operator, channel="phone", caller_type="person", urgency="urgent",
                                   summary="Worker says the boss keeps her passport",
                                   reporter_contact="604-555-0199", place="Maple Street farm")
    for column, secret in (("summary", "passport"), ("reporter_contact", "555-0199"), ("place", "Maple")):
        raw = _raw_column(contact, column)
        assert secret not in raw and raw.startswith("enc1")
    assert Contact.objects.get(pk=contact.pk).summary == "Worker says the boss keeps her passport"


def test_reading_a_contact_is_audited_without_the_text(client_for, operator, org, make_contact):
    contact = make_contact(org, summary="Synthetic secret words")
    response = client_for(operator).get(reverse("hotline:contact_detail", args=[contact.pk]))
    assert response.status_code == 200 and "Synthetic secret words" in response.content.decode()
    event = AuditEvent.objects.filter(action="hotline.contact.read", target_id=str(contact.pk)).get()
    assert event.actor_id == operator.pk
    assert "Synthetic secret words" not in str(event.detail) + event.purpose


def test_another_organizations_operator_gets_404_everywhere(client_for, other_operator, org, make_contact):
    contact = make_contact(org)
    client = client_for(other_operator)
    for name in ("hotline:contact_detail", "hotline:contact_edit"):
        assert client.get(reverse(name, args=[contact.pk])).status_code == 404
    assert client.post(reverse("hotline:contact_respond", args=[contact.pk]),
                       {"version": contact.version}).status_code == 404
    contact.refresh_from_db()
    assert contact.first_response_at is None
    assert AuditEvent.objects.filter(action="access.denied", target_id=str(contact.pk)).exists()


def test_operator_logs_a_phone_call_from_the_page(client_for, operator):
    response = client_for(operator).post(reverse("hotline:contact_create"), {
        "urgency": "urgent", "channel": "phone", "caller_type": "service_provider", "language": "Punjabi",
        "interpreter_used": "on", "interpreter_knows": "no", "region": region("fraser").pk, "summary": "Synthetic call",
        "handled_by": operator.pk})
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert contact.organization == operator.organization and contact.handled_by == operator
    assert contact.first_response_at == contact.received_at  # a call is answered as it happens
    assert contact.interpreter_used and contact.language == "Punjabi"


def test_bad_contact_form_changes_nothing(client_for, operator):
    response = client_for(operator).post(reverse("hotline:contact_create"), {
        "urgency": "apocalyptic", "channel": "phone", "caller_type": "person", "summary": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page and "This field is required" in page
    assert not Contact.objects.exists()


def test_emergency_contact_page_shows_the_911_step_first(client_for, operator, org, make_contact):
    contact = make_contact(org, urgency="emergency")
    page = client_for(operator).get(reverse("hotline:contact_detail", args=[contact.pk])).content.decode()
    main = page[page.index("<main"):]
    assert main.index("call 911") < main.index("Summary")


def test_edit_with_stale_version_is_refused_with_a_clear_message(client_for, operator, org, make_contact):
    contact = make_contact(org)
    client = client_for(operator)
    form = {"urgency": "routine", "channel": "text", "caller_type": "public", "region": contact.region_id,
            "received_at": timezone.localtime(contact.received_at).strftime("%Y-%m-%dT%H:%M"),
            "summary": "My edit", "version": contact.version}
    services.update_contact(actor=operator, contact=Contact.objects.get(pk=contact.pk),
                            expected_version=contact.version, changes={"summary": "Their edit"})
    response = client.post(reverse("hotline:contact_edit", args=[contact.pk]), form)
    assert response.status_code == 409
    assert "Someone else saved this contact" in response.content.decode()
    contact.refresh_from_db()
    assert contact.summary == "Their edit" and contact.version == 2


def test_edit_saves_and_choosing_an_outcome_closes(client_for, operator, org, make_contact):
    contact = make_contact(org)
    form = {"urgency": "urgent", "channel": "text", "caller_type": "public", "region": contact.region_id,
            "received_at": timezone.localtime(contact.received_at).strftime("%Y-%m-%dT%H:%M"),
            "summary": "Updated", "outcome": "referred_to_services", "version": contact.version}
    response = client_for(operator).post(reverse("hotline:contact_edit", args=[contact.pk]), form)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.summary, contact.urgency, contact.outcome, contact.version) == (
        "Updated", "urgent", "referred_to_services", 2)
    assert contact.first_response_at is not None
    assert not Contact.objects.open().exists()
    event = AuditEvent.objects.get(action="hotline.contact.updated")
    assert set(event.detail["fields"]) == {"summary", "urgency", "outcome"}


def test_record_first_response_stops_the_clock(client_for, operator, org, make_contact):
    contact = make_contact(org, urgency="emergency", minutes_ago=30)
    client_for(operator).post(reverse("hotline:contact_respond", args=[contact.pk]), {"version": 1})
    contact.refresh_from_db()
    assert contact.first_response_at is not None and contact.handled_by == operator


def test_link_only_to_a_case_the_operator_can_see(operator, org, other_org):
    from django.core.exceptions import ValidationError

    visible = _case(org, "BC-2026-000001")
    hidden = _case(other_org, "BC-2026-000002")
    contact = services.log_contact(actor=operator, channel="phone", caller_type="person", urgency="routine",
                                   summary="s", case=visible)
    assert contact.case == visible
    with pytest.raises(ValidationError) as refused:
        services.update_contact(actor=operator, contact=contact, expected_version=contact.version,
                                changes={"case": hidden})
    assert "No case you can see" in str(refused.value)
    contact.refresh_from_db()
    assert contact.case == visible and contact.version == 1


def test_case_number_field_refuses_a_hidden_case(client_for, operator, other_org):
    _case(other_org, "BC-2026-000009")
    response = client_for(operator).post(reverse("hotline:contact_create"), {
        "urgency": "routine", "channel": "email", "caller_type": "public", "summary": "s",
        "case_number": "BC-2026-000009"})
    assert response.status_code == 400 and "No case you can see has this number" in response.content.decode()
    assert not Contact.objects.exists()


def test_fields_outside_the_editable_list_cannot_be_set(operator, other_org):
    from django.core.exceptions import ValidationError

    contact = services.log_contact(actor=operator, channel="email", caller_type="public", urgency="routine",
                                   summary="s")
    with pytest.raises(ValidationError):
        services.update_contact(actor=operator, contact=contact, expected_version=1,
                                changes={"organization": other_org})
    contact.refresh_from_db()
    assert contact.organization == operator.organization and contact.version == 1


def test_a_contact_cannot_be_received_in_the_future(client_for, operator):
    future = timezone.localtime(timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(operator).post(reverse("hotline:contact_create"), {
        "urgency": "routine", "channel": "email", "caller_type": "public", "summary": "s", "received_at": future})
    assert response.status_code == 400 and "in the future" in response.content.decode()
    assert not Contact.objects.exists()


def _screening(user):
    from octip.screening.models import Framework, Screening

    return Screening.objects.create(framework=Framework.objects.first(), answers={}, conclusion="possible",
                                    screened_by=user, organization=user.organization)


def test_link_only_to_a_screening_the_operator_can_see(client_for, operator, other_operator):
    from django.core.exceptions import ValidationError

    mine, theirs = _screening(operator), _screening(other_operator)
    contact = services.log_contact(actor=operator, channel="phone", caller_type="person", urgency="routine",
                                   summary="s", screening=mine)
    page = client_for(operator).get(reverse("hotline:contact_detail", args=[contact.pk])).content.decode()
    assert reverse("screening:detail", args=[mine.pk]) in page
    with pytest.raises(ValidationError):
        services.update_contact(actor=operator, contact=contact, expected_version=1, changes={"screening": theirs})
    contact.refresh_from_db()
    assert contact.screening == mine


def test_contact_form_offers_only_visible_screenings(client_for, operator, other_operator):
    _screening(operator)
    theirs = _screening(other_operator)
    client = client_for(operator)
    response = client.post(reverse("hotline:contact_create"), {
        "urgency": "routine", "channel": "email", "caller_type": "public", "summary": "s",
        "screening": str(theirs.pk)})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Contact.objects.exists()


def test_intake_opened_from_a_contact_links_and_closes_it(operator, org, other_operator, make_contact):
    from django.http import Http404

    contact = make_contact(org)
    case = _case(org)
    with pytest.raises(Http404):
        services.record_intake_opened(actor=other_operator, contact_id=contact.pk, case=case)
    services.record_intake_opened(actor=operator, contact_id=contact.pk, case=case)
    contact.refresh_from_db()
    assert contact.case == case and contact.outcome == "intake_opened" and contact.first_response_at
