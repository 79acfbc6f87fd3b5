"""Consents of a case: ``GET/POST /cases/{id}/consents``, ``POST /consents/{id}/withdraw``."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status

from octip.cases.selectors import case_or_404
from octip.partners.models import Organization

from . import selectors, services
from .schemas import ConsentIn, ConsentOut, Problem, WithdrawIn

router = Router(tags=["consent"])


@router.get("/cases/{case_id}/consents", response=list[ConsentOut])
def list_consents(request, case_id: UUID):
    case = case_or_404(actor=request.auth, case_id=case_id)
    return list(selectors.consents_of_case(actor=request.auth, case=case))


@router.post("/cases/{case_id}/consents", response={201: ConsentOut, 400: Problem})
def create_consent(request, case_id: UUID, body: ConsentIn):
    case = case_or_404(actor=request.auth, case_id=case_id)
    data = body.dict()
    organization_id = data.pop("organization_id")
    organization = None
    if organization_id is not None:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise ValidationError({"organization_id": _("No organization has this id.")})
    consent = services.record_consent(actor=request.auth, case=case, organization=organization, **data)
    return Status(201, consent)


@router.post("/consents/{consent_id}/withdraw", response={200: ConsentOut, 400: Problem})
def withdraw(request, consent_id: int, body: WithdrawIn):
    consent = selectors.visible_consent_or_404(actor=request.auth, consent_id=consent_id)
    return services.withdraw_consent(actor=request.auth, consent=consent, reason=body.reason)
