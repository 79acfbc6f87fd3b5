"""Justice and immigration records of a case: police contacts (each a ``consent.Disclosure``), the
person's choice about police, criminal proceedings, immigration statuses (the TRP for victims of
trafficking first), CVAP applications, and the one table of dated obligations (``Deadline``) with the
reminders sent for them.

Every row hangs off a case and is reached through ``visible_to``: the case's visibility decides
(own circle, or a grant that opens the ``justice`` section). Identifying values (an officer's name,
a police or court file number, the accused, free text) are encrypted at rest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core.access import ScopedQuerySet
from octip.core.fields import EncryptedChar, EncryptedText
from octip.core.roles import Scope


def _cases_in_scope(user) -> Q:
    from octip.cases.models import Case

    return Case.objects.reach_q(user, through="case")


class CaseRowQuerySet(ScopedQuerySet):
    """Rows of a case: visible where the case is (the ``justice`` section is checked by the selectors)."""

    view_permission = "justice.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        return _cases_in_scope(user)


class ContactPurpose(models.TextChoices):
    REPORT = "report", _("Make a report")
    STATEMENT = "statement", _("Give a statement")
    SAFETY_CHECK = "safety_check", _("Safety check")
    INFORMATION_REQUEST = "information_request", _("Request for information")


class PoliceChoice(models.TextChoices):
    NOT_DECIDED = "not_decided", _("Not decided yet")
    DECLINES = "declines", _("Does not want police involved")
    AGREES = "agrees", _("Agrees to contact with police")


class PolicePreference(models.Model):
    """The person's own choice about involving police, as they said it; the newest counts. A choice
    not to involve police is respected: nothing is shared with police on consent while it stands."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="police_preferences")
    choice = models.CharField(_("choice"), max_length=20, choices=PoliceChoice.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.choice} ({self.case_id})"


class AccessEndCause(models.TextChoices):
    CONSENT_WITHDRAWN = "consent_withdrawn", _("the consent was withdrawn")
    PERSON_DECLINED = "person_declined", _("the person chose not to involve police")
    ENDED_BY_WORKER = "ended_by_worker", _("access ended by the caseworker")


class PoliceContact(models.Model):
    """A contact with a police service, made on an allowed ``may_disclose`` decision (``disclosure``).
    A partner of type ``law_enforcement`` gets access to the sections shared, for its police liaisons,
    until the consent is withdrawn or expires, or the worker ends it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="police_contacts")
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("police service"))
    external_agency = EncryptedChar(_("police service not on the platform"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=30, choices=ContactPurpose.choices)
    sections = models.JSONField(_("sections shared"), default=list)
    officer = EncryptedChar(_("officer"), max_length=200, blank=True)
    file_number = EncryptedChar(_("police file number"), max_length=100, blank=True)
    contacted_on = models.DateField(_("date of contact"))
    disclosure = models.OneToOneField("consent.Disclosure", on_delete=models.PROTECT, related_name="police_contact")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    access_until = models.DateTimeField(null=True, blank=True)
    access_ended_at = models.DateTimeField(null=True, blank=True)
    access_end_cause = models.CharField(max_length=30, blank=True, choices=AccessEndCause.choices)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"police contact {self.pk} ({self.case_id})"

    @property
    def agency_label(self) -> str:
        return self.organization.name if self.organization_id else self.external_agency

    @property
    def access_open(self) -> bool:
        if self.organization_id is None or self.access_ended_at is not None:
            return False
        return self.access_until is None or self.access_until > timezone.now()


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    STAYED = "stayed", _("Stayed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PEACE_BOND = "peace_bond", _("Peace bond")


class ImpactStatement(models.TextChoices):
    NONE = "none", _("Not prepared")
    FILED = "filed", _("Filed")
    PRESENTED = "presented", _("Presented in court")


class Proceeding(models.Model):
    """Criminal proceedings against one accused."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="proceedings")
    accused = EncryptedChar(_("accused"), max_length=200)
    court_file = EncryptedChar(_("court file number"), max_length=100, blank=True)
    charges = models.JSONField(_("charges"), default=list)
    conditions = EncryptedText(_("bail or no-contact conditions"), blank=True)
    no_contact_order = models.BooleanField(_("no-contact order in place"), default=False)
    publication_bans = models.JSONField(_("publication bans"), default=list, blank=True)
    impact_statement = models.CharField(_("victim impact statement"), max_length=20,
                                        choices=ImpactStatement.choices, default=ImpactStatement.NONE)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    sentence = EncryptedText(_("sentence"), blank=True)
    restitution_ordered = models.BooleanField(_("restitution ordered"), default=False)
    restitution_amount = models.DecimalField(_("restitution amount (CAD)"), max_digits=12, decimal_places=2,
                                             null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"proceeding {self.pk} ({self.case_id})"

    @property
    def charge_cites(self) -> list[str]:
        from .rules import cite_of

        return [cite_of(code) for code in self.charges]

    @property
    def ban_cites(self) -> list[str]:
        from .rules import cite_of

        return [cite_of(code) for code in self.publication_bans]


class CourtDateKind(models.TextChoices):
    FIRST_APPEARANCE = "first_appearance", _("First appearance")
    BAIL_HEARING = "bail_hearing", _("Bail hearing")
    PRELIMINARY_INQUIRY = "preliminary_inquiry", _("Preliminary inquiry")
    TRIAL = "trial", _("Trial")
    SENTENCING = "sentencing", _("Sentencing")
    OTHER = "other", _("Other")


class CourtDate(models.Model):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="court_dates")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=30, choices=CourtDateKind.choices)
    place = models.CharField(_("place"), max_length=200)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class AidStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked for")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class TestimonialAid(models.Model):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="aids")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    section = models.CharField(_("section"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=AidStatus.choices, default=AidStatus.REQUESTED)
    hearing_on = models.DateField(_("hearing"), null=True, blank=True)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.section} {self.status}"

    @property
    def cite(self) -> str:
        from .rules import cite_of

        return cite_of(self.section)


