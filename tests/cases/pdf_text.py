"""The text of a PDF, page by page, to search in tests (read with pypdf)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    """The text of the whole document, pages joined by a space."""
    return " ".join(pages_text(pdf))
