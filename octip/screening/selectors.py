"""Reads of the screening app. Screening rows are reached only through ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from octip.core import audit
from octip.core.access import get_visible_or_404

from .models import Framework, Screening


def current_frameworks() -> QuerySet[Framework]:
    return Framework.objects.current().order_by("slug")


def framework_versions(slug: str) -> QuerySet[Framework]:
    return Framework.objects.filter(slug=slug).select_related("published_by").order_by("-version")


def screenings_for(*, actor: Any) -> QuerySet[Screening]:
    return (Screening.objects.visible_to(actor)
            .select_related("framework", "screened_by", "case").order_by("-created_at"))


def get_screening(*, actor: Any, screening_id: Any) -> Screening:
    """One screening the actor may see (404 otherwise); the read is audited, since notes may be
    sensitive and a linked screening is part of a person's record."""
    screening = get_visible_or_404(Screening.objects.select_related("framework", "case", "screened_by"),
                                   actor, pk=screening_id)
    audit.record(actor, "screening.viewed", screening)
    return screening


def visible_cases(*, actor: Any) -> QuerySet:
    """Cases the actor may link a screening to."""
    from octip.cases.models import Case

    return Case.objects.visible_to(actor).open().order_by("-opened_at")


def visible_case(*, actor: Any, case_id: Any) -> Any:
    """The case with this id if the actor can see it, else None (never says whether it exists)."""
    from django.core.exceptions import ValidationError

    from octip.cases.models import Case

    try:
        return Case.objects.visible_to(actor).filter(pk=case_id).first()
    except (ValueError, ValidationError):
        return None
