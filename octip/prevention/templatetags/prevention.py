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


@register.filter
def manages_certificates(user: Any) -> bool:
    """Whether to show the certificates link (``selectors.manages_certificates``)."""
    from octip.prevention.selectors import manages_certificates as decide

    return bool(getattr(user, "is_authenticated", False)) and decide(user)
