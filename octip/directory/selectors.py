"""Reads of the directory. Every read starts from what the viewer may see.

Anonymous callers and staff without ``directory.view_partner_services`` see ``public`` services
and only what hangs off them: the organizations that run a public service, the locations where a
public service is delivered. A partners-only service — a confidential shelter — is invisible to
them in every list, every nested document and every count.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core.access import MaybeActor, allows

from . import models as m

VANCOUVER = ZoneInfo("America/Vancouver")
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def sees_partner_services(user: MaybeActor) -> bool:
    return allows(user, "directory.view_partner_services")


def visible_services(user: MaybeActor) -> QuerySet[m.Service]:
    return m.Service.objects.visible_to(user)


def visible_organizations(user: MaybeActor) -> QuerySet[m.Organization]:
    if sees_partner_services(user):
        return m.Organization.objects.all()
    return m.Organization.objects.filter(Exists(visible_services(user).filter(organization=OuterRef("pk"))))


def visible_locations(user: MaybeActor) -> QuerySet[m.Location]:
    if sees_partner_services(user):
        return m.Location.objects.all()
    return m.Location.objects.filter(Exists(m.ServiceAtLocation.objects.filter(
        location=OuterRef("pk"), service__in=visible_services(user))))


def visible_service_at_locations(user: MaybeActor) -> QuerySet[m.ServiceAtLocation]:
    return m.ServiceAtLocation.objects.filter(service__in=visible_services(user))


def _term_ids_of_taxonomy(taxonomy_id: uuid.UUID | str) -> QuerySet:
    return m.TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id).values("pk")


def _term_and_children(term_id: uuid.UUID) -> list[uuid.UUID]:
    """A need and its narrower needs (a search for "shelter" finds "emergency shelter")."""
    found, frontier = {term_id}, {term_id}
    for _depth in range(5):
        frontier = set(m.TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        if not frontier:
            break
        found |= frontier
    return list(found)


def services_with_terms(term_ids: Iterable[uuid.UUID]) -> QuerySet:
    return m.Attribute.objects.filter(taxonomy_term_id__in=term_ids).values("link_id")


@dataclass
class ServiceSearch:
    """What a caller may filter services by; empty fields do not filter. All combine with AND."""

    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime.datetime | None = None
    region_codes: list[str] = field(default_factory=list)
    language: str = ""
    age: int | None = None
    gender: str = ""
    open_now: bool = False
    visibility: str = ""
    include_inactive: bool = True


def filter_services(queryset: QuerySet[m.Service], criteria: ServiceSearch, *,
                    now: datetime.datetime | None = None) -> QuerySet[m.Service]:
    q = queryset
    if criteria.search:
        for word in criteria.search.split()[:8]:
            q = q.filter(Q(name__icontains=word) | Q(alternate_name__icontains=word)
                         | Q(description__icontains=word) | Q(organization__name__icontains=word)
                         | Q(eligibility_description__icontains=word))
    if criteria.taxonomy_term_id:
        q = q.filter(pk__in=services_with_terms(_term_and_children(criteria.taxonomy_term_id)))
    if criteria.taxonomy_id:
        q = q.filter(pk__in=services_with_terms(_term_ids_of_taxonomy(criteria.taxonomy_id)))
    if criteria.organization_id:
        q = q.filter(organization_id=criteria.organization_id)
    if criteria.modified_after:
        q = q.filter(last_modified__gte=criteria.modified_after)
    if criteria.region_codes:
        # A province-wide service serves every region.
        codes = [*criteria.region_codes, "province_wide"]
        q = q.filter(service_areas__region__code__in=codes).distinct()
    if criteria.language:
        code = criteria.language.strip().lower()
        q = q.filter(Q(languages__code__iexact=code) | Q(languages__name__iexact=code)).distinct()
    if criteria.age is not None:
        q = q.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=criteria.age),
                     Q(maximum_age__isnull=True) | Q(maximum_age__gte=criteria.age))
    if criteria.gender:
        q = q.filter(gender_eligibility__in=["", criteria.gender])
    if criteria.visibility:
        q = q.filter(visibility=criteria.visibility)
    if not criteria.include_inactive:
        q = q.filter(status=m.ServiceStatus.ACTIVE)
    if criteria.open_now:
        ids = open_service_ids(q, now=now)
        q = q.filter(pk__in=ids)
    return q


def filter_service_at_locations(queryset: QuerySet[m.ServiceAtLocation],
                                criteria: ServiceSearch) -> QuerySet[m.ServiceAtLocation]:
    """Service filters apply to the service delivered; ``search`` also matches the place."""
    from dataclasses import replace

    q = queryset.filter(service__in=filter_services(m.Service.objects.all(), replace(criteria, search="")))
    if criteria.search:
        text_match = filter_services(m.Service.objects.all(), ServiceSearch(search=criteria.search))
        q = q.filter(Q(service__in=text_match) | Q(location__name__icontains=criteria.search)
                     | Q(description__icontains=criteria.search))
    return q


# --- opening hours ---------------------------------------------------------------------------

def _parse_time(text: str) -> datetime.time | None:
    for fmt in ("%H:%M:%S", "%H:%M"):
        try:
            return datetime.datetime.strptime(text.strip()[:8], fmt).time()
        except ValueError:
            continue
    return None


def _parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def schedule_is_open(schedule: m.Schedule, at: datetime.datetime) -> bool:
    """Whether a weekly schedule (RFC 5545 ``byday`` + ``opens_at``/``closes_at``) covers ``at``,
    read in Vancouver time. Monthly rules and schedules without times are not counted as open."""
    local = at.astimezone(VANCOUVER)
    valid_from, valid_to = _parse_date(schedule.valid_from), _parse_date(schedule.valid_to)
    if valid_from and local.date() < valid_from or valid_to and local.date() > valid_to:
        return False
    if schedule.freq and schedule.freq != "WEEKLY":
        return False
    days = {d.strip()[-2:] for d in schedule.byday.split(",") if d.strip()}
    if days and DAY_CODES[local.weekday()] not in days:
        return False
    opens, closes = _parse_time(schedule.opens_at), _parse_time(schedule.closes_at)
    if opens is None or closes is None:
        return False
    now = local.time()
    if closes <= opens:  # overnight: 20:00–08:00, or 00:00–00:00 meaning all day
        return now >= opens or now < closes or opens == closes
    return opens <= now < closes


def open_service_ids(services: QuerySet[m.Service], *, now: datetime.datetime | None = None) -> set:
    now = now or timezone.now()
    schedules = m.Schedule.objects.filter(
        Q(service__in=services) | Q(service_at_location__service__in=services)).select_related("service_at_location")
    found = set()
    for schedule in schedules:
        if schedule_is_open(schedule, now):
            at = schedule.service_at_location
            found.add(schedule.service_id or (at.service_id if at is not None else None))
    return found


DAY_NAMES = {"MO": _("Monday"), "TU": _("Tuesday"), "WE": _("Wednesday"), "TH": _("Thursday"),
             "FR": _("Friday"), "SA": _("Saturday"), "SU": _("Sunday")}


def day_names(byday: str) -> str:
    """``MO,TU,WE,TH,FR`` → "Monday to Friday"; other lists are spelled out."""
    codes = [d.strip()[-2:] for d in byday.split(",") if d.strip()[-2:] in DAY_NAMES]
    if not codes:
        return ""
    positions = [DAY_CODES.index(c) for c in codes]
    if len(codes) > 2 and positions == list(range(positions[0], positions[0] + len(codes))):
        return _("%(first)s to %(last)s") % {"first": DAY_NAMES[codes[0]], "last": DAY_NAMES[codes[-1]]}
    return ", ".join(str(DAY_NAMES[c]) for c in codes)


def hours_of(service: m.Service) -> list[m.Schedule]:
    schedules = list(m.Schedule.objects.filter(Q(service=service) | Q(service_at_location__service=service))
                     .order_by("opens_at"))
    for schedule in schedules:
        # Shown by the service page's hours table; not columns.
        schedule.days = day_names(schedule.byday)  # type: ignore[attr-defined]
        schedule.all_day = (bool(schedule.opens_at)  # type: ignore[attr-defined]
                            and schedule.opens_at[:5] == schedule.closes_at[:5])
    return schedules


# --- pages -----------------------------------------------------------------------------------

def needs_taxonomy_terms(services: QuerySet[m.Service]) -> QuerySet[m.TaxonomyTerm]:
    """The needs to search by: terms that one of ``services`` (what the viewer may see) is linked
    to, so that a need met only by a confidential service is not even listed to the public."""
    from .hsds import EXTENSION_TAXONOMY_ID

    used = m.Attribute.objects.filter(link_id__in=services.values("pk")).values("taxonomy_term_id")
    return m.TaxonomyTerm.objects.filter(pk__in=used).exclude(taxonomy_id=EXTENSION_TAXONOMY_ID).order_by("name")


def service_needs(service: m.Service) -> QuerySet[m.TaxonomyTerm]:
    return m.TaxonomyTerm.objects.filter(pk__in=m.Attribute.objects.filter(link_id=service.pk)
                                         .values("taxonomy_term_id")).order_by("name")


def service_history(service: m.Service) -> QuerySet[m.Metadata]:
    return m.Metadata.objects.filter(resource_id=service.pk).order_by("-recorded_at")


def addresses_of(service: m.Service) -> QuerySet[m.Address]:
    return m.Address.objects.filter(location__service_at_locations__service=service).distinct()


def phones_of(service: m.Service) -> QuerySet[m.Phone]:
    return m.Phone.objects.filter(Q(service=service) | Q(service_at_location__service=service)).distinct()
