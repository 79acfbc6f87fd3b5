"""Writes about partner staff: accounts, role grants and their approval, password links, unlocks,
sessions, API tokens and MFA devices."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticToken

from octip.core import audit
from octip.core.access import AccessDenied, allows, require
from octip.core.roles import ROLES

from .mailbox import mailbox
from .models import (
    ApiToken,
    Organization,
    OrganizationType,
    RoleGrant,
    RoleGrantStatus,
    SealedStaticToken,
    Team,
    User,
    hash_token,
)
from .models import SealedStaticDevice as StaticDevice
from .models import SealedTOTPDevice as TOTPDevice

RECOVERY_CODE_COUNT = 10
#: Roles an organization administrator may give; the office-wide roles are given by a system admin.
ORG_ADMIN_ASSIGNABLE = frozenset(ROLES) - {"system_admin", "auditor", "coordinator"}
#: Permissions that read identifying data: of a person (case fields, exports, emergency access, police and
#: proceedings records) or of whoever called the 24/7 line. A role holding any of them is given only with
#: a second person's approval (``roles_needing_approval``).
IDENTIFYING_READS = frozenset({"case.view_identifying", "case.export_identifying", "case.break_glass",
                               "hotline.view", "justice.view"})


class RoleNotAssignable(ValidationError):
    pass


def roles_needing_approval() -> frozenset[str]:
    """The roles (from the role table, ``core/roles.py``) that read identifying data."""
    return frozenset(role.id for role in ROLES.values() if role.permissions & IDENTIFYING_READS)


def _holders_of(permission: str) -> list[str]:
    return [role.id for role in ROLES.values() if permission in role.permissions]


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


def _check_address(actor: User, email: str) -> None:
    """Refuse an address that reaches the administrator's own mailbox or another account's."""
    box = mailbox(email)
    if box == mailbox(actor.email):
        raise ValidationError({"email": _(
            "This address reaches your own mailbox. An account belongs to the person who will use it: "
            "use their own address.")})
    # The staff table is small and accounts are created rarely: comparing every mailbox is cheap.
    if any(mailbox(other) == box for other in User.objects.values_list("email", flat=True).iterator()):
        raise ValidationError({"email": _("An account with this email address, or another spelling of it, "
                                          "already exists.")})


@transaction.atomic
def create_user(*, actor: User, email: str, full_name: str, organization: Organization, role: str,
                teams: list[Team] | None = None) -> User:
    """Create a staff account, without a password: the person chooses one from a link sent to their own
    address. An org_admin creates accounts in their own organization only, and not with office-wide roles.
    A role that reads identifying data is asked for, not given: the account holds no role until a
    coordinator approves (``approve_role_grant``)."""
    require(actor, "user.manage")
    teams = list(teams or [])
    _check_assignment(actor, organization, role, teams)
    email = email.strip().lower()
    _check_address(actor, email)
    user = User(email=email, full_name=full_name.strip(), organization=organization, role="")
    user.set_unusable_password()
    user.save()
    user.teams.set(teams)
    audit.record(actor, "user.created", user, detail={
        "role": role, "organization_id": organization.pk, "role_pending": role in roles_needing_approval()})
    _give_or_ask(actor=actor, account=user, role=role)
    return user


@transaction.atomic
def update_user(*, actor: User, user: User, role: str, teams: list[Team], is_active: bool) -> User:
    """Change an account's role, teams or active flag (within the actor's scope). A role that reads
    identifying data is asked for and waits for a coordinator; choosing another role withdraws a request
    still waiting."""
    require(actor, "user.manage", user)
    pending = pending_role_grant(user)
    held = {user.role, pending.role if pending else ""} - {""}
    if actor.role != "system_admin" and held - ORG_ADMIN_ASSIGNABLE:
        raise RoleNotAssignable(_("Only a system administrator can change an account with this role."))
    _check_assignment(actor, user.organization, role, teams)
    if user.pk == actor.pk and (role != actor.role or not is_active):
        raise ValidationError(_("You cannot change your own role or deactivate yourself."))
    before = {"role": user.role, "is_active": user.is_active, "teams": sorted(t.pk for t in user.teams.all())}
    if pending is not None and pending.role != role:
        _withdraw(actor=actor, grant=pending)
        pending = None
    user.is_active = is_active
    if not is_active:
        user.session_generation += 1  # a deactivated account loses its sessions and tokens at once
        revoke_all_api_tokens(user)
    user.save(update_fields=["is_active", "session_generation"])
    user.teams.set(teams)
    if role != user.role and pending is None:
        _give_or_ask(actor=actor, account=user, role=role)
    audit.record(actor, "user.updated", user, detail={
        "before": before, "after": {"role": user.role, "is_active": is_active, "teams": sorted(t.pk for t in teams)},
        "role_requested": role if role != user.role else None})
    return user


def pending_role_grant(account: User) -> RoleGrant | None:
    return RoleGrant.objects.filter(account=account, status=RoleGrantStatus.PENDING).first()


def _give_or_ask(*, actor: User | None, account: User, role: str) -> RoleGrant:
    previous = account.role
    if role in roles_needing_approval() and actor is not None:
        grant = RoleGrant.objects.create(account=account, role=role, previous_role=previous, requested_by=actor)
        audit.record(actor, "user.role_requested", account, detail={
            "role": role, "previous_role": previous, "grant_id": grant.pk})
        _tell_about(grant, approvers=True)
        return grant
    account.role = role
    account.save(update_fields=["role"])
    grant = RoleGrant.objects.create(account=account, role=role, previous_role=previous, requested_by=actor,
                                     status=RoleGrantStatus.DIRECT, decided_by=actor, decided_at=timezone.now())
    _tell_about(grant)
    return grant


def _withdraw(*, actor: User, grant: RoleGrant) -> None:
    grant.status, grant.decided_by, grant.decided_at = RoleGrantStatus.WITHDRAWN, actor, timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(actor, "user.role_withdrawn", grant.account, detail={"role": grant.role, "grant_id": grant.pk})


@transaction.atomic
def request_role_grant(*, actor: User, account: User, role: str) -> RoleGrant:
    """Give ``account`` the role ``role``, or ask for it when it reads identifying data (see ``update_user``,
    which keeps the account's teams and active flag as they are here)."""
    update_user(actor=actor, user=account, role=role, teams=list(account.teams.all()), is_active=account.is_active)
    return RoleGrant.objects.filter(account=account).latest("requested_at", "pk")


def may_decide(actor: User, grant: RoleGrant) -> bool:
    """True when ``actor`` may approve or refuse ``grant``: a second person holding ``user.approve_role``
    (a coordinator) of the account's organization or of the coordinating office, who neither asked for the
    role nor is the account it is for."""
    account = grant.account
    if not allows(actor, "user.approve_role", account) or actor.pk in {grant.requested_by_id, account.pk}:
        return False
    return (actor.organization_id == account.organization_id
            or actor.organization.type == OrganizationType.COORDINATING_OFFICE)


def _decidable(actor: User, grant: RoleGrant) -> RoleGrant:
    locked = RoleGrant.objects.select_for_update().select_related("account__organization").get(pk=grant.pk)
    if not may_decide(actor, locked):
        audit.record_denial(actor, "user.approve_role", locked.account)
        raise AccessDenied("user.approve_role", _(
            "Only a coordinator of the account's organization or of the coordinating office, other than "
            "the person who asked and the account itself, can decide this request."))
    if locked.status != RoleGrantStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    return locked


@transaction.atomic
def approve_role_grant(*, actor: User, grant: RoleGrant) -> User:
    """Approve a role request: the account holds the role from now on. Raises AccessDenied unless
    ``may_decide``, and ValidationError when the request is no longer waiting."""
    grant = _decidable(actor, grant)
    account = grant.account
    account.role = grant.role
    account.save(update_fields=["role"])
    grant.status, grant.decided_by, grant.decided_at = RoleGrantStatus.APPROVED, actor, timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(actor, "user.role_granted", account, detail={
        "role": grant.role, "previous_role": grant.previous_role, "requested_by": grant.requested_by_id,
        "grant_id": grant.pk})
    _tell_about(grant)
    return account


@transaction.atomic
def refuse_role_grant(*, actor: User, grant: RoleGrant, reason: str = "") -> None:
    """Refuse a role request: the account keeps the role it had (a new account, none)."""
    grant = _decidable(actor, grant)
    grant.status, grant.decided_by, grant.decided_at = RoleGrantStatus.REFUSED, actor, timezone.now()
    grant.note = reason.strip()[:500]
    grant.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit.record(actor, "user.role_refused", grant.account, detail={
        "role": grant.role, "requested_by": grant.requested_by_id, "grant_id": grant.pk})
    _tell_about(grant)


@transaction.atomic
def grant_role_from_command_line(*, account: User, role: str) -> RoleGrant:
    """Give a role from the server's command line (``manage.py grant_role``): how the first coordinator of
    a new installation gets theirs, since nobody could approve it. Shell access is already beyond every
    door of the platform; the grant is audited and the auditors are told all the same."""
    if role not in ROLES:
        raise ValidationError({"role": _("Unknown role.")})
    previous = pending_role_grant(account)
    if previous is not None:
        previous.status, previous.decided_at = RoleGrantStatus.WITHDRAWN, timezone.now()
        previous.save(update_fields=["status", "decided_at"])
    grant = _give_or_ask(actor=None, account=account, role=role)
    audit.record(None, "user.role_given_on_command_line", account, detail={"role": role, "grant_id": grant.pk})
    return grant


def _absolute(path: str) -> str:
    # OCTIP_SITE_URL (e.g. https://octip.example.ca) makes links in emails absolute.
    return settings.OCTIP_SITE_URL.rstrip("/") + path


def _active_holders(permission: str) -> QuerySet[User]:
    return User.objects.filter(role__in=_holders_of(permission), is_active=True, organization__is_active=True)


def _tell_about(grant: RoleGrant, *, approvers: bool = False) -> None:
    """Email every auditor about a grant (and, for a new request, the coordinators who may decide it) once
    the transaction commits. Auditors read the audit log, but a role given by one person to an account
    they may control is what they must hear of without looking: hence an email, not only an event."""
    account, role = grant.account, grant.role_def
    names = {"account": account.full_name, "email": account.email, "organization": account.organization.name,
             "role": role.label if role else grant.role,
             "requester": grant.requested_by.email if grant.requested_by else _("the server's command line"),
             "decider": grant.decided_by.email if grant.decided_by else ""}
    text = {
        RoleGrantStatus.PENDING: _("%(requester)s asked to give the role %(role)s to %(account)s (%(email)s) at "
                                   "%(organization)s. This role reads identifying data: it takes effect only "
                                   "when a coordinator approves it."),
        RoleGrantStatus.DIRECT: _("%(requester)s gave the role %(role)s to %(account)s (%(email)s) at "
                                  "%(organization)s."),
        RoleGrantStatus.APPROVED: _("%(decider)s approved the role %(role)s for %(account)s (%(email)s) at "
                                    "%(organization)s, asked for by %(requester)s."),
        RoleGrantStatus.REFUSED: _("%(decider)s refused the role %(role)s for %(account)s (%(email)s) at "
                                   "%(organization)s, asked for by %(requester)s."),
    }[RoleGrantStatus(grant.status)] % names
    body = text + "\n\n" + _("Role requests: %(link)s") % {"link": _absolute(reverse("app:role_grants"))}
    subject = _("[OCTIP] Role %(role)s for %(email)s") % names
    auditors = sorted({u.email for u in _active_holders("audit.view")})
    messages = [(subject, body, auditors)] if auditors else []
    if approvers:
        deciders = sorted({u.email for u in _active_holders("user.approve_role").select_related("organization")
                           if may_decide(u, grant)} - set(auditors))
        if deciders:
            ask = _("Approve it only if you know this person needs this role and the address is theirs: the "
                    "account's password link goes to that address.")
            messages.append((_("[OCTIP] Role request waiting for your approval"), f"{text}\n\n{ask}\n\n"
                             + _("Role requests: %(link)s") % {"link": _absolute(reverse("app:role_grants"))},
                             deciders))

    def send() -> None:
        for subject_line, message, recipients in messages:
            send_mail(subject_line, message, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)

    if messages:
        transaction.on_commit(send)


# --- sign-in: password links and lockouts ------------------------------------------------------

def send_password_link(*, actor: User, account: User, domain: str, use_https: bool) -> None:
    """Email ``account`` a link to choose a new password, at the address on file: never at an address the
    administrator gives, and the link is never shown to the administrator."""
    require(actor, "user.manage", account)
    if not account.is_active:
        raise ValidationError(_("This account is inactive: make it active first."))
    context = {"email": account.email, "domain": domain, "site_name": domain, "user": account,
               "uid": urlsafe_base64_encode(force_bytes(account.pk)),
               "token": default_token_generator.make_token(account), "protocol": "https" if use_https else "http"}
    subject = "".join(render_to_string("accounts/password_reset_subject.txt", context).splitlines())
    body = render_to_string("accounts/password_reset_email.txt", context)
    to = account.email
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True))
    audit.record(actor, "user.password_link_sent", account)


