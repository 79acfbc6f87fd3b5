"""Situations pages: the list, one situation (its persons of interest and linked cases, visible or
counted), the forms that record them, and the block the case page shows. Thin: each page reads
through ``selectors`` and writes through ``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from octip.cases.selectors import case_by_number, case_or_404
from octip.cases.sharing import require_owning_circle
from octip.core.access import allows, require
from octip.core.forms import apply_validation_error
from octip.core.versioning import StaleVersion

from . import selectors, services
from .forms import CaseNumberForm, PersonOfInterestForm, PoiCaseForm, SituationChoiceForm, SituationForm

NO_SUCH_CASE = _("No case you can see has this number.")


def _form_page(request: HttpRequest, *, form: forms.Form, title: str, save: Callable[[dict], Any],
               done: str, back: str, intro: str = "", danger: bool = False) -> HttpResponse:
    """A form over one service call; a refusal goes on the form and nothing changes (status 400)."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = save(form.cleaned_data)
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
            except StaleVersion:
                form.add_error(None, _("Someone saved this in the meantime. Reload the page and try again."))
                status = 409
            else:
                messages.success(request, done)
                return redirect(result if isinstance(result, str) else back)
        status = status if status != 200 else 400
    return render(request, "situations/form.html", {"form": form, "title": title, "intro": intro, "back": back,
                                                    "danger": danger}, status=status)


@login_required
def situation_list(request: HttpRequest) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    listing = selectors.situations_for(actor=request.user, page=page)
    return render(request, "situations/list.html", {"listing": listing,
                                                    "may_create": allows(request.user, "situation.edit")})


@login_required
@require_http_methods(["GET", "POST"])
def situation_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "situation.edit")

    def save(data: dict) -> str:
        situation = services.create_situation(actor=request.user, **data)
        return reverse("situations:detail", args=[situation.pk])
    return _form_page(request, form=SituationForm(request.POST or None), title=_("Record a situation"),
                      intro=_("A situation is one operation, employer or network. It belongs to your organization: "
                              "only its staff see it whole."),
                      save=save, done=_("The situation is recorded."), back=reverse("situations:list"))


@login_required
def situation_detail(request: HttpRequest, situation_id: int) -> HttpResponse:
    view = selectors.situation_page(actor=request.user, situation_id=situation_id)
    return render(request, "situations/detail.html", {
        "view": view, "situation": view.situation,
        "may_edit": view.whole and allows(request.user, "situation.edit", view.situation)})


def _editable(request: HttpRequest, situation_id: int) -> Any:
    situation = selectors.situation_or_404(actor=request.user, situation_id=situation_id)
    require(request.user, "situation.edit", situation)
    return situation


@login_required
@require_http_methods(["GET", "POST"])
def situation_edit(request: HttpRequest, situation_id: int) -> HttpResponse:
    # The form shows the encrypted title and description: the selector audits that read.
    situation = selectors.situation_for_editing(actor=request.user, situation_id=situation_id)
    form = SituationForm(request.POST or None, initial={"kind": situation.kind, "title": situation.title,
                                                        "description": situation.description})
    back = reverse("situations:detail", args=[situation.pk])
    return _form_page(request, form=form, title=_("Edit the situation"), back=back, done=_("The situation is saved."),
                      save=lambda data: services.update_situation(actor=request.user, situation=situation, **data))


def _case_of_number(request: HttpRequest, number: str) -> Any:
    case = case_by_number(actor=request.user, number=number)
    if case is None:
        raise ValidationError({"number": NO_SUCH_CASE})
    return case


@login_required
@require_http_methods(["GET", "POST"])
def situation_link_case(request: HttpRequest, situation_id: int) -> HttpResponse:
    situation = _editable(request, situation_id)
    back = reverse("situations:detail", args=[situation.pk])
    return _form_page(
        request, form=CaseNumberForm(request.POST or None), title=_("Link a case to the situation"), back=back,
        intro=_("You can link only a case of your own circle. The link is recorded on the case's timeline."),
        done=_("The case is linked to the situation."),
        save=lambda data: services.link_case(
            actor=request.user, situation=situation, case=_case_of_number(request, data["number"])))


