"""My notifications: the list (mark read, acknowledge an emergency) and my preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from octip.core.forms import apply_validation_error

from . import selectors, services
from .forms import PreferencesForm


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.mark_read(actor=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("notifications:list")
    rows = list(selectors.notifications_for(actor=request.user)[:200])
    return render(request, "notifications/list.html", {"notifications": rows})


@login_required
@require_POST
def mark_one_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.notification_or_404(actor=request.user, notification_id=notification_id)
    services.mark_read(actor=request.user, ids=[notification.pk])
    return redirect("notifications:list")


@login_required
@require_POST
def acknowledge(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.notification_or_404(actor=request.user, notification_id=notification_id)
    try:
        services.acknowledge(actor=request.user, notification=notification)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("notifications:list")
    messages.success(request, _("Acknowledged: nobody else will be alerted."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=selectors.preferences_of(actor=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferences(actor=request.user, choices=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form}, status=400 if form.errors else 200)
