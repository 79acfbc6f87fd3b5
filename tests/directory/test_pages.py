"""Directory pages: search, the service page, stewards' edits with history, public pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.core.versioning import StaleVersion
from octip.directory import models as m
from octip.directory.selectors import ServiceSearch, filter_services, schedule_is_open
from octip.directory.services import update_service
from tests.factories.directory import make_service, taxonomy_with_needs

pytestmark = pytest.mark.django_db

HIDDEN = "77 Hidden Lane"


@pytest.fixture
def needs():
    return taxonomy_with_needs("shelter", "legal help", "youth services")


@pytest.fixture
def services(needs, org):
    return {
        "legal": make_service("Legal Clinic Fraser", needs=[needs["legal help"]], region_code="fraser",
                              languages=("en", "pa"), partner=org),
        "youth": make_service("Youth Drop-in North", needs=[needs["youth services"]], region_code="northern",
                              minimum_age=13, maximum_age=24, hours=("MO,TU,WE,TH,FR", "09:00", "17:00")),
        "provincial": make_service("Province Legal Line", needs=[needs["legal help"]], region_code="province_wide"),
        "shelter": make_service("Safe House Women", visibility="partners", needs=[needs["shelter"]],
                                address=HIDDEN, gender_eligibility="women"),
    }


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_search_combines_need_region_language_age_and_gender(services, needs):
    everything = m.Service.objects.all()
    assert names(filter_services(everything, ServiceSearch(taxonomy_term_id=needs["legal help"].pk))) == {
        "Legal Clinic Fraser", "Province Legal Line"}
    # a province-wide service serves every region
    assert names(filter_services(everything, ServiceSearch(region_codes=["northern"]))) == {
        "Youth Drop-in North", "Province Legal Line"}
    assert names(filter_services(everything, ServiceSearch(language="pa"))) == {"Legal Clinic Fraser"}
    assert "Youth Drop-in North" not in names(filter_services(everything, ServiceSearch(age=40)))
    assert "Youth Drop-in North" in names(filter_services(everything, ServiceSearch(age=16)))
    assert "Safe House Women" not in names(filter_services(everything, ServiceSearch(gender="men")))
    assert "Safe House Women" in names(filter_services(everything, ServiceSearch(gender="women")))
    assert names(filter_services(everything, ServiceSearch(taxonomy_term_id=needs["legal help"].pk,
                                                           region_codes=["northern"]))) == {"Province Legal Line"}


def test_open_now_reads_schedules_in_vancouver_time(services):
    schedule = services["youth"].schedules.get()
    # Monday 10:00 in Vancouver is 17:00 or 18:00 UTC; Monday 18:30 Vancouver is closed.
    monday_morning = datetime.datetime(2026, 11, 30, 18, 0, tzinfo=datetime.UTC)  # 10:00 PST
    monday_evening = datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC)  # 18:30 PST
    saturday = datetime.datetime(2026, 11, 28, 19, 0, tzinfo=datetime.UTC)
    assert schedule_is_open(schedule, monday_morning)
    assert not schedule_is_open(schedule, monday_evening)
    assert not schedule_is_open(schedule, saturday)
    open_names = names(filter_services(m.Service.objects.all(), ServiceSearch(open_now=True), now=monday_morning))
    assert open_names == {"Youth Drop-in North"}


def test_overnight_schedule_is_open_after_midnight():
    schedule = m.Schedule(freq="WEEKLY", byday="", opens_at="20:00", closes_at="08:00")
    assert schedule_is_open(schedule, datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC))  # 02:00 PST
    assert not schedule_is_open(schedule, datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC))  # 12:00


def test_caseworker_searches_and_sees_partners_services(client_for, make_user, services, needs):
    client = client_for(make_user("caseworker"))
    page = client.get("/app/directory/", {"need": str(needs["shelter"].pk)}).content.decode()
    assert "Safe House Women" in page and "Partners only" in page
    detail = client.get(f"/app/directory/{services['shelter'].pk}/")
    assert detail.status_code == 200
    assert HIDDEN in detail.content.decode()
    assert AuditEvent.objects.filter(action="directory.partner_service_viewed",
                                     target_id=str(services["shelter"].pk)).exists()


def test_staff_page_shows_how_to_refer_hours_languages_contact(client_for, make_user, services):
    m.Service.objects.filter(pk=services["youth"].pk).update(application_process="Call the intake worker first.")
    page = client_for(make_user("caseworker")).get(f"/app/directory/{services['youth'].pk}/").content.decode()
    for text in ["How to refer", "Call the intake worker first.", "09:00", "17:00", "English", "Hours"]:
        assert text in page


def test_invalid_search_is_a_400_with_the_field_named(client_for, make_user, services):
    response = client_for(make_user("caseworker")).get("/app/directory/", {"age": "-4"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_directory_pages_need_a_signed_in_user(client, services):
    response = client.get("/app/directory/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_public_pages_list_public_services_only_even_for_signed_in_staff(client, client_for, make_user, services):
    for c in (client, client_for(make_user("coordinator"))):
        page = c.get("/services/").content.decode()
        assert "Legal Clinic Fraser" in page
        assert "Safe House Women" not in page
        assert c.get(f"/services/{services['shelter'].pk}/").status_code == 404
        assert HIDDEN not in c.get("/services/", {"q": "Hidden"}).content.decode()
    public = client.get(f"/services/{services['legal'].pk}/").content.decode()
    assert "Legal Clinic Fraser" in public and "quick-exit" in public


# --- stewards ----------------------------------------------------------------------------------

def test_org_admin_of_the_steward_organization_edits_and_history_records_who_and_when(
        client_for, make_user, services, org):
    admin = make_user("org_admin", organization=org)
    service = services["legal"]
    client = client_for(admin)
    form = client.get(f"/app/directory/{service.pk}/edit/")
    assert form.status_code == 200
    data = {**form.context["form"].initial, "version": service.version,
            "application_process": "Referral by caseworker email."}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(f"/app/directory/{service.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.application_process == "Referral by caseworker email."
    assert service.version == 2
    change = m.Metadata.objects.get(resource_id=service.pk)
    assert (change.field_name, change.replacement_value, change.updated_by_user) == (
        "application_process", "Referral by caseworker email.", admin)
    assert change.updated_by == org.name
    event = AuditEvent.objects.get(action="directory.service_updated")
    assert event.detail["fields"] == ["application_process"]
    assert "Referral by caseworker email." not in str(event.detail)
    page = client.get(f"/app/directory/{service.pk}/").content.decode()
    assert "Change history" in page and admin.full_name in page


def test_org_admin_of_another_organization_cannot_edit(client_for, make_user, services, other_org):
    outsider = make_user("org_admin", organization=other_org)
    client = client_for(outsider)
    assert client.get(f"/app/directory/{services['legal'].pk}/edit/").status_code == 403
    with pytest.raises(AccessDenied):
        update_service(actor=outsider, service=services["legal"], expected_version=1, changes={"name": "Mine"})
    services["legal"].refresh_from_db()
    assert services["legal"].name == "Legal Clinic Fraser"
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_caseworkers_cannot_edit(make_user, services):
    with pytest.raises(AccessDenied):
        update_service(actor=make_user("caseworker"), service=services["legal"], expected_version=1,
                       changes={"name": "x"})


def test_coordinator_edits_any_service_and_a_lost_race_is_refused(client_for, make_user, services):
    first, second = make_user("coordinator"), make_user("coordinator")
    service = services["youth"]
    update_service(actor=first, service=m.Service.objects.get(pk=service.pk), expected_version=1,
                   changes={"wait_time": "Two days"})
    with pytest.raises(StaleVersion):
        update_service(actor=second, service=m.Service.objects.get(pk=service.pk), expected_version=1,
                       changes={"wait_time": "A week"})
    service.refresh_from_db()
    assert service.wait_time == "Two days"
    assert m.Metadata.objects.filter(resource_id=service.pk).count() == 1
    # The page shows the refusal and keeps the user's text.
    client = client_for(second)
    data = {**client.get(f"/app/directory/{service.pk}/edit/").context["form"].initial, "version": 1,
            "wait_time": "A week"}
    response = client.post(f"/app/directory/{service.pk}/edit/", {k: "" if v is None else v for k, v in data.items()})
    assert response.status_code == 409
    assert "Someone else saved this service" in response.content.decode()


def test_bad_edit_changes_nothing(client_for, make_user, services):
    client = client_for(make_user("coordinator"))
    service = services["youth"]
    data = {**client.get(f"/app/directory/{service.pk}/edit/").context["form"].initial, "minimum_age": 30,
            "maximum_age": 20, "version": 1}
    response = client.post(f"/app/directory/{service.pk}/edit/", {k: "" if v is None else v for k, v in data.items()})
    assert response.status_code == 400
    service.refresh_from_db()
    assert (service.minimum_age, service.version) == (13, 1)


def test_edits_show_in_the_hsds_api_metadata(client, make_user, services):
    service = services["legal"]
    update_service(actor=make_user("coordinator"), service=service, expected_version=1,
                   changes={"fees_description": "Free"})
    body = client.get(f"/hsds/services/{service.pk}").json()
    assert body["metadata"][0]["field_name"] == "fees_description"
    assert "@" not in body["metadata"][0]["updated_by"]  # staff identities stay inside the platform
    assert body["last_modified"] >= (timezone.now() - datetime.timedelta(minutes=1)).isoformat()[:16]


def test_directory_pages_speak_french(client, client_for, make_user, services):
    page = client.get("/services/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Trouver un service" in page and "Partout en C.-B." in page
    staff = client_for(make_user("caseworker")).get(f"/app/directory/{services['youth'].pk}/",
                                                    HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Comment orienter une personne" in staff and "Heures d’ouverture" in staff


def test_public_search_does_not_even_list_needs_met_only_by_confidential_services(client, client_for, make_user,
                                                                                   services, needs):
    public_choices = dict(client.get("/services/").context["form"].fields["need"].choices)
    assert str(needs["shelter"].pk) not in public_choices
    assert str(needs["legal help"].pk) in public_choices
    staff_choices = dict(client_for(make_user("caseworker")).get("/app/directory/").context["form"]
                         .fields["need"].choices)
    assert str(needs["shelter"].pk) in staff_choices


def test_hours_are_shown_as_day_names(client_for, make_user, services):
    page = client_for(make_user("caseworker")).get(f"/app/directory/{services['youth'].pk}/").content.decode()
    assert "Monday to Friday" in page
    assert "MO,TU" not in page


def _form_data(client, service, **overrides) -> dict:
    data = {**client.get(f"/app/directory/{service.pk}/edit/").context["form"].initial, **overrides}
    return {k: "" if v is None else v for k, v in data.items()}


def test_steward_changes_the_needs_a_service_meets_and_search_follows(client_for, make_user, services, needs):
    client = client_for(make_user("coordinator"))
    service = services["provincial"]
    data = _form_data(client, service, needs=[str(needs["legal help"].pk), str(needs["youth services"].pk)])
    assert client.post(f"/app/directory/{service.pk}/edit/", data).status_code == 302
    youth = filter_services(m.Service.objects.all(), ServiceSearch(taxonomy_term_id=needs["youth services"].pk))
    assert "Province Legal Line" in names(youth)
    change = m.Metadata.objects.get(resource_id=service.pk, field_name="attributes")
    assert (change.previous_value, change.replacement_value) == ("legal help", "legal help; youth services")
    data = _form_data(client, service, needs=[str(needs["youth services"].pk)])
    client.post(f"/app/directory/{service.pk}/edit/", data)
    legal = filter_services(m.Service.objects.all(), ServiceSearch(taxonomy_term_id=needs["legal help"].pk))
    assert "Province Legal Line" not in names(legal)
    service.refresh_from_db()
    assert service.version == 3


def test_making_a_confidential_service_public_needs_an_explicit_confirmation(client_for, make_user, services):
    coordinator = make_user("coordinator")
    client = client_for(coordinator)
    shelter = services["shelter"]
    response = client.post(f"/app/directory/{shelter.pk}/edit/", _form_data(client, shelter, visibility="public"))
    assert response.status_code == 400
    assert "Confirm that its details and address may be shown" in response.content.decode()
    shelter.refresh_from_db()
    assert shelter.visibility == "partners"
    from octip.directory.services import PublicationNotConfirmed

    with pytest.raises(PublicationNotConfirmed):
        update_service(actor=coordinator, service=shelter, expected_version=1, changes={"visibility": "public"})
    response = client.post(f"/app/directory/{shelter.pk}/edit/",
                           _form_data(client, shelter, visibility="public", confirm_publication="on"))
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.visibility == "public"


def test_an_imported_javascript_url_is_never_a_link(client, services):
    m.Service.objects.filter(pk=services["legal"].pk).update(url="javascript:alert(1)")
    page = client.get(f"/services/{services['legal'].pk}/").content.decode()
    assert 'href="javascript:' not in page
