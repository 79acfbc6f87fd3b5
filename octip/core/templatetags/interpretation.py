"""``{% load interpretation %}``: what the pages ask of records with an interpreter (``core.interpretation``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

register = template.Library()


@register.filter
def interpreter_may_know_any(records: Iterable[Any] | None) -> bool:
    """Whether the interpreter of any of ``records`` may know the person or the trafficker."""
    return any(getattr(record, "interpreter_may_know", False) for record in records or ())
