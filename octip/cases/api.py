"""The cases API (under /api/v1/). Same services and selectors as the pages; a case the caller may
not see is a 404 everywhere, and each sub-resource needs its section to be visible. The reads, and
their audit, are in ``selectors``; the writes in ``services``."""

from __future__ import annotations

import json
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from octip.core import keyset
from octip.core.access import require
from octip.core.bounds import BoundedDate

from . import models as m  # case_json below still names models through it
from . import reference, selectors, services
from . import schemas as s
from .downloads import document_response
from .models import EmergencyAccess, YouthProfile
from .ratelimit import TOO_MANY_CHECKS, TooManyChecks
from .sections import Field as SectionField
from .sections import fields_of, value, values, withheld
from .sharing import require_own_scope
from .summary_pdf import PDF, summary_response
from .validation import active_user, parse_partial_date, refuse_oversized, region_from_code, team_from_id

router = Router(tags=["cases"])


def _case_out(actor, case_id: UUID, answer_to: str) -> dict:
    """The case as the caller now sees it, the answer to a change. No visit is recorded (like a page's
    redirect after a form), but the selector records the read of the person when the answer carries it."""
    read = selectors.case_answer(actor=actor, case_id=case_id, answer_to=answer_to)
    return case_json(read.case, read.sections, read.person)


def _summary_fields() -> tuple[SectionField, ...]:
    # The summary's fields on the case and its person; those of a youth profile are at ``/youth``.
    return fields_of("summary", on=["", "person"])


def summary_withheld() -> dict:
    """What ``case_json`` shows of the summary section to someone it was not shared with: each declared
    field empty (``[]``, ``""``) or null, so the case keeps one shape."""
    return {f.name: withheld(f) for f in _summary_fields()}


def case_json(case: m.Case, sections: frozenset[str], person: m.Person | None = None) -> dict:
    """The case as the API shows it to a reader of ``sections``: the case header and who holds it, the
    summary's declared fields (withheld unless shared), and the identity's in ``person``."""
    data = {
        "id": case.pk, "number": case.number, "track": case.track, "stage": case.stage,
        "owner_organization_id": case.owner_organization_id, "owner_team_id": case.owner_team_id,
        "owner_worker_id": case.owner_worker_id, "opened_at": case.opened_at, "version": case.version,
        "sections": sorted(sections), "person": None,
    }
    # The summary is a section like any other: a receiver who was not given it sees none of it.
    data.update(values(_summary_fields(), case) if "summary" in sections else summary_withheld())
    if person is not None and "identity" in sections:
        data["person"] = {**values(fields_of("identity", on=["person"]), case, {"person": person}),
                          "version": person.version}
    return data


def _goal_json(goal: m.Goal) -> dict:
    """A goal of the plan section: its declared fields (its actions as objects, each shaped by
    ``PlanActionOut``) with its id and version."""
    return {"id": goal.pk, "version": goal.version, **s.read_declared(fields_of("plan"), goal)}


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
    #: A flag kind code (``cases/data/flag_kinds.yaml``): cases with an open flag of that kind.
    flag: str = Field("", max_length=40)
    limit: int = Field(50, ge=-(2**31), le=2**31 - 1)  # clamped to 1..200 below
    #: Deprecated: pass ``cursor`` (from the ``X-Next-Cursor`` header) instead. Still served, bounded.
    offset: int = Field(0, ge=0, le=100_000)
    #: Where the page starts: the ``X-Next-Cursor`` (or ``X-Prev-Cursor``) of the previous answer.
    cursor: str = Field("", max_length=2000)


class DetailOut(Schema):
    detail: str


@router.get("/cases", response={200: list[s.CaseOut], 400: DetailOut})
def list_cases(request, response: HttpResponse, query: Query[CaseQuery]):
    """Visible cases, newest first. ``search`` takes a case number here. To search for a person (a name,
    a date of birth, a phone) use ``POST /cases/search``: a query string ends up in proxy and server
    logs and in history, so such criteria are refused here (400)."""
    require(request.auth, "case.view")
    if (query.search.strip() and not selectors.CASE_NUMBER.match(query.search.strip())) or query.date_of_birth \
            or query.phone:
        return Status(400, {"detail": str(IDENTITY_IN_ADDRESS)})
    return _list_cases(request, response, query)


#: Why ``GET /cases`` refuses a name, a date of birth or a phone.
IDENTITY_IN_ADDRESS = gettext_lazy("Send a search by name, date of birth or phone with POST /api/v1/cases/search: "
                                   "criteria in a web address end up in logs.")


