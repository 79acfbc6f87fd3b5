"""A police liaison sees a case only while a disclosure to their own service is active, and only the
sections disclosed, at every door: page, API, search and export. Another service sees nothing, nor
does another role at the same service; after withdrawal nobody does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from octip.cases import services as case_services
from octip.consent.models import Consent
from octip.consent.policy import DisclosureRefused
from octip.consent.services import withdraw_consent
from octip.justice import services
from octip.justice.models import PoliceContact
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db

NEED = "NEEDMARK a bed for two nights"
ACCUSED = "ACCUSEDMARK Synthetic Accused"


@pytest.fixture
def disclosed(case, caseworker, police_x, police_consents, today):
    case_services.save_need(actor=caseworker, case=case, domain="shelter", priority="high", status="identified",
                            notes=NEED)
    services.record_proceeding(actor=caseworker, case=case, accused=ACCUSED, charges=["cc_279_01"])
    contact = services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                             sections=["summary", "justice"], contacted_on=today,
                                             officer="Cst. Synthetic", file_number="PF-2026-0001")
    return contact


def _doors(client, case) -> dict[str, tuple[int, str]]:
    """Every door a police liaison has, as (status, body)."""
    out = {}
    for name, url in {
        "page": reverse("cases:detail", args=[case.pk]),
        "justice_page": reverse("justice:case", args=[case.pk]),
        "api_case": f"/api/v1/cases/{case.pk}",
        "api_needs": f"/api/v1/cases/{case.pk}/needs",
        "api_justice": f"/api/v1/cases/{case.pk}/justice",
        "search_page": reverse("cases:list") + f"?q={case.number}",
        "search_api": f"/api/v1/cases?q={case.number}",
        "export": reverse("cases:export_csv"),
    }.items():
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        out[name] = (response.status_code, body.decode(errors="replace"))
    return out


def _sees_nothing(doors, case):
    assert doors["page"][0] == doors["justice_page"][0] == doors["api_case"][0] == 404
    assert doors["api_justice"][0] == doors["api_needs"][0] == 404
    for name in ("search_page", "search_api", "export"):  # the search page repeats the query, not the case
        assert str(case.pk) not in doors[name][1], name
    assert all(ACCUSED not in body and NEED not in body for _status, body in doors.values())


def test_liaison_of_x_sees_only_what_was_disclosed_to_x_and_y_sees_nothing(
        client_for, case, disclosed, liaison_x, liaison_y, analyst_x):
    doors = _doors(client_for(liaison_x), case)
    assert doors["page"][0] == 200 and NEED not in doors["page"][1]
    assert doors["justice_page"][0] == 200 and ACCUSED in doors["justice_page"][1]
    assert "PF-2026-0001" in doors["justice_page"][1]
    assert doors["api_case"][0] == 200 and doors["api_case"][1].count("justice") >= 1
    import json

    assert json.loads(doors["api_case"][1])["sections"] == ["justice", "summary"]
    assert doors["api_needs"][0] == 404
    body = json.loads(doors["api_justice"][1])
    assert body["own"] is False and body["police_choice"] is None
    assert [c["id"] for c in body["police_contacts"]] == [disclosed.pk]
    assert body["proceedings"][0]["accused"] == ACCUSED
    assert str(case.pk) in doors["search_page"][1] and str(case.pk) in doors["search_api"][1]
    assert doors["export"][0] in (403, 404) and case.number not in doors["export"][1]
    assert "Synthetic Person" not in doors["page"][1] + doors["api_case"][1]  # identity was not disclosed

    _sees_nothing(_doors(client_for(liaison_y), case), case)
    # Another role at X: the grant is for X's police liaisons only.
    _sees_nothing(_doors(client_for(analyst_x), case), case)


def test_after_withdrawal_nobody_at_the_police_service_sees_the_case(
        client_for, case, caseworker, disclosed, liaison_x, police_consents):
    _share, police = police_consents
    withdraw_consent(actor=caseworker, consent=police, reason="The person changed their mind.")
    _sees_nothing(_doors(client_for(liaison_x), case), case)
    contact = PoliceContact.objects.get(pk=disclosed.pk)
    assert contact.access_ended_at is not None and contact.access_end_cause == "consent_withdrawn"
    # The owning circle still reads the contact, and its end, on the justice page.
    page = client_for(caseworker).get(reverse("justice:case", args=[case.pk])).content.decode()
    assert "the consent was withdrawn" in page


def test_a_contact_with_another_service_is_not_shown_to_x(case, caseworker, disclosed, police_y, liaison_x,
                                                          client_for, today):
    from tests.factories.consent import make_consent

    make_consent(case=case, obtained_by=caseworker, organization=police_y, sections=["summary"])
    services.record_police_contact(actor=caseworker, case=case, organization=police_y, purpose="statement",
                                   sections=["summary"], contacted_on=today, file_number="PF-Y-777")
    body = client_for(liaison_x).get(f"/api/v1/cases/{case.pk}/justice").json()
    assert [c["id"] for c in body["police_contacts"]] == [disclosed.pk]
    assert "PF-Y-777" not in client_for(liaison_x).get(reverse("justice:case", args=[case.pk])).content.decode()


def test_without_the_police_consent_the_contact_is_refused_and_says_what_to_do(case, caseworker, police_x, today):
    from tests.factories.consent import make_consent

    make_consent(case=case, obtained_by=caseworker, organization=police_x, sections=["summary"])
    with pytest.raises(DisclosureRefused) as refused:
        services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                       sections=["summary"], contacted_on=today)
    assert refused.value.decision.code == "police_consent_missing"
    assert "record a consent" in refused.value.explanation
    assert not PoliceContact.objects.exists()


def test_an_agency_off_the_platform_needs_the_police_consent_too(case, caseworker, today):
    from tests.factories.consent import make_consent

    make_consent(case=case, obtained_by=caseworker, organization=None, external_recipient="Town Police (test)",
                 sections=["summary"])
    with pytest.raises(DisclosureRefused) as refused:
        services.record_police_contact(actor=caseworker, case=case, external_agency="Town Police (test)",
                                       purpose="information_request", sections=["summary"], contacted_on=today)
    assert refused.value.decision.code == "police_consent_missing"
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    contact = services.record_police_contact(actor=caseworker, case=case, external_agency="Town Police (test)",
                                             purpose="information_request", sections=["summary"], contacted_on=today)
    assert contact.disclosure.external_recipient == "Town Police (test)" and not contact.access_open


def test_the_persons_choice_not_to_involve_police_is_respected(client_for, case, caseworker, police_x,
                                                               police_consents, disclosed, liaison_x, today):
    services.record_police_choice(actor=caseworker, case=case, choice="declines")
    assert client_for(liaison_x).get(reverse("justice:case", args=[case.pk])).status_code == 404
    with pytest.raises(DisclosureRefused) as refused:
        services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                       sections=["summary"], contacted_on=today)
    assert refused.value.decision.code == "police_declined"
    assert "do not want police involved" in refused.value.explanation
    assert PoliceContact.objects.count() == 1
    # Saying no withdrew the consent to contact with police; a consent recorded again does not override
    # the choice: the choice must change first.
    assert not Consent.objects.active().filter(case=case, scope="police_contact").exists()
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    with pytest.raises(DisclosureRefused) as refused:
        services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                       sections=["summary"], contacted_on=today)
    assert refused.value.decision.code == "police_declined"
    page = client_for(caseworker).get(reverse("justice:case", args=[case.pk])).content.decode()
    assert "Does not want police involved" in page and "are you sure" not in page.lower()


def test_a_police_liaison_cannot_write_the_record(client_for, case, disclosed, liaison_x):
    response = client_for(liaison_x).post(f"/api/v1/cases/{case.pk}/proceedings", {
        "accused": "Someone", "charges": ["cc_279_01"]}, content_type="application/json")
    assert response.status_code == 403


def test_a_legal_basis_opens_access_for_a_limited_time_without_consent(case, coordinator, police_x, today):
    from octip.cases.models import CaseAccessGrant
    from octip.justice import rules

    contact = services.record_police_contact(
        actor=coordinator, case=case, organization=police_x, purpose="safety_check", sections=["summary"],
        contacted_on=today, basis="imminent_risk_to_life",
        justification="Credible threat to the person's life reported tonight; consent cannot be sought in time.")
    assert contact.disclosure.basis == "imminent_risk_to_life" and contact.disclosure.consent is None
    grant = CaseAccessGrant.objects.get(source="police_contact", source_id=str(contact.pk))
    assert grant.role == "police_liaison" and grant.organization == police_x
    assert round((grant.expires_at - contact.created_at).total_seconds() / 86400) == rules.legal_basis_access_days()


def test_access_on_consent_ends_when_the_consent_expires(case, caseworker, police_x, today):
    import datetime

    from django.utils import timezone

    from octip.cases.models import CaseAccessGrant
    from tests.factories.consent import make_consent

    ends = timezone.now() + datetime.timedelta(days=20)
    make_consent(case=case, obtained_by=caseworker, organization=police_x, sections=["summary"], expires_at=ends)
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    contact = services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                             sections=["summary"], contacted_on=today)
    assert contact.access_until == ends
    assert CaseAccessGrant.objects.get(source_id=str(contact.pk)).expires_at == ends


def test_a_referral_receiver_of_the_justice_section_reads_it_but_not_the_police_contacts(
        client_for, case, caseworker, disclosed, partner_org, partner_worker):
    from octip.referrals.services import change_referral_status, send_referral, without_email
    from tests.factories.consent import make_consent

    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=["justice", "timeline"])
    with without_email():
        referral = send_referral(actor=caseworker, case=case, organization=partner_org, purpose="Court support",
                                 urgency="urgent", sections=["justice", "timeline"])
        change_referral_status(actor=partner_worker, referral=referral, action="accept")
    body = client_for(partner_worker).get(f"/api/v1/cases/{case.pk}/justice").json()
    assert body["proceedings"][0]["accused"] == ACCUSED and body["police_contacts"] == []
    timeline = client_for(partner_worker).get(f"/api/v1/cases/{case.pk}/timeline").content.decode()
    assert "Criminal proceedings recorded" not in timeline and "Police Service X" not in timeline


def test_the_api_records_a_police_contact_or_says_why_not(client_for, case, caseworker, police_x, police_consents,
                                                          today):
    client = client_for(caseworker)
    refused = client.post(f"/api/v1/cases/{case.pk}/police-contacts", {
        "purpose": "report", "sections": ["summary", "needs"], "contacted_on": today.isoformat(),
        "organization_id": police_x.pk}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "sections_not_covered"
    assert "does not cover" in refused.json()["detail"] and not PoliceContact.objects.exists()
    made = client.post(f"/api/v1/cases/{case.pk}/police-contacts", {
        "purpose": "report", "sections": ["summary"], "contacted_on": today.isoformat(),
        "organization_id": police_x.pk, "officer": "Cst. Synthetic"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["access_open"] is True
    ended = client.post(f"/api/v1/police-contacts/{made.json()['id']}/end-access")
    assert ended.status_code == 200 and ended.json()["access_end_cause"] == "ended_by_worker"


def test_the_api_produces_a_letter_as_pdf(client_for, case, caseworker):
    from tests.factories.consent import make_consent

    client = client_for(caseworker)
    body = {"kind": "cvap_cover", "details": ["case_number"]}
    assert client.post(f"/api/v1/cases/{case.pk}/letters", body, content_type="application/json").status_code == 409
    make_consent(case=case, obtained_by=caseworker, organization=None,
                 external_recipient=services.LETTER_RECIPIENTS["cvap_cover"], sections=["summary"])
    response = client.post(f"/api/v1/cases/{case.pk}/letters", body, content_type="application/json")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
