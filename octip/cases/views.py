"""HTML pages of the cases app. Thin: parse, call a selector or service, render.

A case the user may not see is a 404 on every page (``selectors.case_or_404``). The reads, and their
audit, are in ``selectors``; the writes in ``services``.

Most pages of one case are a form over a service call: ``_case_form_view`` is that pattern, given the
form, the service to ``call`` with the cleaned data, and optionally its ``initial`` values.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from octip.core.access import allows, require
from octip.core.csv_safety import form_errors_as_text, plain_text_refusal
from octip.core.forms import apply_validation_error
from octip.core.keyset import BAD_CURSOR, BadCursor
from octip.core.versioning import StaleVersion

from . import exports, forms, reference, selectors, services
from .downloads import document_response
from .models import STAGE_TRANSITIONS, Case, Stage
from .ratelimit import TOO_MANY_CHECKS, TooManyChecks
from .summary_pdf import summary_response
from .validation import refuse_oversized


def run(form, call: Callable[[], Any]) -> tuple[Any, int]:
    """Call a service; on a refusal put the message on the form. Returns (result, status)."""
    try:
        return call(), 200
    except StaleVersion as stale:
        form.add_error(None, str(stale))
        return None, 409
    except ValidationError as invalid:
        apply_validation_error(form, invalid)
        return None, 400


def form_page(request, *, case, form, title: str, submit: str, status: int = 200, intro: str = "",
              multipart: bool = False, danger: bool = False) -> HttpResponse:
    return render(request, "cases/form_page.html", {
        "case": case, "form": form, "title": title, "submit": submit, "intro": intro, "multipart": multipart,
        "danger": danger}, status=status)


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


# --- Lists ------------------------------------------------------------------------------------

def _filters_from(form: forms.CaseSearchForm) -> selectors.CaseFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.CaseFilters(
        q=data.get("q") or "", phonetic=bool(data.get("phonetic")), date_of_birth=data.get("date_of_birth"),
        phone=data.get("phone") or "", stage=data.get("stage") or "", track=data.get("track") or "",
        region=data.get("region") or "", owner=data.get("owner") or "", worker=data.get("worker") or "",
        team=data.get("team"), include_closed=not data.get("open"), overdue=bool(data.get("overdue")),
        report_due=bool(data.get("report_due")), flag=data.get("flag") or "")


def _identity_in(data) -> bool:
    """Whether request data names a person (a name, a date of birth, a phone) — a case number does not."""
    q = (data.get("q") or "").strip()
    return bool((q and not selectors.CASE_NUMBER.match(q)) or data.get("date_of_birth") or data.get("phone"))


IDENTITY_IN_ADDRESS = gettext_lazy("Search by name, date of birth or phone with the “Find a person” form: "
                                   "these are sent privately and never put in a web address.")
PERSON_SEARCH_LIMIT = 100
#: Cases a page of the list shows.
LIST_PAGE = 25


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Filters that identify nobody come in the address (GET); a search for a person comes by POST so
    that no name, date of birth or phone lands in the address bar, history or server logs."""
    require(request.user, "case.view")
    filter_data = request.GET.copy()
    cursor = filter_data.get("cursor") or None
    # "page" was the old page number: a bookmark of one opens the first page.
    for key in (*forms.IDENTITY_CRITERIA, "page", "cursor"):
        filter_data.pop(key, None)
    person_data: dict[str, Any] = {}
    refused = False
    if request.method == "POST":
        person_data = {k: request.POST.get(k) for k in forms.IDENTITY_CRITERIA if request.POST.get(k)}
    elif _identity_in(request.GET):
        refused = True
    elif request.GET.get("q"):
        person_data = {"q": request.GET["q"]}  # a case number
    owners = selectors.case_owners(actor=request.user)  # asked once, for both forms
    filter_form = forms.CaseFilterForm(filter_data or None, owners=owners)
    person_form = forms.PersonSearchForm(person_data or None)
    form = forms.CaseSearchForm({**filter_data.dict(), **person_data} or None, owners=owners)
    filters = _filters_from(form)
    person_search = request.method == "POST" and bool(filters.identity_criteria())
    bad_cursor = False
    listing = selectors.CaseRows([])
    if refused:
        person_form = forms.PersonSearchForm({})
        person_form.is_valid()
        person_form.add_error(None, IDENTITY_IN_ADDRESS)
    else:
        try:
            # A person search shows its first matches only, so that its criteria never need to travel
            # in a next-page link (they stay in the POSTed body).
            listing = selectors.case_rows(actor=request.user, filters=filters,
                                          per_page=PERSON_SEARCH_LIMIT if person_search else LIST_PAGE,
                                          cursor=None if person_search else cursor)
        except BadCursor:
            bad_cursor = True
            filter_form = forms.CaseFilterForm(filter_data, owners=owners)  # bound, to carry the error
            filter_form.errors  # noqa: B018 - cleans the form, so that an error can be added
            filter_form.add_error(None, BAD_CURSOR)
    return render(request, "cases/case_list.html", {
        "person_form": person_form, "filter_form": filter_form, "page": listing.page, "rows": listing.rows,
        "total": listing.total, "query": filter_data.urlencode(), "person_search": person_search,
        "more_than_shown": person_search and listing.total is not None
        and listing.total.count > PERSON_SEARCH_LIMIT, "search_limit": PERSON_SEARCH_LIMIT,
        "can_create": allows(request.user, "case.create"), "can_export": allows(request.user, "case.export"),
        "export_columns": exports.allowed_columns(request.user),
        "filter_items": [(k, v) for k, values in filter_data.lists() for v in values]},
        status=400 if (form.errors or refused or bad_cursor) else 200)


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    require(request.user, "case.view")
    form = forms.MyWorkFilterForm(request.GET or None)
    due = form.cleaned_data["due"] if form.is_valid() else ""
    cursors = {name: request.GET.get(f"{name}_cursor", "") for name in selectors.MY_WORK_GROUPS}
    try:
        groups = selectors.my_work_for_reading(actor=request.user, due=due, cursors=cursors)
    except BadCursor:
        form.errors  # noqa: B018 - cleans the form, so that an error can be added
        form.add_error(None, BAD_CURSOR)
        groups = {name: [] for name in selectors.MY_WORK_GROUPS}
    return render(request, "cases/my_work.html", {**groups, "today": timezone.localdate(), "form": form, "due": due,
                                                  "query": f"due={due}" if due else ""},
                  status=400 if form.errors else 200)


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, "case.export")
    if _identity_in(request.GET):
        return plain_text_refusal(str(IDENTITY_IN_ADDRESS))
    form = forms.CaseSearchForm(request.GET or None, actor=request.user)
    if request.GET and not form.is_valid():
        return form_errors_as_text(form)
    return exports.export_response(actor=request.user, filters=_filters_from(form), fmt=fmt,
                                   asked_columns=request.GET.getlist("columns"))


