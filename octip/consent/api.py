"""Consents of a case: ``GET/POST /cases/{id}/consents``, ``POST /consents/{id}/withdraw``."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status

from octip.cases.interpretation import shows_interpreter_id
from octip.cases.selectors import case_or_404
from octip.core.interpretation import withhold_interpreter_ids
from octip.partners.models import Organization

from . import selectors, services
from .schemas import ConsentIn, ConsentOut, Problem, WithdrawIn

router = Router(tags=["consent"])


@router.get("/cases/{case_id}/consents", response=list[ConsentOut])
def list_consents(request, case_id: UUID):
    case = case_or_404(actor=request.auth, case_id=case_id)
    return withhold_interpreter_ids(selectors.consents_of_case(actor=request.auth, case=case),
                                    shown=shows_interpreter_id(actor=request.auth, case=case))


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
    shown = shows_interpreter_id(actor=request.auth, case=case)
    return Status(201, withhold_interpreter_ids([consent], shown=shown)[0])


@router.post("/consents/{consent_id}/withdraw", response={200: ConsentOut, 400: Problem})
def withdraw(request, consent_id: int, body: WithdrawIn):
    consent = selectors.visible_consent_or_404(actor=request.auth, consent_id=consent_id)
    consent = services.withdraw_consent(actor=request.auth, consent=consent, reason=body.reason)
    return withhold_interpreter_ids([consent], shown=shows_interpreter_id(actor=request.auth, case=consent.case))[0]
