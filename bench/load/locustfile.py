"""The load: 50 staff users of four roles and a few members of the public, against gunicorn on loopback.

Started by ``run.py`` (which prepares the accounts and passes their file in ``LOAD_ACCOUNTS``); the
mix and its reasons are in bench/README.md ("Load test"). Every staff user signs in through the real
pages: the sign-in form, then the authenticator code (TOTP, RFC 6238, from the key ``prepare.py``
gave its device), as a person would.

Request names say what kind of request each is, for the summary: ``page`` (a GET of an HTML page:
the 300 ms target), ``post`` (a form sent), ``api`` (JSON with a personal token), ``public`` (the
public report of concern), ``login`` (signing in, once per user).

The server runs with production settings behind what would be a TLS-terminating proxy: this file
plays that proxy's part on loopback. It sends ``X-Forwarded-Proto: https`` (the documented
``SECURE_PROXY_SSL_HEADER``), returns the ``Secure`` cookies over the loopback connection as the
proxy would (``Browser.cookies``), and sends the ``Origin`` a browser sends, for CSRF. For the public reports only it
writes ``X-Forwarded-For`` with a distinct documentation-range address per reporter, as a proxy
would for distinct visitors; the server trusts it because ``run.py`` sets ``OCTIP_CLIENT_IP_HEADER``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time
from pathlib import Path

from locust import HttpUser, between, constant_pacing, events, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text()) if os.environ.get("LOAD_ACCOUNTS") else None
WAIT = (float(os.environ.get("LOAD_WAIT_MIN", "2")), float(os.environ.get("LOAD_WAIT_MAX", "8")))
REPORT_PACING = float(os.environ.get("LOAD_REPORT_PACING", "30"))
#: The reference phase: one user of each staff role and no public reporter, same mix, no contention.
BASELINE = os.environ.get("LOAD_BASELINE") == "1"
SAMPLES_PATH = os.environ.get("LOAD_SAMPLES")

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_LINK = re.compile(r'href="/app/cases/([0-9a-f-]{36})/"')
CONTACT_LINK = re.compile(r'href="/app/hotline/contacts/(\d+)/"')
REFERRAL_LINK = re.compile(r'href="/app/referrals/([0-9a-f-]{36})/"')
SELECT = re.compile(r'<select[^>]*name="{}"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')

STAGES = ["intake", "assessment", "planning", "services"]
TRACKS = ["adult", "youth"]
REGIONS = ["fraser", "vancouver_coastal", "vancouver_island", "interior", "northern"]
NOTE_BODIES = ["Called to check in; the person is settled at the shelter and asked about English classes.",
               "Accompanied to the clinic appointment. Follow-up in two weeks.",
               "Spoke with the settlement worker about the work permit application; documents gathered.",
               "The person asked to be contacted by text only. Safety plan reviewed together."]


def totp(hex_key: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The current code of an authenticator (RFC 6238, SHA-1), as django-otp's TOTPDevice checks it."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return str(code).zfill(digits)


_pools: dict[str, itertools.cycle] = {}
_pool_lock = threading.Lock()


def next_account(role: str) -> dict:
    with _pool_lock:
        if role not in _pools:
            _pools[role] = itertools.cycle([a for a in ACCOUNTS["accounts"] if a["role"] == role])
        return next(_pools[role])


class Browser(HttpUser):
    """What every visitor has: the proxy's headers and cookies, and reading forms like a browser."""

    abstract = True

    def on_start(self) -> None:
        self.client.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "en"})
        self.origin = "https://" + self.host.split("://", 1)[1].rstrip("/")

    def cookies(self) -> dict[str, str]:
        """The ``Secure`` cookies too, over the loopback hop, as the browser sends them to the TLS proxy in
        front (requests would keep them for https:// addresses only)."""
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)}

    def get(self, path: str, name: str, **kwargs) -> str:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False, headers=self.cookies(),
                             **kwargs) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} on GET {path}" + (f" to {r.headers['Location']}" if r.is_redirect else ""))
                return ""
            return r.text

    def post_form(self, path: str, page_html: str, data: dict, name: str, expect: tuple[int, ...] = (302,)) -> str:
        token = CSRF.search(page_html)
        if token is None:
            # Counted as a failure of the page it should have come from, not hidden.
            self.environment.events.request.fire(
                request_type="POST", name=name, response_time=0, response_length=0, exception=LookupError(
                    f"no CSRF token on the page before {path}"), context={}, response=None)
            return ""
        headers = {"Origin": self.origin, "Referer": self.origin + path, **self.cookies()}
        with self.client.post(path, data={"csrfmiddlewaretoken": token.group(1), **data}, name=name,
                              headers=headers, catch_response=True, allow_redirects=False) as r:
            if r.status_code not in expect:
                r.failure(f"{r.status_code} on POST {path}: {r.text[:200]!r}")
                return ""
            return r.headers.get("Location", "") if r.is_redirect else r.text


