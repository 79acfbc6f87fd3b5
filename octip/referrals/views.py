"""Referral pages: inbox, outbox, a referral, sending one, transfers, secure exports, notifications."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from octip.cases.selectors import case_or_404, own_case_by_number
from octip.cases.sharing import is_own_case, require_own_scope
from octip.consent.policy import DisclosureRefused
from octip.consent.selectors import share_consents_of_case
from octip.core.access import allows
from octip.core.forms import apply_validation_error
from octip.core.keyset import BAD_CURSOR, BadCursor, KeysetPage
from octip.notifications.selectors import notifications_for

from . import secure_exports, selectors, services
from .forms import (
    BoxFilterForm,
    CaseNumberForm,
    ExportForm,
    ReasonForm,
    ReferralForm,
    TransferFilterForm,
    TransferForm,
)
from .transitions import REFERRAL_TRANSITIONS, TRANSFER_TRANSITIONS, Transition, available


def _paged(request: HttpRequest, form: BoxFilterForm | TransferFilterForm, rows: QuerySet[Any],
           name: str) -> tuple[KeysetPage[Any] | None, str]:
    """A page of a box from the address's ``cursor``, and the filters' query string for the page links.
    A cursor that is not valid adds an error to the form and gives no page (the view answers 400)."""
    try:
        page = selectors.box_page(rows, name=name, cursor=request.GET.get("cursor", ""))
    except BadCursor:
        form.add_error(None, BAD_CURSOR)
        page = None
    query = request.GET.copy()
    query.pop("cursor", None)
    return page, query.urlencode()


def _box(request: HttpRequest, box: str) -> HttpResponse:
    form = BoxFilterForm(request.GET or None)
    valid = form.is_valid()
    status = form.cleaned_data["status"] if valid else ""
    overdue = bool(form.cleaned_data["overdue"]) if valid else False
    page, query = _paged(request, form, selectors.referrals(actor=request.user, box=box, status=status,
                                                            overdue=overdue), f"referrals.{box}")
    return render(request, "referrals/box.html", {"box": box, "referrals": page.rows if page else [],
                                                  "page": page, "query": query, "form": form},
                  status=400 if form.errors else 200)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return _box(request, "inbox")


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    return _box(request, "outbox")


def _side(actor, referral_or_transfer) -> str:
    if actor.organization_id == referral_or_transfer.to_organization_id:
        return "receiver"
    if is_own_case(actor, referral_or_transfer.case):
        return "sender"
    return ""


@dataclass(frozen=True)
class _Flow:
    """What differs between the referral and the transfer pages; the pages themselves are one."""

    name: str
    transitions: Mapping[str, Transition]
    template: str
    withhold: Callable
    change: Callable
    detail_url: str
    done_message: str


def _detail(request: HttpRequest, flow: _Flow, obj) -> HttpResponse:
    return _detail_page(request, flow, obj, form=ReasonForm())


def _detail_page(request: HttpRequest, flow: _Flow, obj, *, form, status: int = 200,
                 extra: dict | None = None) -> HttpResponse:
    flow.withhold(actor=request.user, rows=[obj])
    side = _side(request.user, obj)
    actions = [t for t in available(flow.transitions, obj.status, side) if allows(request.user, t.permission)]
    context = {flow.name: obj, "side": side, "actions": actions, "form": form, **(extra or {})}
    return render(request, flow.template, context, status=status)


def _status_change(request: HttpRequest, flow: _Flow, obj, action: str) -> HttpResponse:
    if action not in flow.transitions:
        raise Http404
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            flow.change(actor=request.user, action=action, reason=form.cleaned_data["reason"],
                        **{flow.name: obj})
        except ValidationError as invalid:
            apply_validation_error(form, invalid)
        else:
            messages.success(request, flow.done_message % {"status": obj.get_status_display()})
            return redirect(flow.detail_url, obj.pk)
    obj.refresh_from_db()
    return _detail_page(request, flow, obj, form=form, status=400, extra={"failed_action": action})


def _referral_flow() -> _Flow:
    return _Flow("referral", REFERRAL_TRANSITIONS, "referrals/detail.html", selectors.withhold_ended_details,
                 services.change_referral_status, "referrals:detail", _("The referral is now: %(status)s."))


def _transfer_flow() -> _Flow:
    return _Flow("transfer", TRANSFER_TRANSITIONS, "referrals/transfer_detail.html",
                 selectors.withhold_ended_transfer_details, services.change_transfer_status,
                 "referrals:transfer_detail", _("The transfer is now: %(status)s."))


@login_required
def referral_detail(request: HttpRequest, referral_id) -> HttpResponse:
    referral = selectors.referral_for_reading(actor=request.user, referral_id=referral_id)
    return _detail(request, _referral_flow(), referral)


@login_required
@require_POST
def referral_action(request: HttpRequest, referral_id, action: str) -> HttpResponse:
    referral = selectors.referral_or_404(actor=request.user, referral_id=referral_id)
    return _status_change(request, _referral_flow(), referral, action)


@login_required
def case_referrals(request: HttpRequest, case_id) -> HttpResponse:
    case = case_or_404(actor=request.user, case_id=case_id)
    return render(request, "referrals/case_referrals.html", {
        "case": case, **selectors.case_sharing_for_reading(actor=request.user, case=case)})


def _service_from_query(request: HttpRequest):
    from octip.directory.models import Service

    service_id = request.GET.get("service", "")
    try:
        return Service.objects.visible_to(request.user).filter(pk=service_id).first() if service_id else None
    except (ValueError, ValidationError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def refer_to_service(request: HttpRequest) -> HttpResponse:
    """From a directory service: which of my cases do I refer to it? Asks for a case number (names
    never appear on this page), then opens the case's referral form with the service chosen."""
    service = _service_from_query(request)
    if service is None:
        raise Http404
    form = CaseNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = own_case_by_number(actor=request.user, number=form.cleaned_data["number"])
        if case is not None:
            return redirect(f"{reverse('referrals:create', args=[case.pk])}?service={service.pk}")
        form.add_error("number", _("None of the cases you work on has this number."))
    return render(request, "referrals/refer_to_service.html", {"service": service, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, case_id) -> HttpResponse:
    case = case_or_404(actor=request.user, case_id=case_id)
    require_own_scope(request.user, "referral.send", case)  # refused on GET as on POST: a receiver gets no form
    service = _service_from_query(request) if request.method == "GET" else None
    form = ReferralForm(request.POST or None, actor=request.user, case=case,
                        initial={"service": service.pk} if service else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                referral = services.send_referral(actor=request.user, case=case, **form.service_arguments())
            except DisclosureRefused as refused:
                form.add_error(None, refused.explanation)
                status = 409
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
            else:
                messages.success(request, _("The referral is sent to %(org)s.") % {
                    "org": referral.to_organization.name})
                return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/referral_form.html", {
        "case": case, "form": form, "share_consents": share_consents_of_case(actor=request.user, case=case)},
        status=status)


