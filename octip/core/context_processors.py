"""Navigation by role. Each app's AppConfig declares ``navigation``: a list of
(url name, label, permission or None for every signed-in user); see ``core/roles.py``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest

from .access import allows


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    entries = []
    for config in apps.get_app_configs():
        for name, label, permission in getattr(config, "navigation", ()):
            if permission is None or allows(user, permission):
                entries.append((name, label))
    return {"navigation": entries}