class Staff(Browser):
    """A staff member: signs in with password and authenticator code, then works (the tasks below)."""

    abstract = True
    role = ""
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        super().on_start()
        self.account = next_account(self.role)
        self.cases: list[str] = []
        page = self.get("/accounts/login/", "login: GET /accounts/login/")
        location = self.post_form("/accounts/login/", page, {
            "username": self.account["email"], "password": ACCOUNTS["password"]}, "login: POST password")
        page = self.get("/accounts/mfa/verify/", "login: GET /accounts/mfa/verify/")
        location = self.post_form("/accounts/mfa/verify/", page, {"code": totp(self.account["totp_key"])},
                                  "login: POST authenticator code", expect=(302, 400))
        if location and not location.startswith("/"):
            # Refused (400): on a saturated server the code can expire while the request waits in the
            # queue (30 s steps, one step of tolerance). A person types the next code: so do we, once,
            # and the retry has its own name so that it shows in the results. (After a refusal django-otp
            # makes the next try wait a second or more: a person takes that long to retype.)
            time.sleep(5)
            location = self.post_form("/accounts/mfa/verify/", location, {"code": totp(self.account["totp_key"])},
                                      "login: POST authenticator code, typed again after a refusal")
        if not location:
            raise RuntimeError(f"{self.account['email']} could not sign in")
        self.api = {"Authorization": f"Bearer {self.account['api_token']}"}
        signed_in()

    # --- what more than one role does ---------------------------------------------------------

    def home(self) -> None:
        self.get("/app/", "page: home")

    def case_list(self) -> None:
        params = random.choice([{}, {"stage": random.choice(STAGES)}, {"track": random.choice(TRACKS)},
                                {"region": random.choice(REGIONS)}, {"open": "on", "owner": "team"},
                                {"overdue": "on"}, {"page": str(random.randint(2, 5))}])
        html = self.get("/app/cases/", "page: case list (filters)", params=params)
        found = CASE_LINK.findall(html)
        if found:
            self.cases = (found + self.cases)[:60]

    def case_page(self) -> None:
        if not self.cases:
            return self.case_list()
        self.get(f"/app/cases/{random.choice(self.cases)}/", "page: case page")

    def person_search(self) -> None:
        if not self.account["names"]:
            return self.case_list()
        name = random.choice(self.account["names"])
        page = self.get("/app/cases/", "page: case list (filters)")
        form = {"q": name}
        if random.random() < 0.3:
            form["phonetic"] = "on"
        self.post_form("/app/cases/", page, form, "post: person search", expect=(200,))

    def my_work(self) -> None:
        self.get("/app/cases/my-work/", "page: my work")

    def api_list(self) -> None:
        with self.client.get("/api/v1/cases", params={"limit": 50}, headers=self.api, name="api: GET /api/v1/cases",
                             catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]!r}")


class Caseworker(Staff):
    role = "caseworker"
    fixed_count = 1 if BASELINE else 24

    def on_start(self) -> None:
        super().on_start()
        self.own_cases: list[str] = []

    @task(2)
    def t_home(self) -> None:
        self.home()

    @task(4)
    def t_case_list(self) -> None:
        self.case_list()

    @task(6)
    def t_case_page(self) -> None:
        self.case_page()

    @task(3)
    def t_search(self) -> None:
        self.person_search()

    @task(2)
    def t_note(self) -> None:
        if not self.own_cases:
            html = self.get("/app/cases/", "page: case list (filters)", params={"owner": "team", "open": "on"})
            self.own_cases = CASE_LINK.findall(html)[:20]
            if not self.own_cases:
                return
        case = random.choice(self.own_cases)
        form = self.get(f"/app/cases/{case}/notes/new/", "page: add a note (form)")
        if form:
            self.post_form(f"/app/cases/{case}/notes/new/", form, {
                "body": random.choice(NOTE_BODIES), "sensitivity": "normal"}, "post: add a note")

    @task(2)
    def t_referrals(self) -> None:
        html = self.get("/app/referrals/", "page: referrals inbox")
        links = REFERRAL_LINK.findall(html)
        if links:
            self.get(f"/app/referrals/{random.choice(links)}/", "page: referral")
        elif self.cases:
            self.get(f"/app/referrals/case/{random.choice(self.cases)}/", "page: a case's referrals")

    @task(1)
    def t_referral_form(self) -> None:
        if self.own_cases:
            self.get(f"/app/referrals/case/{random.choice(self.own_cases)}/new/", "page: new referral (form)")
        else:
            self.get("/app/referrals/outbox/", "page: referrals outbox")

    @task(2)
    def t_my_work(self) -> None:
        self.my_work()

    @task(2)
    def t_api(self) -> None:
        self.api_list()


class Coordinator(Staff):
    role = "coordinator"
    fixed_count = 1 if BASELINE else 8

    @task(2)
    def t_home(self) -> None:
        self.home()

    @task(4)
    def t_case_list(self) -> None:
        self.case_list()

    @task(4)
    def t_case_page(self) -> None:
        self.case_page()

    @task(2)
    def t_search(self) -> None:
        self.person_search()

    @task(1)
    def t_my_work(self) -> None:
        self.my_work()

    @task(1)
    def t_queue(self) -> None:
        self.get("/app/hotline/", "page: 24/7 queue")

    @task(1)
    def t_referrals(self) -> None:
        self.get("/app/referrals/", "page: referrals inbox")

    @task(1)
    def t_api(self) -> None:
        self.api_list()


