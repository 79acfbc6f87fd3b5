"""The periodic job of consent (see settings.OCTIP_PERIODIC_JOBS); safe to run twice."""

from __future__ import annotations

from django_tasks import task

from .services import warn_consents_expiring as warn


@task()
def warn_consents_expiring() -> int:
    return warn()
