from __future__ import annotations

import datetime
import uuid

from ninja import Schema

from octip.core.bounds import BoundedDate, BoundedDateTime
from octip.core.interpretation import InterpretationIn, InterpretationOut, InterpretationPatch


class ContactIn(InterpretationIn):
    channel: str
    caller_type: str
    urgency: str
    summary: str = ""
    contact_type: str = "substantive"
    categories: list[str] = []
    lines_given: list[str] = []
    services_given: list[uuid.UUID] = []
    reporter_phone: str = ""
    reporter_email: str = ""
    language: str = ""
    interpreter_used: bool = False
    region: str | None = None
    danger_now: str = ""
    seen_when: str = ""
    place: str = ""
    indicators_noticed: str = ""
    actions_taken: str = ""
    reporter_contact: str = ""
    follow_up_due: BoundedDate | None = None
    outcome: str = ""
    received_at: BoundedDateTime | None = None
    case_id: uuid.UUID | None = None
    screening_id: uuid.UUID | None = None


class ContactPatch(InterpretationPatch):
    version: int
    contact_type: str | None = None
    categories: list[str] | None = None
    lines_given: list[str] | None = None
    services_given: list[uuid.UUID] | None = None
    reporter_phone: str | None = None
    reporter_email: str | None = None
    channel: str | None = None
    caller_type: str | None = None
    urgency: str | None = None
    summary: str | None = None
    language: str | None = None
    interpreter_used: bool | None = None
    region: str | None = None
    danger_now: str | None = None
    seen_when: str | None = None
    place: str | None = None
    indicators_noticed: str | None = None
    actions_taken: str | None = None
    reporter_contact: str | None = None
    follow_up_due: BoundedDate | None = None
    outcome: str | None = None
    received_at: BoundedDateTime | None = None
    case_id: uuid.UUID | None = None
    screening_id: uuid.UUID | None = None


class ContactSummaryOut(Schema):
    """A contact without its protected text: what the queue shows."""

    id: int
    reference: str
    channel: str
    contact_type: str
    categories: list[str]
    caller_type: str
    urgency: str
    region: str | None
    language: str
    interpreter_used: bool
    received_at: datetime.datetime
    first_response_at: datetime.datetime | None
    respond_by: datetime.datetime | None
    overdue: bool
    follow_up_due: datetime.date | None
    outcome: str
    handled_by: str | None
    organization_id: int | None
    version: int


class ActiveFlagOut(Schema):
    """An active caller flag on a contact, as the operator sees it (its reading is audited)."""

    id: int
    kind: str
    reason: str
    expires_on: datetime.date


class CallerFlagIn(Schema):
    kind: str
    reason: str
    expires_on: BoundedDate | None = None


class CallerFlagOut(Schema):
    """A caller flag in the lead's list: no reason, no caller."""

    id: int
    kind: str
    expires_on: datetime.date
    active: bool
    source_contact_id: int | None
    set_at: datetime.datetime
    lifted_at: datetime.datetime | None


class ContactOut(InterpretationOut, ContactSummaryOut):
    danger_now: str
    seen_when: str
    summary: str
    place: str
    indicators_noticed: str
    actions_taken: str
    reporter_contact: str
    reporter_phone: str
    reporter_email: str
    case_id: uuid.UUID | None
    screening_id: uuid.UUID | None
    #: Earlier contacts of the same reporter with the contact's organization: how many, and the ids
    #: of those the reader may see (the look-up is audited).
    previous_contacts: int
    previous_contact_ids: list[int]
    caller_flags: list[ActiveFlagOut]
    #: Ids of ``site/phone_lines.yaml`` and of directory services the operator gave the caller.
    lines_given: list[str]
    services_given: list[uuid.UUID]


# --- Quality review -------------------------------------------------------------------------------

class ReviewSampleOut(Schema):
    """A sample of the line's contacts drawn for quality review."""

    id: int
    period_start: datetime.date
    period_end: datetime.date
    size_per_operator: int
    pool_size: int
    seed: int
    rubric_version: str
    drawn_by: str
    drawn_at: datetime.datetime
    reviews: int


class ContactReviewOut(Schema):
    """A review in a list: scores and dates, never the feedback or the reviewer's note."""

    id: int
    sample_id: int
    contact_id: int
    contact_reference: str
    operator: str
    reviewer: str
    rubric_version: str
    scores: dict[str, int | str]
    status: str
    shared_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None


class ContactReviewFeedbackOut(ContactReviewOut):
    """One review shared with the operator, with its feedback (the read is audited)."""

    feedback: str

# --- Scripts (guidance) ----------------------------------------------------------------------------

class ScriptIn(Schema):
    """A new version (a draft) of a script of the lead's line."""

    topic: str
    language: str
    title: str
    body: str


class ScriptOut(Schema):
    id: int
    topic: str
    language: str
    version: int
    title: str
    body: str
    status: str
    #: None: the coordinating office's province-wide default.
    organization_id: int | None
    written_at: datetime.datetime
    published_at: datetime.datetime | None
    retired_at: datetime.datetime | None
    #: True when no script of the topic is published in the language asked and this is the English one.
    fallback: bool = False
