"""Background work (django-tasks): a scheduler can enqueue ``notify_overdue_referrals`` every few
minutes; ``manage.py notify_overdue_referrals`` does the same from cron."""

from __future__ import annotations

from django_tasks import task

from .services import notify_overdue


@task()
def notify_overdue_referrals() -> int:
    return notify_overdue()
