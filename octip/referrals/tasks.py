"""Background work (django-tasks): a scheduler can enqueue ``notify_overdue_referrals`` every few
minutes; ``manage.py notify_overdue_referrals`` does the same from cron."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_overdue_referrals() -> int:
    from .services import notify_overdue

    return notify_overdue()
