"""The 24/7 line: contacts (calls, texts, emails, web reports, walk-ins), first-response targets
and the on-call roster."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core import crypto
from octip.core.access import ScopedQuerySet, teammate_ids
from octip.core.blind_index import BlindIndexToken
from octip.core.fields import EncryptedChar, EncryptedText
from octip.core.interpretation import Interpretation
from octip.core.models import VersionedModel
from octip.core.roles import Scope


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    WEB_REPORT = "web_report", _("Web report")
    WALK_IN = "walk_in", _("Walk-in")


class CallerType(models.TextChoices):
    PERSON = "person", _("The person affected")
    FAMILY_OR_FRIEND = "family_or_friend", _("Family or friend")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    POLICE = "police", _("Police")
    PUBLIC = "public", _("Member of the public")
    ANONYMOUS = "anonymous", _("Anonymous")


class ContactType(models.TextChoices):
    """What kind of contact it was. Every type but "substantive" is a non-data contact: it is
    counted, needs no follow-up and opens no case or screening."""

    SUBSTANTIVE = "substantive", _("Substantive contact")
    SILENT = "silent", _("Silent")
    HANG_UP = "hang_up", _("Hang-up")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    PRANK = "prank", _("Prank or hoax")
    ABUSIVE = "abusive", _("Abusive")
    TESTING = "testing", _("Testing the line")


#: The non-data contact types.
NON_DATA_TYPES = frozenset(ContactType.values) - {ContactType.SUBSTANTIVE}


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


#: Queue order: the most urgent first.
URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


class Outcome(models.TextChoices):
    INFORMATION_GIVEN = "information_given", _("Information given")
    REFERRED_TO_SERVICES = "referred_to_services", _("Referred to services")
    INTAKE_OPENED = "intake_opened", _("Intake opened")
    LINKED_TO_CASE = "linked_to_case", _("Linked to an existing case")
    EMERGENCY_SERVICES = "emergency_services", _("Emergency services called")
    POLICE_CONTACTED = "police_contacted", _("Police contacted (with consent or legal basis)")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")
    COULD_NOT_REACH = "could_not_reach", _("Could not reach the caller")


class SeenWhen(models.TextChoices):
    NOW = "now", _("It is happening now")
    TODAY = "today", _("Today")
    PAST_WEEK = "past_week", _("In the past week")
    PAST_MONTH = "past_month", _("In the past month")
    LONGER = "longer", _("Longer ago")
    NOT_SURE = "not_sure", _("Not sure")


class DangerNow(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SURE = "not_sure", _("Not sure")


class TargetUnit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    BUSINESS_DAYS = "business_days", _("business days")


# No 0/O or 1/I/L: a caller may read the code aloud on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A random reference code (about 50 bits): it encodes no date, no sequence, no person."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"{body[:5]}-{body[5:]}"


class ContactQuerySet(ScopedQuerySet["Contact"]):
    view_permission = "hotline.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        if scope == Scope.ALL:
            return Q()
        if scope == Scope.ORGANIZATION:
            return Q(organization_id=user.organization_id)
        if scope == Scope.TEAM:
            return Q(organization_id=user.organization_id, handled_by_id__in=teammate_ids(user))
        return Q(handled_by=user)

    def open(self) -> ContactQuerySet:
        return self.filter(outcome="")


class Contact(Interpretation, VersionedModel):
    """One contact with the 24/7 line. The summary and everything a caller may say about people
    is encrypted at rest; reading it is audited (``selectors.contact_for_reading``)."""

    reference = models.CharField(_("reference"), max_length=11, unique=True, default=new_reference,
                                 editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    contact_type = models.CharField(_("type of contact"), max_length=20, choices=ContactType.choices,
                                    default=ContactType.SUBSTANTIVE)
    #: Codes of ``data/contact_categories.yaml`` (``reference.categories``): what the contact is about.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    caller_type = models.CharField(_("caller"), max_length=20, choices=CallerType.choices)
    language = models.CharField(_("language"), max_length=60, blank=True,
                                help_text=_("The language the contact took place in."))
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    region = models.ForeignKey("partners.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("region"))
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices)
    danger_now = models.CharField(_("someone in danger now"), max_length=10, choices=DangerNow.choices,
                                  blank=True)
    seen_when = models.CharField(_("when it was seen"), max_length=20, choices=SeenWhen.choices, blank=True)
    summary = EncryptedText(_("summary"), blank=True)
    place = EncryptedChar(_("place"), max_length=300, blank=True)
    indicators_noticed = EncryptedText(_("indicators noticed"), blank=True)
    actions_taken = EncryptedText(_("actions taken"), blank=True)
    reporter_contact = EncryptedText(_("how to reach the reporter"), blank=True)
    reporter_phone = EncryptedChar(_("reporter's phone"), max_length=40, blank=True)
    reporter_email = EncryptedChar(_("reporter's email"), max_length=254, blank=True)
    #: The blind-index key version of this contact's ``ReporterToken`` rows (see ``reporter``).
    index_key_id = models.CharField(max_length=32, default=crypto.FIRST_INDEX_KEY_ID, editable=False)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("handled by"))
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("owning organization"))
    screening = models.ForeignKey("screening.Screening", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="hotline_contacts", verbose_name=_("linked screening"))
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="hotline_contacts", verbose_name=_("linked case"))
    created_at = models.DateTimeField(auto_now_add=True)
    #: When the contact became an emergency (logged as one, or raised to one); empty when it is not
    #: one. What the live queue announces as new (``live``), whatever ``received_at`` says.
    emergency_since = models.DateTimeField(null=True, blank=True, editable=False)
    #: What the operator gave the caller: services of the directory, and phone lines (ids of
    #: ``site/phone_lines.yaml``, the "lines to call" of the public site).
    services_given = models.ManyToManyField("directory.Service", blank=True, related_name="+",
                                            verbose_name=_("services given"))
    lines_given = models.JSONField(_("phone lines given"), default=list, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("24/7 line contact")
        verbose_name_plural = _("24/7 line contacts")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @property
    def line_terms(self) -> list:
        from octip.site.lines import phone_lines

        given = set(self.lines_given or [])
        return [line for line in phone_lines() if line.id in given]

    @property
    def is_non_data(self) -> bool:
        return self.contact_type in NON_DATA_TYPES

    @property
    def category_terms(self) -> list:
        from .reference import category

        return [term for term in (category(code) for code in self.categories or []) if term is not None]

    # Blind-index rotation (``manage.py rotate_blind_index_key``): the tokens live in ReporterToken.
    INDEXED_FIELDS = ["index_key_id"]

    def refresh_indexes(self) -> None:
        self.index_key_id = crypto.key_ring().blind_index_id

    def stamp_emergency(self, now: datetime.datetime | None = None) -> bool:
        """Keep ``emergency_since`` in step with the urgency; True when it changed. ``save`` does it;
        a service that writes with an UPDATE (``save_versioned``) calls it and saves the field."""
        since = (self.emergency_since or now or timezone.now()) if self.urgency == Urgency.EMERGENCY else None
        changed = since != self.emergency_since
        self.emergency_since = since
        return changed

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.stamp_emergency() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [*kwargs["update_fields"], "emergency_since"]
        super().save(*args, **kwargs)

    def reporter_identifiers(self) -> list[tuple[str, str]]:
        from .reporter import identifiers

        return identifiers(phone=self.reporter_phone, email=self.reporter_email, free_text=self.reporter_contact)

    @classmethod
    def reindexed(cls, rows: list[Contact]) -> None:
        """Rewrite the reporter tokens of these saved contacts under their (new) key version."""
        ReporterToken.replace_for(rows)


class ReporterToken(BlindIndexToken):
    """One blind index of a contact's reporter (a phone or an email), under the key version
    ``key_id``: how a caller who comes back is recognised without reading anyone's text."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="reporter_tokens")
    token = models.CharField(max_length=64, db_index=True)

    owner_field = "contact"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "kind", "key_id", "token"],
                                               name="hotline_reporter_token_unique")]

    def __str__(self) -> str:
        return f"{self.kind} token of contact {self.contact_id}"

    @classmethod
    def tokens_of(cls, owner: Contact) -> list[ReporterToken]:
        return reporter_tokens(owner)


