"""Sign-in throttling (issue 9, finding 18): a few wrong passwords slow down the client that typed them, for
that account, with a wait that doubles and is capped; the account itself locks only after many more
failures (from anywhere), and its organization's administrators are told. Time passes explicitly: the
tests move the recorded attempts back rather than sleep."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.test import Client

from octip.core.models import AuditEvent
from octip.partners.services import unlock_user
from tests.factories import PASSWORD

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"
FREE_TRIES = 5  # failures a client gets for an account before it waits (OCTIP_LOCKOUT_DELAY_AFTER)


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": email, "password": password})


def fail(client: Client, email: str, times: int) -> list[int]:
    return [login(client, email, "not-the-password").status_code for _ in range(times)]


def time_passes(seconds: float) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


@pytest.fixture
def worker(make_user):
    return make_user("hotline_operator")


def test_five_failures_make_the_client_wait_a_minute_not_an_hour(worker, settings):
    client = Client(REMOTE_ADDR=ATTACKER)
    assert fail(client, worker.email, FREE_TRIES - 1) == [200] * (FREE_TRIES - 1)
    fail(client, worker.email, 1)
    refused = login(client, worker.email)
    assert refused.status_code == 429
    assert "1 minute" in refused.content.decode()
    time_passes(61)
    assert login(client, worker.email).status_code == 302


def test_each_further_failure_doubles_the_wait(worker, settings):
    client = Client(REMOTE_ADDR=ATTACKER)
    fail(client, worker.email, FREE_TRIES)
    time_passes(61)
    fail(client, worker.email, 1)  # the sixth: two minutes now
    time_passes(61)
    assert login(client, worker.email).status_code == 429
    time_passes(60)
    assert login(client, worker.email).status_code == 302


def test_the_wait_is_capped(settings):
    from octip.partners.lockout import delay_after

    assert settings.OCTIP_LOCKOUT_DELAY_AFTER == FREE_TRIES

    waits = [delay_after(n) for n in range(0, 30)]
    assert waits[:5] == [timedelta(0)] * 5
    assert waits[5:9] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == timedelta(minutes=15) == waits[-1]


def test_attempts_refused_during_the_wait_neither_count_nor_extend_it(worker, settings):
    client = Client(REMOTE_ADDR=ATTACKER)
    fail(client, worker.email, FREE_TRIES)
    assert set(fail(client, worker.email, 100)) == {429}
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5
    time_passes(61)
    assert login(client, worker.email).status_code == 302


def test_hammering_from_one_client_does_not_lock_the_owner_out(worker):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    fail(attacker, worker.email, 200)
    assert login(Client(REMOTE_ADDR=OWNER), worker.email).status_code == 302


def test_the_account_locks_after_many_failures_in_all_and_its_administrators_are_told(
        worker, make_user, settings, django_capture_on_commit_callbacks):
    admins = [make_user("org_admin", organization=worker.organization) for _ in range(2)]
    make_user("org_admin")  # another organization's administrator is not told
    assert settings.AXES_FAILURE_LIMIT >= 50
    per_client = FREE_TRIES
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(settings.AXES_FAILURE_LIMIT // per_client):
            fail(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), worker.email, per_client)
    locked = login(Client(REMOTE_ADDR=OWNER), worker.email)
    assert locked.status_code == 429
    assert "Account locked" in locked.content.decode()
    event = AuditEvent.objects.get(action="auth.account_locked", target_id=str(worker.pk))
    assert event.detail["failures"] == settings.AXES_FAILURE_LIMIT
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in admins)
    assert worker.email in mail.outbox[0].body
    # the staff list shows it locked, and an unlock lets the owner in at once
    unlock_user(actor=admins[0], user=worker)
    assert login(Client(REMOTE_ADDR=OWNER), worker.email).status_code == 302


def test_the_staff_list_tells_a_clients_wait_from_a_lock_and_offers_to_lift_both(worker, make_user, client_for):
    admin = make_user("org_admin", organization=worker.organization)
    fail(Client(REMOTE_ADDR=ATTACKER), worker.email, FREE_TRIES)
    listing = client_for(admin).get("/app/staff/").content.decode()
    assert "sign-in slowed" in listing and f"Unlock {worker.email}" in listing
    for n in range(50 // FREE_TRIES):
        fail(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), worker.email, FREE_TRIES)
    listing = client_for(admin).get("/app/staff/").content.decode()
    assert ">locked<" in listing and f"Unlock {worker.email}" in listing


def test_an_unlock_also_ends_a_clients_wait(worker, make_user, settings):
    admin = make_user("org_admin", organization=worker.organization)
    client = Client(REMOTE_ADDR=OWNER)
    fail(client, worker.email, FREE_TRIES)
    assert login(client, worker.email).status_code == 429
    unlock_user(actor=admin, user=worker)
    assert login(client, worker.email).status_code == 302


def test_the_client_is_the_address_our_proxy_wrote(worker, settings):
    settings.OCTIP_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    behind_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client(**behind_proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    fail(attacker, worker.email, FREE_TRIES)
    assert login(attacker, worker.email).status_code == 429
    # A forged left-most entry buys nothing; the owner behind the same proxy is not slowed.
    assert login(Client(**behind_proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}"), worker.email).status_code == 429
    assert login(Client(**behind_proxy, HTTP_X_FORWARDED_FOR=OWNER), worker.email).status_code == 302
