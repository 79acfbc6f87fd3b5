"""The HSDS 3.0 API under /hsds/ (read-only; openapi.json of the specification).

Anyone may call it. Anonymous callers get ``public`` services only; a partner's staff signed in
(a session past MFA, or ``Authorization: Bearer <personal token>``) also get ``partners``
services. An invalid token is refused with 401 rather than quietly treated as anonymous, so that a
partner's integration notices.
"""

from __future__ import annotations

import datetime
import json
import math
import uuid
from collections.abc import Callable, Iterator
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from octip.core import audit
from octip.partners.middleware import mfa_pending
from octip.partners.services import authenticate_token

from . import documents, hsds, selectors
from . import models as m
from .services import record_service_view

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


class BadParameter(Exception):
    pass


class Unauthenticated(Exception):
    pass


def viewer(request: HttpRequest):
    """The signed-in partner staff member making the call, or None for an anonymous caller."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = authenticate_token(header[7:].strip())
        if user is None or not user.is_active:
            raise Unauthenticated
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active and not mfa_pending(user):
        return user
    return None


def _headers(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"  # what a caller sees depends on who they are
    response["Vary"] = "Authorization, Cookie"
    # Any web page may read the public directory. "*" never covers credentialed requests, so a
    # page elsewhere cannot use a partner's session to read partners-only services.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(body, status: int = 200) -> JsonResponse:
    return _headers(JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False}))


def hsds_endpoint(view: Callable) -> Callable:
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            user = viewer(request)
        except Unauthenticated:
            return _json({"detail": "Invalid or expired token."}, status=401)
        try:
            _refuse_nul(request)
            response = view(request, user, *args, **kwargs)
        except BadParameter as bad:
            return _json({"detail": str(bad)}, status=400)
        except Http404:
            return _json({"detail": "Not found."}, status=404)
        if selectors.sees_partner_services(user):
            # Lists can carry confidential addresses in bulk: every read that could is on record.
            audit.record(user, "directory.partner_directory_read", None,
                         detail={"endpoint": request.path, "query": request.GET.urlencode()[:500]})
        return response
    return wrapper


# --- parameters ------------------------------------------------------------------------------

def _refuse_nul(request) -> None:
    """A NUL character in a parameter is never meaningful, and PostgreSQL refuses it in a query (a 500)."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise BadParameter("Query parameters may not contain NUL characters.")


def _bool(request, name: str) -> bool:
    value = request.GET.get(name, "").strip().lower()
    if value in {"", "false", "0", "no"}:
        return False
    if value in {"true", "1", "yes"}:
        return True
    raise BadParameter(f"{name} must be true or false.")


def _int(request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number.") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}.")
    return value