def reporter_tokens(contact: Contact) -> list[ReporterToken]:
    """The tokens of a saved contact under its key version, each once."""
    from .reporter import token

    key_id = contact.index_key_id
    return [ReporterToken(contact=contact, kind=kind, key_id=key_id, token=token(kind, value, key_id))
            for kind, value in contact.reporter_identifiers()]


class ResponseTarget(models.Model):
    """How fast a contact of each urgency must get a first response. Defaults come from
    ``data/response_targets.yaml``; a row here overrides the default for its urgency."""

    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, unique=True)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=20, choices=TargetUnit.choices)

    class Meta:
        ordering = ["urgency"]
        verbose_name = _("first-response target")

    def __str__(self) -> str:
        return f"{self.get_urgency_display()}: {self.amount} {self.get_unit_display()}"


class ShiftQuerySet(ScopedQuerySet["OnCallShift"]):
    view_permission = "hotline.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        if scope == Scope.ALL:
            return Q()
        return Q(organization_id=user.organization_id)

    def on_at(self, moment: datetime.datetime) -> ShiftQuerySet:
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class OnCallShift(models.Model):
    """Who is on call for the 24/7 line from ``starts_at`` to ``ends_at``, and whom they escalate to."""

    organization = models.ForeignKey("partners.Organization", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organization"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("on call"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    escalation_contact = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("escalation contact"))
    escalation_phone = models.CharField(_("escalation phone"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("on-call shift")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="hotline_shift_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


# --- Caller flags ---------------------------------------------------------------------------------

class CallerFlagQuerySet(ScopedQuerySet["CallerFlag"]):
    view_permission = "hotline.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        # A flag is about how one organization's line handles a caller: only that line sees it.
        if scope == Scope.ALL:
            return Q()
        return Q(organization_id=user.organization_id)

    def active(self, today: datetime.date | None = None) -> CallerFlagQuerySet:
        return self.filter(lifted_at__isnull=True, expires_on__gte=today or timezone.localdate())


class CallerFlag(models.Model):
    """A note to the operators of one organization's line about a caller who comes back (abusive,
    hoax, possibly linked to a trafficker: ``data/caller_flag_kinds.yaml``), until ``expires_on``.
    Keyed by one reporter identifier's blind index; the identifier itself is kept encrypted only so
    that a key rotation can re-index it. Set and lifted by the line's lead (``hotline.lead``)."""

    organization = models.ForeignKey("partners.Organization", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organization"))
    kind = models.CharField(_("kind"), max_length=40)
    reason = EncryptedText(_("reason"))
    identifier_kind = models.CharField(max_length=10)
    identifier = EncryptedChar(max_length=254)
    token = models.CharField(max_length=64, db_index=True)
    index_key_id = models.CharField(max_length=32, default=crypto.FIRST_INDEX_KEY_ID, editable=False)
    expires_on = models.DateField(_("expires on"))
    source_contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("set from contact"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = CallerFlagQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "pk"]
        verbose_name = _("caller flag")

    def __str__(self) -> str:
        return f"{self.kind} until {self.expires_on}"

    @property
    def kind_term(self):
        from .reference import flag_kind

        return flag_kind(self.kind)

    @property
    def kind_label(self) -> str:
        term = self.kind_term
        return term.label if term else self.kind

    def is_active(self, today: datetime.date | None = None) -> bool:
        return self.lifted_at is None and self.expires_on >= (today or timezone.localdate())

    # Blind-index rotation: the token is recomputed from the encrypted identifier.
    INDEXED_FIELDS = ["index_key_id", "token"]

    def refresh_indexes(self) -> None:
        from .reporter import token

        self.index_key_id = crypto.key_ring().blind_index_id
        self.token = token(self.identifier_kind, self.identifier, self.index_key_id)


# --- Quality review -------------------------------------------------------------------------------

class ReviewSampleQuerySet(ScopedQuerySet["ReviewSample"]):
    view_permission = "hotline.lead"

    def scope_filter(self, user, scope: Scope) -> Q:
        # A review is the line's own business: even a lead whose scope is "all" sees only the samples of
        # their own organization's line (nothing about a review crosses to another organization).
        return Q(organization_id=user.organization_id)


class ReviewSample(models.Model):
    """A random sample of one organization's closed, substantive contacts of a period, drawn by the
    line's lead for quality review: up to ``size_per_operator`` contacts of each operator. ``seed``
    makes the draw reproducible: the same seed on the same pool draws the same contacts."""

    organization = models.ForeignKey("partners.Organization", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organization"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    size_per_operator = models.PositiveIntegerField(_("contacts per operator"))
    #: How many contacts could have been drawn (the pool), for the record of the draw.
    pool_size = models.PositiveIntegerField(default=0)
    seed = models.BigIntegerField()
    rubric_version = models.CharField(max_length=40)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("drawn by"))
    drawn_at = models.DateTimeField(_("drawn"), default=timezone.now)

    objects = ReviewSampleQuerySet.as_manager()

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("review sample")
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                              name="hotline_review_sample_period")]

    def __str__(self) -> str:
        return f"Sample {self.pk} ({self.period_start}–{self.period_end})"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SHARED = "shared", _("Shared with the operator")


class ContactReviewQuerySet(ScopedQuerySet["ContactReview"]):
    view_permission = "hotline.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        from octip.core.access import allows

        # The line's lead sees the reviews of their organization's line (never another's, whatever
        # their scope); everyone sees the reviews of their own contacts once shared, and only those
        # (a lead who also answers the line does not see drafts about their own contacts).
        mine = Q(sample__organization_id=user.organization_id, operator_id=user.pk, status=ReviewStatus.SHARED)
        if allows(user, "hotline.lead"):
            return mine | (Q(sample__organization_id=user.organization_id) & ~Q(operator_id=user.pk)
                           & ~Q(contact__handled_by_id=user.pk))
        return mine


class ContactReview(VersionedModel):
    """The review of one sampled contact against the rubric (``data/review_rubric.yaml``, version
    ``rubric_version``): scores per criterion, feedback for the operator who handled the contact
    (encrypted) and a private note of the reviewer (encrypted, never shown to the operator). A draft
    until shared; the operator then reads it and acknowledges it."""

    sample = models.ForeignKey(ReviewSample, on_delete=models.CASCADE, related_name="reviews")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("contact"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("operator"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reviewer"))
    rubric_version = models.CharField(max_length=40)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    feedback = EncryptedText(_("feedback to the operator"), blank=True)
    reviewer_note = EncryptedText(_("private note of the reviewer"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    updated_at = models.DateTimeField(default=timezone.now)
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    objects = ContactReviewQuerySet.as_manager()

    class Meta:
        ordering = ["sample", "operator", "contact"]
        verbose_name = _("contact review")
        constraints = [models.UniqueConstraint(fields=["sample", "contact"], name="hotline_review_once_per_sample")]

    def __str__(self) -> str:
        return f"Review of contact {self.contact_id}"

    @property
    def is_shared(self) -> bool:
        return self.status == ReviewStatus.SHARED

# --- Scripts (guidance beside the contact form) ----------------------------------------------------

class ScriptStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class GuidanceScriptQuerySet(ScopedQuerySet["GuidanceScript"]):
    view_permission = "hotline.view"

    def scope_filter(self, user, scope: Scope) -> Q:
        # A line's scripts are its own; the coordinating office's province-wide defaults
        # (``organization`` empty) apply to every line. Scope "all" adds nothing: a script is not a
        # record about a person, and another line's wording is that line's to show.
        return Q(organization__isnull=True) | Q(organization_id=user.organization_id)

    def published(self) -> GuidanceScriptQuerySet:
        return self.filter(status=ScriptStatus.PUBLISHED)

    def of_unit(self, organization_id: int | None) -> GuidanceScriptQuerySet:
        """The scripts of one line, or the defaults (``None``)."""
        if organization_id is None:
            return self.filter(organization__isnull=True)
        return self.filter(organization_id=organization_id)

    def of_key(self, *, organization_id: int | None, topic: str, language: str) -> GuidanceScriptQuerySet:
        """The versions of one script: one topic, one language, one line (or the default)."""
        return self.of_unit(organization_id).filter(topic=topic, language=language)


class GuidanceScript(models.Model):
    """One version of a script of the line: what to say or check on one topic
    (``data/script_topics.yaml``) in one language, for one organization's line or, with no
    organization, the coordinating office's province-wide default. Each edit is a new row (a new
    ``version``); publishing a version retires the published one of its key. At most one version per
    key is published (database constraint). Plain text, shown escaped with line breaks."""

    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organization"))
    topic = models.CharField(_("topic"), max_length=40)
    language = models.CharField(_("language"), max_length=10)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=ScriptStatus.choices, default=ScriptStatus.DRAFT)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retired_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("retired by"))
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = GuidanceScriptQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "language", "-version"]
        verbose_name = _("script")
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="hotline_script_version_positive"),
            # A NULL organization is the default: NULLs are distinct in a plain unique index, so the
            # default and the lines each get their own partial index.
            models.UniqueConstraint(fields=["organization", "topic", "language", "version"],
                                    condition=Q(organization__isnull=False), name="hotline_script_version_unique"),
            models.UniqueConstraint(fields=["topic", "language", "version"], condition=Q(organization__isnull=True),
                                    name="hotline_default_script_version_unique"),
            models.UniqueConstraint(fields=["organization", "topic", "language"],
                                    condition=Q(organization__isnull=False, status="published"),
                                    name="hotline_script_one_published"),
            models.UniqueConstraint(fields=["topic", "language"],
                                    condition=Q(organization__isnull=True, status="published"),
                                    name="hotline_default_script_one_published"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.language}) v{self.version}"

    @property
    def is_default(self) -> bool:
        return self.organization_id is None

    @property
    def topic_term(self):
        from .guidance import topic

        return topic(self.topic)

    @property
    def topic_label(self) -> str:
        term = self.topic_term
        return term.label if term else self.topic

    @property
    def language_name(self) -> str:
        from .guidance import language_name

        return language_name(self.language)

class TargetBreachAlert(models.Model):
    """A contact passed its first-response target and the organization's on-call person was told
    (``services.alert_breached_targets``). One row per contact: the unique key makes the alert
    once-only, even with two job runs at the same moment."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="target_breach_alert")
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices)
    alerted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("first-response target breach alert")

    def __str__(self) -> str:
        return f"{self.contact_id} alerted {self.alerted_at:%Y-%m-%d %H:%M}"