@router.post("/cases/search", response=list[s.CaseOut])
def search_cases(request, response: HttpResponse, body: CaseQuery):
    """The same search as ``GET /cases`` with the criteria in the request body, so that no name, date
    of birth or phone is written in an address (proxy and server logs, history). The next page: the same
    body with ``cursor`` set to the answer's ``X-Next-Cursor``."""
    return _list_cases(request, response, body)


def _list_cases(request, response: HttpResponse, query: CaseQuery) -> list[dict]:
    """A page of cases: by ``cursor`` (keyset; the answer's ``X-Next-Cursor`` / ``X-Prev-Cursor``
    headers, and ``Link`` for a GET), or by the older ``offset``."""
    actor = request.auth
    require(actor, "case.view")
    if query.cursor and query.offset:
        raise ValidationError({"offset": [_("Give a cursor or an offset, not both.")]})
    if query.flag and reference.flag_kind(query.flag) is None:
        raise ValidationError({"flag": [_("Unknown flag kind.")]})
    filters = selectors.CaseFilters(q=query.search, phonetic=query.phonetic, date_of_birth=query.date_of_birth,
                                    phone=query.phone, stage=query.stage, track=query.track, region=query.region,
                                    owner=query.owner, overdue=query.overdue, report_due=query.report_due,
                                    flag=query.flag)
    try:
        listing = selectors.case_rows(actor=actor, filters=filters, cursor=query.cursor or None,
                                      offset=query.offset or None, per_page=keyset.clamp_limit(query.limit),
                                      count=False, via="api")
    except keyset.BadCursor as bad:
        raise keyset.bad_cursor_error() from bad
    if listing.page is not None:
        keyset.set_headers(request, response, listing.page)
    return [case_json(c, c.sections, c.person) for c in listing.rows]


@router.post("/cases", response={201: s.CaseOut})
def create_case(request, body: s.CaseIn):
    actor = request.auth
    case_data = body.dict(exclude={"person"})
    case_data["region"] = region_from_code(body.region)
    if case_data.get("first_contact_date") is None:
        case_data.pop("first_contact_date")
    case = services.open_case(actor=actor, person=body.person.dict(), case=case_data)
    return Status(201, _case_out(actor, case.pk, "case creation"))


class DuplicateCheckIn(Schema):
    #: Why you check: ``intake``, ``hotline_contact`` or ``screening`` (required; 400 otherwise).
    reason: str = ""
    legal_name: str = ""
    other_names: list[str] = []
    date_of_birth: BoundedDate | None = None
    phone: str = ""


class DuplicateCheckOut(Schema):
    visible: list[UUID]
    elsewhere: bool
    message: str


@router.post("/cases/duplicate-check", response={200: DuplicateCheckOut, 429: DetailOut})
def duplicate_check(request, body: DuplicateCheckIn):
    """Before an intake: cases matching on name with date of birth, or phone. Say why you check
    (``reason``: intake, hotline_contact or screening) and give a name with a date of birth, or a phone
    with a name or a date of birth (else 400); the check and its blind-index criteria are audited. A
    match you cannot see is reported only as ``elsewhere: true`` (and only when more than the phone
    matches) — a coordinator can check it. Checks are limited per user: past the limit, 429 until the
    window passes."""
    actor = request.auth
    require(actor, "case.create")
    try:
        found = selectors.find_possible_duplicates(
            actor=actor, reason=body.reason, legal_name=body.legal_name, other_names=body.other_names,
            date_of_birth=body.date_of_birth, phone=body.phone, via="api")
    except TooManyChecks:
        return Status(429, {"detail": str(TOO_MANY_CHECKS)})
    message = _("A possible record exists elsewhere. A coordinator can check it for you.") if found.elsewhere else ""
    return {"visible": [c.pk for c in found.visible], "elsewhere": found.elsewhere, "message": message}


@router.get("/cases/{case_id}", response=s.CaseOut)
def read_case(request, case_id: UUID):
    """One case, with the sections you may see; the read is recorded."""
    read = selectors.case_for_reading(actor=request.auth, case_id=case_id, via="api")
    return case_json(read.case, read.sections, read.person)


@router.patch("/cases/{case_id}", response=s.CaseOut)
def patch_case(request, case_id: UUID, body: s.CasePatch):
    actor = request.auth
    case = selectors.case_or_404(actor=actor, case_id=case_id)
    changes = body.dict(exclude={"version"}, exclude_unset=True)
    if "region" in changes:
        changes["region"] = region_from_code(changes["region"])
    services.update_case(actor=actor, case=case, expected_version=body.version, changes=changes)
    return _case_out(actor, case.pk, "case update")


