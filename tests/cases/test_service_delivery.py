"""Services delivered: recorded when a referral is accepted (once), delivered when it is completed,
edited by the owning circle only, one provider exactly, notes encrypted, and seen from the other side
only through the ``services`` section."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from octip.cases import services
from octip.cases.models import ServiceDelivery, TimelineEntry
from octip.cases.selectors import deliveries_for_reading
from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.directory.models import Attribute, TaxonomyTerm
from octip.referrals.services import InvalidTransition, change_referral_status, send_referral, without_email
from tests.factories.cases import make_case
from tests.factories.consent import make_consent
from tests.factories.consent_fixtures import case, caseworker, owner_team, partner_org, partner_worker  # noqa: F401
from tests.factories.partners import OrganizationFactory, TeamFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _refer(case, caseworker, partner_org, sections=("summary", "services")):  # noqa: F811
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=list(sections))
    with without_email():
        return send_referral(actor=caseworker, case=case, organization=partner_org, purpose="A shelter bed",
                             urgency="urgent", sections=list(sections))


def _answer(referral, actor, action, reason=""):
    with without_email():
        return change_referral_status(actor=actor, referral=referral, action=action, reason=reason)


# --- From a referral ----------------------------------------------------------------------------------

def test_an_accepted_referral_records_exactly_one_delivery_and_completing_it_delivers_it(
        case, caseworker, partner_org, partner_worker):  # noqa: F811
    referral = _refer(case, caseworker, partner_org)
    assert not ServiceDelivery.objects.filter(case=case).exists()  # sent is not yet a service
    _answer(referral, partner_worker, "accept")
    delivery = ServiceDelivery.objects.get(case=case)
    assert delivery.source_referral_id == referral.pk
    assert delivery.provider_organization == partner_org and delivery.provider_service is None
    assert delivery.status == "in_progress" and delivery.started_on == TODAY()
    # Accepting again is refused by the status engine, and no second delivery appears.
    with pytest.raises(InvalidTransition):
        _answer(referral, partner_worker, "accept")
    assert ServiceDelivery.objects.filter(case=case).count() == 1
    _answer(referral, partner_worker, "complete", reason="Stayed two weeks")
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.ended_on == TODAY()
    assert ServiceDelivery.objects.filter(case=case).count() == 1
    kinds = list(TimelineEntry.objects.filter(case=case, kind__startswith="case.service")
                 .values_list("kind", "concerns"))
    assert sorted(kinds) == [("case.service_recorded", partner_org.pk), ("case.service_updated", partner_org.pk)]
    assert AuditEvent.objects.filter(action="case.service_recorded", target_id=str(delivery.pk)).count() == 1


def test_recording_from_a_referral_twice_keeps_one_delivery(case, caseworker, partner_org, partner_worker):  # noqa: F811
    """Two accepts racing: the engine lets one through, and the recorder itself is idempotent."""
    referral = _refer(case, caseworker, partner_org)
    _answer(referral, partner_worker, "accept")
    again = services.record_service_from_referral(actor=partner_worker, referral=referral, action="accept")
    assert again == ServiceDelivery.objects.get(case=case)
    assert ServiceDelivery.objects.filter(source_referral=referral).count() == 1
    # And the database refuses a second row for the same referral whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceDelivery.objects.create(case=case, source_referral=referral, provider_organization=partner_org)


def test_a_referral_to_a_directory_service_names_the_service_and_its_taxonomy_term(
        case, caseworker, partner_org, partner_worker):  # noqa: F811
    from octip.directory.models import Organization as DirectoryOrganization
    from octip.directory.models import Service

    listed = DirectoryOrganization.objects.create(name="Partner Shelter (directory)")
    service = Service.objects.create(organization=listed, name="Emergency beds", partner_organization=partner_org,
                                     status="active", visibility="public")
    term = TaxonomyTerm.objects.create(code="shelter", name="Emergency shelter")
    Attribute.objects.create(link_id=service.pk, link_entity="service", taxonomy_term=term)
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=["summary"])
    with without_email():
        referral = send_referral(actor=caseworker, case=case, service=service, purpose="A bed", urgency="urgent",
                                 sections=["summary"])
    _answer(referral, partner_worker, "accept")
    delivery = ServiceDelivery.objects.get(case=case)
    assert delivery.provider_service == service and delivery.provider_organization is None
    assert delivery.taxonomy_term == term and delivery.domain == "shelter"


def test_a_referral_closed_without_service_or_revoked_ends_its_delivery(case, caseworker, partner_org,  # noqa: F811
                                                                         partner_worker):  # noqa: F811
    referral = _refer(case, caseworker, partner_org)
    _answer(referral, partner_worker, "accept")
    _answer(referral, partner_worker, "close", reason="No bed after all")
    assert ServiceDelivery.objects.get(case=case).status == "not_provided"
    other = OrganizationFactory(name="Second Partner (test)")
    revoked = _refer(case, caseworker, other)
    _answer(revoked, caseworker, "revoke", reason="The person changed their mind")
    assert not ServiceDelivery.objects.filter(source_referral=revoked).exists()  # never taken on: nothing delivered


# --- By the owning circle -----------------------------------------------------------------------------

def test_the_owning_circle_records_edits_and_ends_a_delivery(case, caseworker, partner_org):  # noqa: F811
    delivery = services.add_service_delivery(actor=caseworker, case=case, status="planned", domain="income",
                                             provider_organization=partner_org, notes="Bus pass application")
    assert delivery.version == 1
    services.update_service_delivery(actor=caseworker, delivery=delivery, expected_version=1, status="in_progress",
                                     domain="income", provider_organization=partner_org, started_on=TODAY())
    delivery.refresh_from_db()
    assert delivery.status == "in_progress" and delivery.notes == "Bus pass application"  # notes kept
    services.end_service_delivery(actor=caseworker, delivery=delivery, expected_version=delivery.version,
                                  status="ended_early")
    delivery.refresh_from_db()
    assert delivery.status == "ended_early" and delivery.ended_on == TODAY()
    assert TimelineEntry.objects.filter(case=case, kind="case.service_updated").count() == 2


@pytest.mark.parametrize("providers", ["both", "none"])
def test_both_providers_or_none_is_refused_clearly_and_changes_nothing(case, caseworker, partner_org,  # noqa: F811
                                                                      providers):
    from octip.directory.models import Organization as DirectoryOrganization
    from octip.directory.models import Service

    service = Service.objects.create(organization=DirectoryOrganization.objects.create(name="Listed"),
                                     name="Counselling", status="active")
    chosen = {"provider_organization": partner_org, "provider_service": service} if providers == "both" else {}
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.add_service_delivery(actor=caseworker, case=case, status="planned", **chosen)
    assert "one provider" in str(refused.value.message_dict["provider_organization"])
    assert not ServiceDelivery.objects.exists() and AuditEvent.objects.count() == before
    # The database holds the same line.
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceDelivery.objects.create(case=case, **chosen)


def test_bad_dates_and_codes_are_refused(case, caseworker, partner_org):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        services.add_service_delivery(actor=caseworker, case=case, status="delivered", domain="nonsense",
                                      provider_organization=partner_org, started_on=TODAY(),
                                      ended_on=TODAY() - datetime.timedelta(days=3))
    assert set(refused.value.message_dict) == {"domain", "ended_on"}
    with pytest.raises(ValidationError):
        services.add_service_delivery(actor=caseworker, case=case, status="finished", provider_organization=partner_org)
    assert not ServiceDelivery.objects.exists()


def test_delivery_notes_are_encrypted_at_rest(case, caseworker, partner_org):  # noqa: F811
    services.add_service_delivery(actor=caseworker, case=case, status="planned", provider_organization=partner_org,
                                  notes="Ana needs the 7am bus")
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM cases_servicedelivery")
        stored = cursor.fetchone()[0]
    assert "Ana" not in str(stored) and "bus" not in str(stored)
    assert ServiceDelivery.objects.get().notes == "Ana needs the 7am bus"


# --- From the other side ------------------------------------------------------------------------------

def test_a_receiver_reads_the_deliveries_only_with_the_section_and_never_edits(  # noqa: F811
        client_for, case, caseworker, partner_org, partner_worker):  # noqa: F811
    delivery = services.add_service_delivery(actor=caseworker, case=case, status="planned",
                                             provider_organization=partner_org, notes="NOTEMARK bus pass")
    referral = _refer(case, caseworker, partner_org, sections=("summary",))
    _answer(referral, partner_worker, "accept")
    receiver = client_for(partner_worker)
    assert receiver.get(f"/api/v1/cases/{case.pk}/services").status_code == 404
    page = receiver.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "NOTEMARK" not in page and 'id="services-heading"' not in page
    assert receiver.get(reverse("cases:delivery_edit", args=[case.pk, delivery.pk])).status_code == 404

    # Given the section, it reads them, and is still refused every change.
    from octip.cases.sharing import grant_case_access

    grant_case_access(actor=caseworker, case=case, organization=partner_org, sections=["summary", "services"],
                      source="referral", source_id="r-services", reason="test")
    rows = receiver.get(f"/api/v1/cases/{case.pk}/services").json()
    assert {r["notes"] for r in rows} >= {"NOTEMARK bus pass"}
    assert 'id="services-heading"' in receiver.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert receiver.get(reverse("cases:delivery_edit", args=[case.pk, delivery.pk])).status_code == 403
    answer = receiver.put(f"/api/v1/cases/{case.pk}/services/{delivery.pk}", content_type="application/json", data={
        "status": "delivered", "provider_organization_id": partner_org.pk, "ended_on": TODAY().isoformat(),
        "version": delivery.version})
    assert answer.status_code == 403
    with pytest.raises(AccessDenied):
        services.update_service_delivery(actor=partner_worker, delivery=delivery, expected_version=delivery.version,
                                         status="delivered", provider_organization=partner_org, ended_on=TODAY())
    delivery.refresh_from_db()
    assert delivery.status == "planned"


def test_another_organization_sees_nothing_of_the_deliveries(client_for, make_user, case, caseworker,  # noqa: F811
                                                             partner_org):  # noqa: F811
    delivery = services.add_service_delivery(actor=caseworker, case=case, status="planned",
                                             provider_organization=partner_org)
    stranger = make_user("caseworker", organization=partner_org, teams=[TeamFactory(organization=partner_org)])
    other = client_for(stranger)
    assert other.get(f"/api/v1/cases/{case.pk}/services").status_code == 404
    assert other.get(reverse("cases:delivery_add", args=[case.pk])).status_code == 404
    assert other.get(reverse("cases:delivery_edit", args=[case.pk, delivery.pk])).status_code == 404
    assert other.post(f"/api/v1/cases/{case.pk}/services", content_type="application/json",
                      data={"status": "planned", "provider_organization_id": partner_org.pk}).status_code == 404
    # Their own case's id does not open this delivery either.
    theirs = make_case(organization=partner_org, worker=stranger)
    assert other.get(reverse("cases:delivery_edit", args=[theirs.pk, delivery.pk])).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 - the selector's 404
        deliveries_for_reading(actor=stranger, case=case)


# --- API and pages ------------------------------------------------------------------------------------

def test_the_api_lists_creates_and_edits_deliveries(client_for, case, caseworker, partner_org):  # noqa: F811
    api = client_for(caseworker)
    created = api.post(f"/api/v1/cases/{case.pk}/services", content_type="application/json", data={
        "status": "in_progress", "domain": "legal", "provider_organization_id": partner_org.pk,
        "started_on": TODAY().isoformat(), "notes": "Legal aid intake"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["provider"] == partner_org.name and body["status"] == "in_progress"
    assert body["notes"] == "Legal aid intake"
    both = api.post(f"/api/v1/cases/{case.pk}/services", content_type="application/json", data={"status": "planned"})
    assert both.status_code == 400 and "provider" in both.content.decode()
    edited = api.put(f"/api/v1/cases/{case.pk}/services/{body['id']}", content_type="application/json", data={
        "status": "delivered", "domain": "legal", "provider_organization_id": partner_org.pk,
        "started_on": TODAY().isoformat(), "ended_on": TODAY().isoformat(), "version": body["version"]})
    assert edited.status_code == 200 and edited.json()["notes"] == "Legal aid intake"
    stale = api.put(f"/api/v1/cases/{case.pk}/services/{body['id']}", content_type="application/json", data={
        "status": "planned", "provider_organization_id": partner_org.pk, "version": body["version"]})
    assert stale.status_code == 409
    rows = api.get(f"/api/v1/cases/{case.pk}/services").json()
    assert [r["status"] for r in rows] == ["delivered"]
    assert AuditEvent.objects.filter(action="case.services_viewed", detail__via="api").exists()


def test_the_pages_add_and_edit_a_delivery_in_english_and_french(client_for, case, caseworker, partner_org):  # noqa: F811
    page = client_for(caseworker)
    form = page.get(reverse("cases:delivery_add", args=[case.pk]))
    assert form.status_code == 200 and "Record a service delivered" in form.content.decode()
    refused = page.post(reverse("cases:delivery_add", args=[case.pk]), {"status": "planned"})
    assert refused.status_code == 400 and "one provider" in refused.content.decode()
    assert not ServiceDelivery.objects.exists()
    done = page.post(reverse("cases:delivery_add", args=[case.pk]), {
        "status": "in_progress", "provider_organization": partner_org.pk, "started_on": TODAY().isoformat(),
        "domain": "shelter", "notes": "Two weeks"})
    assert done.status_code == 302
    delivery = ServiceDelivery.objects.get()
    detail = page.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="services-heading"' in detail and partner_org.name in detail
    edit = page.get(reverse("cases:delivery_edit", args=[case.pk, delivery.pk]))
    assert "Two weeks" in edit.content.decode()
    page.post(reverse("cases:delivery_edit", args=[case.pk, delivery.pk]), {
        "status": "delivered", "provider_organization": partner_org.pk, "started_on": TODAY().isoformat(),
        "ended_on": TODAY().isoformat(), "domain": "shelter", "notes": "Two weeks", "version": delivery.version})
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    page.cookies["django_language"] = "fr"
    french = page.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'id="services-heading"' in french


# --- Racing (PostgreSQL: real row locks) -----------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
def test_two_accepts_at_once_record_one_delivery(case, caseworker, partner_org, partner_worker):  # noqa: F811
    from octip.referrals.models import Referral
    from tests.reliability.test_concurrency import one_wins, race

    referral = _refer(case, caseworker, partner_org)

    def accept() -> Referral:
        with without_email():
            return change_referral_status(actor=partner_worker, referral=Referral.objects.get(pk=referral.pk),
                                          action="accept")

    one_wins(race(accept, accept))
    assert ServiceDelivery.objects.filter(source_referral_id=referral.pk).count() == 1


# --- Another organization's referral is not told to a receiver (security review, issue 16) -------------

SHELTER_NOTE = "SHELTERMARK room 4 at the shelter"
STEWARDED = "STEWARDMARK beds of the shelter"


@pytest.fixture
def shelter_and_c(case, caseworker, partner_org, partner_worker, make_user):  # noqa: F811
    """A refers the case to the shelter (``partner_org``, only ``summary``), which accepts; the owning
    circle writes a note on the delivery that made, and records a delivery by a directory service the
    shelter stewards. Then A refers the case to C with ``summary``, ``services`` and ``timeline``, and C
    accepts. Also a delivery by A itself: C may know of that one."""
    from octip.directory.models import Organization as DirectoryOrganization
    from octip.directory.models import Service

    to_shelter = _refer(case, caseworker, partner_org, sections=("summary",))
    _answer(to_shelter, partner_worker, "accept")
    made = ServiceDelivery.objects.get(source_referral=to_shelter)
    services.update_service_delivery(actor=caseworker, delivery=made, expected_version=made.version,
                                     status="in_progress", provider_organization=partner_org,
                                     started_on=made.started_on, notes=SHELTER_NOTE)
    listed = DirectoryOrganization.objects.create(name="Shelter (directory)")
    beds = Service.objects.create(organization=listed, name=STEWARDED, partner_organization=partner_org,
                                  status="active", visibility="public")
    services.add_service_delivery(actor=caseworker, case=case, status="planned", provider_service=beds)
    public = Service.objects.create(organization=listed, name="PUBLICMARK legal clinic", status="active",
                                    visibility="public")
    services.add_service_delivery(actor=caseworker, case=case, status="planned", provider_service=public)
    own = services.add_service_delivery(actor=caseworker, case=case, status="planned",
                                        provider_organization=caseworker.organization, notes="OWNMARK bus pass")
    org_c = OrganizationFactory(name="Org C (test)")
    worker_c = make_user("caseworker", organization=org_c, teams=[TeamFactory(organization=org_c)])
    to_c = _refer(case, caseworker, org_c, sections=("summary", "services", "timeline"))
    _answer(to_c, worker_c, "accept")
    return {"to_shelter": to_shelter, "made": made, "own": own, "to_c": to_c, "worker_c": worker_c,
            "org_c": org_c}


def _leaks(text: str, partner_org) -> list[str]:  # noqa: F811
    return [m for m in (partner_org.name, SHELTER_NOTE, STEWARDED) if m in text]


def test_a_receiver_never_learns_of_another_organizations_referral_at_any_door(
        client_for, case, caseworker, partner_org, shelter_and_c, settings, tmp_path):  # noqa: F811
    import io
    import json

    import pyzipper

    from octip.referrals.secure_exports import create_secure_export, read_archive
    from tests.cases.pdf_text import text as pdf_text

    world = shelter_and_c
    worker_c, made, to_shelter = world["worker_c"], world["made"], world["to_shelter"]
    c = client_for(worker_c)

    # The API: C's own delivery (its referral's), A's own and the public clinic; no referral id.
    rows = c.get(f"/api/v1/cases/{case.pk}/services").json()
    assert {r["provider"] for r in rows} == {"Org C (test)", caseworker.organization.name,
                                             "PUBLICMARK legal clinic"}
    assert made.pk not in {r["id"] for r in rows}
    assert all(r["source_referral_id"] is None for r in rows)
    assert partner_org.pk not in {r["provider_organization_id"] for r in rows}
    assert not _leaks(json.dumps(rows), partner_org) and str(to_shelter.pk) not in json.dumps(rows)
    # Its id opens nothing either: the same answer as an id that does not exist (the form is refused to
    # a receiver whatever the id; the API looks the delivery up among those C may know of).
    assert (c.get(reverse("cases:delivery_edit", args=[case.pk, made.pk])).status_code
            == c.get(reverse("cases:delivery_edit", args=[case.pk, made.pk + 1000])).status_code == 403)
    assert c.put(f"/api/v1/cases/{case.pk}/services/{made.pk}", content_type="application/json", data={
        "status": "delivered", "provider_organization_id": partner_org.pk, "version": 1}).status_code == 404

    # The case page, the timeline and the printable summary (page and API).
    page = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="services-heading"' in page and "OWNMARK bus pass" in page
    assert not _leaks(page, partner_org)
    timeline = c.get(f"/api/v1/cases/{case.pk}/timeline").json()
    assert not _leaks(json.dumps(timeline), partner_org)
    # The owning circle's edit of the shelter's delivery is not told to C either.
    assert not [e for e in timeline if e["summary"].startswith("Service delivery updated")]
    # Of the deliveries the owning circle recorded, C reads of A's own and the public clinic's only.
    assert len([e for e in timeline if e["summary"].startswith("Service delivery recorded (")]) == 2
    for url in (reverse("cases:summary_pdf", args=[case.pk]), f"/api/v1/cases/{case.pk}/summary.pdf"):
        printed = pdf_text(c.get(url).content)
        assert "OWNMARK bus pass" in printed and not _leaks(printed, partner_org), url

    # The case-list exports carry case-level sections only.
    for name in ("cases:export_csv", "cases:export_xlsx"):
        response = c.get(reverse(name))
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert partner_org.name.encode() not in body and SHELTER_NOTE.encode() not in body

    # The secure export's recipient is off the platform and outside the owning circle: the same rows.
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    make_consent(case=case, obtained_by=caseworker, organization=None, external_recipient="Clinic (off platform)",
                 sections=["summary", "services"])
    export, password = create_secure_export(actor=caseworker, case=case, recipient="Clinic (off platform)",
                                            purpose="Advice", sections=["summary", "services"])
    with pyzipper.AESZipFile(io.BytesIO(read_archive(actor=caseworker, export=export))) as archive:
        archive.setpassword(password.encode())
        raw = archive.read("case.json").decode()
    assert "OWNMARK bus pass" in raw and "PUBLICMARK" in raw and not _leaks(raw, partner_org)

    # The owning circle reads every delivery, with the referral it came from.
    mine = {r["id"]: r for r in client_for(caseworker).get(f"/api/v1/cases/{case.pk}/services").json()}
    assert mine[made.pk]["source_referral_id"] == str(to_shelter.pk) and mine[made.pk]["notes"] == SHELTER_NOTE
    assert len(mine) == 5
    assert STEWARDED in client_for(caseworker).get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_the_shelter_given_services_reads_its_own_delivery_not_cs(
        client_for, case, caseworker, partner_org, partner_worker, shelter_and_c):  # noqa: F811
    from octip.cases.sharing import grant_case_access

    grant_case_access(actor=caseworker, case=case, organization=partner_org, sections=["summary", "services"],
                      source="referral", source_id="r-services", reason="test")
    rows = client_for(partner_worker).get(f"/api/v1/cases/{case.pk}/services").json()
    providers = {r["provider"] for r in rows}
    assert partner_org.name in providers and STEWARDED in providers and "Org C (test)" not in providers
    assert {r["notes"] for r in rows} >= {SHELTER_NOTE}
    assert all(r["source_referral_id"] is None for r in rows)


def test_a_partners_coordinator_outside_the_owning_circle_reads_as_a_receiver(
        client_for, make_user, case, caseworker, partner_org, shelter_and_c):  # noqa: F811
    # A coordinator's role reaches every case, but one of another partner is not of the owning circle.
    other = OrganizationFactory(name="Another partner (test)")
    coordinator = make_user("coordinator", organization=other, teams=[TeamFactory(organization=other)])
    rows = deliveries_for_reading(actor=coordinator, case=case)
    assert {r.provider_name() for r in rows} == {caseworker.organization.name, "PUBLICMARK legal clinic"}
    assert all(r.source_referral_id is None for r in rows)


def test_a_receiver_without_the_plan_gets_the_same_404_for_an_action_that_exists_or_not(
        client_for, case, caseworker, shelter_and_c):  # noqa: F811
    goal = services.add_goal(actor=caseworker, case=case, description="Safe housing")
    action = services.add_plan_action(actor=caseworker, goal=goal, description="Apply for housing",
                                      due=TODAY() + datetime.timedelta(days=5))
    c = client_for(shelter_and_c["worker_c"])
    body = {"due": (TODAY() + datetime.timedelta(days=9)).isoformat(), "version": action.version}
    real = c.patch(f"/api/v1/cases/{case.pk}/actions/{action.pk}", content_type="application/json", data=body)
    missing = c.patch(f"/api/v1/cases/{case.pk}/actions/{action.pk + 1000}", content_type="application/json",
                      data=body)
    assert real.status_code == missing.status_code == 404
    action.refresh_from_db()
    assert action.due == TODAY() + datetime.timedelta(days=5)
