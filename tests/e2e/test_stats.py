"""The analyst's statistics dashboard and a release download, in a real browser, axe clean; the page
also works with JavaScript switched off."""

import pytest
from playwright.sync_api import expect

from tests.stats.conftest import YEAR, analyst, stats_world  # noqa: F401 — fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _release_dir(settings, tmp_path):
    settings.OCTIP_STATS_RELEASE_DIR = tmp_path / "releases"


def test_analyst_dashboard_and_release_download(page, browser, live_server, analyst, stats_world,  # noqa: F811
                                                sign_in, assert_accessible, tmp_path):
    stats_world(40)
    sign_in(page, analyst)
    page.get_by_role("link", name="Statistics").first.click()
    page.locator("#id_year").select_option(str(YEAR))
    page.get_by_role("button", name="Show").click()
    page.get_by_role("heading", name="Cases by gender").wait_for()
    assert page.locator("svg[role=img]").count() >= 10
    expect(page.get_by_text("Cases left out for want of an active consent")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download “Cases by gender” as CSV").click()
    assert csv_download.value.suggested_filename.startswith("cases_by_gender-")

    page.locator("#id_kind").select_option("aggregate")
    page.get_by_role("button", name="Make the release").click()
    page.get_by_text("Release OCTIP-").first.wait_for()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="manifest.json of OCTIP-").first.click()
    saved = tmp_path / "manifest.json"
    download.value.save_as(saved)
    assert '"rounding_seed_sha256"' in saved.read_text()

    # Without JavaScript the page is the same page.
    context = browser.new_context(base_url=live_server.url, locale="en-CA", java_script_enabled=False)
    try:
        quiet = context.new_page()
        sign_in(quiet, analyst)
        quiet.goto(f"/app/stats/?year={YEAR}")
        quiet.get_by_role("heading", name="Needs by domain, and how many were met").wait_for()
        assert quiet.locator("svg[role=img]").count() >= 10
    finally:
        context.close()
