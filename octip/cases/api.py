"""The cases API (under /api/v1/). Same services and selectors as the pages; a case the caller may
not see is a 404 everywhere, and each sub-resource needs its section to be visible."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from octip.core import audit
from octip.core.access import require
from octip.core.bounds import BoundedDate
from octip.partners.models import Region, User

from . import models as m
from . import schemas as s
from . import selectors, services

router = Router(tags=["cases"])


def _region(code: str | None) -> Region | None:
    if code is None:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": f"Unknown region code: {code}."})
    return region


def _case(request, case_id: UUID) -> m.Case:
    return selectors.get_case(request.auth, case_id)


def _section(request, case: m.Case, section: str) -> None:
    if section not in selectors.sections_visible_to(request.auth, case):
        raise Http404


def _user(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError({field: "Unknown user."})
    return user


#: What ``case_json`` shows of the summary section to someone it was not shared with.
SUMMARY_WITHHELD = {"region": None, "exploitation_types": [], "setting": "", "means_of_control": [],
                    "referral_source": "", "first_contact_date": None, "immediate_danger": None,
                    "needs_interpreter": None, "age_band": "", "gender": ""}


def case_json(case: m.Case, sections: frozenset[str], person: m.Person | None = None) -> dict:
    data = {
        "id": case.pk, "number": case.number, "track": case.track, "stage": case.stage,
        "region": case.region.code, "owner_organization_id": case.owner_organization_id,
        "owner_team_id": case.owner_team_id, "owner_worker_id": case.owner_worker_id,
        "exploitation_types": case.exploitation_types, "setting": case.setting,
        "means_of_control": case.means_of_control, "referral_source": case.referral_source,
        "first_contact_date": case.first_contact_date, "immediate_danger": case.immediate_danger,
        "needs_interpreter": case.needs_interpreter, "age_band": case.person.age_band,
        "gender": case.person.gender, "opened_at": case.opened_at, "version": case.version,
        "sections": sorted(sections), "person": None,
    }
    if "summary" not in sections:
        # The summary is a section like any other: a receiver who was not given it sees none of it.
        data.update(SUMMARY_WITHHELD)
    if person is not None and "identity" in sections:
        data["person"] = {"legal_name": person.legal_name, "preferred_name": person.preferred_name,
                          "date_of_birth": person.date_of_birth, "aliases": person.aliases or [],
                          "phone": person.phone, "email": person.email, "address": person.address,
                          "identity_documents": person.identity_documents or [], "version": person.version}
    return data


class CaseQuery(Schema):
    search: str = ""
    phonetic: bool = False
    date_of_birth: BoundedDate | None = None
    phone: str = ""
    stage: str = ""
    track: str = ""
    region: str = ""
    owner: str = Field("", max_length=20)
    overdue: bool = False
    report_due: bool = False
    limit: int = Field(50, ge=-(2**31), le=2**31 - 1)  # clamped to 1..200 below
    offset: int = Field(0, ge=0, le=100_000)


@router.get("/cases", response=list[s.CaseOut])
def list_cases(request, query: Query[CaseQuery]):
    """Visible cases, newest first. ``search`` takes a case number, or a name matched exactly
    (``phonetic=true``: names that sound alike) among cases whose identity you may see. To search for
    a person (name, date of birth, phone) prefer ``POST /cases/search``: query strings end up in logs."""
    return _list_cases(request.auth, query)


@router.post("/cases/search", response=list[s.CaseOut])
def search_cases(request, body: CaseQuery):
    """The same search as ``GET /cases`` with the criteria in the request body, so that no name, date
    of birth or phone is written in an address (proxy and server logs, history)."""
    return _list_cases(request.auth, body)


def _list_cases(actor, query: CaseQuery) -> list[dict]:
    require(actor, "case.view")
    limit = max(1, min(query.limit, 200))
    filters = selectors.CaseFilters(q=query.search, phonetic=query.phonetic, date_of_birth=query.date_of_birth,
                                    phone=query.phone, stage=query.stage, track=query.track, region=query.region,
                                    owner=query.owner, overdue=query.overdue, report_due=query.report_due)
    rows = list(selectors.case_list(actor=actor, filters=filters).select_related("person")
                [query.offset:query.offset + limit])
    sections = selectors.sections_for_cases(actor, rows)
    named = [c for c in rows if "identity" in sections[c.pk]]
    criteria = [k for k in ("date_of_birth", "phone") if getattr(query, k)]
    if query.search and not selectors.CASE_NUMBER.match(query.search.strip()):
        criteria.append("q")
    if criteria:
        audit.record(actor, "case.searched", None, detail={"criteria": sorted(criteria), "phonetic": query.phonetic,
                                                           "results": len(rows), "via": "api"})
    if named:
        audit.record(actor, "person.listed", None, purpose="api case list",
                     detail={"case_ids": [str(c.pk) for c in named]})
    return [case_json(c, sections[c.pk], c.person) for c in rows]


@router.post("/cases", response={201: s.CaseOut})
def create_case(request, body: s.CaseIn):
    actor = request.auth
    case_data = body.dict(exclude={"person"})
    case_data["region"] = _region(body.region)
    if case_data.get("first_contact_date") is None:
        case_data.pop("first_contact_date")
    case = services.open_case(actor=actor, person=body.person.dict(), case=case_data)
    case = selectors.get_case(actor, case.pk)
    sections = selectors.sections_visible_to(actor, case)
    return Status(201, case_json(case, sections, case.person))


class DuplicateCheckIn(Schema):
    legal_name: str = ""
    other_names: list[str] = []
    date_of_birth: BoundedDate | None = None
    phone: str = ""


class DuplicateCheckOut(Schema):
    visible: list[UUID]
    elsewhere: bool
    message: str


@router.post("/cases/duplicate-check", response=DuplicateCheckOut)
def duplicate_check(request, body: DuplicateCheckIn):
    """Before an intake: cases matching on name with date of birth, or phone. A match you cannot see
    is reported only as ``elsewhere: true`` — a coordinator can check it."""
    actor = request.auth
    require(actor, "case.create")
    found = selectors.find_possible_duplicates(actor=actor, legal_name=body.legal_name, other_names=body.other_names,
                                               date_of_birth=body.date_of_birth, phone=body.phone)
    audit.record(actor, "case.duplicate_check", None, detail={"visible_matches": len(found.visible),
                                                              "elsewhere": found.elsewhere, "via": "api"})
    message = "A possible record exists elsewhere. A coordinator can check it for you." if found.elsewhere else ""
    return {"visible": [c.pk for c in found.visible], "elsewhere": found.elsewhere, "message": message}


@router.get("/cases/{case_id}", response=s.CaseOut)
def get_case(request, case_id: UUID):
    actor = request.auth
    case = _case(request, case_id)
    sections = selectors.sections_visible_to(actor, case)
    if "identity" in sections:
        audit.record(actor, "person.viewed", case.person, purpose="api", detail={"case_id": str(case.pk)})
    audit.record(actor, "case.viewed", case, detail={"sections": sorted(sections), "via": "api"})
    return case_json(case, sections, case.person)


@router.patch("/cases/{case_id}", response=s.CaseOut)
def patch_case(request, case_id: UUID, body: s.CasePatch):
    actor = request.auth
    case = _case(request, case_id)
    changes = body.dict(exclude={"version"}, exclude_unset=True)
    if "region" in changes:
        changes["region"] = _region(changes["region"])
    services.update_case(actor=actor, case=case, expected_version=body.version, changes=changes)
    case = selectors.get_case(actor, case.pk)
    return case_json(case, selectors.sections_visible_to(actor, case), case.person)


@router.patch("/cases/{case_id}/person", response=s.CaseOut)
def patch_person(request, case_id: UUID, body: s.PersonPatch):
    actor = request.auth
    case = _case(request, case_id)
    _section(request, case, "identity")
    services.update_person(actor=actor, case=case, expected_version=body.version,
                           changes=body.dict(exclude={"version"}, exclude_unset=True))
    case = selectors.get_case(actor, case.pk)
    return case_json(case, selectors.sections_visible_to(actor, case), case.person)


@router.post("/cases/{case_id}/stage", response=s.CaseOut)
def change_stage(request, case_id: UUID, body: s.StageIn):
    case = _case(request, case_id)
    services.change_stage(actor=request.auth, case=case, to_stage=body.stage, expected_version=body.version)
    case = selectors.get_case(request.auth, case.pk)
    return case_json(case, selectors.sections_visible_to(request.auth, case), case.person)


@router.get("/cases/{case_id}/timeline", response=list[s.TimelineOut])
def get_timeline(request, case_id: UUID):
    case = _case(request, case_id)
    _section(request, case, "timeline")
    return [{"kind": e.kind, "summary": e.text(), "detail": e.detail,
             "actor_id": e.actor_id, "created_at": e.created_at}
            for e in selectors.timeline(actor=request.auth, case=case)[:500]]


# --- Closure ----------------------------------------------------------------------------------

@router.post("/cases/{case_id}/closure-requests", response={201: s.ClosureRequestOut})
def request_closure(request, case_id: UUID, body: s.ClosureRequestIn):
    case = _case(request, case_id)
    closure = services.request_closure(actor=request.auth, case=case, reason=body.reason, outcome=body.outcome)
    return Status(201, closure)


@router.post("/cases/{case_id}/closure-requests/{request_id}/decision", response=s.ClosureRequestOut)
def decide_closure(request, case_id: UUID, request_id: int, body: s.ClosureDecisionIn):
    case = _case(request, case_id)
    closure = get_object_or_404(m.ClosureRequest, pk=request_id, case=case)
    return services.decide_closure(actor=request.auth, closure=closure, approve=body.approve, comment=body.comment)


# --- Youth track and emergency access ---------------------------------------------------------

@router.post("/cases/{case_id}/duty-to-report", response={201: s.DutyToReportOut})
def duty_to_report(request, case_id: UUID, body: s.DutyToReportIn):
    case = _case(request, case_id)
    return Status(201, services.record_duty_to_report(actor=request.auth, case=case, **body.dict()))


@router.post("/cases/{case_id}/emergency-access", response={201: s.EmergencyAccessOut})
def emergency_access(request, case_id: UUID, body: s.EmergencyAccessIn):
    case = _case(request, case_id)
    return Status(201, services.break_glass(actor=request.auth, case=case, reason=body.reason, minutes=body.minutes))


# --- Needs, plan, tasks, notes, safety plan, documents -----------------------------------------

@router.get("/cases/{case_id}/needs", response=list[s.NeedOut])
def list_needs(request, case_id: UUID):
    case = _case(request, case_id)
    _section(request, case, "needs")
    needs = list(case.needs.all())
    audit.record(request.auth, "case.needs_viewed", case, detail={"count": len(needs), "via": "api"})
    return needs


@router.put("/cases/{case_id}/needs", response=s.NeedOut)
def save_need(request, case_id: UUID, body: s.NeedIn):
    case = _case(request, case_id)
    # Notes left out of the body are kept as they are (not blanked).
    notes = body.notes if "notes" in body.model_fields_set else None
    return services.save_need(actor=request.auth, case=case, domain=body.domain, priority=body.priority,
                              status=body.status, notes=notes, expected_version=body.version)


@router.get("/cases/{case_id}/goals", response=list[s.GoalOut])
def list_goals(request, case_id: UUID):
    case = _case(request, case_id)
    _section(request, case, "plan")
    goals = [{"id": g.pk, "description": g.description, "status": g.status, "version": g.version,
              "actions": list(g.actions.all())} for g in case.goals.prefetch_related("actions")]
    audit.record(request.auth, "case.plan_viewed", case, detail={"count": len(goals), "via": "api"})
    return goals


@router.post("/cases/{case_id}/goals", response={201: s.GoalOut})
def add_goal(request, case_id: UUID, body: s.GoalIn):
    case = _case(request, case_id)
    goal = services.add_goal(actor=request.auth, case=case, description=body.description)
    return Status(201, {"id": goal.pk, "description": goal.description, "status": goal.status, "version": goal.version,
                 "actions": []})


@router.post("/cases/{case_id}/goals/{goal_id}/actions", response={201: s.PlanActionOut})
def add_plan_action(request, case_id: UUID, goal_id: int, body: s.PlanActionIn):
    case = _case(request, case_id)
    goal = get_object_or_404(m.Goal, pk=goal_id, case=case)
    return Status(201, services.add_plan_action(actor=request.auth, goal=goal, description=body.description,
                                         owner=_user(body.owner_id, "owner_id"), due=body.due))


@router.get("/cases/{case_id}/tasks", response=list[s.TaskOut])
def list_tasks(request, case_id: UUID):
    case = _case(request, case_id)
    _section(request, case, "tasks")
    tasks = list(case.tasks.all())
    audit.record(request.auth, "case.tasks_viewed", case, detail={"count": len(tasks), "via": "api"})
    return tasks


@router.post("/cases/{case_id}/tasks", response={201: s.TaskOut})
def add_task(request, case_id: UUID, body: s.TaskIn):
    case = _case(request, case_id)
    return Status(201, services.add_task(actor=request.auth, case=case, title=body.title, due=body.due,
                                  assignee=_user(body.assignee_id, "assignee_id")))


@router.post("/cases/{case_id}/tasks/{task_id}/done", response=s.TaskOut)
def complete_task(request, case_id: UUID, task_id: int, body: s.VersionIn):
    case = _case(request, case_id)
    task = get_object_or_404(m.Task, pk=task_id, case=case)
    return services.complete_task(actor=request.auth, task=task, expected_version=body.version)


@router.get("/cases/{case_id}/notes", response=list[s.NoteOut])
def list_notes(request, case_id: UUID):
    case = _case(request, case_id)
    _section(request, case, "notes")
    notes = list(selectors.notes_visible_to(request.auth, case)[:500])
    audit.record(request.auth, "case.notes_viewed", case, detail={"count": len(notes), "via": "api"})
    return notes


@router.post("/cases/{case_id}/notes", response={201: s.NoteOut})
def add_note(request, case_id: UUID, body: s.NoteIn):
    case = _case(request, case_id)
    return Status(201, services.add_note(actor=request.auth, case=case, body=body.body, sensitivity=body.sensitivity))


@router.get("/cases/{case_id}/safety-plan", response=s.SafetyPlanOut)
def get_safety_plan(request, case_id: UUID):
    case = _case(request, case_id)
    _section(request, case, "safety_plan")
    plan = get_object_or_404(m.SafetyPlan, case=case)
    audit.record(request.auth, "case.safety_plan_viewed", case, detail={"via": "api"})
    return plan


@router.put("/cases/{case_id}/safety-plan", response=s.SafetyPlanOut)
def put_safety_plan(request, case_id: UUID, body: s.SafetyPlanIn):
    case = _case(request, case_id)
    # Only the parts sent are changed: a part left out of the body is kept, not blanked.
    return services.save_safety_plan(actor=request.auth, case=case,
                                     changes=body.dict(exclude={"version"}, exclude_unset=True),
                                     expected_version=body.version)


@router.get("/cases/{case_id}/documents", response=list[s.DocumentOut])
def list_documents(request, case_id: UUID):
    case = _case(request, case_id)
    _section(request, case, "documents")
    documents = list(case.documents.all())
    audit.record(request.auth, "case.documents_listed", case, detail={"count": len(documents), "via": "api"})
    return documents


@router.post("/cases/{case_id}/documents", response={201: s.DocumentOut})
def upload_document(request, case_id: UUID, kind: Form[str], file: File[UploadedFile]):
    case = _case(request, case_id)
    if file.size > services.MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": "The file is larger than 10 MB."})
    return Status(201, services.upload_document(actor=request.auth, case=case, kind=kind, filename=file.name,
                                         content=file.read()))


@router.post("/cases/{case_id}/documents/{document_id}/link", response=s.DownloadLinkOut)
def document_link(request, case_id: UUID, document_id: UUID):
    """A short-lived download link for the caller only (it needs the caller's session or token)."""
    case = _case(request, case_id)
    _section(request, case, "documents")
    document = get_object_or_404(m.Document, pk=document_id, case=case)
    token = services.download_token(actor=request.auth, document=document)
    url = reverse("api:download_document", args=[case.pk, document.pk]) + "?t=" + token
    return {"url": url, "expires_in_seconds": services.DOWNLOAD_LINK_SECONDS}


@router.get("/cases/{case_id}/documents/{document_id}/download")
def download_document(request, case_id: UUID, document_id: UUID, t: str = ""):
    """Download through a link from ``.../link`` (valid a few minutes, for the caller only)."""
    from django.http import HttpResponse

    case = _case(request, case_id)
    _section(request, case, "documents")
    document = get_object_or_404(m.Document, pk=document_id, case=case)
    if services.read_download_token(t, actor=request.auth) != str(document.pk):
        return HttpResponse('{"detail": "This download link has expired or is not yours."}', status=410,
                            content_type="application/json")
    response = HttpResponse(services.read_document(actor=request.auth, document=document),
                            content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk.hex[:8]}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Youth profile, reopening, assignment -----------------------------------------------------

def _youth_json(actor, case: m.Case) -> dict:
    profile = get_object_or_404(m.YouthProfile, case=case)
    identity = "identity" in selectors.sections_visible_to(actor, case)
    return {"guardian_name": profile.guardian_name if identity else None,
            "guardian_relationship": profile.guardian_relationship,
            "guardian_contact": profile.guardian_contact if identity else None,
            "separation": profile.separation, "migrant_services_involved": profile.migrant_services_involved,
            "consent_given_by": profile.consent_given_by,
            "duty_to_report_outstanding": services.duty_to_report_outstanding(case), "version": profile.version}


@router.get("/cases/{case_id}/youth", response=s.YouthProfileOut)
def get_youth_profile(request, case_id: UUID):
    case = _case(request, case_id)
    _section(request, case, "summary")
    data = _youth_json(request.auth, case)
    if data["guardian_name"] is not None:  # the guardian's name and contact went with the identity section
        audit.record(request.auth, "person.viewed", case.person, purpose="api youth details",
                     detail={"case_id": str(case.pk), "fields": ["guardian_name", "guardian_contact"]})
    return data


@router.patch("/cases/{case_id}/youth", response=s.YouthProfileOut)
def patch_youth_profile(request, case_id: UUID, body: s.YouthProfileIn):
    case = _case(request, case_id)
    changes = body.dict(exclude={"version"}, exclude_unset=True)
    if any(changes.get(k) is None for k in changes):
        raise ValidationError({k: "This field cannot be empty." for k, v in changes.items() if v is None})
    services.update_youth_profile(actor=request.auth, case=case, expected_version=body.version, changes=changes)
    return _youth_json(request.auth, case)


@router.post("/cases/{case_id}/reopen", response=s.CaseOut)
def reopen_case(request, case_id: UUID, body: s.ReopenIn):
    case = _case(request, case_id)
    services.reopen_case(actor=request.auth, case=case, reason=body.reason)
    case = selectors.get_case(request.auth, case.pk)
    return case_json(case, selectors.sections_visible_to(request.auth, case), case.person)


@router.put("/cases/{case_id}/assignment", response=s.CaseOut)
def assign_case(request, case_id: UUID, body: s.AssignmentIn):
    from octip.partners.models import Team

    case = _case(request, case_id)
    team = None
    if body.owner_team_id is not None:
        team = Team.objects.filter(pk=body.owner_team_id).first()
        if team is None:
            raise ValidationError({"owner_team_id": "Unknown team."})
    workers = (None if body.assigned_worker_ids is None
               else [_user(pk, "assigned_worker_ids") for pk in body.assigned_worker_ids])
    services.assign_case(actor=request.auth, case=case, owner_team=team,
                         owner_worker=_user(body.owner_worker_id, "owner_worker_id"), assigned_workers=workers)
    case = selectors.get_case(request.auth, case.pk)
    return case_json(case, selectors.sections_visible_to(request.auth, case), case.person)


# --- Emergency access review (auditors) -------------------------------------------------------

@router.get("/emergency-access", response=list[s.EmergencyAccessReviewOut])
def list_emergency_access(request, unreviewed: bool = True):
    rows = selectors.emergency_accesses(actor=request.auth, unreviewed_only=unreviewed)[:500]
    audit.record(request.auth, "case.emergency_access_list_viewed", None, detail={"via": "api"})
    return [{"id": a.pk, "case_id": a.case_id, "case_number": a.case.number, "user_id": a.user_id,
             "reason": a.reason, "started_at": a.started_at, "expires_at": a.expires_at, "review": a.review,
             "reviewed_at": a.reviewed_at} for a in rows]


@router.post("/emergency-access/{access_id}/review", response=s.EmergencyAccessReviewOut)
def review_emergency_access(request, access_id: int, body: s.EmergencyReviewIn):
    require(request.auth, "audit.review_emergency_access")
    access = get_object_or_404(m.EmergencyAccess.objects.select_related("case"), pk=access_id)
    services.review_emergency_access(actor=request.auth, access=access, review=body.review, note=body.note)
    return {"id": access.pk, "case_id": access.case_id, "case_number": access.case.number, "user_id": access.user_id,
            "reason": access.reason, "started_at": access.started_at, "expires_at": access.expires_at,
            "review": access.review, "reviewed_at": access.reviewed_at}
