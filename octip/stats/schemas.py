from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from ninja import Schema


class ReleaseIn(Schema):
    kind: str
    period: int
    k: int | None = None
    epsilon: float | None = None
    delta: float | None = None


class ReleaseFileOut(Schema):
    name: str
    sha256: str
    size: int
    url: str


class ReleaseOut(Schema):
    id: UUID
    reference: str
    kind: str
    period: int
    k: int
    #: The rounding seed stays on the Release row: published, it would let a reader retrace the rounding.
    rounding_seed_sha256: str
    epsilon: float | None
    delta: float | None
    suppression: dict[str, Any]
    software: dict[str, str]
    row_count: int
    #: Cases left out for want of consent, controlled (rounded, or x).
    left_out: int | str
    parameters: dict[str, Any]
    files: list[ReleaseFileOut]
    created_by: str
    created_at: datetime.datetime
