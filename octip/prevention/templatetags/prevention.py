from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``mapping[str(key)]`` in a template, or an empty list."""
    try:
        return mapping.get(str(key), [])
    except AttributeError:
        return []
