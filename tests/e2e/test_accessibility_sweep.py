"""Accessibility sweep: axe-core (serious and critical violations fail) on the staff pages each main role
reaches from its navigation and the pages one or two links further, on a caseworker's case and all its
sub-pages (also in French), and on every public page in English and in French; plus the keyboard basics
of the skip link.

Each test seeds the synthetic demo once (``seed_demo``, a few seconds) so every page has real rows to show.
A sweep visits every page before failing, so one run lists every broken page.
"""

from __future__ import annotations

import io
import uuid
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from octip.cases.models import Case
from octip.cases.services import save_safety_plan, upload_document
from octip.directory.models import Service
from octip.partners.demo import DEMO_PASSWORD, demo_email
from octip.partners.models import User
from tests.factories import UserFactory, confirmed_totp, region

# Axe reads the rendered pages: the database under them does not change what it finds (and the access
# matrix asks every page on both databases), so the PostgreSQL pass of .ci/run leaves the sweep out.
pytestmark = [pytest.mark.e2e, pytest.mark.once, pytest.mark.django_db(transaction=True)]

#: The first demo account of each main role (octip/partners/demo.py).
DEMO_ACCOUNTS = {
    "coordinator": "coordinator",
    "caseworker": "caseworker",
    "screener": "screener",
    "hotline_operator": "hotline",
    "hotline_lead": "hotlinelead",
    "org_admin": "orgadmin",
    "auditor": "auditor",
}
#: Views that answer with a file, not a page.
FILES = {"cases:export_csv", "cases:export_xlsx", "cases:summary_pdf", "cases:document_link", "cases:document_download",
         "referrals:export_download", "app:audit_export", "app:token_revoke", "stats:table_csv"}
PUBLIC_PAGES = ["/", "/get-help/", "/services/", "/report/", "/about/", "/learn/"]


def seed_demo():
    region("fraser")  # a transactional test flushed the regions the migration had loaded
    call_command("seed_demo", scale=40, stdout=io.StringIO())  # 40 cases rather than 200: quicker


def demo_user(role: str) -> User:
    user = User.objects.get(email=demo_email(DEMO_ACCOUNTS[role]))
    assert user.role == role
    confirmed_totp(user)
    return user


def view_name(path: str) -> str | None:
    try:
        return resolve(urlparse(path).path).view_name
    except Resolver404:
        return None


class Sweep:
    """Visits pages, runs axe on each, and collects every failure (a page that does not answer with the
    expected status, or that axe finds any violation on) so that one run reports them all."""

    def __init__(self, page, assert_accessible, label: str):
        self.page = page
        self.check = assert_accessible
        self.label = label
        self.visited: list[str] = []
        self.views: set[str] = set()
        self.path_of: dict[str, str] = {}  # view name → the page of it visited
        self.failures: list[str] = []

    def visit(self, path: str, status: int = 200) -> bool:
        response = self.page.goto(path)
        self.visited.append(path)
        if response is None or response.status != status:
            self.failures.append(f"{path}: HTTP {response.status if response else 'no response'}")
            return False
        self.path_of.setdefault(view_name(path) or path, path)
        self.axe(path)
        return True

    def send_empty(self, path: str) -> None:
        """Send the page's form with nothing filled in: the errors it shows must be accessible too."""
        self.page.goto(path)
        with self.page.expect_navigation():
            self.page.locator("main form.narrow [type=submit]").first.click()
        self.visited.append(f"{path} (sent empty)")
        if not self.page.locator("#form-errors").is_visible():
            self.failures.append(f"{path}: sent empty, it shows no error summary")
        self.axe(f"{path} (sent empty)")

    def axe(self, path: str) -> None:
        try:
            results = self.check(self.page)  # serious or critical violations fail here
        except AssertionError as violation:
            self.failures.append(str(violation).split("\nassert ")[0])
        else:
            # Every page was clean of moderate and minor ones too when this sweep was written: keep it so.
            self.failures += [f"{path}: {v['id']} ({v['impact']}): {v['help']} — "
                              f"{[n['target'] for n in v['nodes']][:5]}" for v in results.response["violations"]]

    def links(self, selector: str = "nav.main-nav a[href], main a[href]", prefix: str = "/app/") -> list[str]:
        paths = []
        for href in self.page.locator(selector).evaluate_all("els => els.map(e => e.getAttribute('href'))"):
            parsed = urlparse(href)
            if parsed.netloc or not parsed.path.startswith(prefix) or view_name(parsed.path) in FILES:
                continue
            paths.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
        return paths

    def crawl(self, starts: list[str], depth: int, within: str = "") -> None:
        """Breadth-first from ``starts`` to ``depth`` links away, one page per view (a second need or
        contact page adds nothing); ``within`` keeps to links whose address contains it."""
        frontier = self._new(starts, within)
        for level in range(depth + 1):
            following = []
            for path in frontier:
                if self.visit(path) and level < depth:
                    following += self._new(self.links(), within)
            frontier = following

    def _new(self, paths: list[str], within: str) -> list[str]:
        fresh = []
        for path in paths:
            name = view_name(path)
            if name and name not in self.views and within in path:
                self.views.add(name)
                fresh.append(path)
        return fresh

    def switch_to_french(self) -> None:
        self.page.get_by_role("button", name="Français").click()
        self.page.wait_for_load_state()
        assert self.page.locator("html").get_attribute("lang") == "fr"

    def assert_clean(self) -> None:
        assert self.visited
        assert not self.failures, (f"{self.label}: {len(self.failures)} of {len(self.visited)} pages failed:\n"
                                   + "\n".join(self.failures))


