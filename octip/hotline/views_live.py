"""The live queue (issue 17): the queue page's live part, and the endpoint its script polls
(``hotline/static/hotline/queue.js``). Without JavaScript the page is the same, with a Refresh link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from octip.core.access import require

from . import live
from .selectors import QueueEntry

#: The query parameters of the live endpoint, and the values ``past_target`` may take.
LIVE_PARAMS = frozenset({"past_target", "seen"})
PAST_TARGET_VALUES = {"": False, "0": False, "false": False, "off": False, "on": True, "1": True, "true": True}


def _queue_url(name: str, past_target: bool) -> str:
    return reverse(name) + ("?past_target=on" if past_target else "")


def _updated_at(view: live.LiveQueue) -> str:
    return timezone.localtime(view.at).strftime("%H:%M:%S")


def live_context(request: HttpRequest, view: live.LiveQueue, past_target: bool) -> dict[str, Any]:
    """What ``hotline/queue.html`` needs for its live part: the polling URL and interval, the signed
    view (``seen``), the time, and the Refresh link (the same page, same filter)."""
    interval = float(getattr(settings, "OCTIP_HOTLINE_LIVE_INTERVAL_SECONDS", 15))
    return {"live_url": _queue_url("hotline:queue_live", past_target), "refresh_url": _queue_url("hotline:queue",
                                                                                                 past_target),
            "live_interval_ms": max(int(interval * 1000), 200), "live_seen": live.token_for(request.user, view.seen),
            "updated_at": _updated_at(view)}


def _announcement(entry: QueueEntry, text: str) -> dict[str, Any]:
    contact = entry.contact
    return {"id": contact.pk, "reference": contact.reference, "urgency": contact.urgency,
            "url": reverse("hotline:contact_detail", args=[contact.pk]), "text": text}


def _bad_request(message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=400)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def queue_live(request: HttpRequest) -> JsonResponse:
    """``GET /app/hotline/queue/live/?past_target=on&seen=<token>``: the queue table as the page renders
    it, a renewed ``seen`` token, the time, and what is new since the token's view (open emergency
    contacts, contacts that passed their first-response target) as short texts to announce. Without
    ``seen`` nothing is announced. Unknown or repeated parameters, a bad filter value or a token that
    is not the reader's are a 400, and nothing is read."""
    require(request.user, "hotline.view")
    if set(request.GET) - LIVE_PARAMS or any(len(request.GET.getlist(k)) > 1 for k in request.GET):
        return _bad_request("unknown or repeated parameter")
    value = request.GET.get("past_target", "").strip().lower()
    if value not in PAST_TARGET_VALUES:
        return _bad_request("past_target must be on or off")
    past_target = PAST_TARGET_VALUES[value]
    previous = None
    if request.GET.get("seen"):
        try:
            previous = live.seen_from(request.user, request.GET["seen"])
        except live.BadToken:
            return _bad_request("seen is not a token of this page")
    view = live.live_queue(actor=request.user, past_target=past_target, previous=previous)
    table = render_to_string("hotline/queue_live.html", {"entries": view.entries, "past_target": past_target,
                                                         "overdue_count": sum(1 for e in view.entries if e.overdue)},
                             request=request)
    updated_at = _updated_at(view)
    response = JsonResponse({
        "table": table, "seen": live.token_for(request.user, view.seen), "updated_at": updated_at,
        "updated": _("Updated at %(time)s") % {"time": updated_at},
        "emergencies": [_announcement(e, _("New emergency contact %(reference)s.") % {
            "reference": e.contact.reference}) for e in view.new_emergencies],
        "breaches": [_announcement(e, _("Contact %(reference)s (%(urgency)s) has passed its first-response "
                                        "target.") % {"reference": e.contact.reference,
                                                      "urgency": e.contact.get_urgency_display()})
                     for e in view.new_breaches],
    })
    response["Cache-Control"] = "no-store"
    return response