# --- Intake -----------------------------------------------------------------------------------

#: Other apps' pages that open an intake from one of their records, by the request parameter that
#: names the record (the 24/7 line registers ``hotline_contact``). A request naming such a record is
#: theirs to serve, at this same address: the cases app knows nothing of those records.
_INTAKE_ORIGINS: dict[str, Callable[[HttpRequest], HttpResponse]] = {}


def register_intake_origin(parameter: str, view: Callable[[HttpRequest], HttpResponse]) -> None:
    """Let another app serve the intake page when the request names one of its records in
    ``parameter`` (in the query or the form). Call it from that app's ``AppConfig.ready``."""
    _INTAKE_ORIGINS[parameter] = view


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    for parameter, view in _INTAKE_ORIGINS.items():
        if request.POST.get(parameter) or request.GET.get(parameter):
            return view(request)
    require(request.user, "case.create")
    return intake_page(request, open_case=lambda person, case: services.open_case(
        actor=request.user, person=person, case=case))


def intake_page(request: HttpRequest, *, open_case: Callable[[dict, dict], Case],
                hidden: dict[str, Any] | None = None) -> HttpResponse:
    """The intake form. A possible existing record is looked for first (an audited check); the case is
    opened with ``open_case(person_fields, case_fields)`` when none is found or the worker confirms.
    An intake page of another app serves it with its own ``open_case`` and the ``hidden`` fields that
    carry its record through the form. The caller has checked ``case.create``."""
    form = forms.IntakeForm(request.POST or None, initial={
        "first_contact_date": timezone.localdate(), "region": request.user.organization.region_id})
    duplicates = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.person_data()
            try:
                duplicates = selectors.find_possible_duplicates(
                    actor=request.user, reason="intake", legal_name=data["legal_name"],
                    date_of_birth=data["date_of_birth"], phone=data["phone"],
                    other_names=[data["preferred_name"], *data["aliases"]], skip_if_too_few=True)
            except TooManyChecks:
                form.add_error(None, TOO_MANY_CHECKS)
                return render(request, "cases/intake.html", {"form": form, "duplicates": None, "hidden": hidden or {}},
                              status=429)
            if duplicates.found and not form.cleaned_data.get("confirm_duplicate"):
                form.add_error("confirm_duplicate", _("A possible existing record was found. Check it, then tick "
                                                      "this box to open a new case anyway."))
                status = 409
            else:
                case, status = run(form, lambda: open_case(data, form.case_data()))
                if case is not None:
                    messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
                    return redirect(case_url(case))
        else:
            status = 400
    return render(request, "cases/intake.html", {"form": form, "duplicates": duplicates, "hidden": hidden or {}},
                  status=status)


