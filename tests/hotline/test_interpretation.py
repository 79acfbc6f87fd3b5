"""Interpretation on a 24/7 line contact: recorded with the interpreter's language, agency, encrypted id
and whether they know the person or the trafficker; refused with clear errors when incomplete; the
warning on saving and on the contact page; at every door (page, API), the id only for readers who see
identifying data; another organization gets 404."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from octip.core import roles
from octip.core.models import AuditEvent
from octip.hotline.models import Contact
from octip.hotline.services import log_contact
from tests.factories import region

pytestmark = pytest.mark.django_db

WARNING = "The interpreter may know the person or the trafficker"
INTERPRETER_ID = "IDMARK-4471"


def _form(**overrides) -> dict:
    data = {"urgency": "urgent", "channel": "phone", "caller_type": "person", "language": "Punjabi",
            "region": region("fraser").pk, "summary": "Synthetic call", "interpreter_used": "on",
            "interpreter_language": "Punjabi", "interpreter_agency": "Synthetic Co-op",
            "interpreter_id": INTERPRETER_ID, "interpreter_knows": "knows_person"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _logged(operator, **fields) -> Contact:
    values = {"channel": "phone", "caller_type": "person", "urgency": "routine", "summary": "Synthetic",
              "language": "Tagalog", "interpreter_used": True, "interpreter_agency": "Synthetic Co-op",
              "interpreter_id": INTERPRETER_ID, "interpreter_knows": "no"}
    values.update(fields)
    return log_contact(actor=operator, **values)


def test_an_operator_logs_an_interpreted_call_and_is_warned(client_for, operator):
    client = client_for(operator)
    response = client.post(reverse("hotline:contact_create"), _form(), follow=True)
    contact = Contact.objects.get()
    assert contact.interpreter_used and contact.interpreter_knows == "knows_person"
    assert contact.interpreter_language == "Punjabi" and contact.interpreter_id == INTERPRETER_ID
    page = response.content.decode()
    assert WARNING in page and "Arrange another interpreter before continuing" in page
    assert INTERPRETER_ID in page and "Synthetic Co-op" in page
    # The record page keeps the warning after the message is gone.
    again = client.get(reverse("hotline:contact_detail", args=[contact.pk])).content.decode()
    assert WARNING in again and "Knows the person" in again
    event = AuditEvent.objects.get(action="hotline.contact.created")
    assert event.detail["interpreter_knows"] == "knows_person" and INTERPRETER_ID not in str(event.detail)


def test_the_interpreter_id_is_encrypted_at_rest(operator):
    contact = _logged(operator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT interpreter_id, interpreter_knows FROM hotline_contact WHERE id = %s", [contact.pk])
        stored_id, knows = cursor.fetchone()
    assert stored_id and INTERPRETER_ID not in stored_id and "4471" not in stored_id
    assert knows == "no"


def test_a_reassuring_answer_shows_no_warning(client_for, operator):
    response = client_for(operator).post(reverse("hotline:contact_create"), _form(interpreter_knows="no"),
                                         follow=True)
    assert response.status_code == 200 and WARNING not in response.content.decode()


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"interpreter_knows": ""}, "interpreter_knows", "Say whether the interpreter knows the person"),
    ({"interpreter_language": "", "language": ""}, "interpreter_language", "Say in which language"),
    ({"interpreter_used": None}, "interpreter_agency", "No interpreter was used"),
    ({"interpreter_knows": "perhaps"}, "interpreter_knows", "Select a valid choice"),
])
def test_an_incomplete_interpretation_is_refused_with_a_clear_error_and_nothing_saved(
        client_for, operator, overrides, field, message):
    response = client_for(operator).post(reverse("hotline:contact_create"), _form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not Contact.objects.exists()


def test_the_form_shows_the_interpretation_in_one_fieldset(client_for, operator):
    page = client_for(operator).get(reverse("hotline:contact_create")).content.decode()
    fieldset = page.split('<fieldset class="interpretation">', 1)[1].split("</fieldset>", 1)[0]
    assert "<legend>Interpretation</legend>" in fieldset
    for name in ("interpreter_used", "interpreter_language", "interpreter_agency", "interpreter_id",
                 "interpreter_knows"):
        assert f'name="{name}"' in fieldset
        assert page.count(f'name="{name}"') == 1  # not rendered twice


def test_the_service_refuses_what_the_api_sends_incomplete(operator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _logged(operator, interpreter_knows="", language="")
    assert {"interpreter_knows", "interpreter_language"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError):
        _logged(operator, interpreter_used=False)  # agency, id and answer left over
    assert not Contact.objects.exists()


def test_the_api_records_reads_and_patches_the_interpretation(client_for, operator):
    api = client_for(operator)
    made = api.post("/api/v1/hotline/contacts", content_type="application/json", data={
        "channel": "phone", "caller_type": "person", "urgency": "routine", "summary": "Synthetic",
        "language": "Tagalog", "interpreter_used": True, "interpreter_id": INTERPRETER_ID,
        "interpreter_knows": "unsure"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["interpreter_language"] == "Tagalog"  # the contact's language, left empty
    assert body["interpreter_id"] == INTERPRETER_ID and body["interpreter_may_know"] is True
    bad = api.patch(f"/api/v1/hotline/contacts/{body['id']}", content_type="application/json",
                    data={"version": body["version"], "interpreter_knows": None})
    assert bad.status_code == 400 and "interpreter_knows" in bad.content.decode()
    patched = api.patch(f"/api/v1/hotline/contacts/{body['id']}", content_type="application/json",
                        data={"version": body["version"], "interpreter_knows": "no"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["interpreter_may_know"] is False
    event = AuditEvent.objects.filter(action="hotline.contact.updated").latest("pk")
    assert event.detail["fields"] == ["interpreter_knows"]
    assert "interpreter_id" not in api.get("/api/v1/hotline/contacts").json()[0]  # lists carry no protected text


def test_the_id_is_hidden_from_a_reader_who_does_not_see_identifying_data(client_for, operator, monkeypatch):
    contact = _logged(operator, interpreter_knows="knows_trafficker")
    role = roles.ROLES["hotline_operator"]
    monkeypatch.setitem(roles.ROLES, "hotline_operator", dataclasses.replace(
        role, permissions=role.permissions - {"case.view_identifying"}))
    client = client_for(operator)
    page = client.get(reverse("hotline:contact_detail", args=[contact.pk])).content.decode()
    assert INTERPRETER_ID not in page and "Synthetic Co-op" in page and WARNING in page
    body = client.get(f"/api/v1/hotline/contacts/{contact.pk}").json()
    assert body["interpreter_id"] == "" and body["interpreter_knows"] == "knows_trafficker"


def test_another_organization_gets_404_at_every_door(client_for, operator, other_operator):
    contact = _logged(operator)
    stranger = client_for(other_operator)
    assert stranger.get(reverse("hotline:contact_detail", args=[contact.pk])).status_code == 404
    assert stranger.get(reverse("hotline:contact_edit", args=[contact.pk])).status_code == 404
    assert stranger.get(f"/api/v1/hotline/contacts/{contact.pk}").status_code == 404
    assert stranger.patch(f"/api/v1/hotline/contacts/{contact.pk}", content_type="application/json",
                          data={"version": 1, "interpreter_knows": "knows_both"}).status_code == 404
    contact.refresh_from_db()
    assert contact.interpreter_knows == "no"


def test_the_edit_form_keeps_the_interpretation(client_for, operator):
    contact = _logged(operator)
    client = client_for(operator)
    page = client.get(reverse("hotline:contact_edit", args=[contact.pk])).content.decode()
    assert f'value="{INTERPRETER_ID}"' in page
    received = timezone.localtime(contact.received_at).strftime("%Y-%m-%dT%H:%M")
    form = _form(interpreter_knows="knows_both", version=contact.version, received_at=received,
                 handled_by=operator.pk, language="Tagalog", urgency="routine")
    response = client.post(reverse("hotline:contact_edit", args=[contact.pk]), form, follow=True)
    assert response.status_code == 200, response.context["form"].errors
    assert WARNING in response.content.decode()
    contact.refresh_from_db()
    assert contact.interpreter_knows == "knows_both"


def test_the_demo_shows_an_interpreter_who_knows_the_person_and_adds_nothing_twice(db):
    import io

    from octip.cases import demo as cases_demo
    from octip.cases.models import FollowUp
    from octip.consent import demo as consent_demo
    from octip.consent.models import Consent
    from octip.hotline import demo
    from octip.hotline.demo_interpretation import AGENCY
    from octip.partners import demo as partners_demo

    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    cases_demo.seed(scale=60, stdout=out)
    consent_demo.seed(scale=60, stdout=out)
    demo.seed(scale=None, stdout=out)

    def counts():
        return (Contact.objects.filter(interpreter_agency=AGENCY).count(),
                Consent.objects.filter(interpreter_agency=AGENCY).count(),
                FollowUp.objects.filter(interpreter_agency=AGENCY).count())

    assert counts() == (2, 1, 2), out.getvalue()
    assert Contact.objects.get(interpreter_agency=AGENCY, interpreter_knows="knows_person").interpreter_may_know
    assert FollowUp.objects.filter(interpreter_agency=AGENCY, interpreter_knows="knows_person").exists()
    # The other demo records in a language but English or French record an interpreter, answer and all.
    assert not Contact.objects.filter(interpreter_used=True, interpreter_knows="").exists()
    assert not Consent.objects.filter(interpreter_used=True, interpreter_knows="").exists()
    demo.seed(scale=None, stdout=out)
    assert counts() == (2, 1, 2)


def test_a_patch_that_ticks_the_interpreter_saves_the_language_standing_in(client_for, operator):
    contact = log_contact(actor=operator, channel="phone", caller_type="person", urgency="routine",
                          summary="Synthetic", language="Amharic")
    api = client_for(operator)
    patched = api.patch(f"/api/v1/hotline/contacts/{contact.pk}", content_type="application/json",
                        data={"version": contact.version, "interpreter_used": True, "interpreter_knows": "not_asked"})
    assert patched.status_code == 200, patched.content
    contact.refresh_from_db()
    assert contact.interpreter_language == "Amharic" and contact.interpreter_knows == "not_asked"
