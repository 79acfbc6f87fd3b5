"""Screening API: frameworks, stateless evaluation, saved screenings (permission ``screening.use``)."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router, Status

from octip.cases.selectors import case_or_none, visible_case_ids
from octip.core import keyset
from octip.core.access import allows, require

from . import engine, selectors, services
from .models import Framework, Screening
from .schemas import (
    AssessmentOut,
    EvaluateIn,
    FrameworkDetailOut,
    FrameworkSummaryOut,
    ScreeningIn,
    ScreeningOut,
    ScreeningSummaryOut,
)

router = Router(tags=["screening"])


def _summary(framework: Framework) -> dict:
    d = framework.definition
    return {"id": framework.slug, "version": framework.version, "status": framework.status, "kind": d["kind"],
            "population": d["population"], "exploitation": d["exploitation"], "title": d["title"],
            "published_at": framework.published_at}


@router.get("/screening/frameworks", response=list[FrameworkSummaryOut])
def list_frameworks(request):
    """The latest version of every framework, with its status (e.g. provisional)."""
    require(request.auth, "screening.use")
    return [_summary(f) for f in selectors.current_frameworks()]


@router.get("/screening/frameworks/{framework_id}", response=FrameworkDetailOut)
def get_framework(request, framework_id: str, version: int | None = None):
    """Dimensions, indicators (strength, plain-language question in en/fr), rule, version, status."""
    require(request.auth, "screening.use")
    versions = list(selectors.framework_versions(framework_id))
    if not versions:
        raise Http404
    framework = versions[0] if version is None else next((f for f in versions if f.version == version), None)
    if framework is None:
        raise Http404
    d = framework.definition
    return {**_summary(framework), "notice": d.get("notice"), "source": d.get("source"), "rule": d["rule"],
            "provisions": d.get("provisions", []), "status_labels": d.get("status_labels"),
            "dimensions": [{**dimension, "indicators": [
                {**indicator, "key": f"{dimension['id']}.{indicator['id']}"} for indicator in dimension["indicators"]]}
                for dimension in d["dimensions"]],
            "versions": [f.version for f in versions]}


@router.post("/screening/evaluate", response={200: AssessmentOut})
def evaluate(request, body: EvaluateIn):
    """Score answers against a framework. Stores nothing. An unknown key or value is a 400 naming it."""
    require(request.auth, "screening.use")
    framework = services.framework_for(body.framework, body.version)
    assessment = services.evaluate(actor=request.auth, framework=framework, answers=body.answers,
                                   language=body.language or get_language())
    return assessment.as_dict()


def _screening_out(screening: Screening, language: str | None, actor) -> dict:
    framework = screening.framework
    # The linked case's id only for someone who can still see that case.
    case_id = screening.case_id if screening.case_id and allows(actor, "case.view", screening.case) else None
    assessment = engine.assess(framework.definition, screening.answers, language=(language or "en")[:2])
    return {"id": screening.id, "framework": framework.slug, "version": framework.version,
            "framework_status": framework.status, "age_group": screening.age_group, "case": case_id,
            "created_at": screening.created_at, "notes": screening.notes or {}, "answers": screening.answers,
            "assessment": assessment.as_dict()}


@router.post("/screenings", response={201: ScreeningOut})
def create_screening(request, body: ScreeningIn):
    """Save a screening (no identifying data needed), optionally linked to a case you can see."""
    require(request.auth, "screening.use")
    framework = services.framework_for(body.framework, body.version)
    case = None
    if body.case is not None:
        case = case_or_none(actor=request.auth, case_id=body.case)
        if case is None:
            raise ValidationError({"case": "No case with this id that you can see."})
    screening = services.save_screening(actor=request.auth, framework=framework, answers=body.answers,
                                        notes=body.notes, age_group=body.age_group, case=case)
    return Status(201, _screening_out(screening, body.language or get_language(), request.auth))


@router.get("/screenings", response=list[ScreeningSummaryOut])
def list_screenings(request, response: HttpResponse,
                    limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                    cursor: str = Query("", max_length=2000)):
    """Screenings you can see, newest first (no answers or notes; open one for those); ``limit`` a page,
    the next page by ``cursor`` (``X-Next-Cursor``)."""
    require(request.auth, "screening.use")
    rows = keyset.api_page(selectors.screenings_for(actor=request.auth), request=request, response=response,
                           name="screenings", cursor=cursor, limit=limit, ordering=("-created_at", "-pk"))
    # Like a single screening: the linked case's id only for a case the caller can (still) see.
    visible = visible_case_ids(actor=request.auth, ids=(s.case_id for s in rows))
    return [{"id": s.id, "framework": s.framework.slug, "version": s.framework.version, "conclusion": s.conclusion,
             "age_group": s.age_group, "case": s.case_id if s.case_id in visible else None,
             "created_at": s.created_at} for s in rows]


@router.get("/screenings/{screening_id}", response=ScreeningOut)
def get_screening(request, screening_id: UUID):
    """A saved screening: yours, or your team's / organization's as your role's scope allows; 404 otherwise."""
    screening = selectors.get_screening(actor=request.auth, screening_id=screening_id)
    return _screening_out(screening, get_language(), request.auth)
