import pytest
from playwright.sync_api import expect

from tests.factories import confirmed_totp, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_caseworker_enrols_mfa_signs_out_and_in_again(page, make_user, sign_in, assert_accessible):
    user = make_user("caseworker")
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/mfa/enrol/**")
    assert_accessible(page)
    from octip.partners.models import SealedTOTPDevice as TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = page.locator("#manual-key").inner_text()
    assert key  # the manual key is shown for people who cannot scan
    page.get_by_role("textbox", name="Code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    # all_inner_texts does not wait: wait for the codes page before reading it.
    page.locator(".recovery-codes li").first.wait_for()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them — continue").click()
    page.wait_for_url("**/app/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    sign_in(page, user)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")


def test_recovery_code_signs_in_once(page, make_user):
    user = make_user("coordinator")
    confirmed_totp(user)
    from octip.partners.services import regenerate_recovery_codes

    code = regenerate_recovery_codes(actor=user)[0]
    for attempt in range(2):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill("correct-horse-battery-staple")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/accounts/mfa/verify/**")
        page.get_by_role("textbox", name="Code").fill(code)
        page.get_by_role("button", name="Verify").click()
        if attempt == 0:
            page.wait_for_url(lambda url: url.endswith("/app/"))
            page.get_by_role("button", name="Sign out").click()
        else:
            assert "/accounts/mfa/verify/" in page.url
            expect(page.get_by_text("That code is not valid")).to_be_visible()


def test_switch_to_french_and_back(page, make_user, sign_in):
    user = make_user("caseworker")
    sign_in(page, user)
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_quick_exit_button_leaves_and_replaces_history(page, live_server, settings, assert_accessible):
    settings.OCTIP_QUICK_EXIT_URL = live_server.url + "/healthz"
    page.goto("/")
    page.goto("/get-help/")
    assert_accessible(page)
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("**/healthz")
    page.go_back()
    # The help page was replaced in history: going back lands on the page before it.
    assert not page.url.endswith("/get-help/")


def test_escape_twice_leaves(page, live_server, settings):
    settings.OCTIP_QUICK_EXIT_URL = live_server.url + "/healthz"
    page.goto("/get-help/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("**/healthz")