class LineOperator(Staff):
    role = "hotline_operator"
    fixed_count = 1 if BASELINE else 10

    @task(5)
    def t_queue(self) -> None:
        html = self.get("/app/hotline/", "page: 24/7 queue")
        self.contacts = CONTACT_LINK.findall(html)[:30] or getattr(self, "contacts", [])

    @task(2)
    def t_contact(self) -> None:
        if getattr(self, "contacts", None):
            self.get(f"/app/hotline/contacts/{random.choice(self.contacts)}/", "page: 24/7 contact")

    @task(2)
    def t_log_contact(self) -> None:
        form = self.get("/app/hotline/contacts/new/", "page: log a contact (form)")
        if not form:
            return
        regions = SELECT.pattern.format("region")
        options = [v for v in OPTION.findall((re.search(regions, form, re.S) or [""])[0]) if v]
        self.post_form("/app/hotline/contacts/new/", form, {
            "urgency": random.choice(["urgent", "routine", "routine"]), "channel": random.choice(["phone", "text"]),
            "caller_type": random.choice(["person", "family_or_friend", "service_provider", "public"]),
            "region": random.choice(options) if options else "", "language": "",
            "summary": "The caller described a workplace where passports are held by the employer.",
        }, "post: log a contact")

    @task(1)
    def t_home(self) -> None:
        self.home()

    @task(1)
    def t_case_list(self) -> None:
        self.case_list()

    @task(1)
    def t_search(self) -> None:
        self.person_search()


class Screener(Staff):
    role = "screener"
    fixed_count = 1 if BASELINE else 8

    @task(2)
    def t_home(self) -> None:
        self.home()

    @task(2)
    def t_case_list(self) -> None:
        self.get("/app/cases/", "page: case list (filters)")

    @task(2)
    def t_screening(self) -> None:
        self.get("/app/screening/", "page: screening")

    @task(1)
    def t_directory(self) -> None:
        self.get("/app/directory/", "page: directory")

    @task(1)
    def t_my_work(self) -> None:
        self.my_work()


_reporter_numbers = itertools.count(1)


class PublicReporter(Browser):
    """A member of the public reporting a concern: reads the form, fills it, sends it. Each comes from
    their own address (198.18.0.0/15, reserved for benchmarks), one report every LOAD_REPORT_PACING s."""

    fixed_count = 2
    wait_time = constant_pacing(REPORT_PACING)

    @task
    def report(self) -> None:
        n = next(_reporter_numbers)
        self.client.headers["X-Forwarded-For"] = f"198.18.{n // 250 % 250}.{n % 250 + 1}"
        page = self.get("/report/", "public: GET /report/")
        if not page:
            return
        regions = [v for v in OPTION.findall((re.search(SELECT.pattern.format("region"), page, re.S) or [""])[0]) if v]
        anonymous = random.random() < 0.7
        self.post_form("/report/", page, {
            "danger_now": random.choice(["no", "not_sure"]), "seen_when": random.choice(["today", "past_week"]),
            "what_happened": "Workers at a farm seem to live on site and are never allowed to leave alone.",
            "region": random.choice(regions) if regions else "", "place": "",
            "anonymous": "yes" if anonymous else "no",
            "contact_details": "" if anonymous else "604-555-0100", "website": "",
        }, "public: POST /report/", expect=(200,))


_samples: list[tuple[str, float, bool, float]] = []
#: When every staff user had signed in: run.py measures the steady state from then on (the sign-in
#: storm at the start, 50 Argon2 checks at once, is reported on its own).
_steady = {"signed_in": 0, "expected": int(os.environ.get("LOAD_STAFF_USERS", "0")), "from": None, "last": None}


def signed_in() -> None:
    _steady["signed_in"] += 1
    _steady["last"] = time.time()
    if _steady["signed_in"] == _steady["expected"]:
        _steady["from"] = time.time()


@events.request.add_listener
def _sample(name: str, response_time: float, exception: BaseException | None, **_kwargs) -> None:
    _samples.append((name, response_time, exception is None, time.time()))


@events.quitting.add_listener
def _write_samples(environment, **_kwargs) -> None:  # noqa: ANN001 - locust's signature
    """Every request's time, so that run.py computes exact percentiles per kind of request."""
    if SAMPLES_PATH:
        with open(SAMPLES_PATH, "w") as out:
            json.dump({"steady_from": _steady["from"], "last_sign_in": _steady["last"],
                       "signed_in": _steady["signed_in"], "expected": _steady["expected"], "samples": _samples}, out)


@events.init.add_listener
def _check(environment, **_kwargs) -> None:  # noqa: ANN001 - locust's signature
    if ACCOUNTS is None:
        raise SystemExit("Run the load test with bench/load/run.py (LOAD_ACCOUNTS is not set).")
