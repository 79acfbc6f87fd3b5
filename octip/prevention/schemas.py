from __future__ import annotations

from ninja import Schema


class VerifyIn(Schema):
    credential: str


class VerifyOut(Schema):
    status: str


class CourseOut(Schema):
    slug: str
    title: str
    summary: str
    version: int
    language: str
    url: str


class EnrolmentOut(Schema):
    course: str
    version: int
    state: str
    progress: int
    credential_id: str | None = None
    verify_url: str | None = None


class ReportRowOut(Schema):
    group: str
    enrolled: int
    completed: int
    passed: int