def unlock_user(*, actor: User, user: User) -> None:
    """Lift a lockout after repeated failed logins (and every client's wait for this account)."""
    require(actor, "user.unlock", user)
    axes_reset(username=user.email.lower())
    audit.record(actor, "user.unlocked", user)


def alert_account_locked(*, email: str, failures: int | None) -> None:
    """An account reached the hard sign-in limit: audit it and email who can unlock it: the
    administrators of its organization, or the platform's system administrators when it has none."""
    account = User.objects.filter(email=email).select_related("organization").first()
    if account is None:
        return  # no such account: nothing to unlock, nobody to tell (the attempt itself is audited)
    unlockers = _active_holders("user.unlock").exclude(pk=account.pk)
    recipients = sorted(u.email for u in unlockers.filter(organization=account.organization_id)) or sorted(
        u.email for u in unlockers if (role := u.role_def) is not None and role.scope == "all")
    audit.record(None, "auth.account_locked", account, detail={
        "failures": failures, "administrators_told": len(recipients)})
    if not recipients:
        return
    names = {"account": account.full_name, "email": account.email, "count": failures or 0,
             "hours": settings.AXES_COOLOFF_TIME}
    body = _("The account of %(account)s (%(email)s) was locked after %(count)s failed sign-in attempts, from "
             "several places. It stays locked for %(hours)s hour(s) unless you unlock it. If the person did not "
             "make these attempts, someone may be trying to get in: ask them, and tell the coordinating "
             "office.") % names
    body += "\n\n" + _("Staff accounts: %(link)s") % {"link": _absolute(reverse("app:staff_list"))}
    subject = _("[OCTIP] Account locked: %(email)s") % names
    transaction.on_commit(lambda: [send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True)
                                   for to in recipients])


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
    # Each code encrypted at rest (SealedStaticToken.token).
    SealedStaticToken.objects.bulk_create(SealedStaticToken(device=device, token=code) for code in codes)
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


