from __future__ import annotations

import datetime
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import Field

from octip.core.bounds import BoundedDate, BoundedDateTime


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


class PersonOut(Schema):
    legal_name: str
    preferred_name: str
    date_of_birth: datetime.date | None
    aliases: list[str]
    address: str
    identity_documents: list[IdentityDocument]
    phone: str
    email: str
    version: int


class CaseOut(Schema):
    id: UUID
    number: str
    track: str
    stage: str
    region: str | None = Field(description="Null when the summary section is not shared with you")
    owner_organization_id: int
    owner_team_id: int | None
    owner_worker_id: int | None
    exploitation_types: list[str]
    setting: str
    means_of_control: list[str]
    referral_source: str
    first_contact_date: datetime.date | None
    immediate_danger: bool | None
    needs_interpreter: bool | None
    age_band: str
    gender: str
    opened_at: datetime.datetime
    version: int
    sections: list[str]
    person: PersonOut | None = None


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


class TimelineOut(Schema):
    kind: str
    summary: str
    detail: dict
    actor_id: int | None
    created_at: datetime.datetime


class NeedIn(Schema):
    domain: str
    priority: str
    status: str
    notes: str = Field("", max_length=4000)
    version: int | None = None


class NeedOut(Schema):
    id: int
    domain: str
    priority: str
    status: str
    notes: str
    version: int


class GoalIn(Schema):
    description: str = Field(min_length=1, max_length=1000)


class PlanActionIn(Schema):
    description: str = Field(min_length=1, max_length=1000)
    owner_id: int | None = None
    due: BoundedDate | None = None


class PlanActionOut(Schema):
    id: int
    description: str
    owner_id: int | None
    due: datetime.date | None
    done_at: datetime.datetime | None
    version: int


class GoalOut(Schema):
    id: int
    description: str
    status: str
    version: int
    actions: list[PlanActionOut]


class TaskIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    due: BoundedDate
    assignee_id: int | None = None


class TaskOut(Schema):
    id: int
    title: str
    due: datetime.date
    assignee_id: int | None
    team_id: int | None
    done_at: datetime.datetime | None
    version: int


class VersionIn(Schema):
    version: int


class NoteIn(Schema):
    body: str = Field(min_length=1, max_length=20000)
    sensitivity: str = "normal"


class NoteOut(Schema):
    id: int
    body: str
    sensitivity: str
    author_id: int | None
    created_at: datetime.datetime


class SafetyPlanIn(Schema):
    risks: str = Field("", max_length=8000)
    trusted_contacts: str = Field("", max_length=8000)
    code_words: str = Field("", max_length=2000)
    emergency_steps: str = Field("", max_length=8000)
    version: int | None = None


class SafetyPlanOut(Schema):
    risks: str
    trusted_contacts: str
    code_words: str
    emergency_steps: str
    version: int


class DocumentOut(Schema):
    id: UUID
    kind: str
    filename: str
    content_type: str
    size: int
    created_at: datetime.datetime


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


class YouthProfileOut(Schema):
    guardian_name: str | None = None
    guardian_relationship: str
    guardian_contact: str | None = None
    separation: str
    migrant_services_involved: bool
    consent_given_by: str
    duty_to_report_outstanding: bool
    version: int


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
