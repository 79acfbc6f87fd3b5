"""The service directory: the Open Referral HSDS 3.0 core, with UUID ids as the standard requires.

Column names follow the HSDS field names, so import, export and the HSDS API map one to one
(``octip.directory.hsds`` holds that mapping). References that place a record in the directory
(a service's organization, a phone's service…) are foreign keys and must resolve; cross-links that
the HSDS examples themselves leave dangling (a parent organization, a term's parent) are kept as
plain UUIDs.

Two things HSDS does not have are columns here: a service's ``visibility`` (``partners``-only
services — confidential shelters — never reach anonymous callers) and its steward
``partner_organization`` on the platform. Export writes them as HSDS ``attribute`` records of
the OCTIP extension taxonomy so that a round trip keeps them.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core.access import ScopedQuerySet, allows
from octip.core.models import VersionedModel
from octip.core.roles import Scope


def _text(verbose_name: str = "", **kwargs) -> models.TextField:
    return models.TextField(verbose_name or None, blank=True, default="", **kwargs)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Partners only")


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class GenderEligibility(models.TextChoices):
    ANY = "", _("Any gender")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    TWO_SPIRIT_GENDER_DIVERSE = "gender_diverse", _("Two-Spirit, trans and gender-diverse people")


class HsdsRecord(models.Model):
    """Common to every HSDS table: a readable name for logs and the admin."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        label = getattr(self, "name", "") or getattr(self, "number", "") or getattr(self, "address_1", "")
        return f"{self._meta.verbose_name} {label or self.pk}"


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.TextField(_("name"))
    description = _text(_("description"))
    uri = _text("uri")
    version = _text("version")

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    code = _text("code")
    name = models.TextField(_("name"))
    description = _text(_("description"))
    #: Soft references: the HSDS examples name parents and taxonomies they do not ship.
    parent_id = models.UUIDField(null=True, blank=True, db_index=True)
    taxonomy = _text("taxonomy")
    language = _text("language")
    taxonomy_id = models.UUIDField(null=True, blank=True, db_index=True)
    term_uri = _text("term_uri")

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxonomy term")

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """An HSDS organization (the provider as the directory lists it; not necessarily a partner)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.TextField(_("name"))
    alternate_name = _text(_("alternate name"))
    description = _text(_("description"))
    email = _text(_("email"))
    website = _text(_("website"))
    tax_status = _text("tax_status")
    tax_id = _text("tax_id")
    year_incorporated = models.FloatField(null=True, blank=True)
    legal_status = _text("legal_status")
    logo = _text("logo")
    uri = _text("uri")
    parent_organization_id = models.UUIDField(null=True, blank=True, db_index=True)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory organization")

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(ScopedQuerySet):
    """Anonymous callers and staff without the permission see ``public`` services only."""

    view_permission = "directory.view_partner_services"

    def visible_to(self, user) -> ServiceQuerySet:
        if allows(user, self.view_permission):
            return self.all()
        return self.filter(visibility=Visibility.PUBLIC)

    def scope_filter(self, user, scope: Scope) -> Q:  # noqa: ARG002 - visibility is not scoped by org
        return Q()

    def public(self) -> ServiceQuerySet:
        return self.filter(visibility=Visibility.PUBLIC)


class Service(VersionedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="services",
                                     verbose_name=_("organization"))
    program_id = models.UUIDField(null=True, blank=True)
    name = models.TextField(_("name"))
    alternate_name = _text(_("alternate name"))
    description = _text(_("description"))
    url = _text(_("website"))
    email = _text(_("email"))
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices,
                              default=ServiceStatus.ACTIVE)
    interpretation_services = _text(_("interpretation services"))
    application_process = _text(_("how to refer or apply"))
    fees_description = _text(_("fees"))
    wait_time = _text(_("wait time"))
    fees = _text("fees")
    accreditations = _text(_("accreditations"))
    eligibility_description = _text(_("eligibility"))
    minimum_age = models.FloatField(_("minimum age"), null=True, blank=True)
    maximum_age = models.FloatField(_("maximum age"), null=True, blank=True)
    assured_date = _text("assured_date")
    assurer_email = _text("assurer_email")
    licenses = _text(_("licenses"))
    alert = _text(_("alert"))
    last_modified = models.DateTimeField(null=True, blank=True, db_index=True)

    # --- OCTIP extensions (exported as attributes of the OCTIP taxonomy) --------------------
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC, db_index=True)
    gender_eligibility = models.CharField(_("gender eligibility"), max_length=20, blank=True, default="",
                                          choices=GenderEligibility.choices)
    partner_organization = models.ForeignKey(
        "partners.Organization", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="directory_services", verbose_name=_("steward partner organization"))

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # HSDS consumers poll with modified_after: a service always carries its modification time.
        if self.last_modified is None:
            self.last_modified = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location_type = models.CharField(_("location type"), max_length=10, choices=LocationType.choices)
    url = _text("url")
    organization_id = models.UUIDField(null=True, blank=True, db_index=True)
    name = _text(_("name"))
    alternate_name = _text(_("alternate name"))
    description = _text(_("description"))
    transportation = _text(_("transportation"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = _text("external_identifier")
    external_identifier_type = _text("external_identifier_type")

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(HsdsRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = _text(_("description"))

    class Meta:
        verbose_name = _("service at location")


class Address(HsdsRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses", null=True)
    attention = _text("attention")
    address_1 = models.TextField(_("address"))
    address_2 = _text(_("address line 2"))
    city = models.TextField(_("city"))
    region = _text(_("region"))
    state_province = models.TextField(_("province"))
    postal_code = models.TextField(_("postal code"))
    country = models.TextField(_("country"))
    address_type = models.CharField(max_length=10, choices=LocationType.choices)

    class Meta:
        verbose_name = _("address")


class Contact(HsdsRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization_id = models.UUIDField(null=True, blank=True, db_index=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, related_name="contacts")
    service_at_location_id = models.UUIDField(null=True, blank=True, db_index=True)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, related_name="contacts")
    name = _text(_("name"))
    title = _text(_("title"))
    department = _text(_("department"))
    email = _text(_("email"))

    class Meta:
        verbose_name = _("contact")


class Phone(HsdsRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, related_name="phones")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, related_name="phones")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, related_name="phones")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, related_name="phones")
    service_at_location = models.ForeignKey(ServiceAtLocation, on_delete=models.CASCADE, null=True,
                                            related_name="phones")
    number = models.TextField(_("number"))
    extension = models.FloatField(null=True, blank=True)
    type = _text(_("type"))
    description = _text(_("description"))

    class Meta:
        verbose_name = _("phone")


class Schedule(HsdsRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, related_name="schedules")
    service_at_location = models.ForeignKey(ServiceAtLocation, on_delete=models.CASCADE, null=True,
                                            related_name="schedules")
    valid_from = _text("valid_from")
    valid_to = _text("valid_to")
    dtstart = _text("dtstart")
    timezone = models.FloatField(null=True, blank=True)
    until = _text("until")
    count = models.FloatField(null=True, blank=True)
    wkst = _text("wkst")
    freq = _text("freq")
    interval = models.FloatField(null=True, blank=True)
    byday = _text("byday")
    byweekno = _text("byweekno")
    bymonthday = _text("bymonthday")
    byyearday = _text("byyearday")
    description = _text(_("description"))
    opens_at = _text(_("opens at"))
    closes_at = _text(_("closes at"))
    schedule_link = _text("schedule_link")
    attending_type = _text("attending_type")
    notes = _text(_("notes"))

    class Meta:
        verbose_name = _("schedule")


class Language(HsdsRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, related_name="languages")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, related_name="languages")
    phone = models.ForeignKey(Phone, on_delete=models.CASCADE, null=True, related_name="languages")
    name = _text(_("name"))
    code = _text(_("code"), db_index=True)
    note = _text(_("note"))

    class Meta:
        verbose_name = _("language")


class ServiceArea(HsdsRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, related_name="service_areas")
    name = _text(_("name"))
    description = _text(_("description"))
    extent = _text("extent")
    extent_type = _text("extent_type")
    uri = _text("uri")
    #: The platform region this area matches by name (set on import; used by region search).
    region = models.ForeignKey("partners.Region", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="service_areas")

    class Meta:
        verbose_name = _("service area")


class Attribute(HsdsRecord):
    """Links any HSDS record (``link_id`` + ``link_entity``) to a taxonomy term: the needs a service meets."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    link_id = models.UUIDField(null=True, blank=True, db_index=True)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, null=True,
                                      related_name="attributes")
    link_type = _text("link_type")
    link_entity = _text("link_entity")
    value = _text("value")

    class Meta:
        verbose_name = _("attribute")


class Metadata(HsdsRecord):
    """HSDS change history: one row per changed field — who, when, from what to what."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    resource_id = models.UUIDField(null=True, blank=True, db_index=True)
    resource_type = _text("resource_type")
    last_action_date = models.TextField()
    last_action_type = models.TextField()
    field_name = models.TextField()
    previous_value = models.TextField(blank=True, default="")
    replacement_value = models.TextField(blank=True, default="")
    updated_by = models.TextField()
    #: The staff account behind a change made on the platform (not exported: ``updated_by`` names
    #: the organization, so HSDS consumers do not learn staff identities).
    updated_by_user = models.ForeignKey("partners.User", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("change record")


class SupplementaryRecord(HsdsRecord):
    """HSDS objects outside the core this platform models (program, funding, cost_option,
    required_document, accessibility, organization_identifier, meta_table_description), kept
    whole so that an import followed by an export loses nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    kind = models.CharField(max_length=40, db_index=True)
    organization_id = models.UUIDField(null=True, blank=True, db_index=True)
    service_id = models.UUIDField(null=True, blank=True, db_index=True)
    location_id = models.UUIDField(null=True, blank=True, db_index=True)
    body = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("supplementary HSDS record")
