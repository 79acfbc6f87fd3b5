"""Shapes of the justice API (JSON in and out)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Schema

from octip.core.bounds import BoundedDate


class Problem(Schema):
    detail: str
    code: str = ""
    basis: str = ""


class PoliceChoiceIn(Schema):
    choice: str


class PoliceContactIn(Schema):
    purpose: str
    sections: list[str]
    contacted_on: BoundedDate
    organization_id: int | None = None
    external_agency: str = ""
    officer: str = ""
    file_number: str = ""
    basis: str = "consent"
    justification: str = ""


class PoliceContactOut(Schema):
    id: int
    organization_id: int | None
    agency: str
    purpose: str
    sections: list[str]
    officer: str
    file_number: str
    contacted_on: datetime.date
    disclosure_id: int
    access_open: bool
    access_until: datetime.datetime | None
    access_ended_at: datetime.datetime | None
    access_end_cause: str

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency_label


class CourtDateIn(Schema):
    on: BoundedDate
    kind: str
    place: str


class CourtDateOut(Schema):
    id: int
    on: datetime.date
    kind: str
    place: str


class AidIn(Schema):
    section: str
    status: str = "requested"
    hearing_on: BoundedDate | None = None


class AidOut(Schema):
    id: int
    section: str
    status: str
    hearing_on: datetime.date | None


class ProceedingIn(Schema):
    accused: str
    charges: list[str]
    court_file: str = ""
    conditions: str = ""
    no_contact_order: bool = False
    publication_bans: list[str] = []
    impact_statement: str = "none"
    outcome: str = "pending"
    sentence: str = ""
    restitution_ordered: bool = False
    restitution_amount: Decimal | None = None


class ProceedingPatch(Schema):
    court_file: str | None = None
    charges: list[str] | None = None
    conditions: str | None = None
    no_contact_order: bool | None = None
    publication_bans: list[str] | None = None
    impact_statement: str | None = None
    outcome: str | None = None
    sentence: str | None = None
    restitution_ordered: bool | None = None
    restitution_amount: Decimal | None = None


class ProceedingOut(Schema):
    id: int
    accused: str
    court_file: str
    charges: list[str]
    conditions: str
    no_contact_order: bool
    publication_bans: list[str]
    impact_statement: str
    outcome: str
    sentence: str
    restitution_ordered: bool
    restitution_amount: Decimal | None
    court_dates: list[CourtDateOut]
    aids: list[AidOut]

    @staticmethod
    def resolve_court_dates(obj) -> list:
        return list(obj.court_dates.all())

    @staticmethod
    def resolve_aids(obj) -> list:
        return list(obj.aids.all())


class StatusIn(Schema):
    kind: str
    decision: str = "pending"
    applied_on: BoundedDate | None = None
    decided_on: BoundedDate | None = None
    issued_on: BoundedDate | None = None
    expires_on: BoundedDate | None = None
    renews_id: int | None = None


class StatusOut(Schema):
    id: int
    kind: str
    decision: str
    applied_on: datetime.date | None
    decided_on: datetime.date | None
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    renews_id: int | None


class CvapIn(Schema):
    offence_on: BoundedDate
    sexual_offence: bool = False
    status: str = "not_applied"
    submitted_on: BoundedDate | None = None
    benefits_requested: list[str] = []
    benefits_granted: list[str] = []


class CvapOut(Schema):
    id: int
    offence_on: datetime.date
    sexual_offence: bool
    status: str
    submitted_on: datetime.date | None
    benefits_requested: list[str]
    benefits_granted: list[str]
    apply_by: datetime.date | None


class DeadlineOut(Schema):
    id: int
    case_id: str
    case_number: str
    kind: str
    due_on: datetime.date

    @staticmethod
    def resolve_case_id(obj) -> str:
        return str(obj.case_id)

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.case.number


class CaseJusticeOut(Schema):
    case_id: str
    own: bool
    police_choice: str | None
    police_contacts: list[PoliceContactOut]
    proceedings: list[ProceedingOut]
    immigration: list[StatusOut]
    cvap: list[CvapOut]
    deadlines: list[DeadlineOut]


class LetterIn(Schema):
    kind: str
    details: list[str]
    basis: str = "consent"
    justification: str = ""


class StatusPatch(Schema):
    decision: str | None = None
    applied_on: BoundedDate | None = None
    decided_on: BoundedDate | None = None
    issued_on: BoundedDate | None = None
    expires_on: BoundedDate | None = None


class CvapPatch(Schema):
    offence_on: BoundedDate | None = None
    sexual_offence: bool | None = None
    status: str | None = None
    submitted_on: BoundedDate | None = None
    benefits_requested: list[str] | None = None
    benefits_granted: list[str] | None = None


class AidDecisionIn(Schema):
    status: str
