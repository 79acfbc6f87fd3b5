"""Consent pages of a case: the list (with disclosures made), record a consent, withdraw one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from octip.cases.interpretation import flag_suggestion_url, shows_interpreter_id
from octip.cases.selectors import case_or_404
from octip.core.access import allows, require
from octip.core.forms import apply_validation_error
from octip.core.interpretation import warn_if_may_know

from . import selectors, services
from .forms import ConsentForm, WithdrawConsentForm


@login_required
def case_consents(request: HttpRequest, case_id) -> HttpResponse:
    case = case_or_404(actor=request.user, case_id=case_id)
    consents = list(selectors.consents_of_case(actor=request.user, case=case))
    disclosures = list(selectors.disclosures_of_case(actor=request.user, case=case))
    return render(request, "consent/case_consents.html", {
        "case": case, "consents": consents, "disclosures": disclosures,
        "may_record": allows(request.user, "consent.record", case),
        "show_interpreter_id": shows_interpreter_id(actor=request.user, case=case),
        "flag_url": flag_suggestion_url(actor=request.user, case=case)
        if any(c.interpreter_may_know for c in consents) else None})


@login_required
def expiring(request: HttpRequest) -> HttpResponse:
    """The consents of the reader's own cases that expire within 30 days: renew them, or let them end."""
    require(request.user, "case.view")
    return render(request, "consent/expiring.html", {
        "consents": list(selectors.expiring_consents(actor=request.user)[:500]),
        "within_days": selectors.EXPIRING_WITHIN_DAYS})


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, case_id) -> HttpResponse:
    case = case_or_404(actor=request.user, case_id=case_id)
    services.require_may_record(request.user, case)  # refused on GET as on POST: a receiver gets no form
    form = ConsentForm(request.POST or None, case=case)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                consent = services.record_consent(actor=request.user, case=case, **form.service_arguments())
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
            else:
                messages.success(request, _("The consent is recorded."))
                warn_if_may_know(request, consent)
                return redirect("consent:case_consents", case_id=case.pk)
        status = 400
    return render(request, "consent/consent_form.html", {"case": case, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = selectors.consent_for_reading(actor=request.user, consent_id=consent_id)
    form = WithdrawConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.withdraw_consent(actor=request.user, consent=consent, reason=form.cleaned_data["reason"])
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
            else:
                messages.success(request, _("The consent is withdrawn. Nothing more can be shared on it, and "
                                            "access given on it has ended."))
                return redirect("consent:case_consents", case_id=consent.case_id)
        status = 400
    return render(request, "consent/consent_withdraw.html", {"consent": consent, "case": consent.case,
                                                             "form": form}, status=status)
