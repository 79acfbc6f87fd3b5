"""The periodic job of the 24/7 line (settings.OCTIP_PERIODIC_JOBS ``hotline.target_breaches``): tell the
person on call of each contact that passed its first-response target, once. Safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def alert_breached_targets() -> int:
    return services.alert_breached_targets()