def open_case_with_most_to_show(user: User) -> Case:
    """One of the caseworker's own team's cases (not one shared in part), in services, with consents."""
    cases = Case.objects.visible_to(user).filter(
        stage="services", owner_team__in=user.teams.all()).order_by("number")
    return (cases.filter(consents__isnull=False, referrals__isnull=False).first()
            or cases.filter(consents__isnull=False).first() or cases.first())


@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
def test_staff_pages_of_each_role_are_accessible(role, page, sign_in, assert_accessible, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    seed_demo()
    user = demo_user(role)
    sign_in(page, user, password=DEMO_PASSWORD)
    sweep = Sweep(page, assert_accessible, role)
    navigation = sweep.links("nav.main-nav a[href]")
    assert "/app/profile/" in navigation
    case_pages: list[str] = []
    if role == "caseworker":
        case = open_case_with_most_to_show(user)
        assert case is not None
        # The demo has no safety plans or documents: give this case one of each so their pages show.
        save_safety_plan(actor=user, case=case, expected_version=None,
                         changes={"risks": "Synthetic risk", "emergency_steps": "Call the 24/7 line"})
        upload_document(actor=user, case=case, kind="legal", filename="letter.txt", content=b"synthetic letter")
        sweep.crawl([f"/app/cases/{case.pk}/"], depth=2, within=str(case.pk))
        case_pages = list(sweep.visited)
        expected = {"cases:detail", "cases:need_edit", "cases:goal_add", "cases:task_add", "cases:note_add",
                    "cases:safety_plan", "cases:document_upload", "consent:case_consents",
                    "cases:safety_plan_print", "consent:consent_create", "referrals:case_referrals",
                    "referrals:create", "referrals:transfer_create", "referrals:export_create"}
        assert expected <= sweep.views, f"not reached from the case page: {expected - sweep.views}"
    sweep.crawl(navigation, depth=2)
    must_see = {
        "coordinator": {"cases:list", "hotline:queue", "hotline:contact_detail", "app:staff_list"},
        "caseworker": {"cases:my_work", "directory:index", "directory:detail", "screening:start"},
        "screener": {"screening:index", "screening:start"},
        "hotline_operator": {"hotline:queue", "hotline:contact_detail", "hotline:on_call", "hotline:guidance_read"},
        "hotline_lead": {"hotline:queue", "hotline:caller_flags", "hotline:targets_edit", "hotline:guidance_list",
                         "hotline:review_samples", "hotline:on_call"},
        "org_admin": {"app:staff_list", "app:staff_edit", "app:staff_create"},
        "auditor": {"app:audit_log", "app:staff_list"},
    }[role] | {"app:home", "app:profile"}
    assert must_see <= sweep.views, f"not reached from the navigation: {must_see - sweep.views}"
    if role == "auditor":
        sweep.visit("/app/staff/new/", status=403)  # the page a refusal shows
    if role == "org_admin":
        sweep.send_empty(sweep.path_of["app:staff_create"])
    if role == "caseworker":
        # The directory search with a query, and the case pages once more in French.
        sweep.visit("/app/directory/?q=housing")
        sweep.visit(f"/app/cases/{uuid.uuid4()}/", status=404)  # the page a missing or unshared case shows
        forms = [sweep.path_of[name] for name in ("cases:intake", "cases:task_add", "cases:note_add",
                                                   "referrals:create")]
        for path in forms:
            sweep.send_empty(path)
        sweep.switch_to_french()
        for path in case_pages:
            sweep.visit(path)
        sweep.send_empty(sweep.path_of["cases:intake"])
    sweep.assert_clean()


def test_public_pages_are_accessible_in_english_and_french(page, assert_accessible):
    seed_demo()
    service = Service.objects.filter(visibility="public").order_by("name").first()
    assert service is not None
    sweep = Sweep(page, assert_accessible, "public")
    pages = [*PUBLIC_PAGES, f"/services/{service.pk}/", "/services/?q=shelter", "/accounts/login/",
             "/accounts/password/reset/", "/no-such-page/"]
    for path in pages:
        sweep.visit(path, status=404 if path == "/no-such-page/" else 200)
        if path == "/":
            assert sweep.links("nav.main-nav a[href]", prefix="/") == PUBLIC_PAGES
    page.goto("/")
    sweep.switch_to_french()
    for path in pages:
        sweep.visit(path, status=404 if path == "/no-such-page/" else 200)
        assert page.locator("html").get_attribute("lang") == "fr"
    sweep.send_empty("/report/")
    sweep.assert_clean()


def focused(page) -> dict:
    return page.evaluate("() => ({tag: document.activeElement.tagName, id: document.activeElement.id,"
                         " text: document.activeElement.textContent.trim()})")


@pytest.mark.parametrize("where", ["public", "staff"])
def test_skip_link_is_first_and_moves_focus_to_main(where, page, sign_in):
    if where == "staff":
        region("fraser")
        user = UserFactory(role="caseworker")
        sign_in(page, user)
        page.goto("/app/cases/")
    else:
        page.goto("/get-help/")
    page.keyboard.press("Tab")
    assert focused(page) == {"tag": "A", "id": "", "text": "Skip to main content"}
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.is_visible()  # it shows when focused
    if where == "public":
        # Next comes the quick exit, before anything else on the page.
        page.keyboard.press("Tab")
        assert focused(page) == {"tag": "A", "id": "quick-exit", "text": "Quick exit"}
        page.keyboard.press("Shift+Tab")
        assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    assert page.url.endswith("#main")
    # The next Tab goes on from the main content, not back to the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate("() => document.getElementById('main').contains(document.activeElement)")
    assert in_main