# --- One case ---------------------------------------------------------------------------------

#: Blocks other apps add to the case page (the situations a case is part of): each is called with the
#: request and the case and gives safe HTML, or "" to show nothing. Registered from the other app's
#: ``AppConfig.ready`` (``register_case_block``): cases imports none of them.
_CASE_BLOCKS: list[Callable[..., str]] = []


def register_case_block(block: Callable[..., str]) -> None:
    """Add a block to the case page. ``block(request, case, owning_circle=...)`` reads through its own
    app's selectors (the case is one the reader may see; ``owning_circle`` is
    ``sharing.in_owning_circle``, already decided) and returns HTML it has escaped, or ""."""
    if block not in _CASE_BLOCKS:
        _CASE_BLOCKS.append(block)


@login_required
def case_detail(request: HttpRequest, case_id) -> HttpResponse:
    page = selectors.case_page(actor=request.user, case_id=case_id)
    blocks = [html for html in (block(request, page.case, owning_circle=page.owning_circle)
                                for block in _CASE_BLOCKS) if html]
    return render(request, "cases/case_detail.html", {
        **page.as_dict(), "can": _abilities(request.user, page.case, page.own_scope, page.sections),
        "other_blocks": blocks})


def _abilities(user, case: Case, own: bool, sections) -> dict[str, bool]:
    open_ = case.stage != Stage.CLOSED
    return {
        "edit": own and open_ and allows(user, "case.edit"),
        "edit_person": own and "identity" in sections and allows(user, "case.edit"),
        "download": selectors.may_read_document_content(user),
        "assign": own and allows(user, "case.assign"),
        "request_closure": own and case.stage in STAGE_TRANSITIONS and case.stage not in (
            Stage.CLOSED, Stage.CLOSURE_REQUESTED) and allows(user, "case.request_closure"),
        "approve_closure": allows(user, "case.approve_closure"),
        "request_approval": own and open_ and allows(user, "case.edit") and (
            case.owner_organization.requires_needs_approval or case.owner_organization.requires_plan_approval),
        "decide_approvals": allows(user, "case.approve"),
        "reopen": own and case.stage == Stage.CLOSED and allows(user, "case.edit"),
        "work": open_ and allows(user, "case.edit"),
        "report_duty": own and allows(user, "case.edit"),
        "break_glass": allows(user, "case.break_glass"),
        "stages": list(STAGE_TRANSITIONS.get(case.stage, ())) if own and allows(user, "case.edit") else [],
        # Flags and risk are the case's core record: its own circle changes them (``services.flags``).
        "flag": own and open_ and allows(user, "case.edit"),
        "change_flag": own and allows(user, "case.edit"),
    }


def _case_form_view(request, case_id, *, form_class, title, submit, call, form_kwargs=None, initial=None,
                    intro="", multipart=False, danger=False, section: str | None = None, own: str | None = None):
    """A form page over one service call. ``call(case, cleaned_data)`` makes the change (a refusal is put
    on the form); ``initial`` and ``form_kwargs`` are values or functions of the case; ``section``, when
    given, must be open to the user (else 404); ``own``, when given, is the permission of a change only
    the case's own circle makes: the page is refused to anyone else on GET as its POST is (same guard,
    same status, same audited denial), so a receiver is never shown the form nor its pre-filled values."""
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    if section and section not in selectors.sections_visible_to(request.user, case):
        raise Http404
    if own:
        services.require_own_scope(request.user, own, case)
    kwargs = dict(form_kwargs(case) if callable(form_kwargs) else (form_kwargs or {}))
    if request.method == "POST":
        form = form_class(request.POST, request.FILES or None, **kwargs)
        if form.is_valid():
            result, status = run(form, lambda: call(case, form.cleaned_data))
            if status == 200:
                return result if isinstance(result, HttpResponse) else redirect(case_url(case))
        else:
            status = 400
    else:
        form = form_class(initial=initial(case) if callable(initial) else initial, **kwargs)
        status = 200
    return form_page(request, case=case, form=form, title=title, submit=submit, status=status, intro=intro,
                     multipart=multipart, danger=danger)


