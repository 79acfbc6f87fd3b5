"""The failed-jobs page of a system administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def failed(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.failed_jobs(actor=request.user)[:200])
    return render(request, "jobs/failed.html", {"failures": rows})


@login_required
@require_POST
def retry(request: HttpRequest, failure_id: int) -> HttpResponse:
    failure = selectors.failed_job_or_404(actor=request.user, failure_id=failure_id)
    try:
        services.retry_failed_job(actor=request.user, failure=failure)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The job is queued again."))
    return redirect("jobs:failed")