# --- Transfers --------------------------------------------------------------------------------

@login_required
def transfer_box(request: HttpRequest) -> HttpResponse:
    form = TransferFilterForm(request.GET or None)
    valid = form.is_valid()
    box = (form.cleaned_data["box"] if valid else "") or "inbox"
    status = form.cleaned_data["status"] if valid else ""
    overdue = bool(form.cleaned_data["overdue"]) if valid else False
    page, query = _paged(request, form, selectors.transfers(actor=request.user, box=box, status=status,
                                                            overdue=overdue), f"transfers.{box}")
    return render(request, "referrals/transfers.html", {
        "box": box, "form": form, "page": page, "query": query,
        "transfers": selectors.withhold_ended_transfer_details(actor=request.user, rows=page.rows if page else [])},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest, case_id) -> HttpResponse:
    case = case_or_404(actor=request.user, case_id=case_id)
    require_own_scope(request.user, "referral.send", case)  # refused on GET as on POST
    form = TransferForm(request.POST or None, actor=request.user, case=case)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                transfer = services.send_transfer(actor=request.user, case=case, **form.cleaned_data)
            except DisclosureRefused as refused:
                form.add_error(None, refused.explanation)
                status = 409
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
            else:
                messages.success(request, _("The transfer is proposed to %(org)s.") % {
                    "org": transfer.to_organization.name})
                return redirect("referrals:transfer_detail", transfer_id=transfer.pk)
    return render(request, "referrals/transfer_form.html", {"case": case, "form": form}, status=status)


@login_required
def transfer_detail(request: HttpRequest, transfer_id) -> HttpResponse:
    return _detail(request, _transfer_flow(), selectors.transfer_for_reading(actor=request.user,
                                                                         transfer_id=transfer_id))


@login_required
@require_POST
def transfer_action(request: HttpRequest, transfer_id, action: str) -> HttpResponse:
    transfer = selectors.transfer_or_404(actor=request.user, transfer_id=transfer_id)
    return _status_change(request, _transfer_flow(), transfer, action)


# --- Secure export ----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def export_create(request: HttpRequest, case_id) -> HttpResponse:
    case = case_or_404(actor=request.user, case_id=case_id)
    require_own_scope(request.user, "referral.send", case)  # refused on GET as on POST
    form = ExportForm(request.POST or None, actor=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                export, password = secure_exports.create_secure_export(actor=request.user, case=case,
                                                                       **form.cleaned_data)
            except DisclosureRefused as refused:
                form.add_error(None, refused.explanation)
                status = 409
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
            else:
                # The password is shown on this response only; it is stored nowhere.
                response = render(request, "referrals/export_done.html", {"case": case, "export": export,
                                                                          "password": password}, status=201)
                response["Cache-Control"] = "no-store"
                return response
    return render(request, "referrals/export_form.html", {"case": case, "form": form}, status=status)


@login_required
def export_download(request: HttpRequest, export_id) -> HttpResponse:
    export = selectors.export_or_404(actor=request.user, export_id=export_id)
    content = secure_exports.read_archive(actor=request.user, export=export)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="case-{export.case.number}-export.zip"'
    response["Cache-Control"] = "no-store"
    return response


# --- Notifications ----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.mark_notifications_read(actor=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("referrals:notifications")
    rows = list(notifications_for(actor=request.user, kinds=("referral", "transfer"))[:100])
    return render(request, "referrals/notifications.html", {"notifications": rows})
