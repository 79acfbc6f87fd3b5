"""Shapes of the cases API. The output shapes of section content (the case, its person, youth profile,
needs, plan, tasks, notes, safety plan, documents, timeline) are built from ``cases.sections``: each
declared field is typed here from its kind, beside the door's own fields (ids, versions)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Annotated, Any, ClassVar
from uuid import UUID

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from octip.core.bounds import BoundedDate, BoundedDateTime
from octip.core.interpretation import FIELDS as INTERPRETATION_FIELDS
from octip.core.interpretation import InterpretationIn

from . import sections
from .sections import FieldKind


class IdentityDocument(Schema):
    type: str = Field(min_length=1, max_length=60)
    number: str = Field("", max_length=60)
    country: str = Field("", max_length=2)
    held_by_person: bool = True


class PersonIn(Schema):
    legal_name: str = Field(min_length=1, max_length=200)
    identity_documents: list[IdentityDocument] = []
    preferred_name: str = Field("", max_length=200)
    aliases: list[str] = []
    date_of_birth: BoundedDate | None = None
    estimated_age: int | None = Field(None, ge=0, le=120)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=2000)
    gender: str = "unknown"
    pronouns: str = Field("", max_length=40)
    citizenship: list[str] = []
    languages: list[str] = []
    interpreter_needed: bool = False
    indigenous_identity: str = ""


class PersonPatch(Schema):
    version: int
    identity_documents: list[IdentityDocument] | None = None
    legal_name: str | None = Field(None, min_length=1, max_length=200)
    preferred_name: str | None = Field(None, max_length=200)
    aliases: list[str] | None = None
    date_of_birth: BoundedDate | None = None
    estimated_age: int | None = Field(None, ge=0, le=120)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=2000)
    gender: str | None = None
    pronouns: str | None = Field(None, max_length=40)
    citizenship: list[str] | None = None
    languages: list[str] | None = None
    interpreter_needed: bool | None = None
    indigenous_identity: str | None = None


class CaseIn(Schema):
    person: PersonIn
    region: str = Field(description="Region code, e.g. fraser")
    first_contact_date: BoundedDate | None = None
    referral_source: str = "other"
    exploitation_types: list[str] = []
    setting: str = ""
    means_of_control: list[str] = []
    immediate_danger: bool = False
    needs_interpreter: bool = False


class CasePatch(Schema):
    version: int
    region: str | None = None
    first_contact_date: BoundedDate | None = None
    referral_source: str | None = None
    exploitation_types: list[str] | None = None
    setting: str | None = None
    means_of_control: list[str] | None = None
    immediate_danger: bool | None = None
    needs_interpreter: bool | None = None


class StageIn(Schema):
    stage: str
    version: int


class ClosureRequestIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    outcome: str


class ClosureDecisionIn(Schema):
    approve: bool
    comment: str = Field(min_length=1, max_length=2000)


class ClosureRequestOut(Schema):
    id: int
    outcome: str
    decision: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None


class NeedIn(Schema):
    domain: str
    priority: str
    status: str
    notes: str = Field("", max_length=4000)
    version: int | None = None


class GoalIn(Schema):
    description: str = Field(min_length=1, max_length=1000)


class PlanActionIn(Schema):
    description: str = Field(min_length=1, max_length=1000)
    owner_id: int | None = None
    due: BoundedDate | None = None


class TaskIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    due: BoundedDate
    assignee_id: int | None = None


class VersionIn(Schema):
    version: int


class NoteIn(Schema):
    body: str = Field(min_length=1, max_length=20000)
    sensitivity: str = "normal"


class SafetyPlanIn(Schema):
    risks: str = Field("", max_length=8000)
    trusted_contacts: str = Field("", max_length=8000)
    code_words: str = Field("", max_length=2000)
    emergency_steps: str = Field("", max_length=8000)
    version: int | None = None


class DownloadLinkOut(Schema):
    url: str
    expires_in_seconds: int


class DutyToReportIn(Schema):
    reported_by_name: str = Field(min_length=1, max_length=200)
    reported_at: BoundedDateTime
    office: str
    office_detail: str = Field("", max_length=200)
    reference: str = Field("", max_length=100)


class DutyToReportOut(Schema):
    id: int
    reported_by_name: str
    reported_at: datetime.datetime
    office: str
    office_detail: str
    reference: str


class EmergencyAccessIn(Schema):
    reason: str = Field(min_length=10, max_length=2000)
    minutes: int = 60


class EmergencyAccessOut(Schema):
    id: int
    case_id: UUID
    expires_at: datetime.datetime


class YouthProfileIn(Schema):
    version: int
    guardian_name: str | None = Field(None, max_length=200)
    guardian_relationship: str | None = Field(None, max_length=80)
    guardian_contact: str | None = Field(None, max_length=200)
    separation: str | None = None
    migrant_services_involved: bool | None = None
    consent_given_by: str | None = None


class ReopenIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class AssignmentIn(Schema):
    """Name the owning team and the caseworker (either may be null, not both). The other assigned
    workers are replaced when ``assigned_worker_ids`` is given, kept as they are when it is left out."""

    owner_team_id: int | None = Field(..., ge=1, le=2**31 - 1)
    owner_worker_id: int | None = Field(..., ge=1, le=2**31 - 1)
    assigned_worker_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(None, max_length=200)


class EmergencyAccessReviewOut(Schema):
    id: int
    case_id: UUID
    case_number: str
    user_id: int
    reason: str
    started_at: datetime.datetime
    expires_at: datetime.datetime
    review: str
    reviewed_at: datetime.datetime | None


class EmergencyReviewIn(Schema):
    review: str
    note: str = Field("", max_length=2000)


# --- Output shapes built from the section declaration ----------------------------------------

_TYPES: dict[str, Any] = {
    FieldKind.TEXT: str, FieldKind.LONG_TEXT: str, FieldKind.CHOICE: str, FieldKind.CODES: list[str],
    FieldKind.TEXTS: list[str], FieldKind.DATE: datetime.date | None, FieldKind.DATETIME: datetime.datetime | None,
    FieldKind.BOOL: bool, FieldKind.INT: int | None, FieldKind.BYTES: int, FieldKind.REF: str | None,
    FieldKind.DOCUMENTS: list[IdentityDocument],
}


def read_declared(fields: tuple[sections.Field, ...], obj: Any) -> dict[str, Any]:
    """The declared fields of a model object as the API gives them; related rows stay objects, so
    their own shape (with its door fields) reads them."""
    out = {}
    for field in fields:
        if field.kind == FieldKind.ROWS:
            out[field.name] = sections.rows_of(field, obj)
        else:
            try:
                out[field.name] = sections.value(field, obj)
            except sections.NotApplicable:
                continue
    return out


class Declared(BaseModel):
    """A shape of section content. A model object is read through the declaration, so the response is
    exactly the declared fields and the door's own; a field declared after this shape was built (a test
    adding one) is served too, which is why extra keys are allowed: only the declaration adds them."""

    model_config = ConfigDict(extra="allow")
    section_fields: ClassVar[Callable[[], tuple[sections.Field, ...]]]
    door_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _read_declared(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return {**read_declared(cls.section_fields(), data), **{k: getattr(data, k) for k in cls.door_fields}}


def declared_schema(name: str, fields: Callable[[], tuple[sections.Field, ...]], door: dict[str, Any], *,
                    nullable: frozenset[str] | set[str] = frozenset(), withheld: bool = False,
                    nested: dict[str, type[BaseModel]] | None = None) -> type[Declared]:
    """An output shape: ``door`` fields (``{name: (type, default)}``, read as attributes of a model
    object) and the declared ``fields`` typed from their kind. ``withheld``: each may hold what a
    withheld section shows (``sections.withheld``); the fields named in ``nullable`` are null when
    their section is withheld."""
    typed: dict[str, Any] = {}
    for field in fields():
        if field.kind == FieldKind.ROWS:
            annotation: Any = list[(nested or {})[field.name]]
        else:
            annotation = _TYPES[field.kind]
        if withheld and field.kind == FieldKind.BOOL:
            annotation = bool | None
        if field.name in nullable:
            typed[field.name] = (annotation | None, None)
        else:
            typed[field.name] = (annotation, ...)
    model = create_model(name, __base__=Declared, **door, **typed)
    model.section_fields = staticmethod(fields)
    model.door_fields = tuple(door)
    return model


PersonOut = declared_schema("PersonOut", lambda: sections.fields_of("identity", on=["person"]),
                            {"version": (int, ...)})

CaseOut = declared_schema(
    "CaseOut", lambda: sections.fields_of("summary", on=["", "person"]), {
        "id": (UUID, ...), "number": (str, ...), "track": (str, ...), "stage": (str, ...),
        "owner_organization_id": (int, ...), "owner_team_id": (int | None, ...), "owner_worker_id": (int | None, ...),
        "opened_at": (datetime.datetime, ...), "version": (int, ...), "sections": (list[str], ...),
        "person": (PersonOut | None, None)},
    withheld=True)
CaseOut.__doc__ = ("A case. Its summary fields are empty (or null) when the summary section is not shared with "
                   "you; ``person`` is null unless the identity section is.")

YouthProfileOut = declared_schema(
    "YouthProfileOut",
    lambda: sections.fields_of("summary", on=["youth"]) + sections.fields_of("identity", on=["youth"]),
    {"duty_to_report_outstanding": (bool, ...), "version": (int, ...)},
    nullable={f.name for f in sections.fields_of("identity", on=["youth"])})
YouthProfileOut.__doc__ = ("The youth track of a case; the guardian's name, contact and relationship are null "
                           "unless the identity section is shared with you.")

NeedOut = declared_schema("NeedOut", lambda: sections.fields_of("needs"), {"id": (int, ...), "version": (int, ...)})
PlanActionOut = declared_schema("PlanActionOut", lambda: sections.field_of("plan", "actions").fields, {
    "id": (int, ...), "owner_id": (int | None, ...), "version": (int, ...)})
GoalOut = declared_schema("GoalOut", lambda: sections.fields_of("plan"), {"id": (int, ...), "version": (int, ...)},
                          nested={"actions": PlanActionOut})
TaskOut = declared_schema("TaskOut", lambda: sections.fields_of("tasks"), {
    "id": (int, ...), "assignee_id": (int | None, ...), "team_id": (int | None, ...), "version": (int, ...)})
NoteOut = declared_schema("NoteOut", lambda: sections.fields_of("notes"), {
    "id": (int, ...), "sensitivity": (str, ...), "author_id": (int | None, ...)})
SafetyPlanOut = declared_schema("SafetyPlanOut", lambda: sections.fields_of("safety_plan"), {"version": (int, ...)})
DocumentOut = declared_schema("DocumentOut", lambda: sections.fields_of("documents"), {
    "id": (UUID, ...), "content_type": (str, ...)})
TimelineOut = declared_schema("TimelineOut", lambda: sections.fields_of("timeline"), {
    "kind": (str, ...), "detail": (dict, ...), "actor_id": (int | None, ...)})


# --- Flags and risk ---------------------------------------------------------------------------

class FlagIn(Schema):
    kind: str = Field(description="A flag kind code (cases/data/flag_kinds.yaml), e.g. no_home_contact")
    reason: str = Field(min_length=1, max_length=4000)
    review_date: BoundedDate


class FlagPatch(Schema):
    reason: str = Field(min_length=1, max_length=4000)
    review_date: BoundedDate
    version: int


class FlagResolveIn(Schema):
    note: str = Field("", max_length=4000)
    version: int


class FlagOut(Schema):
    id: int
    kind: str
    kind_label: str
    #: The reason, for the case's own circle; ``None`` for a receiver of the summary.
    reason: str | None
    review_date: datetime.date
    review_due: bool
    raised_by_id: int | None
    raised_at: datetime.datetime
    resolved_by_id: int | None
    resolved_at: datetime.datetime | None
    resolution_note: str | None
    version: int


class RiskIn(Schema):
    level: str = Field(description="low, medium, high or critical")
    rationale: str = Field(min_length=1, max_length=4000)
    version: int | None = None


class RiskAssessmentOut(Schema):
    id: int
    level: str
    level_label: str
    rationale: str
    assessed_by_id: int | None
    assessed_at: datetime.datetime
# --- Services delivered and follow-ups (issue 16) -----------------------------------------------------

ServiceDeliveryOut = declared_schema("ServiceDeliveryOut", lambda: sections.fields_of("services"), {
    "id": (int, ...), "version": (int, ...), "taxonomy_term_id": (UUID | None, ...),
    "provider_organization_id": (int | None, ...), "provider_service_id": (UUID | None, ...),
    "source_referral_id": (UUID | None, ...)})
ServiceDeliveryOut.__doc__ = ("A service the person receives. Exactly one of ``provider_organization_id`` and "
                              "``provider_service_id`` is set; ``source_referral_id`` names the referral it came from "
                              "(null outside the case's owning circle, who is not told of the case's "
                              "referrals). Outside the owning circle the list holds only the deliveries "
                              "the reader may know of (``selectors.deliveries_visible_to``).")


class ServiceDeliveryIn(Schema):
    """A service delivered: exactly one provider (a partner organization's id or a directory service's id)."""

    status: str
    domain: str = Field("", max_length=40)
    taxonomy_term_id: UUID | None = None
    provider_organization_id: int | None = None
    provider_service_id: UUID | None = None
    started_on: BoundedDate | None = None
    ended_on: BoundedDate | None = None
    notes: str = Field("", max_length=10000)


class ServiceDeliveryPatch(ServiceDeliveryIn):
    """The delivery as it should be (every field; ``notes`` left out keeps the notes), with its version."""

    version: int


FollowUpOut = declared_schema("FollowUpOut", lambda: sections.fields_of("follow_ups"), {
    "id": (int, ...), "version": (int, ...), "recorded_by_id": (int | None, ...)})


class FollowUpIn(InterpretationIn):
    """A follow-up with its interpreter (``core.interpretation``). On a PUT, interpreter fields left out
    keep their values."""

    contacted_on: BoundedDate
    mode: str
    with_whom: list[str] = Field(min_length=1, max_length=10)
    with_whom_detail: str = Field("", max_length=200)
    note: str = Field("", max_length=10000)


class FollowUpPatch(FollowUpIn):
    version: int


def interpretation_given(body: FollowUpIn) -> dict[str, Any]:
    """The interpreter fields the request body sets (a PUT keeps those it leaves out)."""
    return {name: getattr(body, name) for name in INTERPRETATION_FIELDS if name in body.model_fields_set}


class FollowUpCadenceIn(Schema):
    """Follow up every ``every_days`` days; null or 0 removes the cadence."""

    every_days: int | None = Field(None, ge=0, le=366)


class FollowUpCadenceOut(Schema):
    every_days: int | None
    next_task_id: int | None


class PlanActionDueIn(Schema):
    due: BoundedDate | None = None
    version: int
class ApprovalRequestIn(Schema):
    subject: str = Field(max_length=40)


class ApprovalDecisionIn(Schema):
    action: str = Field(max_length=20, description="approve or reject")
    comment: str = Field("", max_length=2000, description="Needed to reject (and to approve a closure).")


class ApprovalOut(Schema):
    """An approval request. The coordinator's comment (free text) is shown on the case page only."""

    id: int
    case_id: UUID
    case_number: str
    subject: str
    decision: str
    requested_by_id: int
    requested_at: datetime.datetime
    decided_by_id: int | None
    decided_at: datetime.datetime | None
    closure_request_id: int | None


