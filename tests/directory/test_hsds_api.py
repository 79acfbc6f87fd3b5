"""The HSDS API: every response validates; paging, parameters, visibility, ndjson."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator

from octip.directory import hsds
from octip.directory import models as m
from octip.partners.services import create_api_token
from tests.factories.directory import make_service, taxonomy_with_needs

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}
SHELTER_ADDRESS = "77 Hidden Lane"


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def assert_page(body: dict, kind: str) -> None:
    page_schema = hsds.openapi()["components"]["schemas"]["Page"]
    assert list(Draft202012Validator(page_schema).iter_errors(body)) == []
    assert set(body) == PAGE_KEYS
    for item in body["contents"]:
        assert hsds.validation_errors(kind, item) == [], item


@pytest.fixture
def directory(db):
    needs = taxonomy_with_needs("shelter", "legal help", "counselling")
    legal = make_service("Legal Aid Clinic", needs=[needs["legal help"]], address="1 Main Street",
                         modified=timezone.now() - datetime.timedelta(days=30))
    counselling = make_service("Counselling Circle", needs=[needs["counselling"]], region_code="northern",
                               minimum_age=12, maximum_age=24)
    shelter = make_service("Safe House for Women", visibility="partners", needs=[needs["shelter"]],
                           address=SHELTER_ADDRESS)
    return {"needs": needs, "legal": legal, "counselling": counselling, "shelter": shelter}


def test_root_names_version_profile_and_openapi(client):
    body = client.get("/hsds/").json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/hsds/openapi.json")
    assert client.get("/hsds/openapi.json").json()["openapi"].startswith("3.1")


def test_anonymous_list_is_a_valid_page_of_public_services_only(client, directory):
    body = client.get("/hsds/services").json()
    assert_page(body, "service")
    names = {s["name"] for s in body["contents"]}
    assert names == {"Legal Aid Clinic", "Counselling Circle"}
    assert body["total_items"] == 2


def test_partners_only_service_leaves_no_trace_for_anonymous_callers(client, directory):
    shelter = directory["shelter"]
    sal = shelter.service_at_locations.get()
    for url in [f"/hsds/services/{shelter.pk}", f"/hsds/organizations/{shelter.organization_id}",
                f"/hsds/service_at_locations/{sal.pk}"]:
        assert client.get(url).status_code == 404
    everything = "".join(text_of(client.get(url)) for url in [
        "/hsds/services?full=true&per_page=500", "/hsds/organizations?full_service=true",
        "/hsds/service_at_locations?full=true", "/hsds/services?format=ndjson&full=true",
        "/hsds/services?search=Safe", f"/hsds/services?taxonomy_term_id={directory['needs']['shelter'].pk}"])
    assert "Safe House" not in everything
    assert SHELTER_ADDRESS not in everything
    assert str(shelter.pk) not in everything
    assert client.get(f"/hsds/services?taxonomy_term_id={directory['needs']['shelter'].pk}").json()[
        "total_items"] == 0


def test_signed_in_partner_staff_see_partners_services(client_for, make_user, directory):
    caseworker = make_user("caseworker")
    body = client_for(caseworker).get("/hsds/services?full=true").json()
    assert_page(body, "service")
    shelter = next(s for s in body["contents"] if s["name"] == "Safe House for Women")
    address = shelter["service_at_locations"][0]["location"]["addresses"][0]
    assert address["address_1"] == SHELTER_ADDRESS
    visibility = [a for a in shelter["attributes"] if a["taxonomy_term_id"] ==
                  str(hsds.EXTENSION_TERM_IDS["visibility"])]
    assert visibility[0]["value"] == "partners"


def test_a_bearer_token_gives_the_same_partner_view(client, make_user, directory):
    user = make_user("caseworker")
    _, raw = create_api_token(actor=user, name="integration")
    response = client.get(f"/hsds/services/{directory['shelter'].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert hsds.validation_errors("service", response.json()) == []


def test_an_invalid_token_is_refused_not_treated_as_anonymous(client, directory):
    response = client.get("/hsds/services", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_a_session_still_waiting_for_mfa_does_not_unlock_partners_services(client, make_user, directory):
    client.force_login(make_user("caseworker"))  # password only, no second factor
    response = client.get(f"/hsds/services/{directory['shelter'].pk}")
    assert response.status_code in {302, 404}
    assert SHELTER_ADDRESS not in response.content.decode()


def test_staff_without_the_permission_see_public_only(client_for, make_user, directory):
    analyst = make_user("analyst")  # analysts work with statistics, not the partner directory
    names = {s["name"] for s in client_for(analyst).get("/hsds/services").json()["contents"]}
    assert "Safe House for Women" not in names


def test_paging_envelope(client, directory):
    for n in range(5):
        make_service(f"Extra {n}")
    first = client.get("/hsds/services?per_page=3").json()
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (7, 3, 1, 3)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = client.get("/hsds/services?per_page=3&page=3").json()
    assert (last["size"], last["last_page"], last["first_page"]) == (1, True, False)
    beyond = client.get("/hsds/services?per_page=3&page=9").json()
    assert beyond["empty"] and beyond["contents"] == []
    seen = [s["id"] for p in (1, 2, 3) for s in client.get(f"/hsds/services?per_page=3&page={p}").json()["contents"]]
    assert len(seen) == len(set(seen)) == 7


@pytest.mark.parametrize("query", ["page=0", "per_page=100000", "page=x", "taxonomy_term_id=nope",
                                   "modified_after=yesterday", "full=perhaps", "format=xml"])
def test_bad_parameters_are_a_clear_400(client, directory, query):
    response = client.get(f"/hsds/services?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("query", ["search=clinic%00", "search%00=clinic", "organization_id=%00",
                                   "modified_after=9999-12-31T23:59:59-12:00",
                                   "modified_after=0001-01-01T00:00:00%2B14:00"])
def test_a_search_with_a_nul_character_or_an_impossible_date_is_a_clear_400_not_a_server_error(
        client, directory, query):
    response = client.get(f"/hsds/services?{query}")
    assert response.status_code == 400, (query, response.content)
    assert response.content


def test_parameters_combine_with_and(client, directory):
    needs = directory["needs"]
    def names(query):
        return {s["name"] for s in client.get(f"/hsds/services?{query}").json()["contents"]}
    assert names(f"taxonomy_term_id={needs['legal help'].pk}") == {"Legal Aid Clinic"}
    assert names(f"taxonomy_id={needs['legal help'].taxonomy_id}") == {"Legal Aid Clinic", "Counselling Circle"}
    assert names("search=clinic") == {"Legal Aid Clinic"}
    assert names(f"search=clinic&taxonomy_term_id={needs['counselling'].pk}") == set()
    assert names(f"organization_id={directory['counselling'].organization_id}") == {"Counselling Circle"}
    week_ago = (timezone.now() - datetime.timedelta(days=7)).date().isoformat()
    assert names(f"modified_after={week_ago}") == {"Counselling Circle"}
    assert names(f"modified_after={week_ago}&search=clinic") == set()


def test_minimal_and_full(client, directory):
    minimal = client.get("/hsds/services?minimal=true").json()
    assert_page(minimal, "service")
    assert all(set(s) <= {"id", "name", "status", "last_modified"} for s in minimal["contents"])
    flat = client.get("/hsds/services").json()["contents"][0]
    assert "phones" not in flat
    full = client.get("/hsds/services?full=true&search=legal").json()["contents"][0]
    assert full["phones"][0]["number"] == "+1 604 555 0100"
    assert full["organization"]["name"] == "Legal Aid Clinic Society"


def test_ndjson_streams_every_result_without_paging(client, directory):
    for n in range(3):
        make_service(f"Extra {n}")
    response = client.get("/hsds/services?format=ndjson&per_page=1")
    assert response.streaming
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    objects = [json.loads(line) for line in lines]
    assert len(objects) == 5
    assert all(hsds.validation_errors("service", o) == [] for o in objects)


def test_every_detail_and_list_endpoint_validates(client_for, make_user, directory):
    client = client_for(make_user("coordinator"))
    shelter = directory["shelter"]
    sal = shelter.service_at_locations.get()
    term = directory["needs"]["shelter"]
    assert_page(client.get("/hsds/organizations").json(), "organization")
    assert_page(client.get("/hsds/organizations?full_service=true").json(), "organization")
    assert_page(client.get("/hsds/service_at_locations?full=true").json(), "service_at_location")
    assert_page(client.get("/hsds/taxonomies").json(), "taxonomy")
    assert_page(client.get("/hsds/taxonomy_terms").json(), "taxonomy_term")
    for url, kind in [(f"/hsds/services/{shelter.pk}", "service"),
                      (f"/hsds/organizations/{shelter.organization_id}", "organization"),
                      (f"/hsds/service_at_locations/{sal.pk}", "service_at_location"),
                      (f"/hsds/taxonomies/{term.taxonomy_id}", "taxonomy"),
                      (f"/hsds/taxonomy_terms/{term.pk}", "taxonomy_term")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert hsds.validation_errors(kind, response.json()) == [], url


def test_imported_specification_example_is_served_valid(client, examples):
    from octip.directory.importer import import_path

    import_path(examples / "csv")
    import_path(examples / "service_full.json")
    body = client.get("/hsds/services/ac148810-d857-441c-9679-408f346de14b").json()
    assert hsds.validation_errors("service", body) == []
    assert body["program"]["name"] == "Community Mental Health Support"
    assert body["cost_options"][0]["amount"] == 35
    assert_page(client.get("/hsds/service_at_locations?full=true").json(), "service_at_location")
    assert_page(client.get("/hsds/organizations?full=true").json(), "organization")


def test_service_at_locations_filter_by_term_and_search(client, directory):
    needs = directory["needs"]
    body = client.get(f"/hsds/service_at_locations?taxonomy_term_id={needs['legal help'].pk}").json()
    assert body["total_items"] == 1
    assert client.get("/hsds/service_at_locations?search=Legal").json()["total_items"] == 1
    assert client.get("/hsds/service_at_locations?search=Hidden").json()["total_items"] == 0


def test_unknown_or_malformed_ids_are_404(client, directory):
    assert client.get("/hsds/services/not-a-uuid").status_code == 404
    assert client.get("/hsds/taxonomies/00000000-0000-4000-8000-000000000000").status_code == 404


def test_list_query_count_does_not_grow_with_results(client, directory, django_assert_max_num_queries):
    for n in range(10):
        make_service(f"Extra {n}")
    with django_assert_max_num_queries(6):
        client.get("/hsds/services?per_page=50")


def test_responses_are_never_cached_publicly(client, directory):
    assert "no-store" in client.get("/hsds/services")["Cache-Control"]


def test_taxonomy_terms_filters(client, make_user, directory):
    taxonomy_id = directory["needs"]["shelter"].taxonomy_id
    _, raw = create_api_token(actor=make_user("caseworker"), name="integration")
    url = f"/hsds/taxonomy_terms?taxonomy_id={taxonomy_id}&top_only=true"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()["total_items"] == 3
    assert m.TaxonomyTerm.objects.count() >= 3


def test_a_need_met_only_by_a_confidential_service_is_not_listed_to_the_public(client, directory):
    shelter_term = directory["needs"]["shelter"]
    names = [t["name"] for t in client.get("/hsds/taxonomy_terms?per_page=100").json()["contents"]]
    assert shelter_term.name not in names
    assert client.get(f"/hsds/taxonomy_terms/{shelter_term.pk}").status_code == 404


def test_partner_reads_of_the_directory_are_audited_even_in_bulk(client, make_user, directory):
    from octip.core.models import AuditEvent

    user = make_user("caseworker")
    _, raw = create_api_token(actor=user, name="integration")
    client.get("/hsds/services?full=true", HTTP_AUTHORIZATION=f"Bearer {raw}")
    event = AuditEvent.objects.get(action="directory.partner_directory_read")
    assert event.actor_id == user.pk and event.detail["endpoint"] == "/hsds/services"
    client.get("/hsds/services?full=true")  # anonymous: public services only, nothing confidential to record
    assert AuditEvent.objects.filter(action="directory.partner_directory_read").count() == 1


def test_reading_a_confidential_service_through_the_api_is_audited(client, make_user, directory):
    from octip.core.models import AuditEvent

    user = make_user("caseworker")
    _, raw = create_api_token(actor=user, name="integration")
    client.get(f"/hsds/services/{directory['shelter'].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    event = AuditEvent.objects.get(action="directory.partner_service_viewed")
    assert (event.actor_id, event.target_id) == (user.pk, str(directory["shelter"].pk))


def test_full_documents_load_related_rows_per_page_not_per_service(client, directory, django_assert_max_num_queries):
    for n in range(12):
        make_service(f"Extra {n}", address=f"{n} Side Street", needs=[directory["needs"]["legal help"]])
    with django_assert_max_num_queries(25):
        body = client.get("/hsds/services?full=true&per_page=100").json()
    assert body["total_items"] == 14
    assert sum(len(s["service_at_locations"]) for s in body["contents"]) == 13
    with django_assert_max_num_queries(25):
        lines = b"".join(client.get("/hsds/services?full=true&format=ndjson").streaming_content).splitlines()
    assert len(lines) == 14


def test_organization_document_does_not_carry_contacts_of_a_confidential_site(client, directory):
    # The shelter's organization also runs a public service; a contact and a phone of the shelter's
    # site carry the organization's id but belong to the confidential service-at-location.
    shelter = directory["shelter"]
    public = make_service("Drop-in Lunch", organization=shelter.organization)
    sal = shelter.service_at_locations.get()
    m.Contact.objects.create(organization_id=shelter.organization_id, service_at_location_id=sal.pk,
                             name="Night Manager Secret")
    m.Phone.objects.create(organization=shelter.organization, service_at_location=sal, number="+1 604 555 0199")
    body = text_of(client.get(f"/hsds/organizations/{shelter.organization_id}?full_service=true"))
    assert "Drop-in Lunch" in body
    assert "Night Manager Secret" not in body and "555 0199" not in body
    assert SHELTER_ADDRESS not in body
    assert str(shelter.pk) not in body and '"Safe House for Women"' not in body  # (the society's name is public)
    assert public.visibility == "public"
