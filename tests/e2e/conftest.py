"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Fixtures: ``page`` (a fresh browser context and page), ``sign_in(page, user)`` (signs in through the
real login form; passes MFA with a computed TOTP code when MFA is enforced), and ``assert_accessible(page)``
(axe-core: no serious or critical violations).
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.e2e

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here are
# synchronous test set-up, not request handling.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


#: The browser tests that .ci/run's PostgreSQL pass runs too: the case loop (a case opened, worked,
#: approved and referred through the pages). The others check what the browser shows and does (markup,
#: scripts, focus, axe) over views whose database work the view, API and service tests run on both
#: databases, so they run once, on SQLite.
ON_BOTH_DATABASES = {"test_cases.py", "test_referrals.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if item.fspath.basename not in ON_BOTH_DATABASES:
                item.add_marker(pytest.mark.once)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-CA")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(settings):
    from tests.factories import PASSWORD, totp_code, unused_totp_code

    def do_sign_in(page, user, password: str = PASSWORD):
        from octip.partners.models import SealedTOTPDevice as TOTPDevice

        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if settings.OCTIP_REQUIRE_MFA and user.requires_mfa:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                page.wait_for_url("**/accounts/mfa/enrol/**")
                device = TOTPDevice.objects.get(user=user, confirmed=False)
                page.get_by_role("textbox", name="Code").fill(totp_code(device))
                page.get_by_role("button", name="Confirm").click()
                page.get_by_role("link", name="I have saved them — continue").click()
            else:
                page.wait_for_url("**/accounts/mfa/verify/**")
                page.get_by_role("textbox", name="Code").fill(unused_totp_code(device))
                page.get_by_role("button", name="Verify").click()
        page.wait_for_url(lambda url: urlparse(url).path.startswith("/app/"))
        return page

    return do_sign_in


@pytest.fixture
def assert_accessible():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
        assert not serious, "axe found serious/critical violations on " + page.url + ":\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in serious)
        return results

    return check
