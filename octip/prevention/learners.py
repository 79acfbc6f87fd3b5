"""The learner's door: public accounts that only learn, kept apart from staff sign-in.

A learner's session holds ``SESSION_KEY`` (the learner's id and session generation); it never sets
``request.user``. So a learner is an anonymous visitor to every staff page (``/app/`` sends them to
the staff sign-in, which does not know their email) and to the staff API (401). Staff sign-in looks
only at ``partners.User``; learner sign-in looks only at ``Learner`` rows with a password, so neither
accepts the other's credentials.

Partner staff signed in as staff learn under a ``Learner`` profile linked to their account
(``staff_learner``), made on their first enrolment.
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth import logout
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.http import HttpRequest

from octip.core import audit
from octip.core.ratelimit import count_attempt

from .models import Learner, email_indexes

SESSION_KEY = "prevention_learner"


@lru_cache(maxsize=4)
def _dummy_hash(hasher: str) -> str:
    """A hash to compare against when the email is unknown, so that a miss takes as long as a hit."""
    return make_password("not-a-password-of-anyone", hasher=hasher)


def attempt_allowed(kind: str, indexes: list[str], client: str, *, per_email: int, per_client: int,
                    window_seconds: int = 900) -> bool:
    """Count one attempt of ``kind`` (sign-in, registration) for an email and a client address; False when
    either is over its limit. The email counts under its index of every blind-index key version, so a key
    rotation does not start a fresh allowance (a counter over its limit under any version refuses)."""
    allowed = count_attempt(f"{kind}.ip:{client}", limit=per_client, window_seconds=window_seconds)
    for index in indexes:
        allowed = count_attempt(f"{kind}:{index}", limit=per_email, window_seconds=window_seconds) and allowed
    return allowed


def authenticate(request: HttpRequest, *, email: str, password: str) -> Learner | None:
    """The self-registered learner with this email and password, or None (also when throttled)."""
    client = request.META.get("REMOTE_ADDR", "")
    indexes = email_indexes(email)
    if not attempt_allowed("prevention.signin", indexes, client, per_email=10, per_client=50):
        return None
    learner = Learner.objects.filter(email_index__in=indexes, is_active=True, staff_user__isnull=True).first()
    if learner is None or not learner.password:
        check_password(password, _dummy_hash(get_hasher().algorithm))
        return None
    if not check_password(password, learner.password):
        audit.record(None, "prevention.learner_sign_in_failed", ("prevention.learner", str(learner.pk)))
        return None
    return learner


def sign_in(request: HttpRequest, learner: Learner) -> None:
    """Start a learner session. A staff session in the same browser ends first (one or the other)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session[SESSION_KEY] = [learner.pk, learner.session_generation]
    audit.record(None, "prevention.learner_signed_in", ("prevention.learner", str(learner.pk)))


def sign_out(request: HttpRequest) -> None:
    request.session.flush()


def current_learner(request: HttpRequest) -> Learner | None:
    """The self-registered learner of this session, or the learner profile of the signed-in staff
    member (None until they first enrol)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Learner.objects.filter(staff_user=user, is_active=True).first()
    value = request.session.get(SESSION_KEY)
    if not value:
        return None
    learner = Learner.objects.filter(pk=value[0], is_active=True, staff_user__isnull=True).first()
    if learner is None or learner.session_generation != value[1]:
        return None
    return learner


def is_staff_session(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