@login_required
def case_edit(request, case_id):
    def initial(case):
        return {**{f: getattr(case, f) for f in services.CASE_FIELDS}, "version": case.version}

    return _case_form_view(
        request, case_id, own="case.edit", form_class=forms.CaseEditForm, title=_("Edit case details"),
        submit=_("Save"), initial=initial, call=lambda case, data: services.update_case(
            actor=request.user, case=case, expected_version=data["version"],
            changes={k: data[k] for k in services.CASE_FIELDS}))


@login_required
def person_edit(request, case_id):
    def initial(case):
        return forms.person_initial(selectors.person_for_reading(actor=request.user, case=case, purpose="edit form"))

    return _case_form_view(
        request, case_id, section="identity", own="case.edit", form_class=forms.PersonEditForm,
        title=_("Edit personal details"),
        submit=_("Save"),
        initial=initial, call=lambda case, data: services.update_person(
            actor=request.user, case=case, expected_version=data["version"],
            changes={k: data[k] for k in forms.IntakeForm.PERSON}))


@login_required
def case_assign(request, case_id):
    # The form lists the owner organization's teams and staff: only its own circle sees it.
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    services.require_own_scope(request.user, "case.view", case)
    return _case_form_view(
        request, case_id, form_class=forms.AssignForm, title=_("Assign the case"), submit=_("Save"),
        form_kwargs=lambda case: {"case": case},
        initial=lambda case: {"owner_team": case.owner_team_id, "owner_worker": case.owner_worker_id,
                              "assigned_workers": list(case.assigned_workers.values_list("pk", flat=True))},
        call=lambda case, data: services.assign_case(
            actor=request.user, case=case, owner_team=data["owner_team"], owner_worker=data["owner_worker"],
            assigned_workers=data["assigned_workers"]))


@login_required
@require_POST
def case_stage(request, case_id):
    return _case_form_view(
        request, case_id, own="case.edit", form_class=forms.StageForm, title=_("Change stage"),
        submit=_("Change stage"),
        call=lambda case, data: services.change_stage(actor=request.user, case=case, to_stage=data["stage"],
                                                      expected_version=data["version"]))


@login_required
def closure_request(request, case_id):
    return _case_form_view(
        request, case_id, own="case.request_closure", form_class=forms.ClosureRequestForm,
        title=_("Request closure"),
        submit=_("Send to a coordinator"), intro=_("A coordinator approves or rejects the closure."),
        call=lambda case, data: services.request_closure(actor=request.user, case=case, reason=data["reason"],
                                                         outcome=data["outcome"]))


@login_required
def closure_decide(request, case_id, request_id):
    def call(case, data):
        closure = selectors.closure_request_or_404(case=case, request_id=request_id)
        return services.decide_closure(actor=request.user, closure=closure, approve=data["decision"] == "approve",
                                       comment=data["comment"])

    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    # The reason may name people: only a coordinator who decides reads it.
    require(request.user, "case.approve_closure", case)
    closure = selectors.closure_request_for_deciding(actor=request.user, case=case, request_id=request_id)
    intro = _("Outcome: %(outcome)s. Reason given: %(reason)s") % {
        "outcome": closure.get_outcome_display(), "reason": closure.reason}
    return _case_form_view(request, case_id, form_class=forms.ClosureDecisionForm, title=_("Decide on closure"),
                           submit=_("Record decision"), intro=intro, call=call)


@login_required
def case_reopen(request, case_id):
    return _case_form_view(
        request, case_id, own="case.edit", form_class=forms.ReopenForm, title=_("Reopen the case"), submit=_("Reopen"),
        call=lambda case, data: services.reopen_case(actor=request.user, case=case, reason=data["reason"]))


