"""The periodic jobs of cases (see settings.OCTIP_PERIODIC_JOBS); each is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import notices


@task()
def remind_tasks() -> int:
    return notices.remind_tasks()


@task()
def remind_duty_to_report() -> int:
    return notices.remind_duty_to_report()


@task()
def create_follow_up_tasks() -> int:
    """Daily: the follow-up tasks of the cases whose cadence is due and who have none open."""
    from .services.delivery import create_due_follow_up_tasks

    return create_due_follow_up_tasks()
