"""The fixes of the outside review of prevention: learners are re-indexed with the blind-index key
(sign-in and the one-account-per-email rule hold through a rotation); registration answers the same
whether or not the email has an account, and is throttled; only the office's trainers see and revoke
certificates; the public status list is signed once per revision and a GET writes nothing; production
never takes the address inside credentials from the Host header."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from octip.core import crypto
from octip.core.backup import blind_index_versions_in_use
from octip.core.fields import blind_indexed_models
from octip.prevention import checks, credentials, learners, services
from octip.prevention.models import Learner, SigningKey, email_indexes

from .conftest import LEARNER_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_in(email: str, password: str) -> Learner | None:
    request = RequestFactory().post("/learn/sign-in/")
    request.META["REMOTE_ADDR"] = "192.0.2.10"
    return learners.authenticate(request, email=email, password=password)


# --- 1. Blind-index key rotation --------------------------------------------------------------------

@pytest.fixture
def rotating_keys(settings):
    old, new = crypto.new_key(), crypto.new_key()
    settings.OCTIP_BLIND_INDEX_KEY = f"b1:{old}"
    crypto.reset_key_ring()

    def rotate() -> None:
        settings.OCTIP_BLIND_INDEX_KEY = f"b1:{old},b2:{new}"
        crypto.reset_key_ring()

    yield rotate
    crypto.reset_key_ring()


def test_learners_are_re_indexed_by_the_rotation_and_still_sign_in_with_one_account_per_email(rotating_keys):
    assert Learner in blind_indexed_models()
    learner = services.register_learner(email="ann@example.org", password=LEARNER_PASSWORD, display_name="Ann")
    assert learner is not None and learner.index_key_id == "b1"
    rotating_keys()
    # During the rotation (rows still under b1) the lookup looks under every version.
    assert _sign_in("ann@example.org", LEARNER_PASSWORD) == learner
    assert services.register_learner(email="Ann@example.org", password="another-long-passphrase",
                                     display_name="Mallory") is None
    assert "b1" in blind_index_versions_in_use()  # the backup manifest counts learners too
    call_command("rotate_blind_index_key", stdout=io.StringIO())
    learner.refresh_from_db()
    assert learner.index_key_id == "b2"
    assert learner.email_index == crypto.blind_index("ann@example.org", "prevention.learner.email", key_id="b2")
    assert "b1" not in blind_index_versions_in_use()
    assert _sign_in("ann@example.org", LEARNER_PASSWORD) == learner
    assert services.register_learner(email="ann@example.org", password="another-long-passphrase",
                                     display_name="Mallory") is None
    assert Learner.objects.count() == 1


def test_new_learners_and_staff_learners_are_indexed_under_the_current_version(rotating_keys, trainer):
    rotating_keys()
    learner = services.register_learner(email="bo@example.org", password=LEARNER_PASSWORD, display_name="Bo")
    staff = services.staff_learner(actor=trainer)
    assert learner.index_key_id == staff.index_key_id == "b2"
    before = staff.email_index
    staff.refresh_indexes()  # what the rotation computes: the index of "staff:<id>", not of the email
    assert staff.email_index == before


def test_the_sign_in_throttle_counts_under_every_key_version(rotating_keys, learner):
    for _ in range(10):
        assert _sign_in("learner@example.org", "wrong-password") is None
    rotating_keys()  # a rotation does not give a fresh allowance
    assert _sign_in("learner@example.org", LEARNER_PASSWORD) is None
    cache.clear()  # the window over: the refusal above was the throttle's, and the learner is found
    assert _sign_in("learner@example.org", LEARNER_PASSWORD) == learner


# --- 2. Registration ----------------------------------------------------------------------------------

def _register(email: str, *, client_ip: str = "192.0.2.20", name: str = "Robin Example"):
    return Client(REMOTE_ADDR=client_ip).post("/learn/register/", {
        "display_name": name, "email": email, "password": "a-long-learner-passphrase",
        "organization_type": "", "region": ""}, follow=True)


def test_registration_answers_the_same_whether_or_not_the_email_has_an_account(
        learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = _register("newcomer@example.org")
        taken = _register("Learner@example.org", name="Someone Else")
    assert new.redirect_chain == taken.redirect_chain == [("/learn/sign-in/", 302)]
    assert [str(m) for m in new.context["messages"]] == [str(m) for m in taken.context["messages"]]
    assert Learner.objects.filter(display_name="Someone Else").count() == 0
    assert Learner.objects.filter(display_name="Robin Example").count() == 1
    # The owner of the taken address is told; nobody else; no name in the message.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["learner@example.org"]
    assert "Someone Else" not in mail.outbox[0].body and "Pat Example" not in mail.outbox[0].body
    assert "/learn/sign-in/" in mail.outbox[0].body
    # The existing account is untouched: its own password still signs in.
    assert _sign_in("learner@example.org", LEARNER_PASSWORD) == learner


def test_registration_is_throttled_per_email_and_per_client(db):
    for _ in range(5):
        _register("same@example.org", client_ip="192.0.2.30")
    refused = _register("same@example.org", client_ip="192.0.2.31")
    assert refused.status_code == 400 and "too many tries" in refused.content.decode()
    for n in range(20):
        _register(f"visitor{n}@example.org", client_ip="192.0.2.40")
    refused = _register("visitor-last@example.org", client_ip="192.0.2.40")
    assert refused.status_code == 400 and "too many tries" in refused.content.decode()
    assert not Learner.objects.filter(email_index__in=email_indexes("visitor-last@example.org")).exists()


# --- 3. Certificates are the office's ------------------------------------------------------------------

def test_a_partner_trainer_neither_lists_nor_revokes_certificates(passed, trainer, make_user, client_for):
    _enrolment, credential = passed
    partner_trainer = make_user(role="trainer")  # a community organization's trainer
    partner = client_for(partner_trainer)
    assert partner.get("/app/prevention/certificates/").status_code == 404
    assert partner.post(f"/app/prevention/certificates/{credential.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert "/app/prevention/certificates/" not in partner.get("/app/prevention/courses/").content.decode()
    with pytest.raises(PermissionDenied):
        services.revoke_credential(actor=partner_trainer, credential=credential, reason="x")
    credential.refresh_from_db()
    assert credential.revoked_at is None
    office = client_for(trainer)
    page = office.get("/app/prevention/certificates/")
    assert page.status_code == 200 and "Pat Example" in page.content.decode()
    assert "/app/prevention/certificates/" in office.get("/app/prevention/courses/").content.decode()
    office.post(f"/app/prevention/certificates/{credential.pk}/revoke/", {"reason": "Issued in error."})
    credential.refresh_from_db()
    assert credential.revoked_at is not None


# --- 4. The status list and the platform's address -----------------------------------------------------

def test_the_status_list_is_signed_once_per_revision_and_a_get_writes_nothing(passed, trainer, monkeypatch):
    _enrolment, credential = passed
    SigningKey.objects.all().delete()
    signed = []
    real_sign = credentials.sign
    monkeypatch.setattr(credentials, "sign", lambda *a, **k: signed.append(1) or real_sign(*a, **k))
    with CaptureQueriesContext(connection) as queries:
        first = Client().get("/credentials/status/1").content
        second = Client().get("/credentials/status/1").content
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert not [w for w in writes if "prevention" in w], writes
    assert first == second and len(signed) == 1 and not SigningKey.objects.exists()
    services.revoke_credential(actor=trainer, credential=credential, reason="Issued in error.")
    third = Client().get("/credentials/status/1").content
    assert third != first and len(signed) == 2


def test_production_takes_no_address_from_the_host_header(settings, course, learner):
    settings.PRODUCTION = True
    settings.OCTIP_SITE_URL = ""
    assert [m.id for m in checks.check_site_url()] == ["octip.W102"]
    with pytest.raises(ImproperlyConfigured):
        services.base_url("https://attacker.example")
    settings.OCTIP_SITE_URL = "https://octip.example.ca/"
    assert checks.check_site_url() == []
    assert services.base_url("https://attacker.example") == "https://octip.example.ca"
    claims = Client(HTTP_HOST="testserver").get("/credentials/status/1?format=json").json()
    assert claims["issuer"] == "https://octip.example.ca/credentials/issuer"


def test_development_still_falls_back_to_the_request(settings):
    settings.PRODUCTION = False
    settings.OCTIP_SITE_URL = ""
    assert checks.check_site_url() == []
    assert services.base_url("http://testserver/") == "http://testserver"
