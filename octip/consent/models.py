"""Consent records of a person, per scope, and the disclosures made under them.

A consent is never edited: it is given (recorded) and may later be withdrawn, which takes effect at
once for every later disclosure. ``Disclosure`` keeps what was shared, with whom and on which basis,
so that withdrawing a consent can find what depended on it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core.access import ScopedQuerySet
from octip.core.fields import EncryptedChar, EncryptedText
from octip.core.interpretation import Interpretation
from octip.core.roles import Scope


class ConsentScope(models.TextChoices):
    SERVICES = "services", _("Receive services")
    SHARE_WITH_ORGANIZATION = "share_with_organization", _("Share with an organization")
    POLICE_CONTACT = "police_contact", _("Contact with police")
    DEIDENTIFIED_STATISTICS = "deidentified_statistics", _("De-identified statistics")
    CONTACT_METHOD = "contact_method", _("How to contact the person")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    NONE = "none", _("Do not contact")


class GivenBy(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("A guardian or caregiver")
    BOTH = "both", _("The person and a guardian")


CONSENT_STATUS_LABELS = {
    "active": _("active"), "withdrawn": _("withdrawn"), "expired": _("expired"),
    "not_yet_given": _("not yet in effect"),
}


class DisclosureBasis(models.TextChoices):
    CONSENT = "consent", _("The person's consent")
    DUTY_TO_REPORT_CHILD = "duty_to_report_child", _("Duty to report a child in need of protection (CFCSA s. 14)")
    COURT_ORDER = "court_order", _("Court order")
    IMMINENT_RISK_TO_LIFE = "imminent_risk_to_life", _("Imminent risk to life or safety")


def section_label(name: str) -> str:
    """The short label of a case section ("Needs assessment"), without its explanation in brackets."""
    from octip.cases.sections import SECTIONS

    return str(SECTIONS.get(name, name)).split(" (")[0]


def _cases_in_scope(user) -> Q:
    from octip.cases.models import Case  # consent may import cases, lazily: cases loads after us

    return Case.objects.reach_q(user, through="case")


class ConsentQuerySet(ScopedQuerySet["Consent"]):
    view_permission = "case.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        return _cases_in_scope(user)

    def active(self, at=None) -> ConsentQuerySet:
        """Given, not withdrawn, not expired at ``at`` (now by default)."""
        at = at or timezone.now()
        return self.filter(given_at__lte=at, withdrawn_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at))


class SharedWithRecipient:
    """How a row naming a recipient (a partner, or one off the platform named in free text) and the
    sections shared with it is shown: the same for a consent and a disclosure."""

    organization: Any
    organization_id: Any
    external_recipient: Any
    sections: Any

    @property
    def recipient_label(self) -> str:
        return self.organization.name if self.organization_id else self.external_recipient

    @property
    def section_labels(self) -> str:
        return ", ".join(section_label(name) for name in sorted(self.sections or []))


class Consent(SharedWithRecipient, Interpretation):
    """One consent of the person of a case, for one scope."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents",
                             verbose_name=_("case"))
    scope = models.CharField(_("scope"), max_length=40, choices=ConsentScope.choices)
    # share_with_organization: a partner organization, or (for a secure export) one not on the platform.
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organization"))
    # Free text that may name a person (a family doctor, a relative): encrypted at rest.
    external_recipient = EncryptedChar(_("organization not on the platform"), max_length=200, blank=True)
    # Free text a worker writes may name someone: encrypted like every such field.
    purpose = EncryptedText(_("purpose"), max_length=300, blank=True)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    # contact_method
    contact_method = models.CharField(_("contact method"), max_length=10, choices=ContactMethod.choices,
                                      blank=True)
    safe_times = EncryptedText(_("safe times to contact"), blank=True)
    # How the consent was obtained.
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices, default=GivenBy.PERSON)
    obtained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("obtained by"))
    language = models.CharField(_("language of the conversation"), max_length=60)
    interpreter_used = models.BooleanField(_("an interpreter was used"), default=False)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("withdrawal recorded by"))
    withdrawal_reason = EncryptedText(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        # The consents expiring soon (home page, the expiry warnings): in force ones only, by date.
        indexes = [models.Index(fields=["case", "scope"]),
                   models.Index(fields=["expires_at"], condition=Q(withdrawn_at__isnull=True),
                                name="consent_in_force_expiry")]
        constraints = [
            models.CheckConstraint(
                name="consent_share_names_a_recipient",
                # The name off the platform is ciphertext: only its length can be asked of the database.
                condition=~Q(scope="share_with_organization") | Q(organization__isnull=False)
                | Q(GreaterThan(Length("external_recipient"), 0)))]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.case_id})"

    def status_at(self, at=None) -> str:
        at = at or timezone.now()
        if self.withdrawn_at is not None and self.withdrawn_at <= at:
            return "withdrawn"
        if self.expires_at is not None and self.expires_at <= at:
            return "expired"
        if self.given_at > at:
            return "not_yet_given"
        return "active"

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def get_status_display(self) -> str:
        return str(CONSENT_STATUS_LABELS[self.status])


class DisclosureQuerySet(ScopedQuerySet):
    view_permission = "case.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        return _cases_in_scope(user)


class Disclosure(SharedWithRecipient, models.Model):
    """A disclosure that ``may_disclose`` allowed: to whom, what, why and on which basis.

    The written justification of a legal basis may name people, so it is encrypted and never copied
    into the audit log; the audit event points here instead.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="disclosures")
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    external_recipient = EncryptedChar(max_length=200, blank=True)  # free text that may name a person
    purpose = EncryptedText(blank=True)
    sections = models.JSONField(default=list)
    basis = models.CharField(max_length=40, choices=DisclosureBasis.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="disclosures")
    police_consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    justification = EncryptedText(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("disclosure")

    def __str__(self) -> str:
        return f"{self.basis} → {self.organization_id or self.external_recipient}"
