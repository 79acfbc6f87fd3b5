from __future__ import annotations

import datetime
from uuid import UUID

from ninja import Schema

from octip.core.bounds import BoundedDateTime
from octip.core.interpretation import InterpretationIn, InterpretationOut


class ConsentIn(InterpretationIn):
    scope: str
    language: str
    interpreter_used: bool = False
    given_by: str = "person"
    organization_id: int | None = None
    external_recipient: str = ""
    purpose: str = ""
    sections: list[str] = []
    contact_method: str = ""
    safe_times: str = ""
    given_at: BoundedDateTime | None = None
    expires_at: BoundedDateTime | None = None


class ConsentOut(InterpretationOut):
    id: int
    case_id: UUID
    scope: str
    status: str
    organization_id: int | None
    organization_name: str
    external_recipient: str
    purpose: str
    sections: list[str]
    contact_method: str
    safe_times: str
    given_by: str
    obtained_by_id: int
    language: str
    interpreter_used: bool
    given_at: datetime.datetime
    expires_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    withdrawal_reason: str

    @staticmethod
    def resolve_organization_name(obj) -> str:
        return obj.organization.name if obj.organization_id else ""


class WithdrawIn(Schema):
    reason: str


class Problem(Schema):
    detail: str
