"""Sign-in, lockout, MFA enforcement, sessions and password reset, as a person would meet them."""

import pytest
from django.core import mail
from django.test import Client

from octip.core.models import AuditEvent
from octip.partners.models import SealedTOTPDevice as TOTPDevice
from octip.partners.services import regenerate_recovery_codes, unlock_user
from tests.factories import PASSWORD, confirmed_totp, totp_code


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_successful_login_is_audited_and_leads_to_mfa_enrolment(make_user):
    user = make_user("caseworker")
    client = Client()
    response = login(client, user.email)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor_id=user.pk).exists()
    # MFA is enforced: every staff page sends the user to enrolment first
    response = client.get("/app/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/enrol/")


def test_login_is_case_insensitive_on_email(make_user):
    user = make_user("caseworker")
    assert login(Client(), user.email.upper()).status_code == 302


def test_failed_login_is_audited_without_what_was_typed(make_user):
    user = make_user("caseworker")
    response = login(Client(), user.email, "wrong-password-typed")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert event.target_id == str(user.pk)
    assert "wrong-password-typed" not in str(event.detail)


def test_lockout_after_repeated_failures_and_org_admin_unlock(make_user, settings):
    user = make_user("caseworker")
    admin = make_user("org_admin", organization=user.organization)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.email, "not-the-password")
    response = login(client, user.email)  # even the right password is refused now
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    unlock_user(actor=admin, user=user)
    assert AuditEvent.objects.filter(action="user.unlocked", target_id=str(user.pk)).exists()
    assert login(client, user.email).status_code == 302


