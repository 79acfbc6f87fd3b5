"""The bookkeeping of background jobs: when each periodic job is next due, and the jobs that failed.

The queue itself is django-tasks-db's ``DBTaskResult`` table; these rows only point at it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """One periodic job (``settings.OCTIP_PERIODIC_JOBS``) and when it is next due. The scheduler
    moves ``due_at`` forward with a conditional UPDATE before it enqueues, so of two schedulers
    only one enqueues a given run."""

    name = models.CharField(_("job"), max_length=80, unique=True)
    due_at = models.DateTimeField(_("next due"), default=timezone.now)
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)
    last_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job")

    def __str__(self) -> str:
        return self.name


class JobFailure(models.Model):
    """A job run that failed. While tries remain it is enqueued again after a back-off
    (``retried_as`` names the new run); after the last try it waits for a system administrator."""

    result_id = models.CharField(max_length=64, unique=True)
    task_path = models.CharField(_("job"), max_length=200)
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    #: The first run of this chain of tries, so that the attempts of one job are counted together.
    first_result_id = models.CharField(max_length=64)
    #: The job's arguments (ids and dates only: a job is never given identifying data).
    arguments = models.JSONField(default=dict)
    exception_class = models.CharField(_("error"), max_length=200, blank=True)
    failed_at = models.DateTimeField(_("failed"), default=timezone.now)
    retried_as = models.CharField(max_length=64, blank=True)
    retry_at = models.DateTimeField(_("tried again at"), null=True, blank=True)
    exhausted = models.BooleanField(_("out of tries"), default=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-failed_at", "-pk"]
        verbose_name = _("failed job")
        indexes = [models.Index(fields=["retried_as"])]

    def __str__(self) -> str:
        return f"{self.task_path} #{self.attempt}"
