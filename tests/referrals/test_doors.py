"""Referrals through the doors a person uses: the case page and API, referral pages and API."""

from __future__ import annotations

import datetime
import io
import json
import uuid

import pytest

from octip.cases.services import add_note, save_need, save_safety_plan
from octip.referrals.models import Referral, SecureExport, Transfer
from octip.referrals.services import change_referral_status
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db

NOTE = "Met her at the bus depot; she fears the landlord."
SAFETY = "Code word is BLUEBIRD."
NEED_NOTE = "Needs a bed for two nights."


@pytest.fixture
def rich_case(case, caseworker):
    save_need(actor=caseworker, case=case, domain="shelter", priority="high", status="identified", notes=NEED_NOTE)
    add_note(actor=caseworker, case=case, body=NOTE)
    save_safety_plan(actor=caseworker, case=case, changes={"code_words": SAFETY}, expected_version=None)
    return case


def test_receiver_sees_only_the_shared_sections_and_loses_them_on_revoke(
        client_for, rich_case, caseworker, partner_worker, partner_org, consent_to_partner):
    from octip.referrals.services import send_referral

    referral = send_referral(actor=caseworker, case=rich_case, organization=partner_org, purpose="Shelter bed",
                             urgency="urgent", sections=["summary", "needs"])
    change_referral_status(actor=partner_worker, referral=referral, action="accept")
    receiver = client_for(partner_worker)
    page = receiver.get(f"/app/cases/{rich_case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="needs-heading"' in html and 'id="summary-heading"' in html
    for hidden in ("identity", "notes", "safety", "plan", "documents", "timeline"):
        assert f'id="{hidden}-heading"' not in html, hidden
    assert NOTE not in html and SAFETY not in html and rich_case.person.legal_name not in html
    api = receiver.get(f"/api/v1/cases/{rich_case.pk}").json()
    assert api["sections"] == ["needs", "summary"] and api["person"] is None
    assert receiver.get(f"/api/v1/cases/{rich_case.pk}/notes").status_code == 404
    assert receiver.get(f"/api/v1/cases/{rich_case.pk}/safety-plan").status_code == 404
    assert receiver.get(f"/api/v1/cases/{rich_case.pk}/needs").status_code == 200

    change_referral_status(actor=caseworker, referral=referral, action="revoke", reason="The person asked.")
    assert receiver.get(f"/app/cases/{rich_case.pk}/").status_code == 404
    assert receiver.get(f"/api/v1/cases/{rich_case.pk}").status_code == 404
    assert receiver.get(f"/api/v1/cases/{rich_case.pk}/needs").status_code == 404
    # The referral stays in the receiver's inbox, as revoked, without the sender's free text.
    detail = receiver.get(f"/app/referrals/{referral.pk}/")
    assert detail.status_code == 200 and "Shelter bed" not in detail.content.decode()
    assert "The person asked." not in detail.content.decode()
    assert receiver.get(f"/api/v1/referrals/{referral.pk}").json()["purpose"] == ""
    assert receiver.get("/api/v1/referrals?box=inbox").json()[0]["status_reason"] == ""
    sender = client_for(caseworker)
    assert sender.get(f"/api/v1/referrals/{referral.pk}").json()["purpose"] == "Shelter bed"


def test_withdrawing_consent_on_the_page_closes_the_receivers_door(client_for, rich_case, referral, caseworker,
                                                                   partner_worker, consent_to_partner):
    receiver = client_for(partner_worker)
    assert receiver.get(f"/app/cases/{rich_case.pk}/").status_code == 200
    response = client_for(caseworker).post(f"/app/consents/{consent_to_partner.pk}/withdraw/",
                                           {"reason": "The person asked."})
    assert response.status_code == 302
    assert receiver.get(f"/app/cases/{rich_case.pk}/").status_code == 404


# --- referral pages ---------------------------------------------------------------------------

def test_send_page_explains_a_refusal_and_sends_with_consent(client_for, case, caseworker, partner_org):
    client = client_for(caseworker)
    assert client.get(f"/app/referrals/case/{case.pk}/new/").status_code == 200
    form = {"organization": partner_org.pk, "purpose": "Legal advice", "urgency": "routine",
            "sections": ["summary"]}
    refused = client.post(f"/app/referrals/case/{case.pk}/new/", form)
    assert refused.status_code == 409
    assert "no consent from the person" in refused.content.decode()
    assert not Referral.objects.exists()
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=["summary"])
    sent = client.post(f"/app/referrals/case/{case.pk}/new/", form)
    assert sent.status_code == 302
    referral = Referral.objects.get()
    assert sent["Location"] == f"/app/referrals/{referral.pk}/"