def test_mfa_verification_with_totp_and_wrong_code(make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a failure; not under test here
    user = make_user("coordinator")
    device = confirmed_totp(user)
    client = Client()
    login(client, user.email)
    assert client.get("/app/")["Location"].startswith("/accounts/mfa/verify/")
    bad = client.post("/accounts/mfa/verify/", {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert bad.status_code == 400
    assert AuditEvent.objects.filter(action="mfa.failed", actor_id=user.pk).exists()
    good = client.post("/accounts/mfa/verify/", {"code": totp_code(device)})
    assert good.status_code == 302
    assert client.get("/app/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.verified", actor_id=user.pk).exists()


def test_recovery_codes_are_single_use(make_user):
    user = make_user("coordinator")
    confirmed_totp(user)
    codes = regenerate_recovery_codes(actor=user)
    assert len(codes) == 10 and len(set(codes)) == 10
    first = Client()
    login(first, user.email)
    assert first.post("/accounts/mfa/verify/", {"code": codes[0]}).status_code == 302
    second = Client()
    login(second, user.email)
    assert second.post("/accounts/mfa/verify/", {"code": codes[0]}).status_code == 400


def test_enrolment_confirms_a_device_and_re_enrolment_replaces_it(make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user("caseworker")
    client = Client()
    login(client, user.email)
    page = client.get("/accounts/mfa/enrol/")
    assert page.status_code == 200
    assert b"<svg" in page.content  # the QR code, inline (no external image service)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/accounts/mfa/enrol/", {"code": "12345x"}).status_code == 400
    response = client.post("/accounts/mfa/enrol/", {"code": totp_code(device)})
    assert response.status_code == 200 and response.content.count(b"<li><code>") == 10
    assert client.get("/app/").status_code == 200
    # re-enrol: a new device, the old one removed once the new one is confirmed
    client.get("/accounts/mfa/enrol/")
    new_device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    client.post("/accounts/mfa/enrol/", {"code": totp_code(new_device)})
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [new_device]
    assert AuditEvent.objects.filter(action="mfa.reenrolled", actor_id=user.pk).exists()


def test_re_enrolment_needs_a_verified_session(make_user):
    user = make_user("caseworker")
    confirmed_totp(user)
    client = Client()
    login(client, user.email)
    response = client.get("/accounts/mfa/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/verify/")


def test_mfa_not_required_when_switched_off(make_user, settings):
    settings.OCTIP_REQUIRE_MFA = False
    user = make_user("caseworker")
    client = Client()
    login(client, user.email)
    assert client.get("/app/").status_code == 200


def test_roles_without_identifying_data_do_not_need_mfa(make_user):
    user = make_user("analyst")
    client = Client()
    login(client, user.email)
    assert client.get("/app/").status_code == 200


def test_session_expires_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == settings.OCTIP_SESSION_IDLE_MINUTES * 60 == 30 * 60
    # Renewed at most once a minute by SessionIdleRenewalMiddleware, not written on every request.
    assert settings.OCTIP_SESSION_RENEW_SECONDS == 60
    assert "octip.core.middleware.SessionIdleRenewalMiddleware" in settings.MIDDLEWARE


def test_a_session_in_use_is_renewed_once_a_minute_not_on_every_request(make_user, client_for):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from octip.core.middleware import SessionIdleRenewalMiddleware

    user = make_user("caseworker")
    client = client_for(user)
    assert client.get("/app/").status_code == 200
    session = Session.objects.get()
    first_expiry = session.expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/app/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]
                and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert Session.objects.get().expire_date == first_expiry
    # A minute later the session in use is saved again, with a fresh expiry.
    data = session.get_decoded()
    data[SessionIdleRenewalMiddleware.KEY] -= 61
    Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))
    assert client.get("/app/").status_code == 200
    renewed = Session.objects.get()
    assert renewed.expire_date > first_expiry
    assert renewed.get_decoded()[SessionIdleRenewalMiddleware.KEY] > data[SessionIdleRenewalMiddleware.KEY]
    assert renewed.expire_date - timedelta(minutes=29) > first_expiry - timedelta(minutes=30)


def test_idle_session_is_refused(make_user, client_for):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user = make_user("caseworker")
    client = client_for(user)
    assert client.get("/app/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/app/").status_code == 302


def test_log_out_everywhere_ends_every_session(make_user, client_for):
    user = make_user("caseworker")
    laptop, phone = client_for(user), client_for(user)
    assert laptop.get("/app/").status_code == 200 and phone.get("/app/").status_code == 200
    assert phone.post("/accounts/logout/everywhere/").status_code == 302
    assert laptop.get("/app/").status_code == 302
    assert phone.get("/app/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout_everywhere", actor_id=user.pk).exists()


def test_password_reset_by_email(make_user):
    user = make_user("caseworker")
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    page = client.get(path, follow=True)
    assert page.status_code == 200
    form_path = page.redirect_chain[-1][0]
    too_short = client.post(form_path, {"new_password1": "short", "new_password2": "short"})
    assert too_short.status_code == 200 and "at least 12 characters" in too_short.content.decode()
    new = "a-brand-new-passphrase"
    done = client.post(form_path, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert login(Client(), user.email, "a-brand-new-passphrase").status_code == 302


def test_password_validators_require_twelve_characters(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Short1!")
    validate_password("a-long-enough-passphrase")


def test_passwords_are_hashed_with_argon2(make_user, settings):
    from octip import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the tests' fast hasher off
    assert make_user("caseworker").password.startswith("argon2")


def test_repeated_wrong_codes_are_throttled(make_user):
    user = make_user("coordinator")
    device = confirmed_totp(user)
    client = Client()
    login(client, user.email)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    client.post("/accounts/mfa/verify/", {"code": wrong})
    # right after a failure even the right code is refused: guessing 10^6 codes is not practical
    assert client.post("/accounts/mfa/verify/", {"code": totp_code(device)}).status_code == 400


def test_changing_the_case_of_the_email_buys_no_extra_attempts(make_user, settings):
    user = make_user("caseworker")
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        variant = user.email.upper() if i % 2 else user.email
        login(client, variant, "not-the-password")
    assert login(client, user.email).status_code == 429


def test_look_alike_spellings_of_a_locked_address_do_not_get_in(make_user, settings):
    # On PostgreSQL UPPER('ı') = 'I': "mınistry" reaches the account "ministry". Whatever spelling the
    # database folds onto the account counts against the same lockout.
    user = make_user("caseworker", email="victim@ministry.octip.invalid")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.email, "not-the-password")
    for variant in ("victim@mınistry.octip.invalid", "VICTIM@MINISTRY.OCTIP.INVALID", "victim@minıstry.octip.invalid"):
        assert login(Client(), variant).status_code != 302, variant
