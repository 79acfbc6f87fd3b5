"""Writes about partner staff: accounts, unlocks, sessions, API tokens and MFA devices."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from octip.core import audit
from octip.core.access import require
from octip.core.roles import ROLES

from .models import ApiToken, Organization, Team, User, hash_token

RECOVERY_CODE_COUNT = 10
#: Roles an organization administrator may give; the office-wide roles are given by a system admin.
ORG_ADMIN_ASSIGNABLE = frozenset(ROLES) - {"system_admin", "auditor", "coordinator"}


class RoleNotAssignable(ValidationError):
    pass


def _check_assignment(actor: User, organization: Organization, role: str, teams: list[Team]) -> None:
    if role not in ROLES:
        raise ValidationError({"role": _("Unknown role.")})
    if actor.role != "system_admin":
        if organization.pk != actor.organization_id:
            raise ValidationError({"organization": _("You can manage accounts of your own organization only.")})
        if role not in ORG_ADMIN_ASSIGNABLE:
            raise RoleNotAssignable({"role": _("Only a system administrator can give this role.")})
    if any(team.organization_id != organization.pk for team in teams):
        raise ValidationError({"teams": _("Teams must belong to the account's organization.")})


@transaction.atomic
def create_user(*, actor: User, email: str, full_name: str, organization: Organization, role: str,
                teams: list[Team] | None = None, password: str | None = None) -> User:
    """Create a staff account. An org_admin may create accounts in their own organization only, and
    not with office-wide roles. Without a password the account must set one by reset email."""
    require(actor, "user.manage")
    teams = list(teams or [])
    _check_assignment(actor, organization, role, teams)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this email already exists.")})
    user = User(email=email, full_name=full_name.strip(), organization=organization, role=role)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.teams.set(teams)
    audit.record(actor, "user.created", user, detail={"role": role, "organization_id": organization.pk})
    return user


@transaction.atomic
def update_user(*, actor: User, user: User, role: str, teams: list[Team], is_active: bool) -> User:
    """Change an account's role, teams or active flag (within the actor's scope)."""
    require(actor, "user.manage", user)
    if actor.role != "system_admin" and user.role not in ORG_ADMIN_ASSIGNABLE:
        raise RoleNotAssignable(_("Only a system administrator can change an account with this role."))
    _check_assignment(actor, user.organization, role, teams)
    if user.pk == actor.pk and (role != actor.role or not is_active):
        raise ValidationError(_("You cannot change your own role or deactivate yourself."))
    before = {"role": user.role, "is_active": user.is_active, "teams": sorted(t.pk for t in user.teams.all())}
    user.role, user.is_active = role, is_active
    if not is_active:
        user.session_generation += 1  # a deactivated account loses its sessions and tokens at once
        revoke_all_api_tokens(user)
    user.save(update_fields=["role", "is_active", "session_generation"])
    user.teams.set(teams)
    audit.record(actor, "user.updated", user, detail={
        "before": before, "after": {"role": role, "is_active": is_active, "teams": sorted(t.pk for t in teams)}})
    return user


def unlock_user(*, actor: User, user: User) -> None:
    """Lift a lockout after repeated failed logins."""
    require(actor, "user.unlock", user)
    axes_reset(username=user.email.lower())
    audit.record(actor, "user.unlocked", user)


@transaction.atomic
def log_out_everywhere(*, actor: User) -> None:
    """End every session of the actor, on every device, this one included."""
    User.objects.filter(pk=actor.pk).update(session_generation=actor.session_generation + 1)
    actor.session_generation += 1
    revoked = revoke_all_api_tokens(actor)
    audit.record(actor, "auth.logout_everywhere", actor, detail={"tokens_revoked": revoked})


@transaction.atomic
def create_api_token(*, actor: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a personal access token; returns the row and the raw token, which is never stored."""
    require(actor, "token.create")
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    days = days if days is not None else settings.OCTIP_API_TOKEN_DAYS
    if not 1 <= days <= 366:
        raise ValidationError({"days": _("A token lasts between 1 and 366 days.")})
    raw = "octip_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name, prefix=raw[:12], token_hash=hash_token(raw),
                                    expires_at=timezone.now() + timedelta(days=days))
    audit.record(actor, "token.created", token, detail={"name": name, "days": days})
    return token, raw


def revoke_all_api_tokens(user: User) -> int:
    """Revoke every live token of ``user`` (on "log out everywhere", a password change, deactivation)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_api_token(*, actor: User, token: ApiToken) -> None:
    """Revoke one of the actor's own tokens (it stops working at once)."""
    if token.user_id != actor.pk:
        require(actor, "user.manage", token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoked", token)


def authenticate_token(raw: str) -> User | None:
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- MFA -------------------------------------------------------------------------------------

def start_totp_enrolment(*, actor: User) -> TOTPDevice:
    """Create a new, unconfirmed authenticator for the actor (replacing any earlier unconfirmed one).
    The confirmed one, if any, keeps working until the new one is confirmed."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)


def pending_totp_device(actor: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-id").first()


def manual_key(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def confirm_totp_enrolment(*, actor: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the new authenticator with a code from it. On success the old authenticator is
    removed, 10 new single-use recovery codes replace the old ones and are returned (to show
    once). A wrong code returns None and changes nothing."""
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationError(_("This enrolment is no longer valid; start again."))
    if not device.verify_token(code.strip().replace(" ", "")):
        audit.record(actor, "mfa.enrolment_failed", actor)
        return None
    replaced = TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk)
    re_enrolment = replaced.exists()
    replaced.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(actor)
    audit.record(actor, "mfa.reenrolled" if re_enrolment else "mfa.enrolled", actor)
    return codes


def _new_recovery_codes(actor: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=actor, name="recovery",
                                                          defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, actor: User) -> list[str]:
    """Replace the actor's recovery codes with 10 new ones (the old ones stop working)."""
    codes = _new_recovery_codes(actor)
    audit.record(actor, "mfa.recovery_codes_regenerated", actor)
    return codes


def has_confirmed_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verify_second_factor(*, actor: User, code: str) -> TOTPDevice | StaticDevice | None:
    """Check a code from the authenticator or a recovery code (which is used up).
    Returns the matching device, or None; either way the attempt is audited."""
    code = code.strip().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=actor, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            audit.record(actor, "mfa.verified", actor, detail={"method": "totp"})
            return device
    for device in StaticDevice.objects.filter(user=actor, confirmed=True):
        if device.verify_token(code):
            audit.record(actor, "mfa.verified", actor, detail={
                "method": "recovery_code", "recovery_codes_left": device.token_set.count()})
            return device
    audit.record(actor, "mfa.failed", actor)
    return None