def test_send_page_bad_input_is_400_and_sends_nothing(client_for, case, caseworker, partner_org,
                                                      consent_to_partner):
    response = client_for(caseworker).post(f"/app/referrals/case/{case.pk}/new/", {
        "organization": partner_org.pk, "purpose": "", "urgency": "whenever", "sections": ["summary", "bogus"]})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_inbox_outbox_and_answering_on_the_page(client_for, referral, caseworker, partner_worker):
    receiver, sender = client_for(partner_worker), client_for(caseworker)
    assert referral.case.number in receiver.get("/app/referrals/").content.decode()
    assert referral.case.number not in receiver.get("/app/referrals/outbox/").content.decode()
    assert referral.case.number in sender.get("/app/referrals/outbox/").content.decode()
    assert referral.case.number not in sender.get("/app/referrals/").content.decode()
    detail = receiver.get(f"/app/referrals/{referral.pk}/").content.decode()
    assert "Accept" in detail and "Revoke" not in detail
    assert receiver.post(f"/app/referrals/{referral.pk}/accept/").status_code == 302
    assert Referral.objects.get().status == "accepted"
    refused = receiver.post(f"/app/referrals/{referral.pk}/complete/", {"reason": ""})
    assert refused.status_code == 400 and Referral.objects.get().status == "accepted"


def test_the_boxes_show_a_page_at_a_time_newest_first(client_for, referral, caseworker, partner_worker, monkeypatch):
    from octip.referrals import selectors

    earlier = []
    for hours in (1, 2, 3, 4):  # four more referrals of the same case, each sent an hour before the last
        row = Referral.objects.get(pk=referral.pk)
        row.pk, row.sent_at = uuid.uuid4(), referral.sent_at - datetime.timedelta(hours=hours)
        row.save(force_insert=True)
        earlier.append(row.pk)
    monkeypatch.setattr(selectors, "BOX_PAGE", 2)
    receiver, seen = client_for(partner_worker), []
    page = receiver.get("/app/referrals/")
    while True:
        assert page.status_code == 200
        shown = page.context["referrals"]
        assert len(shown) <= 2
        seen += [row.pk for row in shown]
        following = page.context["page"].next_cursor
        if not following:
            break
        page = receiver.get("/app/referrals/", {"cursor": following})
    assert seen == [referral.pk, *earlier]  # every one once, newest first
    assert 'rel="next"' in receiver.get("/app/referrals/").content.decode()
    # The filters travel with the page links; a cursor of another list, or a changed one, is a 400.
    filtered = receiver.get("/app/referrals/", {"status": "sent"})
    assert "status=sent&amp;cursor=" in filtered.content.decode()
    outbox = client_for(caseworker).get("/app/referrals/outbox/").context["page"].next_cursor
    for bad in (outbox, "not-a-cursor"):
        refused = receiver.get("/app/referrals/", {"cursor": bad})
        assert refused.status_code == 400 and "This page link is not valid" in refused.content.decode()
        assert refused.context["referrals"] == []


