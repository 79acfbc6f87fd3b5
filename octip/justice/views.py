"""Justice pages: a case's justice section, the forms that record into it, letters, the deadlines
list ("My work" for a worker, the overview for a coordinator) and the rules in force."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from octip.consent.policy import DisclosureRefused
from octip.core.access import allows, require
from octip.core.forms import apply_validation_error

from . import rules, selectors, services
from .forms import (
    DETAIL_LABELS,
    AidDecisionForm,
    AidForm,
    CourtDateForm,
    CvapForm,
    LetterForm,
    PoliceChoiceForm,
    PoliceContactForm,
    ProceedingEditForm,
    ProceedingForm,
    StatusEditForm,
    StatusForm,
)


@login_required
def case_justice(request: HttpRequest, case_id: Any) -> HttpResponse:
    view = selectors.case_justice(actor=request.user, case_id=case_id)
    return render(request, "justice/case_justice.html", {
        "view": view, "case": view.case, "may_edit": view.own and allows(request.user, "justice.edit", view.case),
        "rules": rules.summary(), "detail_labels": DETAIL_LABELS})


def _form_page(request: HttpRequest, *, case: Any, form: forms.Form, title: str, save: Callable[[dict], Any],
               done: str, intro: str = "") -> HttpResponse:
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
            except DisclosureRefused as refused:
                form.add_error(None, refused.explanation)
            else:
                messages.success(request, done)
                return redirect("justice:case", case_id=case.pk)
        status = 400
    return render(request, "justice/form.html", {"case": case, "form": form, "title": title, "intro": intro},
                  status=status)


def _editable_case(request: HttpRequest, case_id: Any) -> Any:
    case = selectors.justice_case_or_404(actor=request.user, case_id=case_id)
    require(request.user, "justice.edit", case)
    return case


@login_required
@require_http_methods(["GET", "POST"])
def police_choice(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _editable_case(request, case_id)
    return _form_page(request, case=case, form=PoliceChoiceForm(request.POST or None),
                      title=_("The person's choice about police"), done=_("The person's choice is recorded."),
                      intro=_("Record what the person said, in their words. Whatever they choose, their support "
                              "continues the same."),
                      save=lambda data: services.record_police_choice(actor=request.user, case=case, **data))


@login_required
@require_http_methods(["GET", "POST"])
def police_contact(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _editable_case(request, case_id)
    return _form_page(request, case=case, form=PoliceContactForm(request.POST or None),
                      title=_("Record a contact with police"), done=_("The contact with police is recorded."),
                      intro=_("A contact with police shares the sections you choose. It is recorded only if the "
                              "person consented to contact with police and to sharing these sections with this "
                              "service, or on a legal basis a coordinator records."),
                      save=lambda data: services.record_police_contact(actor=request.user, case=case, **data))


@login_required
@require_POST
def end_police_access(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = selectors.police_contact_or_404(actor=request.user, contact_id=contact_id)
    try:
        services.end_police_access(actor=request.user, contact=contact)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, _("The police service no longer sees the case."))
    return redirect("justice:case", case_id=contact.case_id)


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_new(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _editable_case(request, case_id)
    return _form_page(request, case=case, form=ProceedingForm(request.POST or None),
                      title=_("Record criminal proceedings"), done=_("The proceedings are recorded."),
                      save=lambda data: services.record_proceeding(actor=request.user, case=case, **data))


@login_required
@require_http_methods(["GET", "POST"])
def court_date_new(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    proceeding = selectors.proceeding_or_404(actor=request.user, proceeding_id=proceeding_id)
    require(request.user, "justice.edit", proceeding.case)
    return _form_page(request, case=proceeding.case, form=CourtDateForm(request.POST or None),
                      title=_("Add a court date"), done=_("The court date is recorded; it is in My work."),
                      save=lambda data: services.add_court_date(actor=request.user, proceeding=proceeding, **data))


@login_required
@require_http_methods(["GET", "POST"])
def aid_new(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    proceeding = selectors.proceeding_or_404(actor=request.user, proceeding_id=proceeding_id)
    require(request.user, "justice.edit", proceeding.case)
    return _form_page(request, case=proceeding.case, form=AidForm(request.POST or None),
                      title=_("Record a testimonial aid"), done=_("The testimonial aid is recorded."),
                      save=lambda data: services.record_testimonial_aid(actor=request.user, proceeding=proceeding,
                                                                        **data))


@login_required
@require_http_methods(["GET", "POST"])
def status_new(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _editable_case(request, case_id)
    view = selectors.case_justice(actor=request.user, case_id=case.pk, via="form")
    renewable = [(s.pk, f"{s.get_kind_display()} — {s.expires_on or '—'}") for s in view.statuses if s.expires_on]
    form = StatusForm(request.POST or None, renewable=renewable)

    def save(data: dict) -> Any:
        renews = selectors.status_or_none(actor=request.user, case=case, status_id=data.pop("renews", None))
        return services.record_immigration_status(actor=request.user, case=case, renews=renews, **data)

    return _form_page(request, case=case, form=form, title=_("Record an immigration status or permit"),
                      done=_("The status is recorded."), save=save)


@login_required
@require_http_methods(["GET", "POST"])
def cvap_new(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _editable_case(request, case_id)
    return _form_page(request, case=case, form=CvapForm(request.POST or None),
                      title=_("Record a CVAP application"), done=_("The CVAP application is recorded."),
                      save=lambda data: services.record_cvap_application(actor=request.user, case=case, **data))


@login_required
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = LetterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                letter, pdf = services.produce_letter(actor=request.user, case=case, **form.cleaned_data)
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
            except DisclosureRefused as refused:
                form.add_error(None, refused.explanation)
            else:
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="letter-{letter.kind}-{case.number}.pdf"'
                response["Cache-Control"] = "no-store"
                return response
        status = 400
    return render(request, "justice/form.html", {
        "case": case, "form": form, "title": _("Produce a letter"),
        "intro": _("A letter is a disclosure to IRCC or to CVAP: it needs the person's consent to share these "
                   "details with that recipient. Include only the details the person chose.")}, status=status)


@login_required
def deadlines(request: HttpRequest) -> HttpResponse:
    require(request.user, "justice.view")
    everyone = request.GET.get("all") == "1" and allows(request.user, "case.assign")
    soon = request.GET.get("soon") == "1"
    return render(request, "justice/deadlines.html", {
        "deadlines": selectors.deadlines_for(actor=request.user, everyone=everyone,
                                             within_days=selectors.SOON_DAYS if soon else None),
        "everyone": everyone, "soon": soon, "may_see_all": allows(request.user, "case.assign"),
        "soon_days": selectors.SOON_DAYS})


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "justice.view")
    return render(request, "justice/rules.html", {"rules": rules.summary()})


def _initial(obj: Any, form_class: type[forms.Form]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in form_class.base_fields if hasattr(obj, name)}


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_edit(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    proceeding = selectors.proceeding_for_editing(actor=request.user, proceeding_id=proceeding_id)
    require(request.user, "justice.edit", proceeding.case)
    form = ProceedingEditForm(request.POST or None, initial=_initial(proceeding, ProceedingEditForm))
    return _form_page(request, case=proceeding.case, form=form, title=_("Update the proceedings"),
                      done=_("The proceedings are updated."),
                      save=lambda data: services.update_proceeding(actor=request.user, proceeding=proceeding,
                                                                   changes=data))


@login_required
@require_http_methods(["GET", "POST"])
def aid_decide(request: HttpRequest, aid_id: int) -> HttpResponse:
    aid = selectors.aid_or_404(actor=request.user, aid_id=aid_id)
    require(request.user, "justice.edit", aid.case)
    return _form_page(request, case=aid.case, form=AidDecisionForm(request.POST or None),
                      title=_("Record the decision on a testimonial aid"), done=_("The decision is recorded."),
                      save=lambda data: services.decide_testimonial_aid(actor=request.user, aid=aid, **data))


@login_required
@require_http_methods(["GET", "POST"])
def status_edit(request: HttpRequest, status_id: int) -> HttpResponse:
    status = selectors.status_or_404(actor=request.user, status_id=status_id)
    require(request.user, "justice.edit", status.case)
    form = StatusEditForm(request.POST or None, initial=_initial(status, StatusEditForm))
    return _form_page(request, case=status.case, form=form, title=_("Update an immigration status or permit"),
                      done=_("The status is updated."),
                      save=lambda data: services.update_immigration_status(actor=request.user, status=status,
                                                                           changes=data))


@login_required
@require_http_methods(["GET", "POST"])
def cvap_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.cvap_or_404(actor=request.user, application_id=application_id)
    require(request.user, "justice.edit", application.case)
    form = CvapForm(request.POST or None, initial=_initial(application, CvapForm))
    return _form_page(request, case=application.case, form=form, title=_("Update a CVAP application"),
                      done=_("The CVAP application is updated."),
                      save=lambda data: services.update_cvap_application(actor=request.user,
                                                                         application=application, changes=data))
