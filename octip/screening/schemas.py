"""Input and output shapes of the screening API."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class FrameworkSummaryOut(Schema):
    id: str
    version: int
    status: str
    kind: str
    population: str
    exploitation: str
    title: dict[str, str]
    published_at: datetime.datetime


class FrameworkDetailOut(FrameworkSummaryOut):
    notice: dict[str, str] | None = None
    source: dict[str, Any] | None = None
    rule: dict[str, Any]
    provisions: list[dict[str, Any]] = []
    status_labels: dict[str, Any] | None = None
    dimensions: list[dict[str, Any]]
    versions: list[int]


class EvaluateIn(Schema):
    framework: str = Field(..., description="Framework id, e.g. ilo-adult-labour")
    version: int | None = Field(None, description="A stored version; the latest when omitted")
    answers: dict[str, Any] = Field(
        default_factory=dict, description='{"dimension.indicator": "yes" | "no" | "unknown"}; missing keys are unknown')
    language: str | None = Field(None, description="en or fr for the explanation; the request's language when omitted")


class DimensionOut(Schema):
    status: str
    present: dict[str, list[str]]


class AssessmentOut(Schema):
    framework: str
    version: int
    status: str
    dimensions: dict[str, DimensionOut]
    conclusion: str
    explanation: list[str]


class ScreeningIn(EvaluateIn):
    notes: dict[str, str] = Field(default_factory=dict, description="Optional note per dimension id")
    age_group: str = Field("unknown", description="under_18, age_18, adult_19_plus or unknown")
    case: UUID | None = Field(None, description="A case you can see, to link the screening to")


class ScreeningOut(Schema):
    id: UUID
    framework: str
    version: int
    framework_status: str
    age_group: str
    case: UUID | None
    created_at: datetime.datetime
    notes: dict[str, str]
    answers: dict[str, str]
    assessment: AssessmentOut


class ScreeningSummaryOut(Schema):
    id: UUID
    framework: str
    version: int
    conclusion: str
    age_group: str
    case: UUID | None
    created_at: datetime.datetime
