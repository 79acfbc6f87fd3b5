"""Situations (one operation, employer or network) and the persons of interest (alleged traffickers)
in them.

A situation belongs to one organization and is seen whole only by its staff who hold
``situation.view``. Anyone else gets a 404; a reader to whom a linked case was disclosed with its
summary learns on that case's page only that it is part of a situation, and its kind
(``selectors.case_situations``). Every identifying or
free-text value of a situation or a person of interest is encrypted; phones and names are found by
blind indexes (``PersonOfInterestToken``), made with the same functions as a person's
(``cases.models.name_index``/``phone_index``), under a key version, as ``PersonSearchToken`` is.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.cases.models import name_index, phone_index
from octip.core import crypto
from octip.core.access import ScopedQuerySet
from octip.core.blind_index import BlindIndexToken
from octip.core.fields import EncryptedJSON, EncryptedText
from octip.core.models import VersionedModel
from octip.core.roles import Scope


class SituationKind(models.TextChoices):
    OPERATION = "operation", _("Operation")
    EMPLOYER = "employer", _("Employer")
    NETWORK = "network", _("Network")


#: HTCDS ``per_RoleInProcess`` (multiselect), codes as in shared/reference/htcds_fields.csv.
class RoleInProcess(models.TextChoices):
    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSFERRED = "TransferredIndividual", _("Transferred the person")
    HARBOURED = "HarbouredIndividual", _("Harboured the person")
    SOLD = "SoldIndividual", _("Sold the person")
    BOUGHT = "BoughtIndividual", _("Bought the person")
    RECEIVED = "ReceivedIndividual", _("Received the person")
    CONTROLLED = "ControlledIndividual", _("Controlled the person")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    OTHER = "Other", _("Other")


#: HTCDS ``vic_RelationshipToTrafficker`` (the code's spelling is the standard's).
class Relationship(models.TextChoices):
    FAMILIAL = "Familial", _("Family")
    ACQUAINTED = "Acquainted", _("Known to the person")
    UNACQUAINTED = "Unaquainted", _("Not known to the person")


class OwnedByOrganization(ScopedQuerySet):
    """Rows of one organization, seen whole by its staff who hold ``situation.view`` (whatever their
    scope: a situation is the organization's shared knowledge, not one case's). Another
    organization's staff, a coordinator of the office included, get nothing here (a case disclosed
    to them tells them only a situation's kind: ``selectors.case_situations``)."""

    view_permission = "situation.view"

    def scope_filter(self, user: Any, scope: Scope) -> Q:
        return Q(owner_organization_id=user.organization_id)


class Situation(VersionedModel):
    """One operation, employer or network: it links the cases of several persons and the persons of
    interest involved."""

    kind = models.CharField(_("kind"), max_length=20, choices=SituationKind.choices)
    title = EncryptedText(_("title"))
    description = EncryptedText(_("description"), blank=True)
    owner_organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("owner organization"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedByOrganization.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("situation")

    def __str__(self) -> str:
        return f"situation {self.pk}"


class SituationCase(models.Model):
    """A case is part of a situation. Written by ``services.link_case`` only."""

    situation = models.ForeignKey(Situation, on_delete=models.CASCADE, related_name="links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["situation", "case"], name="situation_case_once")]
        indexes = [models.Index(fields=["case", "situation"])]

    def __str__(self) -> str:
        return f"case {self.case_id} in situation {self.situation_id}"


class PersonOfInterest(VersionedModel):
    """An alleged trafficker. Every value that could identify them is encrypted; the HTCDS roles are
    clear codes (they identify nobody)."""

    owner_organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("owner organization"))
    situation = models.ForeignKey(Situation, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="persons_of_interest", verbose_name=_("situation"))
    names = EncryptedJSON(_("names"), default=list, blank=True)
    aliases = EncryptedJSON(_("aliases"), default=list, blank=True)
    phones = EncryptedJSON(_("phones"), default=list, blank=True)
    vehicles = EncryptedJSON(_("vehicles"), default=list, blank=True)
    addresses = EncryptedJSON(_("addresses"), default=list, blank=True)
    businesses = EncryptedJSON(_("businesses"), default=list, blank=True)
    notes = EncryptedText(_("notes"), blank=True)
    roles_in_process = models.JSONField(_("role in the process (HTCDS)"), default=list, blank=True)
    #: The blind-index key version the tokens were made under (a rotation re-indexes older ones).
    index_key_id = models.CharField(max_length=32, default=crypto.FIRST_INDEX_KEY_ID, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedByOrganization.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("person of interest")

    def __str__(self) -> str:
        return f"person of interest {self.pk}"

    def role_labels(self) -> list[str]:
        return [str(RoleInProcess(code).label) for code in self.roles_in_process if code in RoleInProcess.values]

    # Blind-indexed like ``cases.Person`` (``core.fields.blind_indexed_models``): ``manage.py
    # rotate_blind_index_key`` moves the rows of an older key version and rewrites their tokens.
    INDEXED_FIELDS = ["index_key_id"]

    def refresh_indexes(self) -> None:
        self.index_key_id = crypto.key_ring().blind_index_id

    @classmethod
    def reindexed(cls, rows: list[PersonOfInterest]) -> None:
        """Rewrite the tokens of these saved rows under their (new) key version."""
        PersonOfInterestToken.replace_for(rows)


class TokenKind(models.TextChoices):
    NAME = "name", _("name")
    PHONE = "phone", _("phone")


class PersonOfInterestToken(BlindIndexToken):
    """One blind index a person of interest is found by (each name and alias, each phone), under the
    key version ``key_id``. Written by ``services`` only; matched by one index lookup, never a LIKE."""

    poi = models.ForeignKey(PersonOfInterest, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=10, choices=TokenKind.choices)

    owner_field = "poi"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key_id", "token", "poi"], name="poi_token_unique")]

    def __str__(self) -> str:
        return f"{self.kind} token of person of interest {self.poi_id}"

    @classmethod
    def tokens_of(cls, owner: PersonOfInterest) -> list[PersonOfInterestToken]:
        return poi_tokens(owner)


def poi_tokens(poi: PersonOfInterest) -> list[PersonOfInterestToken]:
    """The blind indexes a saved person of interest is found by, under its key version: each name and
    alias (``cases.models.name_index``) and each phone (``phone_index``, after the same
    normalisation as a person's phone), each once."""
    key_id = poi.index_key_id
    names = {name_index(n, key_id) for n in [*(poi.names or []), *(poi.aliases or [])]} - {""}
    phones = {phone_index(p, key_id) for p in poi.phones or []} - {""}
    return ([PersonOfInterestToken(poi=poi, kind=TokenKind.NAME, key_id=key_id, token=t) for t in sorted(names)]
            + [PersonOfInterestToken(poi=poi, kind=TokenKind.PHONE, key_id=key_id, token=t) for t in sorted(phones)])


class PersonOfInterestCase(models.Model):
    """A person of interest is involved in a case, with the HTCDS relationship to the person the
    case is about. Written by ``services.link_poi_case`` only."""

    poi = models.ForeignKey(PersonOfInterest, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    relationship = models.CharField(_("relationship to the person"), max_length=20, choices=Relationship.choices,
                                    blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poi", "case"], name="poi_case_once")]
        indexes = [models.Index(fields=["case", "poi"])]

    def __str__(self) -> str:
        return f"person of interest {self.poi_id} in case {self.case_id}"
