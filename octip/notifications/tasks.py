"""The periodic jobs of notifications (see settings.OCTIP_PERIODIC_JOBS); each is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def escalate_unacknowledged() -> int:
    return services.escalate_unacknowledged()


@task()
def send_daily_digests() -> int:
    return services.send_daily_digests()