#: What ``set_required_approvals`` sets: the ``cases`` subject of each ``Organization`` field.
APPROVAL_SETTINGS = {"needs_assessment": "requires_needs_approval", "service_plan": "requires_plan_approval",
                     "closure": "requires_closure_approval"}


@transaction.atomic
def set_required_approvals(*, actor: User, organization: Organization, required: dict[str, bool]) -> Organization:
    """The organization administrator chooses which casework steps of their own organization need a
    coordinator's approval (``required``: subject → bool, for the subjects of ``APPROVAL_SETTINGS``).
    A request already waiting is not withdrawn: it is decided as it was asked. Audited, before and after."""
    require(actor, "organization.set_approvals")
    if organization.pk != actor.organization_id:
        raise AccessDenied("organization.set_approvals")
    unknown = set(required) - set(APPROVAL_SETTINGS)
    if unknown:
        raise ValidationError(_("Unknown casework step: %(steps)s.") % {"steps": ", ".join(sorted(unknown))})
    before = {subject: getattr(organization, field) for subject, field in APPROVAL_SETTINGS.items()}
    after = {subject: bool(required.get(subject, before[subject])) for subject in APPROVAL_SETTINGS}
    for subject, field in APPROVAL_SETTINGS.items():
        setattr(organization, field, after[subject])
    organization.save(update_fields=list(APPROVAL_SETTINGS.values()))
    audit.record(actor, "organization.approvals_set", organization, detail={"before": before, "after": after})
    return organization