@login_required
def duty_to_report(request, case_id):
    return _case_form_view(
        request, case_id, own="case.edit", form_class=forms.DutyToReportForm,
        title=_("Record the duty-to-report (CFCSA s. 14)"),
        submit=_("Record the report"),
        intro=_("Anyone with reason to believe a child (under 19) needs protection must promptly report it to a "
                "director. The duty overrides confidentiality and does not depend on consent."),
        initial={"reported_by_name": request.user.full_name, "reported_at": timezone.localtime().replace(
            second=0, microsecond=0)},
        call=lambda case, data: services.record_duty_to_report(actor=request.user, case=case, **data))


@login_required
def youth_profile(request, case_id):
    # The guardian's name and contact are identifying: only the case's own circle edits them, and
    # only someone who may read the person's identity sees them (an audited read).
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    services.require_own_scope(request.user, "case.edit", case)
    if "identity" not in selectors.sections_visible_to(request.user, case):
        raise Http404

    def initial(case):
        if not case.is_youth:
            raise Http404
        profile = selectors.youth_details(actor=request.user, case=case).profile
        return {**{f: getattr(profile, f) for f in services.YOUTH_FIELDS}, "version": profile.version}

    return _case_form_view(
        request, case_id, form_class=forms.YouthProfileForm, title=_("Youth details"), submit=_("Save"),
        initial=initial, call=lambda case, data: services.update_youth_profile(
            actor=request.user, case=case, expected_version=data["version"],
            changes={k: data[k] for k in services.YOUTH_FIELDS}))


@login_required
def break_glass(request, case_id):
    require(request.user, "case.break_glass")
    return _case_form_view(
        request, case_id, form_class=forms.BreakGlassForm, title=_("Emergency access"),
        submit=_("Open emergency access"),
        intro=_("Emergency access shows every part of this case, restricted notes included, for a limited time. "
                "An auditor reviews every use."), danger=True,
        call=lambda case, data: services.break_glass(actor=request.user, case=case, reason=data["reason"],
                                                     minutes=data["minutes"]))


@login_required
def need_edit(request, case_id, domain):
    if domain not in {t.code for t in reference.needs_domains()}:
        raise Http404

    def initial(case):
        need = selectors.need_for_editing(actor=request.user, case=case, domain=domain)
        if need is None:
            return {"domain": domain}
        return {"domain": domain, "priority": need.priority, "status": need.status, "notes": need.notes,
                "version": need.version}

    return _case_form_view(
        request, case_id, section="needs", form_class=forms.NeedForm,
        title=_("Needs: %(domain)s") % {"domain": reference.label_of(reference.needs_domains(), domain)},
        submit=_("Save"), initial=initial,
        call=lambda case, data: services.save_need(
            actor=request.user, case=case, domain=domain, priority=data["priority"], status=data["status"],
            notes=data["notes"], expected_version=data.get("version")))


# --- Flags and risk ---------------------------------------------------------------------------

@login_required
def flag_add(request, case_id):
    return _case_form_view(
        request, case_id, own="case.edit", form_class=forms.FlagForm, title=_("Raise a flag"), submit=_("Raise flag"),
        intro=_("Anyone who receives the case summary sees the kind of flag; only your circle reads the reason."),
        # ``?kind=``: a page that suggests a flag (an interpreter who may know the person) picks its kind.
        initial={"review_date": timezone.localdate() + datetime.timedelta(days=30),
                 "kind": request.GET.get("kind", "")},
        call=lambda case, data: services.raise_flag(actor=request.user, case=case, **data))


@login_required
def flag_edit(request, case_id, flag_id):
    def call(case, data):
        flag = selectors.flag_or_404(actor=request.user, case=case, flag_id=flag_id)
        return services.edit_flag(actor=request.user, flag=flag, reason=data["reason"],
                                  review_date=data["review_date"], expected_version=data["version"])

    def initial(case):
        flag = selectors.flag_for_editing(actor=request.user, case=case, flag_id=flag_id)
        return {"reason": flag.reason, "review_date": flag.review_date, "version": flag.version}

    return _case_form_view(request, case_id, own="case.edit", form_class=forms.FlagEditForm,
                           title=_("Review or edit a flag"), submit=_("Save"), initial=initial, call=call)


@login_required
def flag_resolve(request, case_id, flag_id):
    def call(case, data):
        flag = selectors.flag_or_404(actor=request.user, case=case, flag_id=flag_id)
        return services.resolve_flag(actor=request.user, flag=flag, note=data["note"],
                                     expected_version=data["version"])

    def initial(case):
        return {"version": selectors.flag_or_404(actor=request.user, case=case, flag_id=flag_id).version}

    return _case_form_view(request, case_id, own="case.edit", form_class=forms.FlagResolveForm,
                           title=_("Resolve a flag"), submit=_("Resolve flag"), initial=initial, call=call)


