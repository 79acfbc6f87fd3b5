"""Staff pages of the 24/7 line (queue, contacts, on-call roster) and the public report form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from octip.cases.selectors import case_or_none
from octip.cases.views import intake_page
from octip.core.access import allows, require
from octip.core.forms import apply_validation_error
from octip.core.interpretation import may_see_interpreter_id, warn_if_may_know
from octip.core.versioning import StaleVersion
from octip.screening.selectors import is_visible_screening
from octip.site.lines import phone_lines

from . import live, ratelimit, selectors, services
from .forms import (
    CallerFlagForm,
    ContactEditForm,
    ContactForm,
    QueueFilterForm,
    ReportForm,
    ShiftForm,
    TargetsForm,
    contact_initial,
)
from .models import Urgency, new_reference
from .targets import response_targets
from .views_guidance import guidance_context
from .views_live import live_context


def _contact_fields(cleaned: dict) -> dict:
    fields = {k: v for k, v in cleaned.items() if k in services.EDITABLE_FIELDS}
    fields["outcome"] = fields.get("outcome") or ""
    return fields


def _case_link(actor, contact) -> tuple[str, str] | None:
    """(case number, URL) of the linked case, only if the actor can see that case."""
    case = case_or_none(actor=actor, case_id=contact.case_id)
    return (case.number, reverse("cases:detail", args=[case.pk])) if case is not None else None


def _screening_link(actor, contact) -> str | None:
    if not is_visible_screening(actor=actor, screening_id=contact.screening_id):
        return None
    return reverse("screening:detail", args=[contact.screening_id])


#: The request parameter that names the contact an intake comes from (``cases:intake?hotline_contact=``).
INTAKE_CONTACT = "hotline_contact"


def _intake_url(contact) -> str:
    """The intake page, told which contact the intake comes from."""
    return reverse("cases:intake") + f"?{INTAKE_CONTACT}={contact.pk}"


@login_required
def intake_from_contact(request: HttpRequest) -> HttpResponse:
    """The intake page when it starts from a contact (``cases:intake?hotline_contact=<id>``; the cases
    app hands such a request here): the intake form of the cases app, and on opening the case the
    contact is linked to it and closed as "intake opened", in one transaction. A contact out of the
    actor's scope is a 404, and nothing is opened."""
    require(request.user, "case.create")
    contact = selectors.contact_or_404(actor=request.user,
                                       contact_id=request.POST.get(INTAKE_CONTACT) or request.GET.get(INTAKE_CONTACT))
    if contact.is_non_data:  # a silent call, a prank…: nothing to open an intake from
        messages.error(request, _("A non-data contact cannot open an intake."))
        return redirect("hotline:contact_detail", contact_id=contact.pk)
    return intake_page(request, hidden={INTAKE_CONTACT: contact.pk}, open_case=lambda person, case: (
        services.open_case_from_contact(actor=request.user, contact=contact, person=person, case=case)))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "hotline.view")
    form = QueueFilterForm(request.GET or None)
    past_target = bool(form.cleaned_data["past_target"]) if form.is_valid() else False
    view = live.live_queue(actor=request.user, past_target=past_target)  # the live part: views_live
    entries = view.entries
    return render(request, "hotline/queue.html", {
        "entries": entries, "overdue_count": sum(1 for e in entries if e.overdue), "form": form,
        "past_target": past_target, "targets": _targets(), "can_edit": allows(request.user, "hotline.edit"),
        "can_lead": allows(request.user, "hotline.lead"), **live_context(request, view, past_target)},
        status=400 if form.errors else 200)


def _targets() -> list:
    targets = response_targets()
    return [targets[u] for u in Urgency.values if u in targets]


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "hotline.edit")
    form = ContactForm(request.POST or None, organization_id=request.user.organization_id, actor=request.user,
                       initial={"handled_by": request.user, "language": ""})
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.log_contact(actor=request.user, **_contact_fields(form.cleaned_data))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Contact %(reference)s logged.") % {"reference": contact.reference})
            warn_if_may_know(request, contact)
            return redirect("hotline:contact_detail", contact_id=contact.pk)
    return render(request, "hotline/contact_form.html", {"form": form, "contact": None,
                                                         **guidance_context(request)},
                  status=400 if form.errors else 200)


