"""Browser journeys of the directory: a caseworker finds a service; a steward edits one; axe clean."""

import pytest
from playwright.sync_api import expect

from tests.factories.directory import make_service, taxonomy_with_needs

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory(db):
    needs = taxonomy_with_needs("Legal help", "Shelter and safe housing", "Youth services")
    legal = make_service("Fraser Legal Advocacy Clinic", needs=[needs["Legal help"]], region_code="fraser",
                         address="10 Market Street", hours=("MO,TU,WE,TH,FR", "09:00", "17:00"),
                         application_process="Refer through the platform; the clinic calls back within a day.")
    make_service("Northern Youth Drop-in", needs=[needs["Youth services"]], region_code="northern")
    shelter = make_service("Surrey Emergency Shelter for Women", visibility="partners",
                           needs=[needs["Shelter and safe housing"]], address="77 Hidden Lane",
                           gender_eligibility="women")
    return {"needs": needs, "legal": legal, "shelter": shelter}


def test_caseworker_searches_the_directory_and_opens_a_service(page, make_user, sign_in, assert_accessible,
                                                               directory):
    sign_in(page, make_user("caseworker"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Service directory").click()
    page.wait_for_url("**/app/directory/")
    assert_accessible(page)
    page.get_by_label("Need").select_option(label="Legal help")
    page.get_by_label("Region").select_option(label="Fraser")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name="1 service")
    expect(results.get_by_role("link", name="Fraser Legal Advocacy Clinic")).to_be_visible()
    assert page.get_by_text("Northern Youth Drop-in").count() == 0
    assert_accessible(page)
    results.get_by_role("link", name="Fraser Legal Advocacy Clinic").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fraser Legal Advocacy Clinic"
    expect(page.get_by_role("heading", name="How to refer")).to_be_visible()
    expect(page.get_by_text("the clinic calls back within a day")).to_be_visible()
    expect(page.get_by_role("table", name="Opening hours (Vancouver time)")).to_be_visible()
    assert_accessible(page)

    # Partners-only services are found by partner staff, and flagged as confidential.
    page.goto("/app/directory/?q=Shelter")
    page.get_by_role("link", name="Surrey Emergency Shelter for Women").click()
    expect(page.get_by_text("77 Hidden Lane")).to_be_visible()
    expect(page.get_by_text("Confidential service")).to_be_visible()


def test_coordinator_edits_a_service_and_sees_the_history(page, make_user, sign_in, assert_accessible, directory):
    sign_in(page, make_user("coordinator"))
    page.goto(f"/app/directory/{directory['legal'].pk}/")
    page.get_by_role("link", name="Edit this service").click()
    assert_accessible(page)
    page.get_by_label("wait time").fill("Three days")
    page.get_by_role("button", name="Save service").click()
    page.wait_for_url(f"**/app/directory/{directory['legal'].pk}/")
    history = page.get_by_role("table", name="Changes to this service, newest first")
    expect(history.get_by_text("Three days")).to_be_visible()
    assert_accessible(page)


def test_public_directory_is_accessible_and_shows_public_services_only(page, assert_accessible, directory):
    page.goto("/services/")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Fraser Legal Advocacy Clinic")).to_be_visible()
    assert page.get_by_text("Surrey Emergency Shelter for Women").count() == 0
    expect(page.get_by_role("link", name="Quick exit")).to_be_visible()
    page.get_by_role("link", name="Fraser Legal Advocacy Clinic").click()
    expect(page.get_by_role("heading", name="How to get this service")).to_be_visible()
    assert_accessible(page)