@login_required
def risk_assess(request, case_id):
    return _case_form_view(
        request, case_id, own="case.edit", form_class=forms.RiskForm, title=_("Assess the risk"),
        submit=_("Save the assessment"),
        intro=_("Receivers of the case summary see the level; only your circle reads what it rests on."),
        initial=lambda case: {"level": case.risk_code() if case.risk_level else "", "version": case.version},
        call=lambda case, data: services.assess_risk(actor=request.user, case=case, level=data["level"],
                                                     rationale=data["rationale"], expected_version=data["version"]))


@login_required
def goal_add(request, case_id):
    return _case_form_view(
        request, case_id, section="plan", form_class=forms.GoalForm, title=_("Add a service plan goal"),
        submit=_("Add goal"),
        call=lambda case, data: services.add_goal(actor=request.user, case=case, description=data["description"]))


@login_required
def plan_action_add(request, case_id, goal_id):
    def call(case, data):
        goal = selectors.goal_or_404(case=case, goal_id=goal_id)
        return services.add_plan_action(actor=request.user, goal=goal, **data)

    return _case_form_view(request, case_id, section="plan", form_class=forms.PlanActionForm, title=_("Add an action"),
                           submit=_("Add action"), form_kwargs=lambda case: {"case": case, "actor": request.user},
                           call=call)


def _post_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _post_action(request, case, call):
    try:
        call()
    except StaleVersion as stale:
        messages.error(request, str(stale))
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    return redirect(request.POST.get("next") if request.POST.get("next") == reverse("cases:my_work")
                    else case_url(case))


@login_required
@require_POST
def plan_action_done(request, case_id, action_id):
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    action = selectors.plan_action_or_404(case=case, action_id=action_id)
    return _post_action(request, case, lambda: services.complete_plan_action(
        actor=request.user, action=action, expected_version=_post_version(request)))


@login_required
@require_POST
def goal_status(request, case_id, goal_id):
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    goal = selectors.goal_or_404(case=case, goal_id=goal_id)
    return _post_action(request, case, lambda: services.update_goal(
        actor=request.user, goal=goal, status=request.POST.get("status", ""), expected_version=_post_version(request)))


@login_required
def task_add(request, case_id):
    return _case_form_view(
        request, case_id, section="tasks", form_class=forms.TaskForm, title=_("Add a task"), submit=_("Add task"),
        form_kwargs=lambda case: {"case": case, "actor": request.user},
        initial={"due": timezone.localdate() + datetime.timedelta(days=7), "assignee": request.user.pk},
        call=lambda case, data: services.add_task(actor=request.user, case=case, **data))


@login_required
@require_POST
def task_done(request, case_id, task_id):
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    task = selectors.task_or_404(actor=request.user, case=case, task_id=task_id)
    return _post_action(request, case, lambda: services.complete_task(
        actor=request.user, task=task, expected_version=_post_version(request)))


@login_required
def note_add(request, case_id):
    return _case_form_view(
        request, case_id, section="notes", form_class=forms.NoteForm, title=_("Add a note"), submit=_("Add note"),
        call=lambda case, data: services.add_note(actor=request.user, case=case, **data))


@login_required
def safety_plan_edit(request, case_id):
    def initial(case):
        plan = selectors.safety_plan_for_reading(actor=request.user, case=case, purpose="edit form")
        if plan is None:
            return {}
        return {**{f: getattr(plan, f) for f in services.SAFETY_FIELDS}, "version": plan.version}

    return _case_form_view(
        request, case_id, section="safety_plan", form_class=forms.SafetyPlanForm, title=_("Safety plan"),
        submit=_("Save safety plan"),
        initial=initial, call=lambda case, data: services.save_safety_plan(
            actor=request.user, case=case, changes=data, expected_version=data.get("version")))


@login_required
def safety_plan_print(request, case_id):
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    plan = selectors.safety_plan_for_printing(actor=request.user, case=case)
    return render(request, "cases/safety_plan_print.html", {"case": case, "plan": plan})


@login_required
def summary_pdf(request, case_id):
    """The printable case summary (a PDF of the sections the reader may see); recorded as an export."""
    summary = selectors.case_summary_for_printing(actor=request.user, case_id=case_id)
    return summary_response(summary, reader=request.user)


