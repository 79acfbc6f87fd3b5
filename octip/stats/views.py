"""The statistics pages: the dashboard (controlled figures; exact ones for coordinators), a CSV of
each table, and the release form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from octip.core.access import allows, require
from octip.core.csv_safety import plain_text_refusal, stream_csv
from octip.core.forms import apply_validation_error

from . import charts, selectors, services
from .forms import DashboardForm, ReleaseForm
from .tables import SPEC_BY_KEY


def _filters(request: HttpRequest) -> tuple[DashboardForm, dict | None]:
    allow_exact = selectors.may_see_exact(request.user)
    data = request.GET if request.GET else None
    form = DashboardForm(data, allow_exact=allow_exact,
                         initial={"year": timezone.localdate().year - 1, "region": ""})
    if data is None:
        return form, {"year": timezone.localdate().year - 1, "region": "", "exact": False}
    if not form.is_valid():
        return form, None
    return form, {"year": form.cleaned_data["year"], "region": form.cleaned_data["region"],
                  "exact": bool(form.cleaned_data.get("exact"))}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "stats.view")
    form, chosen = _filters(request)
    if chosen is None:
        return render(request, "stats/dashboard.html", {"form": form, "figures": None}, status=400)
    figures = selectors.dashboard(actor=request.user, **chosen)
    query = request.GET.urlencode() or f"year={chosen['year']}"
    panels = [{"table": table, "svg": mark_safe(charts.svg(table)),  # noqa: S308 — our own labels, escaped
               "body": table.rows()[1:], "header": table.rows()[0]} for table in figures.tables]
    can_release = allows(request.user, "stats.release")
    operational = selectors.operational(actor=request.user, region=chosen["region"]) if chosen["exact"] else None
    if operational is not None:
        table = operational["caseload"]
        operational["panel"] = {"table": table, "svg": mark_safe(charts.svg(table)),  # noqa: S308
                                "header": table.rows()[0], "body": table.rows()[1:]}
    return render(request, "stats/dashboard.html", {
        "form": form, "figures": figures, "panels": panels, "operational": operational, "chosen": chosen,
        "query": query,
        "releases": selectors.releases_for(actor=request.user).select_related("created_by")[:20],
        "release_form": ReleaseForm(initial={"period": chosen["year"]}) if can_release else None,
    })


@login_required
def table_csv(request: HttpRequest, key: str) -> HttpResponse:
    require(request.user, "stats.view")
    if key not in SPEC_BY_KEY:
        raise Http404
    form, chosen = _filters(request)
    if chosen is None:
        return plain_text_refusal(_("Choose a year and a region from the lists."))
    figures = selectors.dashboard(actor=request.user, **chosen)
    table = figures.table(key)
    header, *body = table.rows()
    suffix = "exact" if chosen["exact"] else "controlled"
    return stream_csv(header, body, f"{key}-{chosen['year']}-{chosen['region'] or 'all'}-{suffix}.csv")


@login_required
@require_POST
def release_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "stats.release")
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            release = services.create_release(actor=request.user, kind=form.cleaned_data["kind"],
                                              period=form.cleaned_data["period"],
                                              epsilon=form.cleaned_data.get("epsilon"))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Release %(reference)s made.") % {"reference": release.reference})
            return redirect(reverse("stats:dashboard") + f"?year={release.period}#releases")
    errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, _("Release refused: %(errors)s") % {"errors": errors})
    return redirect("stats:dashboard")


@login_required
def outreach(request: HttpRequest) -> HttpResponse:
    """Outreach reach (from prevention) under disclosure control."""
    from django.conf import settings

    from .outreach import outreach_tables

    year = request.GET.get("year", "")
    year_value = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    tables = outreach_tables(actor=request.user, year=year_value, k=settings.OCTIP_STATS_K)
    return render(request, "stats/outreach.html", {"tables": tables, "year": year_value})