def _uuid(request, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a UUID.") from None


def _datetime(request, name: str) -> datetime.datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None and (day := parse_date(raw)) is not None:
        value = datetime.datetime.combine(day, datetime.time())
    if value is None:
        raise BadParameter(f"{name} must be an ISO 8601 date or date-time.")
    if not 1900 <= value.year <= 2100:  # near year 1 or 9999 an offset overflows on conversion to UTC
        raise BadParameter(f"{name} must be between the years 1900 and 2100.")
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _format(request) -> str:
    value = request.GET.get("format", "json").strip().lower() or "json"
    if value not in {"json", "ndjson"}:
        raise BadParameter("format must be json or ndjson.")
    return value


def _criteria(request) -> selectors.ServiceSearch:
    return selectors.ServiceSearch(
        search=request.GET.get("search", "").strip()[:200],
        taxonomy_term_id=_uuid(request, "taxonomy_term_id"),
        taxonomy_id=_uuid(request, "taxonomy_id"),
        organization_id=_uuid(request, "organization_id"),
        modified_after=_datetime(request, "modified_after"))


def _batches(queryset: QuerySet, size: int = 100) -> Iterator[list]:
    batch: list = []
    for obj in queryset.iterator(chunk_size=size):
        batch.append(obj)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _listing(request, queryset: QuerySet, render: Callable[[list], list[dict]]) -> HttpResponse:
    """The ``Page`` envelope, or with ``format=ndjson`` every result streamed one per line.
    ``render`` turns a batch of records into documents (so related rows load once per batch)."""
    if _format(request) == "ndjson":
        def lines() -> Iterator[str]:
            for batch in _batches(queryset):
                for doc in render(batch):
                    yield json.dumps(doc, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"
        return _headers(StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8"))
    per_page = _int(request, "per_page", DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)
    page = _int(request, "page", 1, low=1, high=10**6)
    total = queryset.count()
    total_pages = max(1, math.ceil(total / per_page))
    contents = render(list(queryset[(page - 1) * per_page: page * per_page]))
    return _json({
        "total_items": total, "total_pages": total_pages, "page_number": page, "size": len(contents),
        "first_page": page == 1, "last_page": page >= total_pages, "empty": not contents,
        "contents": contents})


def each(render_one: Callable[[object], dict]) -> Callable[[list], list[dict]]:
    return lambda batch: [render_one(obj) for obj in batch]


def _one(queryset: QuerySet, pk: str):
    try:
        return queryset.get(pk=uuid.UUID(pk))
    except (ValueError, ValidationError, queryset.model.DoesNotExist):
        raise Http404 from None


# --- endpoints -------------------------------------------------------------------------------

@hsds_endpoint
def root(request, user):
    return _json({"version": hsds.HSDS_VERSION,
                  "profile": "https://docs.openreferral.org/en/latest/hsds/",
                  "openapi_url": request.build_absolute_uri(reverse("hsds:openapi"))})


@hsds_endpoint
def openapi(request, user):
    return _json(hsds.openapi())


def _services_in_order(queryset: QuerySet[m.Service]) -> QuerySet[m.Service]:
    return queryset.select_related("organization", "partner_organization").order_by("name", "pk")


@hsds_endpoint
def services(request, user):
    minimal, full = _bool(request, "minimal"), _bool(request, "full")
    queryset = _services_in_order(selectors.filter_services(selectors.visible_services(user), _criteria(request)))
    if minimal:
        return _listing(request, queryset, each(documents.minimal_service_doc))
    if full:
        queryset = queryset.prefetch_related(*documents.SERVICE_PREFETCH)
    return _listing(request, queryset, lambda batch: documents.service_docs(batch, full=full))


@hsds_endpoint
def service(request, user, pk: str):
    found = _one(_services_in_order(selectors.visible_services(user)).prefetch_related(
        *documents.SERVICE_PREFETCH), pk)
    record_service_view(actor=user, service=found)
    return _json(documents.service_doc(found))


def _organization_renderer(user, *, full: bool, full_service: bool):
    def render(organization: m.Organization) -> dict:
        return documents.organization_doc(
            organization, full=full, full_service=full_service,
            services=_services_in_order(selectors.visible_services(user).filter(organization=organization))
            .prefetch_related(*(documents.SERVICE_PREFETCH if full_service else [])),
            locations=selectors.visible_locations(user).filter(
                Q(organization_id=organization.pk)
                | Q(service_at_locations__service__organization=organization)).distinct().order_by("name", "pk")
            .prefetch_related(*documents.LOCATION_PREFETCH))
    return render


@hsds_endpoint
def organizations(request, user):
    queryset = selectors.visible_organizations(user).order_by("name", "pk")
    search = request.GET.get("search", "").strip()[:200]
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(alternate_name__icontains=search)
                                   | Q(description__icontains=search))
    render = _organization_renderer(user, full=_bool(request, "full") or _bool(request, "full_service"),
                                    full_service=_bool(request, "full_service"))
    return _listing(request, queryset, each(render))


@hsds_endpoint
def organization(request, user, pk: str):
    render = _organization_renderer(user, full=True, full_service=_bool(request, "full_service"))
    return _json(render(_one(selectors.visible_organizations(user), pk)))


def _sals_in_order(queryset):
    return queryset.select_related("service", "location").order_by("service__name", "location__name", "pk")


@hsds_endpoint
def service_at_locations(request, user):
    full = _bool(request, "full")
    queryset = _sals_in_order(selectors.filter_service_at_locations(
        selectors.visible_service_at_locations(user), _criteria(request)))
    if full:
        queryset = queryset.prefetch_related(*(f"location__{p}" for p in documents.LOCATION_PREFETCH),
                                             "phones__languages", "schedules")

    def render(batch: list) -> list[dict]:
        related = documents.Related([x for sal in batch for x in (sal.pk, sal.location_id)]) if full else None
        return [documents.service_at_location_doc(sal, full=full, related=related) for sal in batch]
    return _listing(request, queryset, render)


@hsds_endpoint
def service_at_location(request, user, pk: str):
    sal = _one(_sals_in_order(selectors.visible_service_at_locations(user)), pk)
    return _json(documents.service_at_location_doc(sal, with_service=True))


@hsds_endpoint
def taxonomies(request, user):
    queryset = m.Taxonomy.objects.order_by("name", "pk")
    search = request.GET.get("search", "").strip()[:200]
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return _listing(request, queryset, each(lambda t: hsds.flat("taxonomy", t)))


@hsds_endpoint
def taxonomy(request, user, pk: str):
    return _json(hsds.flat("taxonomy", _one(m.Taxonomy.objects.all(), pk)))


def _visible_terms(user) -> QuerySet[m.TaxonomyTerm]:
    """Terms, less those used only by services the viewer may not see (a need met only by a
    confidential shelter says something about it)."""
    visible = selectors.visible_services(user)
    hidden_use = m.Attribute.objects.filter(link_entity="service").exclude(link_id__in=visible.values("pk"))
    visible_use = m.Attribute.objects.filter(link_id__in=visible.values("pk"))
    return m.TaxonomyTerm.objects.exclude(Q(pk__in=hidden_use.values("taxonomy_term_id"))
                                          & ~Q(pk__in=visible_use.values("taxonomy_term_id")))


@hsds_endpoint
def taxonomy_terms(request, user):
    queryset = _visible_terms(user).order_by("name", "pk")
    search = request.GET.get("search", "").strip()[:200]
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search)
                                   | Q(code__icontains=search))
    if taxonomy_id := _uuid(request, "taxonomy_id"):
        queryset = queryset.filter(taxonomy_id=taxonomy_id)
    if parent_id := _uuid(request, "parent_id"):
        queryset = queryset.filter(parent_id=parent_id)
    if _bool(request, "top_only"):
        queryset = queryset.filter(parent_id__isnull=True)
    return _listing(request, queryset, each(lambda t: documents.taxonomy_term_doc(t, full=False)))


@hsds_endpoint
def taxonomy_term(request, user, pk: str):
    return _json(documents.taxonomy_term_doc(_one(_visible_terms(user), pk)))