@login_required
def document_upload(request, case_id):
    def call(case, data):
        upload = data["file"]
        refuse_oversized(upload)
        return services.upload_document(actor=request.user, case=case, kind=data["kind"], filename=upload.name,
                                        content=upload.read())

    return _case_form_view(request, case_id, section="documents", form_class=forms.DocumentForm,
                           title=_("Add a document"),
                           submit=_("Upload"), multipart=True, call=call)


@login_required
@require_POST
def document_link(request, case_id, document_id):
    """Issue a short-lived download link and go to it."""
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    document = selectors.document_or_404(actor=request.user, case=case, document_id=document_id)
    token = services.download_token(actor=request.user, document=document)
    return redirect(reverse("cases:document_download", args=[case.pk, document.pk]) + "?t=" + token)


@login_required
def document_download(request, case_id, document_id):
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    document = selectors.document_or_404(actor=request.user, case=case, document_id=document_id)
    if services.read_download_token(request.GET.get("t", ""), actor=request.user) != str(document.pk):
        return render(request, "cases/link_expired.html", {"case": case}, status=410)
    return document_response(actor=request.user, document=document)


# --- Emergency access review (auditors) -------------------------------------------------------

@login_required
def emergency_review_list(request):
    show_all = request.GET.get("all") == "1"
    rows = selectors.emergency_accesses(actor=request.user, unreviewed_only=not show_all)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "cases/emergency_review_list.html",
                  {"page": page, "show_all": show_all, "query": "all=1" if show_all else ""})


@login_required
def emergency_review(request, access_id):
    access = selectors.emergency_access_or_404(actor=request.user, access_id=access_id)
    form = forms.EmergencyReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _result, status = run(form, lambda: services.review_emergency_access(
                actor=request.user, access=access, review=form.cleaned_data["review"], note=form.cleaned_data["note"]))
            if status == 200:
                messages.success(request, _("Review recorded."))
                return redirect("cases:emergency_review_list")
        else:
            status = 400
    return render(request, "cases/emergency_review.html", {"access": access, "form": form}, status=status)


# --- Approvals ----------------------------------------------------------------------------------

@login_required
def approval_request(request, case_id):
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    services.require_own_scope(request.user, "case.edit", case)
    subjects = [s for s in ("needs_assessment", "service_plan")
                if services.requires_approval(case.owner_organization, s)]
    if not subjects:
        raise Http404
    return _case_form_view(
        request, case_id, form_class=forms.ApprovalRequestForm, title=_("Submit for approval"),
        submit=_("Submit for approval"), form_kwargs={"subjects": subjects},
        initial={"subject": subjects[0]},
        intro=_("A coordinator approves it or sends it back with a comment. Changing it afterwards sends it back "
                "to draft: submit it again."),
        call=lambda case, data: services.request_approval(actor=request.user, case=case, subject=data["subject"]))


@login_required
def approval_decide(request, case_id, approval_id):
    case = selectors.case_or_404(actor=request.user, case_id=case_id)
    approval = selectors.approval_or_404(actor=request.user, case=case, approval_id=approval_id)
    try:  # the service's refusal, audited, on GET as on POST
        services.require_decider(request.user, approval)
    except ValidationError as own:
        raise PermissionDenied(" ".join(own.messages)) from own
    if approval.subject == "closure" and approval.closure_id is not None:  # its page shows the reason given
        return redirect("cases:closure_decide", case_id=case.pk, request_id=approval.closure_id)
    intro = _("%(subject)s of case %(number)s, submitted by %(who)s on %(when)s. Read it on the case page before "
              "deciding.") % {"subject": approval.get_subject_display(), "number": case.number,
                              "who": approval.requested_by.full_name,
                              "when": timezone.localtime(approval.requested_at).strftime("%Y-%m-%d")}
    return _case_form_view(
        request, case_id, form_class=forms.ApprovalDecisionForm, title=_("Decide on the approval"),
        submit=_("Record decision"), intro=intro,
        call=lambda case, data: services.decide_approval(actor=request.user, approval=approval,
                                                         action=data["decision"], comment=data["comment"]))


@login_required
def approvals(request):
    """The requests waiting for the reader's decision, the oldest first."""
    selectors.require_approver(request.user)
    try:
        page = selectors.pending_approvals_page(actor=request.user, cursor=request.GET.get("cursor", ""))
    except BadCursor:
        raise Http404 from None
    return render(request, "cases/approvals.html", {"page": page, "rows": page.rows})


