"""Notifications to staff: one row per recipient and event, with a unique key that makes every
sender idempotent, and each person's choice of how each kind reaches them.

A notification's words are a message id and plain parameters (a case number, an organization's
name, a date, a link), rendered when read in the reader's language. It never holds a name, a date
of birth, a phone, an address or free text: it is stored in the clear and leaves by email.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a person sets a preference on. A notification's ``kind`` is one of these or, for the
    events of a referral or transfer, a sub-kind such as ``referral.overdue`` (see ``kind_of``)."""

    CASE_ASSIGNED = "case.assigned", _("A case is assigned to me")
    TASK_ASSIGNED = "task.assigned", _("A task is assigned to me")
    TASK_DUE = "task.due", _("A task of mine is due")
    TASK_OVERDUE = "task.overdue", _("A task of mine is overdue")
    CLOSURE_REQUESTED = "closure.requested", _("A closure is requested")
    CLOSURE_DECIDED = "closure.decided", _("A closure I requested is decided")
    DUTY_TO_REPORT = "youth.duty_to_report", _("A duty to report is outstanding")
    CONSENT_EXPIRING = "consent.expiring", _("A consent is about to expire")
    REFERRAL = "referral", _("Referral events")
    TRANSFER = "transfer", _("Transfer events")
    EMERGENCY_ACCESS = "emergency_access.used", _("Emergency access was used")
    EMERGENCY_CONTACT = "hotline.emergency", _("An emergency 24/7 contact")
    DEADLINE = "deadline.approaching", _("A deadline is approaching")
    APPROVAL_REQUESTED = "approval.requested", _("A needs assessment or service plan awaits my approval")
    APPROVAL_DECIDED = "approval.decided", _("A needs assessment or service plan I submitted is decided")
    HOTLINE_REVIEW = "hotline.review", _("A quality review of my 24/7 line contact is shared")


#: Kinds that nobody may switch off entirely: a person's safety may depend on them.
EMERGENCY_KINDS = frozenset({Kind.EMERGENCY_CONTACT, Kind.EMERGENCY_ACCESS})


def kind_of(kind: str) -> Kind:
    """The preference kind of a notification kind (``referral.overdue`` → ``referral``)."""
    if kind in Kind.values:
        return Kind(kind)
    if kind.startswith(Kind.EMERGENCY_CONTACT.value):
        return Kind.EMERGENCY_CONTACT
    head = kind.split(".", 1)[0]
    if head in Kind.values:
        return Kind(head)
    raise ValueError(f"Unknown notification kind {kind!r}")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("In the app and by email")
    DIGEST = "digest", _("In the app and in the daily digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    """A notice to one staff member. ``key`` is ``kind|object|period``: a second send of the same
    event to the same person is a no-op."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(max_length=250)
    #: The English message id, rendered with ``params`` in the reader's language.
    template = models.CharField(max_length=300)
    params = models.JSONField(default=dict)
    link = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)
    # An emergency notice waits for the recipient's acknowledgement until ``acknowledge_by``; then
    # ``escalate_to`` is told (once: ``escalated_at``).
    acknowledge_by = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalate_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]),
                   models.Index(fields=["acknowledge_by", "acknowledged_at", "escalated_at"])]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """The message in the current language."""
        # Always formatted, so that a stored "%%" (a message re-homed from before) reads as "%".
        return gettext(self.template) % self.params

    @property
    def awaits_acknowledgement(self) -> bool:
        return self.acknowledge_by is not None and self.acknowledged_at is None


class Preference(models.Model):
    """How one kind of notification reaches one person. Without a row: in the app and by email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=60, choices=Kind.choices)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"
