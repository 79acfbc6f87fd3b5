"""Staff pages speak English and French only: a visitor who chose another of the public site's
languages (or whose browser asks for one) sees the staff pages in English, left to right, rather
than half-translated text in a right-to-left frame."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

STAFF_PREFIXES = ("/app/", "/accounts/", "/api/", "/hsds/", "/django-admin/")


class StaffLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        staff = getattr(settings, "OCTIP_STAFF_LANGUAGES", ("en", "fr"))
        if request.path.startswith(STAFF_PREFIXES) and translation.get_language() not in staff:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
