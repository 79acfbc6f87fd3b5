"""Who works on the platform: regions, partner organizations, their teams and staff (``User``, the
``core.access.Actor`` of every door), and personal API tokens (stored as hashes only).

A user's queryset is scoped like any protected record (``UserQuerySet.visible_to``): staff accounts are
seen within the viewer's role scope.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from octip.core.access import ScopedQuerySet, teammate_ids
from octip.core.roles import ROLE_CHOICES, Role, Scope, get_role


class Region(models.Model):
    """A region partners serve (loaded from ``partners/data/regions.yaml``)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    name_fr = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("region")

    def __str__(self) -> str:
        if get_language() == "fr" and self.name_fr:
            return self.name_fr
        return self.name


class OrganizationType(models.TextChoices):
    PROVINCIAL_MINISTRY = "provincial_ministry", _("Provincial ministry")
    FEDERAL_DEPARTMENT = "federal_department", _("Federal department")
    MUNICIPAL_GOVERNMENT = "municipal_government", _("Municipal government")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    COMMUNITY_ORGANIZATION = "community_organization", _("Community organization")
    INDIGENOUS_ORGANIZATION = "indigenous_organization", _("Indigenous organization")
    HEALTH_AUTHORITY = "health_authority", _("Health authority")
    COORDINATING_OFFICE = "coordinating_office", _("Coordinating office")


class Organization(models.Model):
    """A partner agency of the platform."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=40, choices=OrganizationType.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organizations",
                               verbose_name=_("region"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Which casework steps need a coordinator's approval (``cases.services.approvals``), chosen by the
    # organization's administrator. Closure needed one before this was a choice: it still does by default.
    requires_needs_approval = models.BooleanField(_("the needs assessment needs approval"), default=False)
    requires_plan_approval = models.BooleanField(_("the service plan needs approval"), default=False)
    requires_closure_approval = models.BooleanField(_("closing a case needs approval"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")]
        verbose_name = _("team")

    def __str__(self) -> str:
        return f"{self.organization.name} — {self.name}"


class UserQuerySet(ScopedQuerySet):
    view_permission = "user.view"

    def scope_filter(self, user: User, scope: Scope) -> Q:
        if scope == Scope.ALL:
            return Q()
        if scope == Scope.ORGANIZATION:
            return Q(organization_id=user.organization_id)
        if scope == Scope.TEAM:
            return Q(pk__in=teammate_ids(user)) | Q(pk=user.pk)
        return Q(pk=user.pk)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("role", "system_admin")
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of a partner organization's staff. Logs in by email; holds exactly one role."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="users",
                                     verbose_name=_("organization"))
    teams = models.ManyToManyField(Team, blank=True, related_name="members", verbose_name=_("teams"))
    # Blank while the account waits for a coordinator to approve its first role (see RoleGrant): no role
    # is no permission at all.
    role = models.CharField(_("role"), max_length=40, choices=ROLE_CHOICES, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin (reference data only).")
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped by "log out everywhere": it is part of the session hash, so every session ends.
    session_generation = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    @property
    def role_def(self) -> Role | None:
        return get_role(self.role)

    @property
    def requires_mfa(self) -> bool:
        role = self.role_def
        return role is None or role.requires_mfa

    def save(self, *args, **kwargs) -> None:
        """Save; when the password changed, also revoke every API token of this user.

        The revocation lives here, not in a service, because passwords change by more paths than
        ours: the Django admin and ``manage.py changepassword`` call ``set_password`` and ``save``
        directly, and a token must not outlive the password it was issued under on any of them.
        """
        password_changed = self.pk is not None and self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            # A new password (e.g. after a suspected compromise) also ends every API token.
            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(revoked_at=timezone.now())

    def get_session_auth_hash(self) -> str:
        # Deactivating the organization ends its staff's sessions too.
        active = Organization.objects.filter(pk=self.organization_id, is_active=True).exists()
        return salted_hmac("octip.partners.User.session", f"{self.password}:{self.session_generation}:{active}",
                           algorithm="sha256").hexdigest()


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random values: a fast hash is safe, and lookup is by hash.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True,
                           user__organization__is_active=True)


class ApiToken(models.Model):
    """A personal access token for the API. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    #: A role that reads no identifying data: given by the administrator alone, and recorded all the same.
    DIRECT = "direct", _("Given without approval")


class RoleGrantQuerySet(ScopedQuerySet):
    """Grants are seen by whoever sees the account (``user.view`` in the viewer's scope)."""

    view_permission = "user.view"

    def scope_filter(self, user: User, scope: Scope) -> Q:
        return Q(account__in=User.objects.visible_to(user))