@login_required
@require_POST
def situation_unlink_case(request: HttpRequest, situation_id: int, case_id: Any) -> HttpResponse:
    situation = _editable(request, situation_id)
    case = case_or_404(actor=request.user, case_id=case_id)
    _unlink(request, lambda: services.unlink_case(actor=request.user, situation=situation, case=case),
            done=_("The case is no longer linked to the situation."))
    return redirect("situations:detail", situation_id=situation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_link(request: HttpRequest, case_id: Any) -> HttpResponse:
    """From the case page: link this case to one of the organization's situations."""
    case = case_or_404(actor=request.user, case_id=case_id)
    require_owning_circle(request.user, "situation.edit", case)
    choices = selectors.situation_choices(actor=request.user)
    back = reverse("cases:detail", args=[case.pk])

    def save(data: dict) -> str:
        situation = selectors.situation_or_404(actor=request.user, situation_id=data["situation"])
        services.link_case(actor=request.user, situation=situation, case=case)
        return back
    return _form_page(request, form=SituationChoiceForm(request.POST or None, situations=choices),
                      title=_("Link case %(number)s to a situation") % {"number": case.number}, back=back,
                      intro="" if choices else _("Your organization has recorded no situation yet."),
                      done=_("The case is linked to the situation."), save=save)


# --- Persons of interest ----------------------------------------------------------------------

def _poi_initial(poi: Any) -> dict[str, Any]:
    return {name: getattr(poi, name) for name in (*services.POI_LISTS, "notes", "roles_in_process")}


@login_required
@require_http_methods(["GET", "POST"])
def poi_new(request: HttpRequest, situation_id: int) -> HttpResponse:
    situation = _editable(request, situation_id)
    back = reverse("situations:detail", args=[situation.pk])
    return _form_page(request, form=PersonOfInterestForm(request.POST or None), title=_("Add a person of interest"),
                      intro=_("An alleged trafficker. Everything you enter here is stored encrypted."), back=back,
                      done=_("The person of interest is recorded."),
                      save=lambda data: services.create_poi(actor=request.user, situation=situation, **data))


@login_required
def poi_detail(request: HttpRequest, poi_id: int) -> HttpResponse:
    poi = selectors.poi_or_404(actor=request.user, poi_id=poi_id)
    return render(request, "situations/poi.html", {
        "poi": poi, "links": selectors.poi_cases_visible(actor=request.user, poi=poi),
        "may_edit": allows(request.user, "situation.edit", poi)})


def _editable_poi(request: HttpRequest, poi_id: int) -> Any:
    poi = selectors.poi_or_404(actor=request.user, poi_id=poi_id, via="link form")
    require(request.user, "situation.edit", poi)
    return poi


@login_required
@require_http_methods(["GET", "POST"])
def poi_edit(request: HttpRequest, poi_id: int) -> HttpResponse:
    # The form shows the encrypted names, phones and the rest: the selector audits that read, once.
    poi = selectors.poi_for_editing(actor=request.user, poi_id=poi_id)
    back = reverse("situations:poi", args=[poi.pk])
    return _form_page(request, form=PersonOfInterestForm(request.POST or None, initial=_poi_initial(poi)),
                      title=_("Edit the person of interest"), back=back, done=_("The person of interest is saved."),
                      save=lambda data: services.update_poi(actor=request.user, poi=poi, situation=poi.situation,
                                                            **data))


@login_required
@require_http_methods(["GET", "POST"])
def poi_link_case(request: HttpRequest, poi_id: int) -> HttpResponse:
    poi = _editable_poi(request, poi_id)
    back = reverse("situations:poi", args=[poi.pk])
    return _form_page(
        request, form=PoiCaseForm(request.POST or None), title=_("Link the person of interest to a case"), back=back,
        intro=_("You can link only a case of your own circle."),
        done=_("The person of interest is linked to the case."),
        save=lambda data: services.link_poi_case(
            actor=request.user, poi=poi, case=_case_of_number(request, data["number"]),
            relationship=data["relationship"]))


@login_required
@require_POST
def poi_unlink_case(request: HttpRequest, poi_id: int, case_id: Any) -> HttpResponse:
    poi = _editable_poi(request, poi_id)
    case = case_or_404(actor=request.user, case_id=case_id)
    _unlink(request, lambda: services.unlink_poi_case(actor=request.user, poi=poi, case=case),
            done=_("The person of interest is no longer linked to the case."))
    return redirect("situations:poi", poi_id=poi.pk)


def _unlink(request: HttpRequest, call: Callable[[], object], *, done: str) -> None:
    """Run one unlinking service; its refusal or ``done`` is the message the next page shows."""
    try:
        call()
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, done)


# --- The block of the case page (registered in apps.ready) --------------------------------------

def case_block(request: HttpRequest, case: Any, *, owning_circle: bool) -> str:
    """The situations of a case: whole for the case's owning circle of the situation's organization,
    the kind alone for a reader to whom the case was disclosed with its summary, "" for anyone else
    (``selectors.case_situations``)."""
    user = request.user
    situations = selectors.case_situations(actor=user, case=case, owning_circle=owning_circle)
    may_link = owning_circle and allows(user, "situation.edit")
    if not situations and not may_link:
        return ""
    return render_to_string("situations/_case_block.html", {"situations": situations, "case": case,
                                                            "may_link": may_link}, request=request)
