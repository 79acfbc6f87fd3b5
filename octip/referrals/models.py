"""Referrals and transfers between partners, and secure exports.

A referral opens the shared sections of a case to the receiving organization (through a
``cases.CaseAccessGrant``) for as long as the referral is open and the consent it rests on stands.
A transfer moves the ownership of a case to another organization once that organization accepts.
Free text that may name a person (purpose, reasons, outcome) is encrypted at rest.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from octip.cases.models import Case
from octip.core.access import ScopedQuerySet
from octip.core.fields import EncryptedChar, EncryptedText
from octip.core.roles import Scope

TARGETS_FILE = Path(__file__).parent / "data" / "response_targets.yaml"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


@lru_cache(maxsize=1)
def response_targets() -> dict[str, int]:
    """Hours to respond, by urgency (from ``data/response_targets.yaml``)."""
    targets = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))
    missing = set(Urgency.values) - set(targets)
    if missing:
        raise ValueError(f"response_targets.yaml lacks a target for {sorted(missing)}")
    return {key: int(hours) for key, hours in targets.items()}


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent — awaiting a response")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CLOSED_WITHOUT_SERVICE = "closed_without_service", _("Closed without service")
    REVOKED = "revoked", _("Revoked by the sender")


class TransferStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("transfer status", "Sent — awaiting a response")
    ACCEPTED = "accepted", pgettext_lazy("transfer status", "Accepted")
    DECLINED = "declined", pgettext_lazy("transfer status", "Declined")
    REVOKED = "revoked", pgettext_lazy("transfer status", "Revoked by the sender")


def _own_cases(user) -> Q:
    return Case.objects.reach_q(user, through="case", grants=False)


class ReferralQuerySet(ScopedQuerySet):
    """The sender side sees referrals of cases in its own scope; the receiving organization sees
    what was sent to it."""

    view_permission = "case.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        if scope == Scope.OWN:  # a grant to the organization does not reach an own-scope role (issue 9 #4)
            return _own_cases(user)
        return _own_cases(user) | Q(to_organization_id=user.organization_id)

    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED])

    def overdue(self, at=None) -> ReferralQuerySet:
        return self.filter(status=ReferralStatus.SENT, respond_by__lt=at or timezone.now())


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey("directory.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="referrals", verbose_name=_("service"))
    from_organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("from"))
    to_organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT,
                                        related_name="referrals_received", verbose_name=_("to"))
    purpose = EncryptedText(_("purpose"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    sections = models.JSONField(_("shared sections"), default=list)
    respond_by = models.DateTimeField(_("respond by"), db_index=True)
    status = models.CharField(_("status"), max_length=30, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT, db_index=True)
    disclosure = models.ForeignKey("consent.Disclosure", on_delete=models.PROTECT, related_name="referrals")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    #: The decline reason, the outcome, the reason for closing without service, or for revoking.
    status_reason = EncryptedText(_("reason or outcome"), blank=True)
    #: When the receiver's access ended although the referral stays as it was (consent withdrawn).
    access_ended_at = models.DateTimeField(null=True, blank=True)
    access_end_cause = models.CharField(max_length=40, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    #: Not a column: ``selectors.withhold_ended_details`` sets it on a row whose sender's free text
    #: the reader no longer sees.
    details_withheld: bool = False

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        indexes = [models.Index(fields=["to_organization", "status"]),
                   # The inbox, newest first, a page at a time (``selectors.box_page``): the walk stops at
                   # the page's end instead of sorting every referral an organization ever received.
                   models.Index(fields=["to_organization", "sent_at", "id"], name="referral_inbox_order")]

    def __str__(self) -> str:
        return f"Referral {self.case_id} → {self.to_organization_id}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.SENT and self.respond_by < timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)

    @property
    def grants_access(self) -> bool:
        return self.is_open and self.access_ended_at is None

    @property
    def section_labels(self) -> str:
        from octip.consent.models import section_label

        return ", ".join(section_label(name) for name in sorted(self.sections))


class TransferQuerySet(ScopedQuerySet):
    view_permission = "case.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        if scope == Scope.OWN:  # as for referrals: the organization's traffic is not an own-scope role's
            return _own_cases(user)
        return (_own_cases(user) | Q(to_organization_id=user.organization_id)
                | Q(from_organization_id=user.organization_id))

    def overdue(self, at=None) -> TransferQuerySet:
        return self.filter(status=TransferStatus.SENT, respond_by__lt=at or timezone.now())


class Transfer(models.Model):
    """Moving a case's ownership to another organization; takes effect when the receiver accepts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers")
    from_organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT,
                                        related_name="transfers_received")
    reason = EncryptedText(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=TransferStatus.choices,
                              default=TransferStatus.SENT, db_index=True)
    disclosure = models.ForeignKey("consent.Disclosure", on_delete=models.PROTECT, related_name="transfers")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField(_("respond by"))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    status_reason = EncryptedText(_("reason"), blank=True)
    #: Sections the sending organization keeps (read only) after the move, as consent allowed.
    sender_keeps = models.JSONField(default=list, blank=True)

    objects = TransferQuerySet.as_manager()

    #: Not a column: set by ``selectors.withhold_ended_transfer_details``.
    details_withheld: bool = False

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("transfer")

    def __str__(self) -> str:
        return f"Transfer {self.case_id} → {self.to_organization_id}"

    @property
    def is_overdue(self) -> bool:
        return self.status == TransferStatus.SENT and self.respond_by < timezone.now()


class SecureExportQuerySet(ScopedQuerySet):
    view_permission = "case.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        return _own_cases(user)


class SecureExport(models.Model):
    """An encrypted ZIP of some sections of a case for an organization not on the platform. The
    password is shown once to the sender and never stored; only the archive's digest is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="secure_exports")
    # Free text that may name a person: encrypted at rest.
    recipient = EncryptedChar(_("recipient organization"), max_length=200)
    purpose = EncryptedText(_("purpose"))
    sections = models.JSONField(default=list)
    disclosure = models.ForeignKey("consent.Disclosure", on_delete=models.PROTECT, related_name="exports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    #: The AES-encrypted archive in the default storage (useless without the password).
    stored_name = models.CharField(max_length=200, unique=True)
    downloadable_until = models.DateTimeField()

    objects = SecureExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export {self.case_id} → {self.recipient}"

    @property
    def section_labels(self) -> str:
        from octip.consent.models import section_label

        return ", ".join(section_label(name) for name in sorted(self.sections))
