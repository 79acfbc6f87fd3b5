"""Interpretation of a consent conversation: recorded through the service (page and API), refused when
incomplete, the id encrypted; an interpreter who may know the person or the trafficker warns on saving
and on the consents page, suggests the flag and puts a restricted entry on the timeline; a receiver
without the identity section never reads the id; another organization gets 404."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from octip.cases.models import TimelineEntry
from octip.consent.models import Consent
from octip.consent.selectors import consents_section_content
from octip.consent.services import record_consent
from octip.core.models import AuditEvent

pytestmark = pytest.mark.django_db

WARNING = "The interpreter may know the person or the trafficker"
INTERPRETER_ID = "CONSENTID-3390"


def _form(**overrides) -> dict:
    data = {"scope": "services", "given_by": "person", "language": "Tagalog", "interpreter_used": "on",
            "interpreter_agency": "Synthetic Co-op", "interpreter_id": INTERPRETER_ID,
            "interpreter_knows": "knows_trafficker"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_consent_with_an_interpreter_who_may_know_the_trafficker_warns_everywhere(client_for, case, caseworker):
    client = client_for(caseworker)
    response = client.post(reverse("consent:consent_create", args=[case.pk]), _form(), follow=True)
    assert response.status_code == 200
    consent = Consent.objects.get()
    assert consent.interpreter_language == "Tagalog"  # the conversation's language, left empty
    assert consent.interpreter_knows == "knows_trafficker" and consent.interpreter_may_know
    page = response.content.decode()
    assert WARNING in page and INTERPRETER_ID in page and "Knows the alleged trafficker" in page
    # The suggestion, a link to the flag form with its kind chosen (never a flag raised for the worker).
    assert "?kind=interpreter_not_community" in page
    assert not case.flags.exists()
    flag_form = client.get(reverse("cases:flag_add", args=[case.pk]) + "?kind=interpreter_not_community")
    assert flag_form.context["form"].initial["kind"] == "interpreter_not_community"
    entry = TimelineEntry.objects.get(case=case, kind="case.interpreter_may_know")
    assert entry.restricted and entry.detail == {"consent_id": consent.pk}
    event = AuditEvent.objects.get(action="consent.recorded")
    assert event.detail["interpreter_knows"] == "knows_trafficker" and INTERPRETER_ID not in str(event.detail)


def test_a_reassuring_answer_neither_warns_nor_writes_an_entry(client_for, case, caseworker):
    response = client_for(caseworker).post(reverse("consent:consent_create", args=[case.pk]),
                                           _form(interpreter_knows="no"), follow=True)
    assert response.status_code == 200 and WARNING not in response.content.decode()
    assert not TimelineEntry.objects.filter(kind="case.interpreter_may_know").exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"interpreter_knows": ""}, "interpreter_knows"),
    ({"interpreter_used": None}, "interpreter_id"),
])
def test_an_incomplete_interpretation_is_refused_and_nothing_saved(client_for, case, caseworker, overrides, field):
    response = client_for(caseworker).post(reverse("consent:consent_create", args=[case.pk]), _form(**overrides))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Consent.objects.exists()
    with pytest.raises(ValidationError):
        record_consent(actor=caseworker, case=case, scope="services", language="Tagalog", interpreter_used=True)
    assert not Consent.objects.exists() and not TimelineEntry.objects.filter(kind="consent_given").exists()


def test_the_interpreter_id_is_encrypted_at_rest(case, caseworker):
    consent = record_consent(actor=caseworker, case=case, scope="services", language="Tagalog",
                             interpreter_used=True, interpreter_id=INTERPRETER_ID, interpreter_knows="no")
    with connection.cursor() as cursor:
        cursor.execute("SELECT interpreter_id FROM consent_consent WHERE id = %s", [consent.pk])
        stored = cursor.fetchone()[0]
    assert stored and INTERPRETER_ID not in stored and "3390" not in stored


def test_the_api_records_and_lists_the_interpretation(client_for, case, caseworker):
    api = client_for(caseworker)
    made = api.post(f"/api/v1/cases/{case.pk}/consents", content_type="application/json", data={
        "scope": "services", "language": "Punjabi", "interpreter_used": True, "interpreter_id": INTERPRETER_ID,
        "interpreter_knows": "knows_both"})
    assert made.status_code == 201, made.content
    assert made.json()["interpreter_may_know"] is True and made.json()["interpreter_id"] == INTERPRETER_ID
    listed = api.get(f"/api/v1/cases/{case.pk}/consents").json()
    assert [c["interpreter_knows"] for c in listed] == ["knows_both"]
    bad = api.post(f"/api/v1/cases/{case.pk}/consents", content_type="application/json", data={
        "scope": "services", "language": "Punjabi", "interpreter_used": False, "interpreter_knows": "no"})
    assert bad.status_code == 400 and Consent.objects.count() == 1


def test_a_receiver_without_the_identity_section_never_reads_the_id(client_for, case, shared, partner_worker):
    own = shared["own"]
    own.interpreter_used, own.interpreter_language, own.interpreter_id = True, "Tagalog", INTERPRETER_ID
    own.interpreter_agency, own.interpreter_knows = "Synthetic Co-op", "knows_person"
    own.save()
    client = client_for(partner_worker)
    body = client.get(f"/api/v1/cases/{case.pk}/consents").json()
    assert [(c["interpreter_id"], c["interpreter_knows"]) for c in body] == [("", "knows_person")]
    page = client.get(reverse("consent:case_consents", args=[case.pk])).content.decode()
    assert INTERPRETER_ID not in page and "Synthetic Co-op" in page and WARNING in page
    assert "?kind=interpreter_not_community" not in page  # a receiver raises no flag on the case
    # The secure export carries the id only with the identity section.
    disclosure = own.disclosures.get()
    assert [c["interpreter_id"] for c in consents_section_content(case, disclosure)] == [""]
    disclosure.sections = ["identity", "consents"]
    assert [c["interpreter_id"] for c in consents_section_content(case, disclosure)] == [INTERPRETER_ID]


def test_another_organization_gets_404(client_for, make_user, case, caseworker):
    from tests.factories.partners import OrganizationFactory, TeamFactory

    record_consent(actor=caseworker, case=case, scope="services", language="Tagalog", interpreter_used=True,
                   interpreter_id=INTERPRETER_ID, interpreter_knows="no")
    org = OrganizationFactory(name="Elsewhere (test)")
    stranger = client_for(make_user("caseworker", organization=org, teams=[TeamFactory(organization=org)]))
    assert stranger.get(reverse("consent:case_consents", args=[case.pk])).status_code == 404
    assert stranger.get(f"/api/v1/cases/{case.pk}/consents").status_code == 404
    assert stranger.post(f"/api/v1/cases/{case.pk}/consents", content_type="application/json", data={
        "scope": "services", "language": "English"}).status_code == 404
    assert Consent.objects.count() == 1