@router.patch("/cases/{case_id}/person", response=s.CaseOut)
def patch_person(request, case_id: UUID, body: s.PersonPatch):
    actor = request.auth
    case = selectors.case_or_404(actor=actor, case_id=case_id)
    selectors.require_section_or_404(actor=actor, case=case, section="identity")
    services.update_person(actor=actor, case=case, expected_version=body.version,
                           changes=body.dict(exclude={"version"}, exclude_unset=True))
    return _case_out(actor, case.pk, "person update")


@router.post("/cases/{case_id}/stage", response=s.CaseOut)
def change_stage(request, case_id: UUID, body: s.StageIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    services.change_stage(actor=request.auth, case=case, to_stage=body.stage, expected_version=body.version)
    return _case_out(request.auth, case.pk, "stage change")


@router.get("/cases/{case_id}/timeline", response=list[s.TimelineOut])
def get_timeline(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return [{"kind": e.kind, "summary": e.text(), "detail": e.detail,
             "actor_id": e.actor_id, "created_at": e.created_at}
            for e in selectors.timeline_for_reading(actor=request.auth, case=case, via="api")]


# --- Closure ----------------------------------------------------------------------------------

@router.post("/cases/{case_id}/closure-requests", response={201: s.ClosureRequestOut})
def request_closure(request, case_id: UUID, body: s.ClosureRequestIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    closure = services.request_closure(actor=request.auth, case=case, reason=body.reason, outcome=body.outcome)
    return Status(201, closure)


@router.post("/cases/{case_id}/closure-requests/{request_id}/decision", response=s.ClosureRequestOut)
def decide_closure(request, case_id: UUID, request_id: int, body: s.ClosureDecisionIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    closure = selectors.closure_request_or_404(case=case, request_id=request_id)
    return services.decide_closure(actor=request.auth, closure=closure, approve=body.approve, comment=body.comment)


# --- Youth track and emergency access ---------------------------------------------------------

@router.post("/cases/{case_id}/duty-to-report", response={201: s.DutyToReportOut})
def duty_to_report(request, case_id: UUID, body: s.DutyToReportIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, services.record_duty_to_report(actor=request.auth, case=case, **body.dict()))


@router.post("/cases/{case_id}/emergency-access", response={201: s.EmergencyAccessOut})
def emergency_access(request, case_id: UUID, body: s.EmergencyAccessIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, services.break_glass(actor=request.auth, case=case, reason=body.reason, minutes=body.minutes))


# --- Needs, plan, tasks, notes, safety plan, documents -----------------------------------------

@router.get("/cases/{case_id}/needs", response=list[s.NeedOut])
def list_needs(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return selectors.needs_for_reading(actor=request.auth, case=case, via="api")


@router.put("/cases/{case_id}/needs", response=s.NeedOut)
def save_need(request, case_id: UUID, body: s.NeedIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    # Notes left out of the body are kept as they are (not blanked).
    notes = body.notes if "notes" in body.model_fields_set else None
    return services.save_need(actor=request.auth, case=case, domain=body.domain, priority=body.priority,
                              status=body.status, notes=notes, expected_version=body.version)


@router.get("/cases/{case_id}/goals", response=list[s.GoalOut])
def list_goals(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return [_goal_json(g) for g in selectors.goals_for_reading(actor=request.auth, case=case, via="api")]


@router.post("/cases/{case_id}/goals", response={201: s.GoalOut})
def add_goal(request, case_id: UUID, body: s.GoalIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    goal = services.add_goal(actor=request.auth, case=case, description=body.description)
    return Status(201, _goal_json(goal))


@router.post("/cases/{case_id}/goals/{goal_id}/actions", response={201: s.PlanActionOut})
def add_plan_action(request, case_id: UUID, goal_id: int, body: s.PlanActionIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    goal = selectors.goal_or_404(case=case, goal_id=goal_id)
    return Status(201, services.add_plan_action(actor=request.auth, goal=goal, description=body.description,
                                                owner=active_user(body.owner_id, "owner_id"), due=body.due))


@router.get("/cases/{case_id}/tasks", response=list[s.TaskOut])
def list_tasks(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return selectors.tasks_for_reading(actor=request.auth, case=case, via="api")


@router.post("/cases/{case_id}/tasks", response={201: s.TaskOut})
def add_task(request, case_id: UUID, body: s.TaskIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, services.add_task(actor=request.auth, case=case, title=body.title, due=body.due,
                                         assignee=active_user(body.assignee_id, "assignee_id")))


@router.post("/cases/{case_id}/tasks/{task_id}/done", response=s.TaskOut)
def complete_task(request, case_id: UUID, task_id: int, body: s.VersionIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    task = selectors.task_or_404(actor=request.auth, case=case, task_id=task_id)
    return services.complete_task(actor=request.auth, task=task, expected_version=body.version)


@router.get("/cases/{case_id}/notes", response=list[s.NoteOut])
def list_notes(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return selectors.notes_for_reading(actor=request.auth, case=case, via="api")


@router.post("/cases/{case_id}/notes", response={201: s.NoteOut})
def add_note(request, case_id: UUID, body: s.NoteIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, services.add_note(actor=request.auth, case=case, body=body.body, sensitivity=body.sensitivity))


@router.get("/cases/{case_id}/safety-plan", response=s.SafetyPlanOut)
def get_safety_plan(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    plan = selectors.safety_plan_for_reading(actor=request.auth, case=case, via="api")
    if plan is None:
        raise Http404
    return plan


@router.put("/cases/{case_id}/safety-plan", response=s.SafetyPlanOut)
def put_safety_plan(request, case_id: UUID, body: s.SafetyPlanIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    # Only the parts sent are changed: a part left out of the body is kept, not blanked.
    return services.save_safety_plan(actor=request.auth, case=case,
                                     changes=body.dict(exclude={"version"}, exclude_unset=True),
                                     expected_version=body.version)


@router.get("/cases/{case_id}/documents", response=list[s.DocumentOut])
def list_documents(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return selectors.documents_for_reading(actor=request.auth, case=case, via="api")


@router.post("/cases/{case_id}/documents", response={201: s.DocumentOut})
def upload_document(request, case_id: UUID, kind: Form[str], file: File[UploadedFile]):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    refuse_oversized(file)
    return Status(201, services.upload_document(actor=request.auth, case=case, kind=kind, filename=file.name,
                                                content=file.read()))


@router.post("/cases/{case_id}/documents/{document_id}/link", response=s.DownloadLinkOut)
def document_link(request, case_id: UUID, document_id: UUID):
    """A short-lived download link for the caller only (it needs the caller's session or token)."""
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    document = selectors.document_or_404(actor=request.auth, case=case, document_id=document_id)
    token = services.download_token(actor=request.auth, document=document)
    url = reverse("api:download_document", args=[case.pk, document.pk]) + "?t=" + token
    return {"url": url, "expires_in_seconds": services.DOWNLOAD_LINK_SECONDS}


@router.get("/cases/{case_id}/documents/{document_id}/download", openapi_extra={"responses": {410: {
    "description": "The link has expired or is not the caller's.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}})
def download_document(request, case_id: UUID, document_id: UUID, t: str = ""):
    """Download through a link from ``.../link`` (valid a few minutes, for the caller only)."""
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    document = selectors.document_or_404(actor=request.auth, case=case, document_id=document_id)
    if services.read_download_token(t, actor=request.auth) != str(document.pk):
        return HttpResponse(json.dumps({"detail": _("This download link has expired or is not yours.")}),
                            status=410, content_type="application/json")
    return document_response(actor=request.auth, document=document)


@router.get("/cases/{case_id}/summary.pdf", openapi_extra={"responses": {200: {
    "description": "The printable case summary: the sections you may see, as a PDF attachment.",
    "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}}})
def case_summary_pdf(request, case_id: UUID):
    """The printable case summary (PDF) of exactly the sections you may see; identifying data only with
    ``case.export_identifying``. Printing is recorded as an export (``case.exported``, format ``pdf``)."""
    summary = selectors.case_summary_for_printing(actor=request.auth, case_id=case_id, via="api")
    return summary_response(summary, reader=request.auth)


# --- Youth profile, reopening, assignment -----------------------------------------------------

def _youth_json(case: m.Case, profile: YouthProfile, *, guardian_shown: bool) -> dict:
    """The youth profile: the summary's youth fields, and the identity's (the guardian's name, contact
    and relationship) only when the identity section is shared — null otherwise."""
    records = {"youth": profile}
    data = values(fields_of("summary", on=["youth"]), case, records)
    for field in fields_of("identity", on=["youth"]):
        data[field.name] = value(field, case, records) if guardian_shown else None
    return {**data, "duty_to_report_outstanding": services.duty_to_report_outstanding(case),
            "version": profile.version}


@router.get("/cases/{case_id}/youth", response=s.YouthProfileOut)
def get_youth_profile(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    details = selectors.youth_details(actor=request.auth, case=case, via="api")
    return _youth_json(case, details.profile, guardian_shown=details.guardian_shown)


@router.patch("/cases/{case_id}/youth", response=s.YouthProfileOut)
def patch_youth_profile(request, case_id: UUID, body: s.YouthProfileIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    changes = body.dict(exclude={"version"}, exclude_unset=True)
    if any(changes.get(k) is None for k in changes):
        raise ValidationError({k: _("This field cannot be empty.") for k, v in changes.items() if v is None})
    services.update_youth_profile(actor=request.auth, case=case, expected_version=body.version, changes=changes)
    # The answer shows the guardian with the identity section: read through the selector that records it.
    details = selectors.youth_details(actor=request.auth, case=case, via="api")
    return _youth_json(case, details.profile, guardian_shown=details.guardian_shown)


@router.post("/cases/{case_id}/reopen", response=s.CaseOut)
def reopen_case(request, case_id: UUID, body: s.ReopenIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    services.reopen_case(actor=request.auth, case=case, reason=body.reason)
    return _case_out(request.auth, case.pk, "reopening")


@router.put("/cases/{case_id}/assignment", response=s.CaseOut)
def assign_case(request, case_id: UUID, body: s.AssignmentIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    require_own_scope(request.auth, "case.assign", case)  # refused before the ids in the body are looked up
    workers = (None if body.assigned_worker_ids is None
               else [active_user(pk, "assigned_worker_ids") for pk in body.assigned_worker_ids])
    services.assign_case(actor=request.auth, case=case, owner_team=team_from_id(body.owner_team_id, "owner_team_id"),
                         owner_worker=active_user(body.owner_worker_id, "owner_worker_id"), assigned_workers=workers)
    return _case_out(request.auth, case.pk, "assignment")


# --- Emergency access review (auditors) -------------------------------------------------------

def _access_json(access: EmergencyAccess) -> dict:
    return {"id": access.pk, "case_id": access.case_id, "case_number": access.case.number, "user_id": access.user_id,
            "reason": access.reason, "started_at": access.started_at, "expires_at": access.expires_at,
            "review": access.review, "reviewed_at": access.reviewed_at}


@router.get("/emergency-access", response=list[s.EmergencyAccessReviewOut])
def list_emergency_access(request, response: HttpResponse, unreviewed: bool = True,
                          limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                          cursor: str = Query("", max_length=2000)):
    """Emergency accesses (those awaiting review by default), newest first; ``limit`` a page, the next
    page by ``cursor`` (``X-Next-Cursor``)."""
    ordering = ("-started_at", "-pk")
    require(request.auth, "audit.review_emergency_access")  # refused (and recorded) before the cursor is read
    if cursor:  # checked before the listing is recorded: a bad cursor changes nothing
        try:
            keyset.read_cursor("emergency-access", ordering, cursor)
        except keyset.BadCursor as bad:
            raise keyset.bad_cursor_error() from bad
    rows = keyset.api_page(selectors.emergency_accesses(actor=request.auth, unreviewed_only=unreviewed, via="api"),
                           request=request, response=response, name="emergency-access", cursor=cursor,
                           limit=limit, ordering=ordering)
    return [_access_json(access) for access in rows]


@router.post("/emergency-access/{access_id}/review", response=s.EmergencyAccessReviewOut)
def review_emergency_access(request, access_id: int, body: s.EmergencyReviewIn):
    access = selectors.emergency_access_or_404(actor=request.auth, access_id=access_id)
    services.review_emergency_access(actor=request.auth, access=access, review=body.review, note=body.note)
    return _access_json(access)


# --- Flags and risk ---------------------------------------------------------------------------

def _flag_json(flag: m.CaseFlag) -> dict:
    """A flag as the API shows it: the reason and the resolution note only when ``reason_shown`` (the
    own circle; ``selectors.case_flags`` decides)."""
    shown = getattr(flag, "reason_shown", True)
    return {"id": flag.pk, "kind": flag.kind, "kind_label": flag.kind_label(), "reason": flag.reason if shown else None,
            "review_date": flag.review_date, "review_due": flag.review_due, "raised_by_id": flag.raised_by_id,
            "raised_at": flag.raised_at, "resolved_by_id": flag.resolved_by_id, "resolved_at": flag.resolved_at,
            "resolution_note": flag.resolution_note if shown else None, "version": flag.version}


def _assessment_json(assessment: m.RiskAssessment) -> dict:
    return {"id": assessment.pk, "level": assessment.level_code(), "level_label": assessment.get_level_display(),
            "rationale": assessment.rationale, "assessed_by_id": assessment.assessed_by_id,
            "assessed_at": assessment.assessed_at}


@router.get("/cases/{case_id}/flags", response=list[s.FlagOut])
def list_flags(request, case_id: UUID, include_resolved: bool = False):
    """The case's open flags (``include_resolved``: every one), for a reader of the summary section.
    The reasons are given to the case's own circle only (``null`` for a receiver)."""
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    flags = selectors.case_flags(actor=request.auth, case=case, include_resolved=include_resolved, via="api")
    return [_flag_json(f) for f in flags.rows]


@router.post("/cases/{case_id}/flags", response={201: s.FlagOut})
def raise_flag(request, case_id: UUID, body: s.FlagIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    flag = services.raise_flag(actor=request.auth, case=case, kind=body.kind, reason=body.reason,
                               review_date=body.review_date)
    return Status(201, _flag_json(flag))


@router.patch("/cases/{case_id}/flags/{flag_id}", response=s.FlagOut)
def edit_flag(request, case_id: UUID, flag_id: int, body: s.FlagPatch):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    flag = selectors.flag_or_404(actor=request.auth, case=case, flag_id=flag_id)
    return _flag_json(services.edit_flag(actor=request.auth, flag=flag, reason=body.reason,
                                         review_date=body.review_date, expected_version=body.version))


@router.post("/cases/{case_id}/flags/{flag_id}/resolve", response=s.FlagOut)
def resolve_flag(request, case_id: UUID, flag_id: int, body: s.FlagResolveIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    flag = selectors.flag_or_404(actor=request.auth, case=case, flag_id=flag_id)
    return _flag_json(services.resolve_flag(actor=request.auth, flag=flag, note=body.note,
                                            expected_version=body.version))


@router.get("/cases/{case_id}/risk", response=list[s.RiskAssessmentOut])
def get_risk_history(request, case_id: UUID):
    """The case's risk assessments, newest first, with their rationales: the case's own circle only
    (404 for anyone else; the current level is the case's ``risk_level``, in its summary)."""
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return [_assessment_json(a) for a in selectors.risk_history(actor=request.auth, case=case, via="api")]


@router.post("/cases/{case_id}/risk", response={201: s.RiskAssessmentOut})
def assess_risk(request, case_id: UUID, body: s.RiskIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    assessment = services.assess_risk(actor=request.auth, case=case, level=body.level, rationale=body.rationale,
                                      expected_version=body.version)
    return Status(201, _assessment_json(assessment))
# --- Services delivered, follow-ups, the cadence, a plan action's due date (issue 16) ------------------
# Reading needs the section (``services``, ``follow_ups``) open to the caller, and outside the owning
# circle lists only the deliveries ``selectors.deliveries_visible_to`` lets them know of. Every change to
# a delivery, a follow-up or the cadence is the case's own scope's (the services' ``require_own_scope``):
# a receiver of those sections reads, never writes. A plan action's due date is the plan's: a receiver
# given the ``plan`` section (with ``case.edit``) may move it, as it may add an action
# (``require_section``). Every route checks the section before it looks a row up: a 404 either way.

def _delivery_values(request, body: s.ServiceDeliveryIn) -> dict:
    refs = selectors.delivery_references(actor=request.auth, organization_id=body.provider_organization_id,
                                         service_id=body.provider_service_id, term_id=body.taxonomy_term_id)
    return {"status": body.status, "domain": body.domain, "started_on": body.started_on, "ended_on": body.ended_on,
            **refs}


@router.get("/cases/{case_id}/services", response=list[s.ServiceDeliveryOut])
def list_service_deliveries(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return selectors.deliveries_for_reading(actor=request.auth, case=case, via="api")


@router.post("/cases/{case_id}/services", response={201: s.ServiceDeliveryOut})
def add_service_delivery(request, case_id: UUID, body: s.ServiceDeliveryIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    require_own_scope(request.auth, "case.edit", case)  # before resolving ids: a receiver learns nothing
    return Status(201, services.add_service_delivery(actor=request.auth, case=case, notes=body.notes,
                                                     **_delivery_values(request, body)))


@router.put("/cases/{case_id}/services/{delivery_id}", response=s.ServiceDeliveryOut)
def edit_service_delivery(request, case_id: UUID, delivery_id: int, body: s.ServiceDeliveryPatch):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    delivery = selectors.delivery_or_404(actor=request.auth, case=case, delivery_id=delivery_id)
    require_own_scope(request.auth, "case.edit", case)
    notes = body.notes if "notes" in body.model_fields_set else None
    return services.update_service_delivery(actor=request.auth, delivery=delivery, expected_version=body.version,
                                            notes=notes, **_delivery_values(request, body))


@router.get("/cases/{case_id}/follow-ups", response=list[s.FollowUpOut])
def list_follow_ups(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return selectors.follow_ups_for_reading(actor=request.auth, case=case, via="api")


@router.post("/cases/{case_id}/follow-ups", response={201: s.FollowUpOut})
def record_follow_up(request, case_id: UUID, body: s.FollowUpIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, services.record_follow_up(actor=request.auth, case=case, contacted_on=body.contacted_on,
                                                 mode=body.mode, with_whom=body.with_whom,
                                                 with_whom_detail=body.with_whom_detail, note=body.note,
                                                 **s.interpretation_given(body)))


@router.put("/cases/{case_id}/follow-ups/{follow_up_id}", response=s.FollowUpOut)
def edit_follow_up(request, case_id: UUID, follow_up_id: int, body: s.FollowUpPatch):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    follow_up = selectors.follow_up_or_404(actor=request.auth, case=case, follow_up_id=follow_up_id)
    note = body.note if "note" in body.model_fields_set else None
    return services.update_follow_up(actor=request.auth, follow_up=follow_up, expected_version=body.version,
                                     contacted_on=body.contacted_on, mode=body.mode, with_whom=body.with_whom,
                                     with_whom_detail=body.with_whom_detail, note=note,
                                     **s.interpretation_given(body))


@router.put("/cases/{case_id}/follow-up-cadence", response=s.FollowUpCadenceOut)
def set_follow_up_cadence(request, case_id: UUID, body: s.FollowUpCadenceIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    selectors.require_section_or_404(actor=request.auth, case=case, section="follow_ups")
    schedule = services.set_follow_up_cadence(actor=request.auth, case=case, every_days=body.every_days)
    return {"every_days": schedule.every_days if schedule else None,
            "next_task_id": schedule.next_task_id if schedule else None}


@router.patch("/cases/{case_id}/actions/{action_id}", response=s.PlanActionOut)
def change_plan_action_due(request, case_id: UUID, action_id: int, body: s.PlanActionDueIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    # The section first: without ``plan``, an action that exists and one that does not are both a 404.
    selectors.require_section_or_404(actor=request.auth, case=case, section="plan")
    action = selectors.plan_action_or_404(case=case, action_id=action_id)
    return services.change_plan_action_due(actor=request.auth, action=action, due=body.due,
                                           expected_version=body.version)
# --- Approvals and bulk reassignment ----------------------------------------------------------

def _approval_json(approval: m.ApprovalRequest) -> dict:
    return {"id": approval.pk, "case_id": approval.case_id, "case_number": approval.case.number,
            "subject": approval.subject, "decision": approval.decision, "requested_by_id": approval.requested_by_id,
            "requested_at": approval.requested_at, "decided_by_id": approval.decided_by_id,
            "decided_at": approval.decided_at, "closure_request_id": approval.closure_id}


@router.post("/cases/{case_id}/approvals", response={201: s.ApprovalOut})
def request_approval(request, case_id: UUID, body: s.ApprovalRequestIn):
    """Submit the needs assessment or the service plan for a coordinator's approval (a closure is
    requested at ``/closure-requests``, with its reason and outcome)."""
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, _approval_json(services.request_approval(actor=request.auth, case=case, subject=body.subject)))


@router.post("/cases/{case_id}/approvals/{approval_id}/decision", response=s.ApprovalOut)
def decide_approval(request, case_id: UUID, approval_id: int, body: s.ApprovalDecisionIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    approval = selectors.approval_or_404(actor=request.auth, case=case, approval_id=approval_id)
    return _approval_json(services.decide_approval(actor=request.auth, approval=approval, action=body.action,
                                                   comment=body.comment))


@router.get("/approvals/pending", response=list[s.ApprovalOut])
def pending_approvals(request, response: HttpResponse,
                      limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                      cursor: str = Query("", max_length=2000)):
    """The requests waiting for the caller's decision (a coordinator's), the oldest first; ``limit`` a
    page, the next by ``cursor`` (``X-Next-Cursor``)."""
    selectors.require_approver(request.auth)
    rows = keyset.api_page(selectors.pending_approvals_for(actor=request.auth), request=request, response=response,
                           name="approvals.pending", cursor=cursor, limit=limit, ordering=("requested_at", "pk"))
    return [_approval_json(approval) for approval in rows]


def _reassignment_parties(request, body: s.ReassignmentIn) -> dict:
    require(request.auth, "case.reassign_departing")  # refused (and recorded) before any account is looked up
    return {"departing": selectors.staff_member_or_404(actor=request.auth, user_id=body.departing_id),
            "receiver": selectors.staff_member_or_404(actor=request.auth, user_id=body.receiver_id),
            "team": team_from_id(body.team_id, "team_id")}


@router.post("/reassignments/preview", response=s.ReassignmentPreviewOut)
def preview_reassignment(request, body: s.ReassignmentIn):
    """How many open cases and tasks of the departing worker a reassignment would move (numbers only)."""
    preview = selectors.reassignment_preview(actor=request.auth, **_reassignment_parties(request, body))
    return {"cases": preview.cases.shown, "tasks": preview.tasks.shown, "cases_capped": preview.cases.more,
            "tasks_capped": preview.tasks.more, "case_limit": services.REASSIGN_CASE_LIMIT,
            "task_limit": services.REASSIGN_TASK_LIMIT}


@router.post("/reassignments", response=s.ReassignmentOut)
def reassign(request, body: s.ReassignmentIn):
    """Move a departing worker's open cases and tasks to a colleague of the same organization (at most
    ``case_limit`` cases and ``task_limit`` tasks a call: call again while ``cases_left``)."""
    moved = services.reassign_departing_worker(actor=request.auth, **_reassignment_parties(request, body))
    return {"cases": moved.cases, "tasks": moved.tasks, "cases_left": moved.cases_left, "tasks_left": moved.tasks_left}
# --- The HTCDS trafficking profile and events -----------------------------------------------------

def _event_values(body: s.TraffickingEventIn | s.TraffickingEventPatch) -> dict:
    """The body's fields as the services take them: the date text parsed into a date and its precision."""
    values = body.dict(exclude={"version"}, exclude_unset=True)
    if isinstance(body, s.TraffickingEventIn):
        values = {**body.dict(), **values}
    values = {k: v for k, v in values.items() if v is not None or k == "date"}
    if "date" in values:
        values["date"], values["date_precision"] = parse_partial_date(values["date"])
    return values


@router.get("/cases/{case_id}/profile", response=s.TraffickingProfileOut)
def get_trafficking_profile(request, case_id: UUID):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return selectors.profile_for_reading(actor=request.auth, case=case, via="api")


@router.put("/cases/{case_id}/profile", response=s.TraffickingProfileOut)
def put_trafficking_profile(request, case_id: UUID, body: s.TraffickingProfileIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    # Only the fields sent change: a field left out of the body is kept, not blanked.
    return services.save_trafficking_profile(actor=request.auth, case=case,
                                             changes=body.dict(exclude={"version"}, exclude_unset=True),
                                             expected_version=body.version)


@router.post("/cases/{case_id}/profile/events", response={201: s.TraffickingEventOut})
def add_trafficking_event(request, case_id: UUID, body: s.TraffickingEventIn):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    return Status(201, services.add_trafficking_event(actor=request.auth, case=case, values=_event_values(body)))


@router.patch("/cases/{case_id}/profile/events/{event_id}", response=s.TraffickingEventOut)
def patch_trafficking_event(request, case_id: UUID, event_id: int, body: s.TraffickingEventPatch):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    event = selectors.trafficking_event_or_404(actor=request.auth, case=case, event_id=event_id)
    return services.update_trafficking_event(actor=request.auth, event=event, changes=_event_values(body),
                                             expected_version=body.version)


@router.delete("/cases/{case_id}/profile/events/{event_id}", response={204: None})
def remove_trafficking_event(request, case_id: UUID, event_id: int):
    case = selectors.case_or_404(actor=request.auth, case_id=case_id)
    event = selectors.trafficking_event_or_404(actor=request.auth, case=case, event_id=event_id)
    services.remove_trafficking_event(actor=request.auth, event=event)
    return Status(204, None)
