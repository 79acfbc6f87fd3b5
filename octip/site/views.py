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
