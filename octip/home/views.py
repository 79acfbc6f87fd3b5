"""The staff home page: thin, as every face. What it counts is in ``selectors.home_for``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/home.html", {"home": selectors.home_for(actor=request.user)})
