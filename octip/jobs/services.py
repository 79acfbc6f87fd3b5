"""Background jobs: the scheduler's tick, the retry of a failed job with back-off, and a system
administrator's retry of a job that ran out of tries.

Every job enqueued here must be safe to run twice: a worker can die after a job's work committed
and before its result was recorded, and a system administrator can retry a job that half ran. The
jobs of this platform are idempotent by construction (a notification has a unique key; an overdue
referral is stamped before it is told of).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task, TaskResult, TaskResultStatus

from octip.core import audit
from octip.core.access import Actor, require

from .models import JobFailure, PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every: datetime.timedelta

    @property
    def task(self) -> Task:
        task = import_string(self.task_path)
        if not isinstance(task, Task):
            raise TypeError(f"{self.task_path} is not a task")
        return task


def periodic_jobs() -> list[PeriodicJob]:
    """The periodic jobs declared in ``settings.OCTIP_PERIODIC_JOBS``."""
    declared: dict[str, dict[str, Any]] = settings.OCTIP_PERIODIC_JOBS
    return [PeriodicJob(name, str(job["task"]), datetime.timedelta(seconds=int(job["every"])))
            for name, job in declared.items()]


def tick(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue each periodic job that is due at ``now``, at most once per period, and return their
    names. Moving ``due_at`` on is a conditional UPDATE committed with the enqueued job, so two
    schedulers (or one restarted) never enqueue the same run twice."""
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs():
        PeriodicRun.objects.get_or_create(name=job.name, defaults={"due_at": now})
        with transaction.atomic():
            claimed = PeriodicRun.objects.filter(name=job.name, due_at__lte=now).update(
                due_at=now + job.every, last_enqueued_at=now)
            if not claimed:
                continue
            result = job.task.enqueue()
            PeriodicRun.objects.filter(name=job.name).update(last_result_id=str(result.id))
        enqueued.append(job.name)
    return enqueued


def retry_delay(attempt: int) -> datetime.timedelta:
    """The back-off before try ``attempt + 1``: the base, then four times longer each time."""
    return datetime.timedelta(seconds=settings.OCTIP_JOB_RETRY_BASE_SECONDS * 4 ** (attempt - 1))


def on_task_finished(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    """django-tasks' ``task_finished`` signal: record a failure and schedule its retry. It never
    raises, so that a fault in this bookkeeping cannot be taken for the job's own failure."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    try:
        record_failure(task_result=task_result)
    except Exception:
        logger.exception("Could not record the failure of job %s", task_result.id)


@transaction.atomic
def record_failure(*, task_result: TaskResult, now: datetime.datetime | None = None) -> JobFailure:
    """Record that ``task_result`` failed; enqueue it again after a back-off while tries remain
    (``OCTIP_JOB_RETRIES``), else leave it for a system administrator. Recording the same failed
    run twice changes nothing."""
    now = now or timezone.now()
    result_id = str(task_result.id)
    existing = JobFailure.objects.filter(result_id=result_id).first()
    if existing is not None:
        return existing
    previous = JobFailure.objects.filter(retried_as=result_id).first()
    # A run that a system administrator retried by hand starts a new series of tries.
    attempt = previous.attempt + 1 if previous is not None and not previous.exhausted else 1
    failure = JobFailure(
        result_id=result_id, task_path=task_result.task.module_path, attempt=attempt,
        arguments={"args": list(task_result.args), "kwargs": dict(task_result.kwargs)},
        first_result_id=previous.first_result_id if previous is not None and attempt > 1 else result_id,
        exception_class=task_result.errors[-1].exception_class_path if task_result.errors else "",
        failed_at=now)
    backend = task_result.task.get_backend()
    if attempt <= settings.OCTIP_JOB_RETRIES and backend.supports_defer:
        retry_at = now + retry_delay(attempt)
        retry = task_result.task.using(run_after=retry_at).enqueue(*task_result.args, **task_result.kwargs)
        failure.retried_as, failure.retry_at = str(retry.id), retry_at
    else:
        failure.exhausted = True
    failure.save()
    audit.record(None, "job.failed", failure,
                 detail={"task": failure.task_path, "attempt": attempt, "exhausted": failure.exhausted})
    return failure


@transaction.atomic
def retry_failed_job(*, actor: Actor, failure: JobFailure) -> JobFailure:
    """A system administrator runs again a job that ran out of tries."""
    require(actor, "jobs.manage")
    locked = JobFailure.objects.select_for_update().get(pk=failure.pk)
    if not locked.exhausted or locked.resolved_at is not None:
        raise ValidationError(_("This job is not waiting for a retry."))
    task = import_string(locked.task_path)
    if not isinstance(task, Task):
        raise ValidationError(_("This job no longer exists."))
    retry = task.enqueue(*locked.arguments.get("args", []), **locked.arguments.get("kwargs", {}))
    locked.retried_as, locked.retry_at, locked.resolved_at = str(retry.id), timezone.now(), timezone.now()
    locked.save(update_fields=["retried_as", "retry_at", "resolved_at"])
    audit.record(actor, "job.retried", locked, detail={"task": locked.task_path})
    return locked
