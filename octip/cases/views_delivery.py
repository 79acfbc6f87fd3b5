"""Pages for services delivered, follow-ups, the follow-up cadence and a plan action's due date.

Thin, like ``views``: each is a form over one service (``views._case_form_view``, which checks the
section before anything is read: a 404 without it). A delivery, a follow-up and the cadence are changed
only within the case's own scope (``own``): a receiver given the ``services`` or ``follow_ups`` section
reads them on the case page and is refused these forms, on GET as on POST. A plan action's due date is
the plan's, like adding an action: a receiver given the ``plan`` section (with ``case.edit``) may change
it (``services.change_plan_action_due``'s ``require_section``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from octip.core.interpretation import interpretation_initial, warn_if_may_know

from . import forms_delivery, selectors, services
from .views import _case_form_view


@login_required
def delivery_add(request: HttpRequest, case_id) -> HttpResponse:
    return _case_form_view(
        request, case_id, section="services", own="case.edit", form_class=forms_delivery.ServiceDeliveryForm,
        title=_("Record a service delivered"), submit=_("Record the service"),
        form_kwargs={"actor": request.user}, initial={"status": "in_progress"},
        call=lambda case, data: services.add_service_delivery(
            actor=request.user, case=case, **{k: v for k, v in data.items() if k != "version"}))


@login_required
def delivery_edit(request: HttpRequest, case_id, delivery_id: int) -> HttpResponse:
    def initial(case):
        delivery = selectors.delivery_for_editing(actor=request.user, case=case, delivery_id=delivery_id)
        return {"domain": delivery.domain, "taxonomy_term": delivery.taxonomy_term_id,
                "provider_organization": delivery.provider_organization_id,
                "provider_service": delivery.provider_service_id, "status": delivery.status,
                "started_on": delivery.started_on, "ended_on": delivery.ended_on, "notes": delivery.notes,
                "version": delivery.version}

    def call(case, data):
        delivery = selectors.delivery_or_404(actor=request.user, case=case, delivery_id=delivery_id)
        version = data.pop("version")
        return services.update_service_delivery(actor=request.user, delivery=delivery,
                                                expected_version=version if version is not None else -1, **data)

    return _case_form_view(
        request, case_id, section="services", own="case.edit", form_class=forms_delivery.ServiceDeliveryForm,
        title=_("Edit a service delivered"), submit=_("Save"), form_kwargs={"actor": request.user},
        initial=initial, call=call,
        intro=_("To end the service, choose how it ended (delivered, ended early, declined, not provided) and its "
                "end date."))


@login_required
def follow_up_add(request: HttpRequest, case_id) -> HttpResponse:
    return _case_form_view(
        request, case_id, section="follow_ups", own="case.edit", form_class=forms_delivery.FollowUpForm,
        title=_("Record a follow-up"), submit=_("Record the follow-up"),
        call=lambda case, data: _warned(request, services.record_follow_up(
            actor=request.user, case=case, **{k: v for k, v in data.items() if k != "version"})))


@login_required
def follow_up_edit(request: HttpRequest, case_id, follow_up_id: int) -> HttpResponse:
    def initial(case):
        follow_up = selectors.follow_up_for_editing(actor=request.user, case=case, follow_up_id=follow_up_id)
        return {"contacted_on": follow_up.contacted_on, "mode": follow_up.mode, "with_whom": follow_up.with_whom,
                "with_whom_detail": follow_up.with_whom_detail, "note": follow_up.note,
                "version": follow_up.version, **interpretation_initial(follow_up)}

    def call(case, data):
        follow_up = selectors.follow_up_or_404(actor=request.user, case=case, follow_up_id=follow_up_id)
        version = data.pop("version")
        return _warned(request, services.update_follow_up(
            actor=request.user, follow_up=follow_up, expected_version=version if version is not None else -1, **data))

    return _case_form_view(
        request, case_id, section="follow_ups", own="case.edit", form_class=forms_delivery.FollowUpForm,
        title=_("Edit a follow-up"), submit=_("Save"), initial=initial, call=call)


@login_required
def follow_up_cadence(request: HttpRequest, case_id) -> HttpResponse:
    def initial(case):
        schedule = selectors.follow_up_schedule_of(actor=request.user, case=case)
        return {"every_days": schedule.every_days if schedule else None}

    return _case_form_view(
        request, case_id, section="follow_ups", own="case.edit", form_class=forms_delivery.FollowUpCadenceForm,
        title=_("Follow-up cadence"), submit=_("Save"), initial=initial,
        intro=_("The case's worker gets a task for the next follow-up, due this many days after the last one."),
        call=lambda case, data: services.set_follow_up_cadence(actor=request.user, case=case,
                                                               every_days=data["every_days"]))


@login_required
def plan_action_due(request: HttpRequest, case_id, action_id: int) -> HttpResponse:
    def initial(case):
        action = selectors.plan_action_or_404(case=case, action_id=action_id)
        return {"due": action.due, "version": action.version}

    def call(case, data):
        action = selectors.plan_action_or_404(case=case, action_id=action_id)
        return services.change_plan_action_due(actor=request.user, action=action, due=data["due"],
                                               expected_version=data["version"])

    return _case_form_view(
        request, case_id, section="plan", form_class=forms_delivery.PlanActionDueForm,
        title=_("Change the due date"), submit=_("Save"), initial=initial, call=call)


def _warned(request: HttpRequest, follow_up):
    """The saved follow-up, after the warning when its interpreter may know the person or the trafficker."""
    warn_if_may_know(request, follow_up)
    return follow_up
