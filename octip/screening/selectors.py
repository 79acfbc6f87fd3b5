"""Reads of the screening app. Screening rows are reached only through ``visible_to``."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

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


def is_visible_screening(*, actor: Any, screening_id: Any) -> bool:
    """Whether a screening with this id exists and the actor can see it (nothing decrypted)."""
    return screening_id is not None and Screening.objects.visible_to(actor).filter(pk=screening_id).exists()


def screening_or_none(*, actor: Any, screening_id: Any) -> Screening | None:
    """The screening if the actor can see it, else None: for a link to a screening that may lie out of
    the actor's sight (never says whether it exists). Not a read of its answers: nothing recorded."""
    if screening_id is None:
        return None
    return Screening.objects.visible_to(actor).filter(pk=screening_id).first()


def recent_screenings_for(*, actor: Any, days: int = 30, including: Any = None) -> QuerySet[Screening]:
    """Screenings the actor can see from the last ``days`` days (and ``including``, the one already
    chosen), newest first: the choices to link a 24/7 line contact to."""
    recent = Q(created_at__gte=timezone.now() - datetime.timedelta(days=days))
    if including:
        recent |= Q(pk=including)
    return Screening.objects.visible_to(actor).filter(recent).select_related("framework").order_by("-created_at")
