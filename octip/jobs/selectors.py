"""Reads of the job bookkeeping, for system administrators."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from octip.core.access import Actor, require

from .models import JobFailure


def failed_jobs(*, actor: Actor) -> QuerySet[JobFailure]:
    """The jobs that ran out of tries and wait for a system administrator."""
    require(actor, "jobs.manage")
    return JobFailure.objects.filter(exhausted=True, resolved_at__isnull=True)


def failed_job_or_404(*, actor: Actor, failure_id: int) -> JobFailure:
    try:
        return failed_jobs(actor=actor).get(pk=failure_id)
    except JobFailure.DoesNotExist:
        raise Http404 from None