class StatusKind(models.TextChoices):
    TRP = "trp", _("Temporary resident permit (victim of trafficking)")
    WORK_PERMIT = "work_permit", _("Work permit")
    IFHP = "ifhp", _("Interim Federal Health Program coverage")
    REFUGEE_CLAIM = "refugee_claim", _("Refugee claim")
    PR_HC = "pr_hc", _("Permanent residence (humanitarian and compassionate grounds)")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ImmigrationStatus(models.Model):
    """One application for a status or a permit, with its decision; a TRP renewal points at the
    permit it renews."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="immigration_statuses")
    kind = models.CharField(_("kind"), max_length=20, choices=StatusKind.choices)
    applied_on = models.DateField(_("applied"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    renews = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals",
                               verbose_name=_("renews"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.case_id})"


class CvapStatus(models.TextChoices):
    NOT_APPLIED = "not_applied", _("Not applied yet")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PARTIAL = "partial", _("Partly approved")
    REFUSED = "refused", _("Refused")


class CvapApplication(models.Model):
    """An application to B.C.'s Crime Victim Assistance Program; its deadline comes from the rule in
    data (``rules.yaml``, ``cvap``) and the person's age at the offence."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="cvap_applications")
    offence_on = models.DateField(_("date of the offence"))
    sexual_offence = models.BooleanField(_("a sexual offence"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=CvapStatus.choices, default=CvapStatus.NOT_APPLIED)
    submitted_on = models.DateField(_("submitted"), null=True, blank=True)
    benefits_requested = models.JSONField(_("benefits asked for"), default=list, blank=True)
    benefits_granted = models.JSONField(_("benefits granted"), default=list, blank=True)
    apply_by = models.DateField(_("apply by"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"CVAP {self.pk} ({self.case_id})"


class DeadlineKind(models.TextChoices):
    TRP_EXPIRY = "trp_expiry", _("TRP expires")
    STATUS_EXPIRY = "status_expiry", _("Permit or coverage expires")
    CVAP_DEADLINE = "cvap_deadline", _("Last day to apply to CVAP")
    COURT_DATE = "court_date", _("Court date")
    AID_HEARING = "aid_hearing", _("Testimonial-aid hearing")


class Deadline(models.Model):
    """One dated obligation of a case, from the record it comes from (``source``, ``source_id``).
    Its ``task`` puts it in the worker's "My work"; reminders go out at the thresholds in data."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField(_("due"), db_index=True)
    source = models.CharField(max_length=30)
    source_id = models.CharField(max_length=64)
    task = models.ForeignKey("cases.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id", "kind"], name="one_deadline_per_source")]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"


class ReminderSent(models.Model):
    """A reminder sent for a deadline at one threshold (days before): at most one row each."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    covered = models.BooleanField(default=False)  # not sent itself: a nearer reminder covered it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "days_before", "due_on"],
                                               name="one_reminder_per_threshold")]

    def __str__(self) -> str:
        return f"{self.deadline_id} -{self.days_before}d"


class LetterKind(models.TextChoices):
    TRP_SUPPORT = "trp_support", _("Support letter for a TRP application (to IRCC)")
    CVAP_COVER = "cvap_cover", _("Cover letter for a CVAP application")


class Letter(models.Model):
    """A letter produced for the person (a disclosure: ``disclosure``); ``details`` names which of
    the person's details it carries (field names, never values)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    details = models.JSONField(default=list)
    disclosure = models.OneToOneField("consent.Disclosure", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.case_id})"
