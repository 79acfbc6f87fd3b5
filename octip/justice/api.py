"""The justice API: a case's justice section, police contacts, proceedings, immigration statuses,
CVAP applications, deadlines and letters. Every route reads through ``selectors`` and writes
through ``services``, as the pages do."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from octip.consent.policy import DisclosureRefused
from octip.core import keyset
from octip.core.access import allows, require
from octip.partners.models import Organization

from . import rules, selectors, services
from .schemas import (
    AidDecisionIn,
    AidIn,
    AidOut,
    CaseJusticeOut,
    CourtDateIn,
    CourtDateOut,
    CvapIn,
    CvapOut,
    CvapPatch,
    DeadlineOut,
    LetterIn,
    PoliceChoiceIn,
    PoliceContactIn,
    PoliceContactOut,
    Problem,
    ProceedingIn,
    ProceedingOut,
    ProceedingPatch,
    StatusIn,
    StatusOut,
    StatusPatch,
)

router = Router(tags=["justice"])


def _refused(refused: DisclosureRefused) -> Status:
    return Status(409, refused.answer())


@router.get("/cases/{case_id}/justice", response=CaseJusticeOut)
def case_justice(request, case_id: UUID):
    view = selectors.case_justice(actor=request.auth, case_id=case_id, via="api")
    return {"case_id": str(view.case.pk), "own": view.own,
            "police_choice": view.police_choice.choice if view.police_choice else None,
            "police_contacts": view.police_contacts, "proceedings": view.proceedings, "immigration": view.statuses,
            "cvap": view.cvap, "deadlines": view.deadlines}


@router.post("/cases/{case_id}/police-choice", response={201: dict, 400: Problem})
def police_choice(request, case_id: UUID, body: PoliceChoiceIn):
    case = selectors.justice_case_or_404(actor=request.auth, case_id=case_id)
    preference = services.record_police_choice(actor=request.auth, case=case, choice=body.choice)
    return Status(201, {"choice": preference.choice, "recorded_at": preference.recorded_at.isoformat()})


@router.post("/cases/{case_id}/police-contacts", response={201: PoliceContactOut, 400: Problem, 409: Problem})
def record_police_contact(request, case_id: UUID, body: PoliceContactIn):
    case = selectors.justice_case_or_404(actor=request.auth, case_id=case_id)
    data = body.dict()
    organization_id = data.pop("organization_id")
    organization = None
    if organization_id is not None:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise ValidationError({"organization_id": _("No organization has this id.")})
    try:
        contact = services.record_police_contact(actor=request.auth, case=case, organization=organization, **data)
    except DisclosureRefused as refused:
        return _refused(refused)
    return Status(201, contact)


@router.post("/police-contacts/{contact_id}/end-access", response={200: PoliceContactOut, 400: Problem})
def end_police_access(request, contact_id: int):
    contact = selectors.police_contact_or_404(actor=request.auth, contact_id=contact_id)
    return services.end_police_access(actor=request.auth, contact=contact)


@router.post("/cases/{case_id}/proceedings", response={201: ProceedingOut, 400: Problem})
def record_proceeding(request, case_id: UUID, body: ProceedingIn):
    case = selectors.justice_case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, services.record_proceeding(actor=request.auth, case=case, **body.dict()))


@router.patch("/proceedings/{proceeding_id}", response={200: ProceedingOut, 400: Problem})
def update_proceeding(request, proceeding_id: int, body: ProceedingPatch):
    proceeding = selectors.proceeding_or_404(actor=request.auth, proceeding_id=proceeding_id)
    return services.update_proceeding(actor=request.auth, proceeding=proceeding,
                                      changes=body.dict(exclude_unset=True))


@router.post("/proceedings/{proceeding_id}/court-dates", response={201: CourtDateOut, 400: Problem})
def add_court_date(request, proceeding_id: int, body: CourtDateIn):
    proceeding = selectors.proceeding_or_404(actor=request.auth, proceeding_id=proceeding_id)
    return Status(201, services.add_court_date(actor=request.auth, proceeding=proceeding, **body.dict()))


@router.post("/proceedings/{proceeding_id}/testimonial-aids", response={201: AidOut, 400: Problem})
def record_aid(request, proceeding_id: int, body: AidIn):
    proceeding = selectors.proceeding_or_404(actor=request.auth, proceeding_id=proceeding_id)
    return Status(201, services.record_testimonial_aid(actor=request.auth, proceeding=proceeding, **body.dict()))


@router.post("/cases/{case_id}/immigration-statuses", response={201: StatusOut, 400: Problem})
def record_status(request, case_id: UUID, body: StatusIn):
    case = selectors.justice_case_or_404(actor=request.auth, case_id=case_id)
    data = body.dict()
    renews = selectors.status_or_none(actor=request.auth, case=case, status_id=data.pop("renews_id"))
    return Status(201, services.record_immigration_status(actor=request.auth, case=case, renews=renews, **data))


@router.patch("/immigration-statuses/{status_id}", response={200: StatusOut, 400: Problem})
def update_status(request, status_id: int, body: StatusPatch):
    status = selectors.status_or_404(actor=request.auth, status_id=status_id)
    return services.update_immigration_status(actor=request.auth, status=status, changes=body.dict(exclude_unset=True))


@router.post("/testimonial-aids/{aid_id}/decision", response={200: AidOut, 400: Problem})
def decide_aid(request, aid_id: int, body: AidDecisionIn):
    aid = selectors.aid_or_404(actor=request.auth, aid_id=aid_id)
    return services.decide_testimonial_aid(actor=request.auth, aid=aid, status=body.status)


@router.patch("/cvap-applications/{application_id}", response={200: CvapOut, 400: Problem})
def update_cvap(request, application_id: int, body: CvapPatch):
    application = selectors.cvap_or_404(actor=request.auth, application_id=application_id)
    return services.update_cvap_application(actor=request.auth, application=application,
                                            changes=body.dict(exclude_unset=True))


@router.post("/cases/{case_id}/cvap-applications", response={201: CvapOut, 400: Problem})
def record_cvap(request, case_id: UUID, body: CvapIn):
    case = selectors.justice_case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, services.record_cvap_application(actor=request.auth, case=case, **body.dict()))


@router.post("/cases/{case_id}/letters", response={200: None, 400: Problem, 409: Problem})
def produce_letter(request, case_id: UUID, body: LetterIn):
    case = selectors.justice_case_or_404(actor=request.auth, case_id=case_id)
    try:
        letter, pdf = services.produce_letter(actor=request.auth, case=case, **body.dict())
    except DisclosureRefused as refused:
        return _refused(refused)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{letter.kind}-{case.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@router.get("/justice/deadlines", response=list[DeadlineOut])
def deadlines(request, response: HttpResponse, all: bool = False,  # noqa: A002 - the query parameter
              within_days: int | None = None, limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
              cursor: str = Query("", max_length=2000)):
    """Open deadlines, the earliest first, ``limit`` a page; the next page by ``cursor`` (``X-Next-Cursor``)."""
    require(request.auth, "justice.view")  # as the page: a role without it is refused, not shown nothing
    if within_days is not None and not 0 <= within_days <= 3660:
        raise ValidationError({"within_days": _("Give a number of days between 0 and 3660.")})

    def page(query: QuerySet) -> list:
        return keyset.api_page(query, request=request, response=response, name="justice.deadlines", cursor=cursor,
                               limit=limit, ordering=selectors.DEADLINE_ORDERING)

    return selectors.deadlines_for(actor=request.auth, everyone=all and allows(request.auth, "case.assign"),
                                   within_days=within_days, page=page)


@router.get("/justice/rules", response=list[dict])
def justice_rules(request):
    require(request.auth, "justice.view")
    return rules.summary()
