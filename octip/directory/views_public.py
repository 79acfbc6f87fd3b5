"""Public pages of the directory (/services/): ``public`` services only, for anyone."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from octip.site.lines import phone_lines

from . import models as m
from .views import search_page, service_context


def _public_base() -> dict:
    return {"lines": phone_lines(), "quick_exit_url": settings.OCTIP_QUICK_EXIT_URL}


def index(request: HttpRequest) -> HttpResponse:
    # Public pages never widen to partners-only services, whoever is signed in: a shared screen
    # or a screenshot of the public site must not show a confidential shelter.
    return search_page(request, services=m.Service.objects.public(), template="directory/public_index.html",
                       staff=False, extra=_public_base())


def detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    try:
        service = m.Service.objects.public().select_related("organization").get(pk=service_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    return render(request, "directory/public_detail.html", {**service_context(service, public=True),
                                                             **_public_base()})