def test_accepting_a_revoked_referral_on_the_page_is_refused(client_for, referral, caseworker, partner_worker):
    change_referral_status(actor=caseworker, referral=referral, action="revoke", reason="Moved away.")
    response = client_for(partner_worker).post(f"/app/referrals/{referral.pk}/accept/")
    assert response.status_code == 400
    assert "no longer possible" in response.content.decode()
    assert Referral.objects.get().status == "revoked"


def test_overdue_is_flagged_on_both_sides(client_for, referral, caseworker, partner_worker):
    Referral.objects.filter(pk=referral.pk).update(respond_by=referral.sent_at)
    assert "Overdue" in client_for(partner_worker).get("/app/referrals/").content.decode()
    assert "Overdue" in client_for(caseworker).get("/app/referrals/outbox/").content.decode()


def test_strangers_get_404_for_referrals(client_for, referral, make_user, other_org):
    stranger = client_for(make_user("caseworker", organization=other_org))
    assert stranger.get(f"/app/referrals/{referral.pk}/").status_code == 404
    assert stranger.post(f"/app/referrals/{referral.pk}/accept/").status_code == 404
    assert stranger.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert stranger.post(f"/api/v1/referrals/{referral.pk}/accept", content_type="application/json").status_code == 404
    assert stranger.get(f"/app/referrals/case/{referral.case_id}/new/").status_code == 404
    assert referral.case.number not in stranger.get("/app/referrals/").content.decode()
    assert Referral.objects.get().status == "sent"


def test_notifications_page_lists_and_marks_read(client_for, referral, partner_worker):
    client = client_for(partner_worker)
    page = client.get("/app/referrals/notifications/").content.decode()
    assert referral.case.number in page and "New:" in page
    assert client.post("/app/referrals/notifications/").status_code == 302
    assert "New:" not in client.get("/app/referrals/notifications/").content.decode()


# --- API --------------------------------------------------------------------------------------

