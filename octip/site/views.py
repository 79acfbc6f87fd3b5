from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .lines import phone_lines


def _public(request: HttpRequest, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    base = {"lines": phone_lines(), "quick_exit_url": settings.OCTIP_QUICK_EXIT_URL}
    return render(request, template, {**base, **(context or {})}, status=status)


def home(request: HttpRequest) -> HttpResponse:
    return _public(request, "site/home.html")


def get_help(request: HttpRequest) -> HttpResponse:
    return _public(request, "site/get_help.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page, cookies blocked) still shows the quick exit and the lines to call."""
    return _public(request, "site/csrf_failure.html", status=403)
