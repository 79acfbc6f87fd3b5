"""The periodic jobs of justice (see settings.OCTIP_PERIODIC_JOBS); each is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def remind_deadlines() -> int:
    return services.remind_deadlines()
