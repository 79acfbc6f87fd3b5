"""The home page of the demo accounts in the browser: real numbers from ``seed_demo``, each a link that
opens its filtered list; axe finds nothing serious, in English and in French."""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from octip.partners.demo import DEMO_PASSWORD, demo_email
from octip.partners.models import User
from tests.factories import confirmed_totp, region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Demo accounts (octip/partners/demo.py) and a number their home page must show above zero.
ACCOUNTS = {
    "coordinator": "Closure requests awaiting a decision",
    "caseworker": "My tasks past their date",
    "hotline": "Contacts past their first-response target",
    "auditor": "Emergency accesses awaiting review",
    "orgadmin": "",  # the workload as numbers, with no link: an administrator opens no case
    "analyst": None,
}


@pytest.fixture
def demo():
    region("fraser")  # a transactional test flushed the regions the migration had loaded
    call_command("seed_demo", scale=40, stdout=io.StringIO())


def demo_user(local: str) -> User:
    user = User.objects.get(email=demo_email(local))
    confirmed_totp(user)
    return user


@pytest.mark.parametrize("local", list(ACCOUNTS))
def test_the_home_page_of_each_role_is_accessible_and_its_numbers_open_their_lists(
        local, demo, page, sign_in, assert_accessible):
    sign_in(page, demo_user(local), DEMO_PASSWORD)
    page.goto("/app/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert_accessible(page)
    expected = ACCOUNTS[local]
    if expected is None:
        assert page.locator(".figure").count() == 0
    elif expected == "":
        assert page.locator(".figure").count() > 0
        assert page.locator(".home-block a").count() == 0
    else:
        link = page.locator(".figure a", has_text=expected)
        count = int(link.locator(".count").inner_text())
        assert count > 0
        link.click()
        page.wait_for_load_state()
        assert urlparse(page.url).path != "/app/"  # the list the number counts
        assert_accessible(page)
    page.goto("/app/")
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bienvenue")
    assert_accessible(page)
