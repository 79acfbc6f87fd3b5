"""Shapes of the situations API (JSON in and out)."""

from __future__ import annotations

import datetime
from uuid import UUID

from ninja import Schema


class Problem(Schema):
    detail: str


class SituationIn(Schema):
    kind: str
    title: str
    description: str = ""


class SituationPatch(Schema):
    kind: str | None = None
    title: str | None = None
    description: str | None = None
    version: int | None = None


class CaseRef(Schema):
    id: UUID
    number: str


class SituationRowOut(Schema):
    id: int
    kind: str
    #: Always true: only the caller's organization's situations are listed.
    whole: bool
    title: str | None
    created_at: datetime.datetime
    #: Always empty (the linked cases are on the situation's page).
    cases: list[CaseRef]


class LinkedCasesOut(Schema):
    shown: list[CaseRef]
    #: How many other linked cases lie outside the caller's scope (None: not the caller's to count).
    hidden: int | None


class CaseLinkOut(Schema):
    case_id: UUID
    relationship: str


class PersonOfInterestOut(Schema):
    id: int
    situation_id: int | None
    names: list[str]
    aliases: list[str]
    phones: list[str]
    vehicles: list[str]
    addresses: list[str]
    businesses: list[str]
    notes: str
    roles_in_process: list[str]
    version: int
    cases: list[CaseLinkOut]


class SituationOut(Schema):
    id: int
    kind: str
    whole: bool
    title: str | None
    description: str | None
    version: int | None
    created_at: datetime.datetime
    cases: LinkedCasesOut
    persons_of_interest: list[PersonOfInterestOut]


class CaseSituationOut(Schema):
    #: False for a caller outside the case's owning circle to whom the case was disclosed with its
    #: summary: then only ``kind`` (no id, no title, no other case), so that two disclosed cases can
    #: never be tied together.
    whole: bool
    id: int | None
    kind: str
    title: str | None
    other_cases: LinkedCasesOut | None


class LinkCaseIn(Schema):
    case_id: UUID


class PersonOfInterestIn(Schema):
    names: list[str] = []
    aliases: list[str] = []
    phones: list[str] = []
    vehicles: list[str] = []
    addresses: list[str] = []
    businesses: list[str] = []
    notes: str = ""
    roles_in_process: list[str] = []


class PersonOfInterestPatch(PersonOfInterestIn):
    version: int | None = None


class PoiCaseIn(Schema):
    case_id: UUID
    relationship: str = ""
