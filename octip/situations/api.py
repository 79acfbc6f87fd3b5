"""The situations API: situations, their persons of interest and linked cases, as the pages show
them (same selectors, same services, same refusals)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Query, Router, Status

from octip.cases.selectors import case_or_404

from . import selectors, services
from .models import PersonOfInterest, Situation
from .schemas import (
    CaseSituationOut,
    LinkCaseIn,
    PersonOfInterestIn,
    PersonOfInterestOut,
    PersonOfInterestPatch,
    PoiCaseIn,
    Problem,
    SituationIn,
    SituationOut,
    SituationPatch,
    SituationRowOut,
)

router = Router(tags=["situations"])


def _ref(case: Any) -> dict:
    return {"id": case.pk, "number": case.number}


def _linked(cases: selectors.LinkedCases) -> dict:
    return {"shown": [_ref(c) for c in cases.shown], "hidden": cases.hidden}


def _poi(poi: PersonOfInterest, links: list) -> dict:
    return {"id": poi.pk, "situation_id": poi.situation_id, "names": poi.names, "aliases": poi.aliases,
            "phones": poi.phones, "vehicles": poi.vehicles, "addresses": poi.addresses, "businesses": poi.businesses,
            "notes": poi.notes, "roles_in_process": poi.roles_in_process, "version": poi.version,
            "cases": [{"case_id": link.case_id, "relationship": link.relationship} for link in links]}


def _page(view: selectors.SituationPage) -> dict:
    situation = view.situation
    return {"id": situation.pk, "kind": situation.kind, "whole": True, "title": situation.title,
            "description": situation.description, "version": situation.version, "created_at": situation.created_at,
            "cases": _linked(view.cases),
            "persons_of_interest": [_poi(p, view.poi_cases.get(p.pk, [])) for p in view.persons_of_interest]}


@router.get("/situations", response=list[SituationRowOut])
def list_situations(request, page: Query[int] = 1):
    listing = selectors.situations_for(actor=request.auth, page=max(1, min(page, 10_000)))
    return [{"id": r.situation.pk, "kind": r.situation.kind, "whole": True, "title": r.situation.title,
             "created_at": r.situation.created_at, "cases": []} for r in listing.rows]


@router.post("/situations", response={201: SituationOut, 400: Problem})
def create_situation(request, body: SituationIn):
    situation = services.create_situation(actor=request.auth, **body.dict())
    return Status(201, _page(selectors.situation_page(actor=request.auth, situation_id=situation.pk, via="api")))


@router.get("/situations/{situation_id}", response=SituationOut)
def situation_detail(request, situation_id: int):
    return _page(selectors.situation_page(actor=request.auth, situation_id=situation_id, via="api"))


@router.patch("/situations/{situation_id}", response={200: SituationOut, 400: Problem})
def update_situation(request, situation_id: int, body: SituationPatch):
    situation: Situation = selectors.situation_or_404(actor=request.auth, situation_id=situation_id)
    data = body.dict(exclude_unset=True)
    services.update_situation(
        actor=request.auth, situation=situation, kind=data.get("kind") or situation.kind,
        title=data["title"] if data.get("title") is not None else situation.title,
        description=data["description"] if data.get("description") is not None else situation.description,
        expected_version=data.get("version"))
    return _page(selectors.situation_page(actor=request.auth, situation_id=situation.pk, via="api"))


@router.post("/situations/{situation_id}/cases", response={201: SituationOut, 400: Problem})
def link_case(request, situation_id: int, body: LinkCaseIn):
    situation = selectors.situation_or_404(actor=request.auth, situation_id=situation_id)
    case = case_or_404(actor=request.auth, case_id=body.case_id)
    services.link_case(actor=request.auth, situation=situation, case=case)
    return Status(201, _page(selectors.situation_page(actor=request.auth, situation_id=situation.pk, via="api")))


@router.delete("/situations/{situation_id}/cases/{case_id}", response={204: None, 400: Problem})
def unlink_case(request, situation_id: int, case_id: UUID):
    situation = selectors.situation_or_404(actor=request.auth, situation_id=situation_id)
    case = case_or_404(actor=request.auth, case_id=case_id)
    services.unlink_case(actor=request.auth, situation=situation, case=case)
    return Status(204, None)


@router.post("/situations/{situation_id}/persons-of-interest", response={201: PersonOfInterestOut, 400: Problem})
def create_poi(request, situation_id: int, body: PersonOfInterestIn):
    situation = selectors.situation_or_404(actor=request.auth, situation_id=situation_id)
    poi = services.create_poi(actor=request.auth, situation=situation, **body.dict())
    return Status(201, _poi(poi, []))


@router.get("/persons-of-interest/{poi_id}", response=PersonOfInterestOut)
def poi_detail(request, poi_id: int):
    poi = selectors.poi_or_404(actor=request.auth, poi_id=poi_id, via="api")
    return _poi(poi, selectors.poi_cases_visible(actor=request.auth, poi=poi))


@router.patch("/persons-of-interest/{poi_id}", response={200: PersonOfInterestOut, 400: Problem})
def update_poi(request, poi_id: int, body: PersonOfInterestPatch):
    poi = selectors.poi_or_404(actor=request.auth, poi_id=poi_id, via="api")
    data = body.dict(exclude_unset=True)
    version = data.pop("version", None)
    current = {name: getattr(poi, name) for name in (*services.POI_LISTS, "notes", "roles_in_process")}
    poi = services.update_poi(actor=request.auth, poi=poi, situation=poi.situation, expected_version=version,
                              **{**current, **data})
    return _poi(poi, selectors.poi_cases_visible(actor=request.auth, poi=poi))


@router.post("/persons-of-interest/{poi_id}/cases", response={201: PersonOfInterestOut, 400: Problem})
def link_poi_case(request, poi_id: int, body: PoiCaseIn):
    poi = selectors.poi_or_404(actor=request.auth, poi_id=poi_id, via="api")
    case = case_or_404(actor=request.auth, case_id=body.case_id)
    services.link_poi_case(actor=request.auth, poi=poi, case=case, relationship=body.relationship)
    return Status(201, _poi(poi, selectors.poi_cases_visible(actor=request.auth, poi=poi)))


@router.delete("/persons-of-interest/{poi_id}/cases/{case_id}", response={204: None, 400: Problem})
def unlink_poi_case(request, poi_id: int, case_id: UUID):
    poi = selectors.poi_or_404(actor=request.auth, poi_id=poi_id, via="api")
    case = case_or_404(actor=request.auth, case_id=case_id)
    services.unlink_poi_case(actor=request.auth, poi=poi, case=case)
    return Status(204, None)


@router.get("/cases/{case_id}/situations", response=list[CaseSituationOut])
def case_situations(request, case_id: UUID):
    case = case_or_404(actor=request.auth, case_id=case_id)
    return [{"whole": True, "id": item.situation.pk, "kind": item.kind, "title": item.situation.title,
             "other_cases": _linked(item.others)} if item.situation is not None and item.others is not None
            else {"whole": False, "id": None, "kind": item.kind, "title": None, "other_cases": None}
            for item in selectors.case_situations(actor=request.auth, case=case, via="api")]
