"""The database queue in-process: the scheduler enqueues each periodic run once, a failed job is
retried with back-off, then waits for a system administrator, who can run it again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from octip.core.models import AuditEvent
from octip.jobs.models import JobFailure, PeriodicRun
from octip.jobs.services import periodic_jobs, tick

from .jobs_for_tests import always_fails

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = DATABASE_QUEUE
    # The worker closes "old" connections between jobs; inside a test's transaction that would close
    # the test's own connection (test_worker_process.py runs the worker as its own process).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> None:
    """The worker of ``manage.py db_worker``, in this process, until the queue has nothing ready."""
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="test-worker", excluded_queue_names=[]).run()


def test_the_scheduler_enqueues_each_periodic_run_once(database_queue):
    now = timezone.now()
    names = {job.name for job in periodic_jobs()}
    assert set(tick(now=now)) == names
    assert tick(now=now) == []  # a second scheduler, or a restart, in the same period
    assert DBTaskResult.objects.count() == len(names)
    overdue = PeriodicRun.objects.get(name="referrals.overdue")
    assert overdue.due_at == now + datetime.timedelta(minutes=5) and overdue.last_result_id
    assert set(tick(now=now + datetime.timedelta(minutes=5))) == {"referrals.overdue", "notifications.escalations",
                                                                  "hotline.target_breaches"}


def test_periodic_runs_follow_their_interval(database_queue):
    now = timezone.now()
    tick(now=now)
    assert tick(now=now + datetime.timedelta(seconds=59)) == []
    assert sorted(tick(now=now + datetime.timedelta(seconds=61))) == ["hotline.target_breaches",
                                                                      "notifications.escalations"]


def test_the_periodic_jobs_all_run_on_the_worker(database_queue):
    tick()
    run_worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_failed_job_is_retried_with_back_off_then_shown_to_a_system_admin(database_queue, settings, make_user,
                                                                            client_for):
    settings.OCTIP_JOB_RETRIES, settings.OCTIP_JOB_RETRY_BASE_SECONDS = 2, 60
    always_fails.enqueue("BC-1")
    delays = []
    for _ in range(3):
        run_worker()
        failure = JobFailure.objects.order_by("-attempt").first()
        if failure.retried_as:
            retry = DBTaskResult.objects.get(pk=failure.retried_as)
            delays.append(round((retry.run_after - failure.failed_at).total_seconds()))
            DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # let the clock pass
    assert delays == [60, 240]
    assert list(JobFailure.objects.order_by("attempt").values_list("attempt", "exhausted")) == [
        (1, False), (2, False), (3, True)]
    exhausted = JobFailure.objects.get(exhausted=True)
    assert exhausted.exception_class == "tests.jobs.jobs_for_tests.SyntheticFault"
    assert AuditEvent.objects.filter(action="job.failed").count() == 3

    assert client_for(make_user("caseworker")).get("/app/jobs/failed/").status_code == 403
    admin = client_for(make_user("system_admin"))
    page = admin.get("/app/jobs/failed/").content.decode()
    assert "tests.jobs.jobs_for_tests.always_fails" in page
    assert admin.post(f"/app/jobs/failed/{exhausted.pk}/retry/").status_code == 302
    exhausted.refresh_from_db()
    assert exhausted.resolved_at is not None
    assert DBTaskResult.objects.get(pk=exhausted.retried_as).args_kwargs == {"args": ["BC-1"], "kwargs": {}}
    assert "always_fails" not in admin.get("/app/jobs/failed/").content.decode()
    assert admin.post(f"/app/jobs/failed/{exhausted.pk}/retry/").status_code == 404  # only once
    # The retried run fails again: a new series of tries starts.
    run_worker()
    assert JobFailure.objects.get(result_id=exhausted.retried_as).attempt == 1


def test_recording_the_same_failure_twice_changes_nothing(database_queue):
    from octip.jobs.services import record_failure

    result = always_fails.enqueue("BC-2")
    run_worker()
    result.refresh()
    record_failure(task_result=result)
    assert JobFailure.objects.filter(result_id=str(result.id)).count() == 1
    assert DBTaskResult.objects.count() == 2  # the run and its one retry
