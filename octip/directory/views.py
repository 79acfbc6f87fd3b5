"""Staff pages of the directory (/app/directory/): find a service, read it, and — for its data
stewards — edit it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from octip.core.access import AccessDenied, allows
from octip.core.versioning import StaleVersion

from . import models as m
from . import selectors
from .forms import DirectorySearchForm, ServiceEditForm
from .services import is_steward, record_service_view, update_service

PER_PAGE = 20


def search_page(request: HttpRequest, *, services, template: str, staff: bool, extra: dict | None = None):
    """Shared by the staff and the public directory: the same form, a different door."""
    form = DirectorySearchForm(request.GET or None, services=services, staff=staff)
    results = services.none()
    searched = bool(request.GET)
    if form.is_bound and form.is_valid():
        results = selectors.filter_services(services, form.criteria())
    elif not form.is_bound:
        results = selectors.filter_services(services, selectors.ServiceSearch(include_inactive=False))
    results = results.select_related("organization").prefetch_related("languages", "service_areas__region")
    page = Paginator(results.order_by("name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, template, {"form": form, "page": page, "searched": searched,
                                      "query": query.urlencode(), **(extra or {})}, status=status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if request.GET and selectors.sees_partner_services(request.user):
        from octip.core import audit

        audit.record(request.user, "directory.partner_directory_searched", None,
                     detail={"query": request.GET.urlencode()[:500]})
    return search_page(request, services=selectors.visible_services(request.user), template="directory/index.html",
                       staff=True, extra={"sees_partner_services": selectors.sees_partner_services(request.user)})


def _service_or_404(user, service_id: uuid.UUID) -> m.Service:
    try:
        return selectors.visible_services(user).select_related("organization", "partner_organization").get(
            pk=service_id)
    except ObjectDoesNotExist:
        raise Http404 from None


def web_link(url: str) -> str:
    """Only http(s) addresses become links: imported data could carry ``javascript:`` URLs."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def service_context(service: m.Service, *, public: bool) -> dict:
    return {
        "service": service,
        "website": web_link(service.url),
        "needs": selectors.service_needs(service),
        "hours": selectors.hours_of(service),
        "languages": service.languages.all(),
        "phones": selectors.phones_of(service),
        "addresses": selectors.addresses_of(service),
        "contacts": service.contacts.all(),
        "areas": service.service_areas.select_related("region"),
        "public": public,
    }


@login_required
def detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service_or_404(request.user, service_id)
    record_service_view(actor=request.user, service=service)
    context = service_context(service, public=False)
    context["can_edit"] = is_steward(request.user, service)
    # Referral starts here when the service belongs to a partner on the platform.
    context["can_refer"] = service.partner_organization_id is not None and allows(request.user, "referral.send")
    if context["can_edit"]:
        context["history"] = selectors.service_history(service).select_related("updated_by_user")[:50]
    return render(request, "directory/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service_or_404(request.user, service_id)
    if not is_steward(request.user, service):
        # The service function refuses (and audits) too; this avoids showing a form for nothing.
        from octip.core import audit

        audit.record_denial(request.user, "directory.edit", service)
        raise AccessDenied("directory.edit", _("Only the data stewards of this service may edit it."))
    form = ServiceEditForm(request.POST or None, service=service)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                update_service(actor=request.user, service=service, expected_version=form.cleaned_data["version"],
                               changes=form.changes(), needs=list(form.cleaned_data["needs"]),
                               confirm_publication=form.cleaned_data.get("confirm_publication", False))
            except StaleVersion as stale:
                form.add_error(None, _("Someone else saved this service while you were editing it "
                                       "(changed: %(fields)s). Your changes were not saved: reload the page "
                                       "and apply them again.") % {
                    "fields": ", ".join(sorted(stale.changed)) or _("see the history")})
                status = 409
            else:
                from django.contrib import messages

                messages.success(request, _("Service saved."))
                return redirect("directory:detail", service_id=service.pk)
        else:
            status = 400
    return render(request, "directory/edit.html", {"form": form, "service": service,
                                                   "timezone": settings.TIME_ZONE}, status=status)