class ReassignmentIn(Schema):
    departing_id: int
    receiver_id: int
    team_id: int | None = None


class ReassignmentPreviewOut(Schema):
    cases: int
    tasks: int
    cases_capped: bool
    tasks_capped: bool
    case_limit: int
    task_limit: int


class ReassignmentOut(Schema):
    cases: int
    tasks: int
    cases_left: int
    tasks_left: int
# --- The HTCDS trafficking profile ------------------------------------------------------------------

TraffickingEventOut = declared_schema("TraffickingEventOut", lambda: sections.field_of("profile", "events").fields,
                                      {"id": (int, ...), "version": (int, ...)})
TraffickingProfileOut = declared_schema("TraffickingProfileOut", lambda: sections.fields_of("profile"),
                                        {"version": (int, ...)}, nested={"events": TraffickingEventOut})
TraffickingProfileOut.__doc__ = ("The person's IOM HTCDS profile: every value an HTCDS code (vic_ fields), with the "
                                 "trafficking events (hte_). An event's date is the first day of its month or year "
                                 "when ``date_precision`` says so.")


class TraffickingProfileIn(Schema):
    """Only the fields sent change. Codes as the HTCDS spells them; an unknown code is refused."""

    trafficking_status: str | None = Field(None, max_length=60)
    status_decided_by: str | None = Field(None, max_length=60)
    recruitment_methods: list[Annotated[str, Field(max_length=60)]] | None = Field(None, max_length=40)
    recruitment_platforms: list[Annotated[str, Field(max_length=60)]] | None = Field(None, max_length=40)
    exploitation_platforms: list[Annotated[str, Field(max_length=60)]] | None = Field(None, max_length=40)
    labour_industry: str | None = Field(None, max_length=60)
    sex_exploitation_types: list[Annotated[str, Field(max_length=60)]] | None = Field(None, max_length=40)
    vulnerabilities: list[Annotated[str, Field(max_length=60)]] | None = Field(None, max_length=40)
    trafficker_relationship: str | None = Field(None, max_length=60)
    age_when_trafficked: int | None = Field(None, ge=0, le=120)
    version: int | None = None


class TraffickingEventIn(Schema):
    """``date``: YYYY-MM-DD, YYYY-MM (month known) or YYYY (year known)."""

    type: str = Field(min_length=1, max_length=20)
    date: str = Field("", max_length=10)
    city: str = Field("", max_length=200)
    state: str = Field("", max_length=200)
    country: str = Field("", max_length=2)
    description: str = Field("", max_length=4000)


class TraffickingEventPatch(Schema):
    type: str | None = Field(None, min_length=1, max_length=20)
    date: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=200)
    state: str | None = Field(None, max_length=200)
    country: str | None = Field(None, max_length=2)
    description: str | None = Field(None, max_length=4000)
    version: int
