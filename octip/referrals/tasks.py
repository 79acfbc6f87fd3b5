"""The periodic job of referrals: ``manage.py run_scheduler`` enqueues it every five minutes
(settings.OCTIP_PERIODIC_JOBS) and ``manage.py db_worker`` runs it; ``manage.py
notify_overdue_referrals`` does the same by hand. Safe to run twice."""

from __future__ import annotations

from django_tasks import task

from .services import notify_overdue


@task()
def notify_overdue_referrals() -> int:
    return notify_overdue()
