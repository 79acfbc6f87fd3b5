"""Resources given: a contact records the directory services and phone lines the operator gave."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from octip.core.models import AuditEvent
from octip.hotline import services
from octip.hotline.models import Contact
from octip.site.lines import phone_lines
from tests.factories.directory import make_service

URL = "/api/v1/hotline/contacts"


def _log(actor, **fields):
    base = {"channel": "phone", "caller_type": "public", "urgency": "routine", "summary": "Synthetic call"}
    return services.log_contact(actor=actor, **{**base, **fields})


def test_lines_are_the_site_lines_and_services_the_directorys(db, operator):
    shelter = make_service("Synthetic Shelter", visibility="partners")
    line = phone_lines()[2].id
    contact = _log(operator, lines_given=[line, "emergency"], services_given=[shelter])
    assert contact.lines_given == ["emergency", line]  # once, in the site's order
    assert list(contact.services_given.all()) == [shelter]
    detail = AuditEvent.objects.get(action="hotline.contact.created").detail
    assert detail["services_given"] == [str(shelter.pk)] and detail["lines_given"] == ["emergency", line]


def test_unknown_lines_or_services_are_refused_and_nothing_is_logged(db, operator):
    with pytest.raises(ValidationError) as error:
        _log(operator, lines_given=["555-fake"])
    assert "lines_given" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _log(operator, services_given=[uuid.uuid4()])
    assert "services_given" in error.value.message_dict
    assert not Contact.objects.exists()


def test_a_service_the_operator_cannot_see_is_refused(db, operator, monkeypatch):
    hidden = make_service("Synthetic Confidential Shelter", visibility="partners")
    from octip.directory.models import Service
    monkeypatch.setattr(services, "visible_services", lambda actor: Service.objects.filter(visibility="public"))
    with pytest.raises(ValidationError):
        _log(operator, services_given=[hidden.pk])


def test_the_form_records_and_the_page_shows_them(db, client_for, operator):
    service = make_service("Synthetic Legal Clinic")
    client = client_for(operator)
    response = client.post(reverse("hotline:contact_create"), {
        "urgency": "routine", "channel": "phone", "caller_type": "person", "summary": "Synthetic",
        "lines_given": ["victimlinkbc"], "services_given": [str(service.pk)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = Contact.objects.get()
    page = client.get(reverse("hotline:contact_detail", args=[contact.pk])).content.decode()
    assert "Synthetic Legal Clinic" in page and "1-800-563-0808" in page
    # Editing keeps them, and can take one away.
    edit = client.get(reverse("hotline:contact_edit", args=[contact.pk]))
    assert edit.status_code == 200
    response = client.post(reverse("hotline:contact_edit", args=[contact.pk]), {
        "urgency": "routine", "channel": "phone", "caller_type": "person", "summary": "Synthetic",
        "received_at": timezone.localtime(contact.received_at).strftime("%Y-%m-%dT%H:%M"), "version": contact.version,
        "lines_given": ["victimlinkbc"], "services_given": []})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.services_given.count() == 0 and contact.lines_given == ["victimlinkbc"]


def test_the_api_takes_and_gives_them(db, client_for, operator):
    service = make_service("Synthetic Housing Help")
    client = client_for(operator)
    response = client.post(URL, json.dumps({"channel": "phone", "caller_type": "person", "urgency": "routine",
                                            "summary": "Synthetic", "lines_given": ["canadian_hotline"],
                                            "services_given": [str(service.pk)]}), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lines_given"] == ["canadian_hotline"] and body["services_given"] == [str(service.pk)]
    patched = client.patch(f"{URL}/{body['id']}", json.dumps({"version": body["version"], "services_given": []}),
                           content_type="application/json")
    assert patched.status_code == 200 and patched.json()["services_given"] == []
    assert patched.json()["version"] == body["version"] + 1
    bad = client.patch(f"{URL}/{body['id']}", json.dumps({"version": body["version"] + 1, "lines_given": ["x"]}),
                       content_type="application/json")
    assert bad.status_code in (400, 422)


def test_another_organizations_operator_sees_nothing_and_changes_nothing(db, client_for, operator, other_operator):
    service = make_service("Synthetic Counselling")
    contact = _log(operator, services_given=[service], lines_given=["emergency"])
    client = client_for(other_operator)
    assert client.get(f"{URL}/{contact.pk}").status_code == 404
    response = client.patch(f"{URL}/{contact.pk}", json.dumps({"version": contact.version, "services_given": []}),
                            content_type="application/json")
    assert response.status_code == 404
    assert contact.services_given.count() == 1
