"""Case documents: encrypted at rest, downloaded through short-lived personal links."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from octip.core import audit, crypto

from ..models import Case, Document, DocumentKind
from ..sections import sections_of_row
from ..sharing import require_section
from ..timeline import Kind, happened
from ..validation import check_upload

DOWNLOAD_LINK_SECONDS = 300


def _document_context(document_id: Any) -> str:
    return f"cases.document.{document_id}"


@transaction.atomic
def upload_document(*, actor: Any, case: Case, kind: str, filename: str, content: bytes) -> Document:
    """Store ``content`` encrypted; the database holds the encrypted file name and metadata."""
    require_section(actor, "case.edit", case, "documents")
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the type of document.")})
    content_type = check_upload(filename=filename, content=content)
    document_id = uuid.uuid4()
    sealed = crypto.encrypt(base64.b64encode(content).decode("ascii"), _document_context(document_id))
    storage_name = default_storage.save(f"cases/documents/{document_id.hex}.enc", ContentFile(sealed.encode("ascii")))
    clean_name = (filename or "document").replace("/", "_").replace("\\", "_")[-200:]
    document = Document.objects.create(id=document_id, case=case, kind=kind, filename=clean_name,
                                         content_type=content_type, size=len(content), storage_name=storage_name,
                                         uploaded_by=actor)
    happened(actor=actor, case=case, kind=Kind.DOCUMENT_UPLOADED, params={"kind": ("document_kind", kind)},
             audit_detail={"document_id": str(document.pk), "kind": kind, "size": len(content)})
    return document


_DOWNLOAD_SALT = "octip.cases.document.download"


def _require_content(actor: Any, document: Document) -> None:
    # Content is for roles that may read identifying data, and only with every section the document
    # belongs to (a document of kind identity needs ``identity``): issue 9 #4.
    for section in sorted(sections_of_row("documents", document)):
        require_section(actor, "case.view_identifying", document.case, section)


def download_token(*, actor: Any, document: Document) -> str:
    """A signed token for one document and one user, valid ``DOWNLOAD_LINK_SECONDS``."""
    _require_content(actor, document)
    return signing.dumps({"d": str(document.pk), "u": actor.pk}, salt=_DOWNLOAD_SALT, compress=False)


def read_download_token(token: str, *, actor: Any) -> str | None:
    """The document id the token names, or None if it is forged, expired or for someone else."""
    try:
        payload = signing.loads(token, salt=_DOWNLOAD_SALT, max_age=DOWNLOAD_LINK_SECONDS)
    except signing.BadSignature:
        return None
    if payload.get("u") != actor.pk:
        return None
    return payload.get("d")


def read_document(*, actor: Any, document: Document) -> bytes:
    """Decrypt the document's content for a download (audited)."""
    _require_content(actor, document)
    with default_storage.open(document.storage_name, "rb") as handle:
        sealed = handle.read().decode("ascii")
    content = base64.b64decode(crypto.decrypt(sealed, _document_context(document.pk)))
    audit.record(actor, "case.document_downloaded", document.case, detail={"document_id": str(document.pk)})
    return content