# --- Bulk reassignment --------------------------------------------------------------------------

@login_required
def reassign(request):
    """A departing worker's open cases and tasks to a colleague: choose, see how many, confirm."""
    require(request.user, "case.reassign_departing")
    form = forms.ReassignmentForm(request.POST or None, staff=selectors.reassignment_staff(actor=request.user),
                                  teams=selectors.reassignment_teams(actor=request.user))
    preview = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                preview = selectors.reassignment_preview(actor=request.user, departing=data["departing"],
                                                         receiver=data["receiver"], team=data["team"])
            except ValidationError as invalid:
                apply_validation_error(form, invalid)
                status = 400
            else:
                if data["confirm"]:
                    moved, status = run(form, lambda: services.reassign_departing_worker(
                        actor=request.user, departing=data["departing"], receiver=data["receiver"],
                        team=data["team"]))
                    if moved is not None:
                        messages.success(request, _(
                            "%(cases)s cases and %(tasks)s tasks moved to %(name)s. Still with the departing "
                            "worker: %(cases_left)s cases and %(tasks_left)s tasks.") % {
                            "cases": moved.cases, "tasks": moved.tasks, "name": data["receiver"].full_name,
                            "cases_left": moved.cases_left, "tasks_left": moved.tasks_left})
                        return redirect("cases:reassign")
    return render(request, "cases/reassign.html", {
        "form": form, "preview": preview, "case_limit": services.REASSIGN_CASE_LIMIT,
        "task_limit": services.REASSIGN_TASK_LIMIT}, status=status)
# --- The HTCDS trafficking profile and events -----------------------------------------------------

@login_required
def trafficking_profile_edit(request, case_id):
    def initial(case):
        profile = selectors.profile_for_editing(actor=request.user, case=case)
        if profile is None:
            return {}
        return {**{f: getattr(profile, f) for f in services.PROFILE_FIELDS}, "version": profile.version}

    return _case_form_view(
        request, case_id, section="profile", form_class=forms.TraffickingProfileForm,
        title=_("Trafficking profile (HTCDS)"), submit=_("Save profile"), initial=initial,
        intro=_("Codes of the IOM Human Trafficking Case Data Standard. Record only what the person chose to "
                "tell; leave the rest empty."),
        call=lambda case, data: services.save_trafficking_profile(
            actor=request.user, case=case, expected_version=data.get("version"),
            changes={k: data[k] for k in services.PROFILE_FIELDS}))


def _event_values(data: dict) -> dict:
    return {k: data[k] for k in services.EVENT_FIELDS if k in data}


@login_required
def trafficking_event_add(request, case_id):
    return _case_form_view(
        request, case_id, section="profile", form_class=forms.TraffickingEventForm,
        title=_("Record a trafficking event"), submit=_("Record event"),
        call=lambda case, data: services.add_trafficking_event(actor=request.user, case=case,
                                                               values=_event_values(data)))


@login_required
def trafficking_event_edit(request, case_id, event_id):
    def initial(case):
        event = selectors.trafficking_event_for_editing(actor=request.user, case=case, event_id=event_id)
        return {"type": event.type, "date": event.date_text(), "city": event.city, "state": event.state,
                "country": event.country, "description": event.description, "version": event.version}

    def call(case, data):
        event = selectors.trafficking_event_or_404(actor=request.user, case=case, event_id=event_id)
        return services.update_trafficking_event(actor=request.user, event=event, changes=_event_values(data),
                                                 expected_version=data.get("version") or -1)

    return _case_form_view(request, case_id, section="profile", form_class=forms.TraffickingEventForm,
                           title=_("Edit a trafficking event"), submit=_("Save event"), initial=initial, call=call)


@login_required
def trafficking_event_remove(request, case_id, event_id):
    def call(case, data):
        event = selectors.trafficking_event_or_404(actor=request.user, case=case, event_id=event_id)
        return services.remove_trafficking_event(actor=request.user, event=event)

    def initial(case):
        selectors.trafficking_event_or_404(actor=request.user, case=case, event_id=event_id)  # 404 for another's
        return {}

    return _case_form_view(request, case_id, section="profile", form_class=forms.RemoveForm,
                           title=_("Remove a trafficking event"), submit=_("Remove event"), danger=True,
                           intro=_("Remove an event only if it was recorded in error. The timeline keeps that "
                                   "it was removed."), initial=initial, call=call)
