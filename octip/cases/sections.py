"""The named sections of a case that a disclosure (referral, transfer, emergency access) can share.

Every case door (page, API, export) shows only the sections ``selectors.sections_visible_to`` gives.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SECTIONS: dict[str, object] = {
    "identity": _("Identity (the person's identifying fields)"),
    "summary": _("Summary (track, stage, exploitation types, region, flags — nothing identifying)"),
    "needs": _("Needs assessment"),
    "plan": _("Service plan"),
    "tasks": _("Tasks and follow-ups"),
    "notes": _("Notes (normal notes only; restricted notes never leave the owning team)"),
    "safety_plan": _("Safety plan"),
    "documents": _("Documents"),
    "consents": _("Consents"),
    "timeline": _("Timeline"),
}

ALL_SECTIONS: frozenset[str] = frozenset(SECTIONS)
SECTION_CHOICES = list(SECTIONS.items())


def validate_sections(sections: Iterable[str]) -> frozenset[str]:
    """The sections as a frozenset; raises ValidationError naming any unknown section."""
    if isinstance(sections, str):
        raise ValidationError(_("Sections must be a list of section names."))
    chosen = frozenset(sections)
    unknown = sorted(chosen - ALL_SECTIONS)
    if unknown:
        raise ValidationError(_("Unknown case section: %(names)s.") % {"names": ", ".join(unknown)})
    return chosen
