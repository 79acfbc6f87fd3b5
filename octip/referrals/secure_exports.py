"""Secure export of shared sections to an organization that is not on the platform.

The sections pass the same consent gate as a referral. The archive is a ZIP encrypted with AES-256
(``pyzipper``) under a random password that is shown once to the sender — who gives it to the
recipient by another channel — and stored nowhere. The encrypted archive is kept for a few days
so the sender can download it again; each creation and download is audited and listed on the case.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import secrets
from collections.abc import Iterable
from typing import Any

import pyzipper
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.cases import sections as case_sections
from octip.cases.timeline import Kind, happened
from octip.consent.models import section_label
from octip.consent.policy import DisclosureRefused, may_disclose
from octip.consent.selectors import consents_section_content
from octip.core import audit

from .models import SecureExport

DOWNLOADABLE_DAYS = 7
PASSWORD_BYTES = 18  # 24 URL-safe characters, 144 bits


def section_content(case: Any, sections: Iterable[str], disclosure: Any = None) -> dict[str, Any]:
    """The shared sections of ``case`` as plain data, each asked of the app that owns it: the case
    header and case-owned sections from ``cases.sections``, the consents (those ``disclosure`` rests
    on) from ``consent``."""
    chosen = set(sections)
    out: dict[str, Any] = {"case_number": case.number, "track": case.track, "stage": case.stage}
    out.update(case_sections.content(case, chosen))
    if "consents" in chosen:
        out["consents"] = consents_section_content(case, disclosure)
    return out


def build_archive(content: dict, password: str, *, recipient: str, sections: list[str]) -> bytes:
    readme = "\n".join([
        f"Case {content['case_number']} — shared with {recipient}",
        "Sections: " + ", ".join(section_label(s) for s in sections),
        f"Created: {timezone.localtime().strftime('%Y-%m-%d %H:%M %Z')}",
        "",
        "This information was shared with the person's consent or on a stated legal basis, for the",
        "purpose given to you. Keep it confidential, share it no further, and delete it when done.",
    ])
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED,
                             encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr("README.txt", readme)
        archive.writestr("case.json", json.dumps(content, ensure_ascii=False, indent=2, default=str))
    return buffer.getvalue()


def create_secure_export(*, actor, case, recipient: str, purpose: str, sections: Iterable[str],
                         basis: str = "consent", justification: str = "",
                         police: bool = False) -> tuple[SecureExport, str]:
    """Export ``sections`` of ``case`` to ``recipient`` (an organization not on the platform). With
    ``police`` (the recipient is a police service), the person's consent to contact with police is
    needed too, and their choice not to involve police is respected, as for a law-enforcement partner.
    Returns the export and the one-time password. Raises AccessDenied, ValidationError or
    DisclosureRefused; nothing but the audited refusal is written then."""
    from octip.cases.sections import validate_sections
    from octip.cases.sharing import require_own_scope

    require_own_scope(actor, "referral.send", case)
    recipient = (recipient or "").strip()
    purpose = (purpose or "").strip()
    chosen = sorted(validate_sections(list(sections or [])))
    errors = {}
    if not recipient:
        errors["recipient"] = _("Name the organization that receives the export.")
    if not purpose:
        errors["purpose"] = _("Say what the export is for.")
    if not chosen:
        errors["sections"] = _("Choose the sections to export.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision = may_disclose(case, recipient, purpose, chosen, actor=actor, basis=basis,
                                justification=justification, police=bool(police))
        if decision.allowed:
            password = secrets.token_urlsafe(PASSWORD_BYTES)
            content = build_archive(section_content(case, chosen, decision.disclosure), password, recipient=recipient,
                                    sections=chosen)
            now = timezone.now()
            export = SecureExport(case=case, recipient=recipient[:200], purpose=purpose[:2000], sections=chosen,
                                  disclosure=decision.disclosure, created_by=actor, created_at=now,
                                  sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                                  downloadable_until=now + datetime.timedelta(days=DOWNLOADABLE_DAYS))
            export.stored_name = default_storage.save(f"referral-exports/{export.pk}.zip", ContentFile(content))
            export.save()
            # The recipient is free text (it may name a person): the timeline does not repeat it, and
            # only the owning circle reads of an export (it concerns no partner: restricted).
            happened(actor=actor, case=case, kind=Kind.SECURE_EXPORT, params={"sections": ("sections", chosen)},
                     restricted=True, detail={"export_id": str(export.pk)}, audit_action="export.secure_created",
                     audit_target=export, audit_purpose="secure export", audit_detail={
                         "case_id": str(case.pk), "sections": chosen, "basis": decision.basis,
                         "disclosure_id": decision.disclosure.pk, "sha256": export.sha256})
    if not decision.allowed:
        raise DisclosureRefused(decision)
    return export, password


def read_archive(*, actor, export: SecureExport) -> bytes:
    if export.downloadable_until <= timezone.now():
        raise Http404
    with default_storage.open(export.stored_name, "rb") as handle:
        content = handle.read()
    audit.record(actor, "export.secure_downloaded", export, detail={"case_id": str(export.case_id)})
    return content
