"""Letters as PDF (reportlab), from the templates in ``templates/justice/letters/``.

A template is plain text with Django template tags: the words are the office's to edit, the
details are only those the person chose (``Letter.details``). Called only by
``services.produce_letter``, after ``may_disclose`` allowed the letter.
"""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from reportlab.lib.pagesizes import letter as LETTER_SIZE
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from . import rules
from .models import ImmigrationStatus, Letter, LetterKind, StatusKind


def _support_summary(case: Any, kind: str) -> str:
    if kind == LetterKind.TRP_SUPPORT:
        status = ImmigrationStatus.objects.filter(case=case, kind=StatusKind.TRP).first()
        if status is None:
            return ""
        return f"{status.get_kind_display()}: {status.get_decision_display()}"
    application = case.cvap_applications.first()
    if application is None:
        return ""
    return f"CVAP: {application.get_status_display()}"


def letter_context(*, letter: Letter, case: Any, author: Any) -> dict[str, Any]:
    chosen = set(letter.details)
    person = case.person
    return {
        "kind": letter.kind, "today": timezone.localdate(), "author": author.full_name or author.email,
        "organization": case.owner_organization.name,
        "legal_name": person.legal_name if "legal_name" in chosen else "",
        "date_of_birth": person.date_of_birth if "date_of_birth" in chosen else None,
        "case_number": case.number if "case_number" in chosen else "",
        "support_summary": _support_summary(case, letter.kind) if "support_summary" in chosen else "",
        "cvap_phone": rules.rules()["cvap"]["phone"],
    }


def render_letter(*, letter: Letter, case: Any, author: Any) -> bytes:
    text = render_to_string(f"justice/letters/{letter.kind}.txt", letter_context(letter=letter, case=case,
                                                                                 author=author))
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=LETTER_SIZE, title=str(LetterKind(letter.kind).label),
                                 author=author.full_name or "", leftMargin=72, rightMargin=72)
    story: list[Any] = []
    for paragraph in text.strip().split("\n\n"):
        escaped = paragraph.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        story += [Paragraph(escaped.replace("\n", "<br/>"), styles["Normal"]), Spacer(1, 10)]
    document.build(story)
    return buffer.getvalue()
