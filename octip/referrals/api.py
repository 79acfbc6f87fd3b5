"""Referrals and transfers: ``POST /cases/{id}/referrals``, ``GET /referrals?box=&status=``,
``POST /referrals/{id}/accept|decline|complete|close|revoke``, and the same for transfers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from octip.cases.selectors import case_or_404
from octip.cases.sharing import require_own_scope
from octip.consent.policy import DisclosureRefused
from octip.core import keyset
from octip.partners.models import Organization

from . import secure_exports, selectors, services
from .schemas import (
    ExportCreated,
    ExportIn,
    ExportOut,
    ReasonIn,
    ReferralIn,
    ReferralOut,
    Refusal,
    TransferIn,
    TransferOut,
)

router = Router(tags=["referrals"])


def _refused(refused: DisclosureRefused) -> Status:
    return Status(409, refused.answer())


def _organization(organization_id: int | None) -> Organization | None:
    if organization_id is None:
        return None
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise ValidationError({"organization_id": _("No organization has this id.")})
    return organization


def _status_changed(request, change: Callable[..., Any], withhold: Callable[..., list], **arguments: Any):
    """A referral or transfer changes status (``change(actor=..., **arguments)``): an action its status
    no longer allows is a 409, and the row comes back as its reader may see it (``withhold``)."""
    try:
        row = change(actor=request.auth, **arguments)
    except services.InvalidTransition as invalid:
        return Status(409, {"detail": " ".join(invalid.messages), "code": "invalid_transition"})
    return withhold(actor=request.auth, rows=[row])[0]


@router.post("/cases/{case_id}/referrals", response={201: ReferralOut, 409: Refusal})
def create_referral(request, case_id: UUID, body: ReferralIn):
    from octip.directory.models import Service

    case = case_or_404(actor=request.auth, case_id=case_id)
    data = body.dict()
    service = None
    service_id = data.pop("service_id")
    if service_id is not None:
        service = Service.objects.visible_to(request.auth).filter(pk=service_id).first()
        if service is None:
            raise ValidationError({"service_id": _("No such service in the directory.")})
    organization = _organization(data.pop("organization_id"))
    try:
        referral = services.send_referral(actor=request.auth, case=case, service=service, organization=organization,
                                          **data)
    except DisclosureRefused as refused:
        return _refused(refused)
    return Status(201, referral)


@router.get("/cases/{case_id}/referrals", response=list[ReferralOut])
def list_case_referrals(request, case_id: UUID):
    case = case_or_404(actor=request.auth, case_id=case_id)
    rows = list(selectors.referrals_of_case(actor=request.auth, case=case).select_related("case"))
    rows = selectors.withhold_ended_details(actor=request.auth, rows=rows)
    return selectors.listed_for_reading(actor=request.auth, action="referral.listed", rows=rows, case=case)


@router.get("/referrals", response=list[ReferralOut])
def list_referrals(request, response: HttpResponse, box: Literal["inbox", "outbox"] = "inbox", status: str = "",
                   limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                   cursor: str = Query("", max_length=2000)):
    """Referrals in or out, newest first, ``limit`` a page; the next page by ``cursor`` (``X-Next-Cursor``)."""
    rows = keyset.api_page(selectors.referrals(actor=request.auth, box=box, status=status), request=request,
                           response=response, name="referrals", cursor=cursor, limit=limit,
                           ordering=("-sent_at", "-pk"))
    rows = selectors.withhold_ended_details(actor=request.auth, rows=rows)
    return selectors.listed_for_reading(actor=request.auth, action="referral.listed", rows=rows)


@router.get("/referrals/{referral_id}", response=ReferralOut)
def get_referral(request, referral_id: UUID):
    referral = selectors.referral_for_reading(actor=request.auth, referral_id=referral_id)
    return selectors.withhold_ended_details(actor=request.auth, rows=[referral])[0]


@router.post("/referrals/{referral_id}/{action}", response={200: ReferralOut, 409: Refusal})
def act_on_referral(request, referral_id: UUID, action: Literal["accept", "decline", "complete", "close", "revoke"],
                    body: ReasonIn | None = None):
    referral = selectors.referral_or_404(actor=request.auth, referral_id=referral_id)
    return _status_changed(request, services.change_referral_status, selectors.withhold_ended_details,
                           referral=referral, action=action, reason=body.reason if body else "")


@router.post("/cases/{case_id}/transfers", response={201: TransferOut, 409: Refusal})
def create_transfer(request, case_id: UUID, body: TransferIn):
    case = case_or_404(actor=request.auth, case_id=case_id)
    require_own_scope(request.auth, "referral.send", case)  # refused before the body is read
    data = body.dict()
    organization = _organization(data.pop("organization_id"))
    try:
        transfer = services.send_transfer(actor=request.auth, case=case, organization=organization, **data)
    except DisclosureRefused as refused:
        return _refused(refused)
    return Status(201, transfer)


@router.get("/transfers", response=list[TransferOut])
def list_transfers(request, response: HttpResponse, box: Literal["inbox", "outbox"] = "inbox", status: str = "",
                   limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                   cursor: str = Query("", max_length=2000)):
    """Transfers in or out, newest first, ``limit`` a page; the next page by ``cursor`` (``X-Next-Cursor``)."""
    page = keyset.api_page(selectors.transfers(actor=request.auth, box=box, status=status), request=request,
                           response=response, name="transfers", cursor=cursor, limit=limit,
                           ordering=("-sent_at", "-pk"))
    rows = selectors.withhold_ended_transfer_details(actor=request.auth, rows=page)
    return selectors.listed_for_reading(actor=request.auth, action="transfer.listed", rows=rows)


@router.post("/transfers/{transfer_id}/{action}", response={200: TransferOut, 409: Refusal})
def act_on_transfer(request, transfer_id: UUID, action: Literal["accept", "decline", "revoke"],
                    body: ReasonIn | None = None):
    transfer = selectors.transfer_or_404(actor=request.auth, transfer_id=transfer_id)
    return _status_changed(request, services.change_transfer_status, selectors.withhold_ended_transfer_details,
                           transfer=transfer, action=action, reason=body.reason if body else "")


@router.post("/cases/{case_id}/exports", response={201: ExportCreated, 409: Refusal})
def create_export(request, response: HttpResponse, case_id: UUID, body: ExportIn):
    """A secure export to an organization not on the platform. The password is in this response
    only; give it to the recipient by another channel than the archive."""
    from django.urls import reverse

    case = case_or_404(actor=request.auth, case_id=case_id)
    try:
        export, password = secure_exports.create_secure_export(actor=request.auth, case=case, **body.dict())
    except DisclosureRefused as refused:
        return _refused(refused)
    response["Cache-Control"] = "no-store"  # the password must not sit in any cache
    export.password = password
    export.download_url = reverse("referrals:export_download", args=[export.pk])
    return Status(201, export)


@router.get("/cases/{case_id}/exports", response=list[ExportOut])
def list_exports(request, case_id: UUID):
    case = case_or_404(actor=request.auth, case_id=case_id)
    rows = list(selectors.exports_of_case(actor=request.auth, case=case))
    return selectors.listed_for_reading(actor=request.auth, action="export.listed", rows=rows, case=case)