def test_api_send_list_answer(client_for, case, caseworker, partner_worker, partner_org, consent_to_partner):
    sender, receiver = client_for(caseworker), client_for(partner_worker)
    response = sender.post(f"/api/v1/cases/{case.pk}/referrals", {
        "organization_id": partner_org.pk, "purpose": "Counselling", "urgency": "routine",
        "sections": ["summary", "plan"]}, content_type="application/json")
    assert response.status_code == 201, response.content
    referral_id = response.json()["id"]
    inbox = receiver.get("/api/v1/referrals?box=inbox&status=sent").json()
    assert [r["id"] for r in inbox] == [referral_id]
    assert receiver.get("/api/v1/referrals?box=inbox&status=accepted").json() == []
    assert sender.get("/api/v1/referrals?box=outbox").json()[0]["id"] == referral_id
    accepted = receiver.post(f"/api/v1/referrals/{referral_id}/accept", content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    done = receiver.post(f"/api/v1/referrals/{referral_id}/complete", {"reason": "Attended 4 sessions."},
                         content_type="application/json")
    assert done.json()["status"] == "completed"
    again = sender.post(f"/api/v1/referrals/{referral_id}/revoke", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_api_refusal_is_409_with_reason_and_code(client_for, case, caseworker, partner_org):
    response = client_for(caseworker).post(f"/api/v1/cases/{case.pk}/referrals", {
        "organization_id": partner_org.pk, "purpose": "Counselling", "urgency": "routine", "sections": ["summary"]},
        content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "no_consent" and "consent" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_api_bad_input_is_400(client_for, case, caseworker, partner_org, consent_to_partner):
    client = client_for(caseworker)
    for body in ({"organization_id": 99999, "purpose": "x", "urgency": "routine", "sections": ["summary"]},
                 {"organization_id": partner_org.pk, "purpose": "x", "urgency": "routine", "sections": ["nope"]},
                 {"organization_id": partner_org.pk, "purpose": "x", "urgency": "soonish", "sections": ["summary"]},
                 {"service_id": "8d1c1f8e-0000-4000-8000-000000000000", "purpose": "x", "urgency": "routine",
                  "sections": ["summary"]}):
        response = client.post(f"/api/v1/cases/{case.pk}/referrals", body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
    assert client.get("/api/v1/referrals?box=sideways").status_code in (400, 422)
    assert not Referral.objects.exists()


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("respond_by", ["9999-12-31T23:59:59-12:00", "2150-01-01T00:00:00Z"])
def test_a_referral_answer_date_near_year_9999_is_refused_with_a_clear_message(
        client_for, case, caseworker, partner_org, partner_worker, consent_to_partner, respond_by):
    client = client_for(caseworker)
    client.raise_request_exception = False
    response = _post(client, f"/api/v1/cases/{case.pk}/referrals",
                     {"organization_id": partner_org.pk, "purpose": "Shelter", "urgency": "urgent",
                      "sections": ["summary"], "respond_by": respond_by})
    assert response.status_code == 400, response.content
    assert "between 1900 and 2100" in response.json()["errors"]["respond_by"][0]
    assert not Referral.objects.filter(case=case).exists()


def test_listing_referrals_transfers_and_exports_through_the_api_is_on_record_with_the_ids_returned(
        client_for, case, caseworker, partner_org, partner_worker, referral):
    from octip.cases.sections import ALL_SECTIONS
    from octip.consent.services import record_consent
    from octip.core.models import AuditEvent
    from octip.referrals.secure_exports import create_secure_export
    from octip.referrals.services import send_transfer
    from tests.factories.consent import make_consent

    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=sorted(ALL_SECTIONS))
    transfer = send_transfer(actor=caseworker, case=case, organization=partner_org, reason="Moving to the region")

    record_consent(actor=caseworker, case=case, scope="share_with_organization", language="English",
                   external_recipient="Synthetic Legal Clinic", purpose="p", sections=["summary"])
    export, _password = create_secure_export(actor=caseworker, case=case, recipient="Synthetic Legal Clinic",
                                             purpose="legal advice", sections=["summary"])
    receiver, sender = client_for(partner_worker), client_for(caseworker)
    reads = [
        (receiver, "/api/v1/referrals", "referral.listed", referral.pk),
        (sender, "/api/v1/referrals?box=outbox", "referral.listed", referral.pk),
        (sender, f"/api/v1/cases/{case.pk}/referrals", "referral.listed", referral.pk),
        (receiver, "/api/v1/transfers", "transfer.listed", transfer.pk),
        (sender, f"/api/v1/cases/{case.pk}/exports", "export.listed", export.pk),
    ]
    for client, url, action, row_id in reads:
        before = AuditEvent.objects.filter(action=action).count()
        response = client.get(url)
        assert response.status_code == 200 and str(row_id) in response.content.decode(), url
        events = AuditEvent.objects.filter(action=action).order_by("-seq")
        assert events.count() == before + 1, url
        assert events.first().detail["ids"] == [str(row_id)], url
    # Nothing listed, nothing recorded.
    before = AuditEvent.objects.filter(action="referral.listed").count()
    assert receiver.get("/api/v1/referrals?box=outbox").json() == []
    assert AuditEvent.objects.filter(action="referral.listed").count() == before


# --- transfers --------------------------------------------------------------------------------

def test_transfer_moves_ownership_on_acceptance_and_sender_keeps_what_consent_allows(
        client_for, case, caseworker, partner_worker, partner_org, org):
    from octip.cases.sections import ALL_SECTIONS

    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=sorted(ALL_SECTIONS))
    make_consent(case=case, obtained_by=caseworker, organization=org, sections=["summary", "plan"])
    sender, receiver = client_for(caseworker), client_for(partner_worker)
    response = sender.post(f"/api/v1/cases/{case.pk}/transfers", {
        "organization_id": partner_org.pk, "reason": "The person moved to the receiver's region."},
        content_type="application/json")
    assert response.status_code == 201, response.content
    transfer_id = response.json()["id"]
    assert receiver.get(f"/api/v1/cases/{case.pk}").json()["sections"] == ["summary"]
    accepted = receiver.post(f"/api/v1/transfers/{transfer_id}/accept", content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["sender_keeps"] == ["plan", "summary"]
    case.refresh_from_db()
    assert case.owner_organization == partner_org and case.owner_worker == partner_worker
    assert "identity" in receiver.get(f"/api/v1/cases/{case.pk}").json()["sections"]
    assert sender.get(f"/api/v1/cases/{case.pk}").json()["sections"] == ["plan", "summary"]


def test_transfer_without_consent_for_every_section_is_refused(client_for, case, caseworker, partner_org,
                                                               consent_to_partner):
    response = client_for(caseworker).post(f"/api/v1/cases/{case.pk}/transfers", {
        "organization_id": partner_org.pk, "reason": "Moving."}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "sections_not_covered"
    assert not Transfer.objects.exists()


# --- secure export ----------------------------------------------------------------------------

def test_secure_export_is_encrypted_gated_audited_and_listed(client_for, rich_case, caseworker, settings, tmp_path):
    pyzipper = pytest.importorskip("pyzipper")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    from octip.core.models import AuditEvent

    client = client_for(caseworker)
    form = {"recipient": "Sunrise Legal Aid Society", "purpose": "Immigration advice", "sections": ["needs"]}
    refused = client.post(f"/app/referrals/case/{rich_case.pk}/export/", form)
    assert refused.status_code == 409 and not SecureExport.objects.exists()
    make_consent(case=rich_case, obtained_by=caseworker, organization=None,
                 external_recipient="Sunrise Legal Aid Society", sections=["needs"])
    created = client.post(f"/app/referrals/case/{rich_case.pk}/export/", form)
    assert created.status_code == 201 and created["Cache-Control"] == "no-store"
    export = SecureExport.objects.get()
    html = created.content.decode()
    password = html.split('id="export-password">')[1].split("<")[0]
    assert len(password) >= 20 and password not in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    archive = client.get(f"/app/referrals/exports/{export.pk}/download/").content
    with pyzipper.AESZipFile(io.BytesIO(archive)) as opened:
        with pytest.raises(RuntimeError):
            opened.read("case.json")  # no password, no content
        opened.setpassword(password.encode())
        content = opened.read("case.json").decode()
    assert NEED_NOTE in content and NOTE not in content and SAFETY not in content
    assert rich_case.person.legal_name not in content
    assert "Sunrise Legal Aid Society" in client.get(f"/app/referrals/case/{rich_case.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="export.secure_created").exists()
    assert AuditEvent.objects.filter(action="export.secure_downloaded").exists()
    assert (tmp_path / export.stored_name).read_bytes() == archive


def test_pages_speak_french(client_for, referral, partner_worker, caseworker):
    receiver = client_for(partner_worker)
    receiver.cookies["django_language"] = "fr"
    assert "Orientations reçues" in receiver.get("/app/referrals/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    sender = client_for(caseworker)
    page = sender.get(f"/app/consents/case/{referral.case_id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Consentements de la personne" in page


def test_from_a_directory_service_to_the_referral_form(client_for, case, caseworker, service, make_user, org):
    client = client_for(caseworker)
    page = client.get(f"/app/referrals/new/?service={service.pk}")
    assert page.status_code == 200 and service.name in page.content.decode()
    wrong = client.post(f"/app/referrals/new/?service={service.pk}", {"number": "BC-2026-999999"})
    assert wrong.status_code == 400
    found = client.post(f"/app/referrals/new/?service={service.pk}", {"number": case.number.lower()})
    assert found.status_code == 302
    assert found["Location"] == f"/app/referrals/case/{case.pk}/new/?service={service.pk}"
    form = client.get(found["Location"]).content.decode()
    assert f'<option value="{service.pk}" selected>' in form
    # A colleague of another team cannot reach the case by its number.
    other_team = client_for(make_user("caseworker", organization=org))
    assert other_team.post(f"/app/referrals/new/?service={service.pk}", {"number": case.number}).status_code == 400
    assert client.get("/app/referrals/new/?service=not-a-uuid").status_code == 404


def test_lists_use_a_bounded_number_of_queries(client_for, org, owner_team, caseworker, partner_org,
                                               partner_worker, django_assert_max_num_queries):
    from octip.referrals.services import send_referral
    from tests.factories.cases import make_case

    for _ in range(8):
        case = make_case(organization=org, team=owner_team, worker=caseworker)
        make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=["summary"])
        send_referral(actor=caseworker, case=case, organization=partner_org, purpose="x", urgency="routine",
                      sections=["summary"])
    receiver, sender = client_for(partner_worker), client_for(caseworker)
    with django_assert_max_num_queries(12):
        assert receiver.get("/app/referrals/").content.decode().count("/app/referrals/") >= 8
    with django_assert_max_num_queries(12):
        sender.get("/app/referrals/outbox/")
    with django_assert_max_num_queries(20):
        sender.get(f"/app/consents/case/{case.pk}/")


def test_bad_export_and_transfer_input_changes_nothing(client_for, case, caseworker, partner_org):
    client = client_for(caseworker)
    response = client.post(f"/app/referrals/case/{case.pk}/export/", {"recipient": "", "purpose": "",
                                                                       "sections": ["bogus"]})
    assert response.status_code == 400 and not SecureExport.objects.exists()
    response = client.post(f"/app/referrals/case/{case.pk}/transfer/", {"organization": partner_org.pk,
                                                                         "reason": ""})
    assert response.status_code == 400
    response = client.post(f"/api/v1/cases/{case.pk}/transfers", {"organization_id": case.owner_organization_id,
                                                                  "reason": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert not Transfer.objects.exists()


def test_withdrawing_without_a_reason_through_the_api_changes_nothing(client_for, case, caseworker,
                                                                      consent_to_partner):
    response = client_for(caseworker).post(f"/api/v1/consents/{consent_to_partner.pk}/withdraw", {"reason": " "},
                                           content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    consent_to_partner.refresh_from_db()
    assert consent_to_partner.withdrawn_at is None


def test_api_secure_export_gives_the_password_once(client_for, case, caseworker, settings, tmp_path, make_user,
                                                   other_org):
    pyzipper = pytest.importorskip("pyzipper")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    client = client_for(caseworker)
    body = {"recipient": "Sunrise Legal Aid Society", "purpose": "Advice", "sections": ["summary"]}
    refused = client.post(f"/api/v1/cases/{case.pk}/exports", body, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "no_consent"
    make_consent(case=case, obtained_by=caseworker, organization=None,
                 external_recipient="Sunrise Legal Aid Society", sections=["summary"])
    response = client.post(f"/api/v1/cases/{case.pk}/exports", body, content_type="application/json")
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    created = response.json()
    archive = client.get(created["download_url"]).content
    with pyzipper.AESZipFile(io.BytesIO(archive)) as opened:
        opened.setpassword(created["password"].encode())
        assert case.number in opened.read("case.json").decode()
    listed = client.get(f"/api/v1/cases/{case.pk}/exports").json()
    assert [e["id"] for e in listed] == [created["id"]] and "password" not in listed[0]
    stranger = client_for(make_user("caseworker", organization=other_org))
    assert stranger.get(created["download_url"]).status_code == 404
    assert stranger.get(f"/api/v1/cases/{case.pk}/exports").status_code == 404


def test_receiver_closes_an_accepted_referral_without_service(referral, partner_worker, case):
    from octip.cases.selectors import sections_visible_to

    change_referral_status(actor=partner_worker, referral=referral, action="accept")
    change_referral_status(actor=partner_worker, referral=referral, action="close", reason="Could not reach them.")
    assert Referral.objects.get().status == "closed_without_service"
    assert sections_visible_to(partner_worker, case) == frozenset()
