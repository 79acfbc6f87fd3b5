from __future__ import annotations

import datetime
from uuid import UUID

from ninja import Schema

from octip.core.bounds import BoundedDateTime


class ReferralIn(Schema):
    service_id: UUID | None = None
    organization_id: int | None = None
    purpose: str
    urgency: str
    sections: list[str]
    respond_by: BoundedDateTime | None = None
    basis: str = "consent"
    justification: str = ""


class ReferralOut(Schema):
    id: UUID
    case_id: UUID
    case_number: str
    service_id: UUID | None
    from_organization_id: int
    to_organization_id: int
    to_organization_name: str
    purpose: str
    urgency: str
    sections: list[str]
    respond_by: datetime.datetime
    overdue: bool
    status: str
    status_reason: str
    sent_at: datetime.datetime
    sent_by_id: int
    access_ended_at: datetime.datetime | None

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_to_organization_name(obj) -> str:
        return obj.to_organization.name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue


class ReasonIn(Schema):
    reason: str = ""


class TransferIn(Schema):
    organization_id: int
    reason: str
    basis: str = "consent"
    justification: str = ""


class TransferOut(Schema):
    id: UUID
    case_id: UUID
    case_number: str
    from_organization_id: int
    to_organization_id: int
    reason: str
    status: str
    status_reason: str
    respond_by: datetime.datetime
    sent_at: datetime.datetime
    sender_keeps: list[str]

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.case.number


class Refusal(Schema):
    detail: str
    code: str = ""
    basis: str = ""


class ExportIn(Schema):
    recipient: str
    purpose: str
    sections: list[str]
    basis: str = "consent"
    justification: str = ""
    #: The recipient is a police service: the person's consent to contact with police is needed too.
    police: bool = False


class ExportOut(Schema):
    id: UUID
    case_id: UUID
    recipient: str
    sections: list[str]
    created_at: datetime.datetime
    downloadable_until: datetime.datetime
    sha256: str
    size: int


class ExportCreated(ExportOut):
    #: Shown in this response only; stored nowhere.
    password: str
    download_url: str
