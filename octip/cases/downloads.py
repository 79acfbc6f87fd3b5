"""How a case document leaves as a file, the same for the pages and the API.

The file name is neutral (``document-<id>.<ext>``): the uploaded name may name the person. The
extension comes from the content type checked at upload (``validation.DOCUMENT_TYPES``), and the
response is never cached (a shared computer, a proxy).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from .models import Document
from .services import read_document
from .validation import extension_for


def document_response(*, actor: Any, document: Document) -> HttpResponse:
    """The decrypted document as an attachment; reading it is audited by ``services.read_document``."""
    response = HttpResponse(read_document(actor=actor, document=document), content_type=document.content_type)
    response["Content-Disposition"] = (f'attachment; filename="document-{document.pk.hex[:8]}'
                                       f'{extension_for(document.content_type)}"')
    response["Cache-Control"] = "no-store"
    return response