@login_required
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    require(request.user, "hotline.view")
    contact = selectors.contact_for_reading(actor=request.user, contact_id=contact_id, purpose="24/7 line triage")
    return render(request, "hotline/contact_detail.html", {
        "contact": contact, "can_edit": allows(request.user, "hotline.edit"),
        "intake_url": _intake_url(contact) if allows(request.user, "case.create") and not contact.is_non_data else None,
        "screening_url": _screening_link(request.user, contact), "case_link": _case_link(request.user, contact),
        "repeat": selectors.repeat_contacts(actor=request.user, contact=contact),
        "flags": selectors.active_flags_on(actor=request.user, contact=contact),
        "services_given": selectors.services_given(actor=request.user, contact=contact),
        "can_flag": allows(request.user, "hotline.lead", contact) and bool(contact.reporter_identifiers()),
        "lines": phone_lines(), "show_interpreter_id": may_see_interpreter_id(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    require(request.user, "hotline.edit")
    contact = selectors.contact_for_reading(actor=request.user, contact_id=contact_id, purpose="24/7 line update")
    initial = {**contact_initial(contact, actor=request.user), "version": contact.version}
    form = ContactEditForm(request.POST or None, organization_id=contact.organization_id, actor=request.user,
                           initial=initial, current_screening_id=contact.screening_id)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = {k: v for k, v in _contact_fields(form.cleaned_data).items() if initial.get(k) != v}
            received = changes.get("received_at")
            if received and abs((received - contact.received_at).total_seconds()) < 60:
                changes.pop("received_at")  # the form shows minutes only; seconds are not a change
            if "case" in changes and initial["case"] is None and contact.case_id:
                changes.pop("case")  # linked to a case this editor cannot see: leave the link alone
            if "screening" in changes and initial["screening"] is None and contact.screening_id:
                changes.pop("screening")
            try:
                services.update_contact(actor=request.user, contact=contact,
                                        expected_version=form.cleaned_data["version"], changes=changes)
            except StaleVersion as stale:
                form.add_error(None, _("Someone else saved this contact while you were editing it (it is now "
                                       "version %(version)s). Your changes were not saved. Reload the page to "
                                       "see the current version, then apply your change again.")
                               % {"version": stale.current.version})
                status = 409
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Contact %(reference)s saved.") % {"reference": contact.reference})
                warn_if_may_know(request, contact)
                return redirect("hotline:contact_detail", contact_id=contact.pk)
    return render(request, "hotline/contact_form.html", {"form": form, "contact": contact,
                                                         **guidance_context(request)}, status=status)


@login_required
@require_POST
def contact_respond(request: HttpRequest, contact_id: int) -> HttpResponse:
    require(request.user, "hotline.edit")
    contact = selectors.contact_or_404(actor=request.user, contact_id=contact_id)
    try:
        version = int(request.POST.get("version", ""))
        services.record_first_response(actor=request.user, contact=contact, expected_version=version)
    except (ValueError, ValidationError):
        messages.error(request, _("The first response could not be recorded: it may be recorded already."))
    except StaleVersion:
        messages.error(request, _("Someone else changed this contact meanwhile. Check it, then try again."))
    else:
        messages.success(request, _("First response recorded."))
    return redirect("hotline:contact_detail", contact_id=contact.pk)


@login_required
@require_http_methods(["GET", "POST"])
def caller_flag_create(request: HttpRequest, contact_id: int) -> HttpResponse:
    """The lead flags the caller of a contact (every phone and email the contact gives)."""
    require(request.user, "hotline.lead")
    contact = selectors.contact_or_404(actor=request.user, contact_id=contact_id)
    form = CallerFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_caller_flag(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The caller is flagged for your line's operators."))
            return redirect("hotline:contact_detail", contact_id=contact.pk)
    return render(request, "hotline/caller_flag_form.html", {"form": form, "contact": contact},
                  status=400 if form.errors else 200)


@login_required
def caller_flags(request: HttpRequest) -> HttpResponse:
    """The lead's list of the line's caller flags (reasons are read on the contact page only)."""
    require(request.user, "hotline.lead")
    today = timezone.localdate()
    flags = selectors.caller_flags_for(actor=request.user).order_by("-set_at")[:200]
    return render(request, "hotline/caller_flags.html", {"flags": flags, "today": today})


@login_required
@require_POST
def caller_flag_lift(request: HttpRequest, flag_id: int) -> HttpResponse:
    require(request.user, "hotline.lead")
    flag = selectors.caller_flag_or_404(actor=request.user, flag_id=flag_id)
    try:
        services.lift_caller_flag(actor=request.user, flag=flag)
    except ValidationError:
        messages.error(request, _("This flag is lifted already."))
    else:
        messages.success(request, _("Flag lifted."))
    return redirect("hotline:caller_flags")


@login_required
@require_http_methods(["GET", "POST"])
def targets_edit(request: HttpRequest) -> HttpResponse:
    """The line's lead sets the first-response targets (they override ``data/response_targets.yaml``)."""
    require(request.user, "hotline.lead")
    form = TargetsForm(request.POST or None, targets=response_targets())
    if request.method == "POST" and form.is_valid():
        try:
            services.set_response_targets(actor=request.user, targets=form.targets())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("First-response targets saved."))
            return redirect("hotline:queue")
    return render(request, "hotline/targets_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def on_call(request: HttpRequest) -> HttpResponse:
    require(request.user, "hotline.view")
    now = timezone.now()
    return render(request, "hotline/on_call.html", {
        "now_shifts": selectors.on_call_now(actor=request.user, now=now),
        "upcoming": selectors.upcoming_shifts(actor=request.user, now=now)[:50],
        "can_manage": allows(request.user, "hotline.roster"), "now": now})


def _roster_org(user) -> int | None:
    role = user.role_def
    return None if role and role.scope == "all" else user.organization_id


@login_required
@require_http_methods(["GET", "POST"])
def shift_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "hotline.roster")
    form = ShiftForm(request.POST or None, organization_id=_roster_org(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_shift(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Shift added to the roster."))
            return redirect("hotline:on_call")
    return render(request, "hotline/shift_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def shift_delete(request: HttpRequest, shift_id: int) -> HttpResponse:
    require(request.user, "hotline.roster")
    shift = selectors.shift_or_404(actor=request.user, shift_id=shift_id)
    services.remove_shift(actor=request.user, shift=shift)
    messages.success(request, _("Shift removed from the roster."))
    return redirect("hotline:on_call")


# --- The public report of concern ------------------------------------------------------------

def _public(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    base = {"lines": phone_lines(), "quick_exit_url": settings.OCTIP_QUICK_EXIT_URL}
    response = render(request, template, {**base, **context}, status=status)
    # A shared or watched device: the report and its answer should not linger in the cache.
    response["Cache-Control"] = "no-store"
    return response


def _language_name(code: str | None) -> str:
    """The report's language as operators write it in the log ("French"), not as a code."""
    try:
        return translation.get_language_info(code or "en")["name"]
    except KeyError:
        return code or ""


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _public(request, "hotline/report.html", {"form": ReportForm()})
    if not ratelimit.allow_report(request):
        return _public(request, "hotline/report_limited.html", {"window_minutes": ratelimit.window_seconds() // 60},
                       status=429)
    form = ReportForm(request.POST)
    if form.is_bot:
        # Look like success so the bot learns nothing; store nothing.
        return _public(request, "hotline/report_thanks.html", {"reference": new_reference(), "danger": False})
    if not form.is_valid():
        return _public(request, "hotline/report.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        contact = services.receive_public_report(
            what_happened=data["what_happened"], region=data["region"], place=data["place"],
            seen_when=data["seen_when"], danger_now=data["danger_now"], anonymous=data["anonymous"] == "yes",
            contact_details=data["contact_details"], language=_language_name(translation.get_language()))
    except ValidationError as error:
        apply_validation_error(form, error)
        return _public(request, "hotline/report.html", {"form": form}, status=400)
    return _public(request, "hotline/report_thanks.html",
                   {"reference": contact.reference, "danger": data["danger_now"] == "yes"})
