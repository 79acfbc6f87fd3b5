"""Prevention in the browser: a learner registers, takes the course, passes, downloads the PDF, and the
verification page (the QR code's address) says valid; and an axe sweep over every public page in every
language of the public site, right-to-left included. One browser, one page, a loop: short."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from octip import settings as project_settings
from octip.prevention import credentials, services
from octip.prevention.models import AwarenessPage
from tests.factories import region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_course(make_user, settings, tmp_path):
    settings.OCTIP_CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "keys.json"
    settings.OCTIP_CREDENTIAL_SIGNING_KEYS = ""
    credentials.reset_ring()
    region("fraser")
    trainer = make_user(role="trainer")
    version = services.create_course(actor=trainer, slug="basics", title="Basics", summary="What to know.")
    module = services.add_module(actor=trainer, version=version, title="Module one")
    lesson = services.save_lesson(actor=trainer, module=module, title="Act, means, purpose",
                                  body="<p>Trafficking has three elements.</p>")
    quiz = services.set_quiz(actor=trainer, lesson=lesson, pass_mark=100, max_attempts=3)
    services.add_question(actor=trainer, quiz=quiz, text="Is consent a defence?", kind="single",
                          choices=[("No", True), ("Yes", False)], feedback="Consent is no defence.")
    services.add_question(actor=trainer, quiz=quiz, text="Which are means?", kind="multiple",
                          choices=[("Deception", True), ("Force", True), ("A border", False)])
    services.publish_version(actor=trainer, version=version)
    yield version
    credentials.reset_ring()


def test_a_learner_takes_the_course_passes_downloads_the_pdf_and_it_verifies(page, published_course,
                                                                              assert_accessible, tmp_path):
    page.goto("/learn/register/")
    page.get_by_label("Name to print on your certificates").fill("Robin Example")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password").fill("a-long-learner-passphrase")
    assert_accessible(page)
    page.get_by_role("button", name="Create account").click()
    # The same answer whether or not the email had an account: the learner signs in next.
    page.get_by_text("If this email can be used, your learner account is ready").wait_for()
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password").fill("a-long-learner-passphrase")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Basics").click()
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("link", name="Act, means, purpose").click()
    assert_accessible(page)
    # A wrong answer first: feedback, and the quiz stays open.
    page.get_by_role("group", name="Is consent a defence?").get_by_label("Yes").check()
    page.get_by_role("group", name="Which are means?").get_by_label("Deception").check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("Not passed: 0 %.").wait_for()
    expect(page.get_by_text("Consent is no defence.")).to_be_visible()
    page.get_by_role("group", name="Is consent a defence?").get_by_label("No").check()
    page.get_by_role("group", name="Which are means?").get_by_label("Deception").check()
    page.get_by_role("group", name="Which are means?").get_by_label("Force").check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("You passed the course.").wait_for()
    page.get_by_role("link", name="See your certificate").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="Verification page").click()
    assert page.locator("#verification").inner_text().startswith("Valid")
    assert page.locator("#verification dd").first.inner_text() == "Robin Example"
    assert_accessible(page)


#: Every public page, swept in every language of the public site (the site's own pages are swept in
#: English and French by test_accessibility_sweep.py as well, with a service's page and the refusals).
PUBLIC_PAGES = ["/", "/get-help/", "/services/", "/report/", "/about/", "/about/what-is-trafficking/", "/learn/",
                "/learn/courses/basics/", "/learn/register/", "/learn/sign-in/", "/practices/", "/verify/"]


@pytest.mark.once
@pytest.mark.parametrize("code", [code for code, _name in project_settings.LANGUAGES])
def test_every_public_page_is_accessible_in_every_language(code, page, published_course, live_server,
                                                           assert_accessible):
    today = datetime.date.today()
    AwarenessPage.objects.create(key="what-is-trafficking", language=code, title=f"Title {code}",
                                 body="<p>Text.</p>", review_by=today)
    failures = []
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "domain": host, "path": "/"}])
    for path in PUBLIC_PAGES:
        response = page.goto(path)
        html = page.locator("html")
        expected_dir = "rtl" if code in {"fa", "ar"} else "ltr"
        if response.status != 200 or html.get_attribute("lang") != code or \
                html.get_attribute("dir") != expected_dir:
            failures.append(f"{code} {path}: {response.status} lang={html.get_attribute('lang')}")
            continue
        if not page.locator("#quick-exit").is_visible():
            failures.append(f"{code} {path}: no quick exit")
        try:
            assert_accessible(page)
        except AssertionError as error:
            failures.append(f"{code} {path}: {error}")
    assert not failures, "\n".join(failures)


@pytest.mark.once
def test_the_trainers_pages_are_accessible_in_english_and_french(page, published_course, make_user, sign_in,
                                                                 assert_accessible):
    from tests.factories import OrganizationFactory, confirmed_totp

    # The office's trainer: only they see the certificates page.
    trainer = make_user(role="trainer", organization=OrganizationFactory(type="coordinating_office"))
    confirmed_totp(trainer)
    AwarenessPage.objects.create(key="get-help", language="en", title="Get help", body="<p>Call.</p>",
                                 review_by=datetime.date.today())
    sign_in(page, trainer)
    pages = ["/app/prevention/courses/", f"/app/prevention/courses/versions/{published_course.pk}/",
             "/app/prevention/certificates/", "/app/prevention/reports/", "/app/prevention/outreach/",
             "/app/prevention/outreach/materials/", "/app/prevention/pages/", "/app/prevention/pages/get-help/ar/",
             "/app/prevention/practices/"]
    failures = []
    for language in ("en", "fr"):
        if language == "fr":
            page.get_by_role("button", name="Français").click()
            page.wait_for_load_state()
        for path in pages:
            response = page.goto(path)
            if response.status != 200 or page.locator("html").get_attribute("lang") != language:
                failures.append(f"{language} {path}: {response.status}")
                continue
            try:
                assert_accessible(page)
            except AssertionError as error:
                failures.append(f"{language} {path}: {error}")
    assert not failures, "\n".join(failures)