class RoleGrant(models.Model):
    """One role given, or asked for, by an administrator for a staff account.

    A role that reads identifying data is a request (``pending``) until a second person, a coordinator of
    the account's organization or of the coordinating office who neither asked for it nor is its subject,
    approves it; until then the account keeps the role it had (a new account has none). Every grant, asked
    for or given at once, is a row here and an email to the auditors.
    """

    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants",
                                verbose_name=_("account"))
    role = models.CharField(_("role"), max_length=40, choices=ROLE_CHOICES)
    previous_role = models.CharField(_("previous role"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RoleGrantStatus.choices,
                              default=RoleGrantStatus.PENDING)
    # None: given on the server's command line (``manage.py grant_role``), e.g. the first coordinator.
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="role_grants_requested", verbose_name=_("asked by"))
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="role_grants_decided", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("reason"), max_length=500, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["account"], condition=Q(status="pending"),
                                               name="role_grant_one_pending_per_account")]
        verbose_name = _("role grant")

    def __str__(self) -> str:
        return f"{self.account} → {self.role} ({self.status})"

    @property
    def role_def(self) -> Role | None:
        return get_role(self.role)


# --- MFA secrets, encrypted at rest ------------------------------------------------------------
# django-otp keeps a TOTP secret (``TOTPDevice.key``) and recovery codes (``StaticToken.token``) in
# clear columns: whoever reads the database, or a backup of it, could make anyone's second factor.
# These devices are django-otp's TOTP and static devices with the secret in an encrypted column
# (octip/core/fields.py); the behaviour (drift, throttling, one use per code) is django-otp's own.
# Migration 0004_sealed_mfa_devices moved the existing rows here and deleted the clear ones.

from django_otp.models import Device, ThrottlingMixin, TimestampMixin  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key  # noqa: E402

from octip.core.fields import EncryptedChar  # noqa: E402


class SealedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) whose secret is encrypted at rest."""

    key = EncryptedChar(max_length=80, default=default_key, help_text="A hex-encoded secret key, encrypted.")
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "authenticator (TOTP)"

    # django-otp's TOTP device logic: it reads ``self.key`` (decrypted on load).
    bin_key = TOTPDevice.bin_key
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    def verify_token(self, token: str) -> bool:
        """django-otp's check (tolerance, drift, one use per time step, throttling), with the time step
        claimed by a conditional UPDATE: the same code sent twice at the same moment signs in once."""
        import time

        from django.conf import settings
        from django_otp.oath import TOTP

        if not self.verify_is_allowed()[0]:
            return False
        try:
            code = int(token)
        except (TypeError, ValueError):
            self._count_failure()
            return False
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        verified = totp.verify(code, self.tolerance, self.last_t + 1)
        if verified:
            drift = totp.drift if getattr(settings, "OTP_TOTP_SYNC", True) else self.drift
            verified = SealedTOTPDevice.objects.filter(pk=self.pk, last_t__lt=totp.t()).update(
                last_t=totp.t(), drift=drift, throttling_failure_count=0, throttling_failure_timestamp=None,
                last_used_at=timezone.now()) == 1
            if verified:
                self.last_t, self.drift = totp.t(), drift
                self.throttling_failure_count, self.throttling_failure_timestamp = 0, None
        if not verified:
            self._count_failure()
        return verified

    def _count_failure(self) -> None:
        # Only the throttling columns: a full save() would write back a stale last_t and reopen the step.
        now = timezone.now()
        SealedTOTPDevice.objects.filter(pk=self.pk).update(
            throttling_failure_count=models.F("throttling_failure_count") + 1, throttling_failure_timestamp=now)
        self.throttling_failure_count += 1
        self.throttling_failure_timestamp = now


class SealedStaticDevice(TimestampMixin, ThrottlingMixin, Device):
    """A user's single-use recovery codes, each encrypted at rest."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def get_throttle_factor(self) -> int:
        from django.conf import settings

        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token: str) -> bool:
        """Whether ``token`` is one of the codes; a code that matches is used up (deleted) at once, and
        only one of two requests using the same code at the same moment succeeds."""
        import hmac

        allowed, _detail = self.verify_is_allowed()
        if not allowed:
            return False
        given = str(token).strip().lower()
        match = next((row for row in self.token_set.all() if hmac.compare_digest(row.token.lower(), given)), None)
        used = match is not None and SealedStaticToken.objects.filter(pk=match.pk).delete()[0] == 1
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return used


class SealedStaticToken(models.Model):
    device = models.ForeignKey(SealedStaticDevice, related_name="token_set", on_delete=models.CASCADE)
    token = EncryptedChar(max_length=16)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"  # never the code
