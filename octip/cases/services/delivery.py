"""Services delivered, follow-ups, and the tasks that plan-action due dates and a follow-up cadence
generate (issue 16, ``docs/casework-services.md``).

Who writes here:

- The owning circle records, edits and ends a delivery, records a follow-up and sets the cadence
  (``require_own_scope``: a grant opens the ``services`` and ``follow_ups`` sections to read, never to
  write; the case's worker decides what the person receives).
- ``record_service_from_referral`` is called only by the referral status engine
  (``referrals.services.referrals``), in the transaction of an accepted, completed, closed or revoked
  referral: the decision was taken and checked there (the receiver's side, its permission, the status
  in the UPDATE's WHERE clause), so it records, and checks nothing again.
- ``create_due_follow_up_tasks`` is the daily job (``cases.tasks``).

Every write is audited and on the timeline (``timeline.happened``); the kinds belong to the
``services`` and ``follow_ups`` sections (``timeline.SECTION_OF_KIND``), so a reader without them is
not told of them. Parameters carry codes only: notes and names stay encrypted on the rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core import interpretation
from octip.core.access import Actor, allows
from octip.core.bounds import refuse_out_of_range
from octip.core.versioning import save_versioned
from octip.directory.models import Attribute, Service, TaxonomyTerm
from octip.partners.models import Organization, User

from .. import notices, reference
from ..interpretation import record_interpreter_may_know
from ..models import (
    DELIVERY_ENDED,
    Case,
    DeliveryStatus,
    FollowUp,
    FollowUpMode,
    FollowUpSchedule,
    FollowUpWith,
    PlanAction,
    PlanActionTask,
    ServiceDelivery,
    Stage,
    Task,
)
from ..sharing import refuse_if_closed, require_own_scope, require_section
from ..timeline import Kind, happened

#: What a referral's change of status does to the delivery it made: accepting starts the service,
#: completing delivers it, closing without service or revoking after acceptance ends it. Data, not ifs.
REFERRAL_OUTCOMES: dict[str, str] = {
    "accept": DeliveryStatus.IN_PROGRESS,
    "complete": DeliveryStatus.DELIVERED,
    "close": DeliveryStatus.NOT_PROVIDED,
    "revoke": DeliveryStatus.ENDED_EARLY,
}
#: The actions that create the delivery when the referral has none yet (one accepted before deliveries
#: were recorded): a revoke or a close of a referral never taken on delivered nothing.
_CREATING_ACTIONS = frozenset({"accept", "complete"})

#: The longest cadence accepted (a year): beyond it, a follow-up task is no reminder.
MAX_CADENCE_DAYS = 366
MAX_NOTE = 10000


# --- Services delivered -------------------------------------------------------------------------

def _service_term(service: Service | None) -> TaxonomyTerm | None:
    """The first HSDS taxonomy term the directory links ``service`` to (not the OCTIP extension terms)."""
    if service is None:
        return None
    attribute = (Attribute.objects.filter(link_id=service.pk, taxonomy_term__isnull=False)
                 .exclude(link_type="octip_extension").select_related("taxonomy_term").order_by("pk").first())
    return attribute.taxonomy_term if attribute is not None else None


def _domain_of_term(term: TaxonomyTerm | None) -> str:
    """A need domain whose code the term's code names, else "" (the worker sets it)."""
    codes = {t.code for t in reference.needs_domains()}
    return term.code if term is not None and term.code in codes else ""


@transaction.atomic
def record_service_from_referral(*, actor: Actor, referral: Any, action: str) -> ServiceDelivery | None:
    """What the referral's ``action`` means for the service the person receives: the delivery the
    referral made is created (once: one per referral, whoever races) or moved to the status of
    ``REFERRAL_OUTCOMES``. Called only by the referral status engine, in its transaction (see the
    module's docstring); returns the delivery, or None when the action delivers nothing."""
    status = REFERRAL_OUTCOMES.get(action)
    if status is None:
        return None
    today = timezone.localdate()
    delivery = ServiceDelivery.objects.select_for_update().filter(source_referral_id=referral.pk).first()
    created = False
    if delivery is None:
        if action not in _CREATING_ACTIONS:
            return None
        service = referral.service if referral.service_id else None
        term = _service_term(service)
        values = {"case_id": referral.case_id, "source_referral_id": referral.pk, "status": status,
                  "provider_service": service, "provider_organization": None if service else referral.to_organization,
                  "taxonomy_term": term, "domain": _domain_of_term(term), "started_on": today,
                  "ended_on": today if status in DELIVERY_ENDED else None, "created_by": actor}
        try:
            with transaction.atomic():
                delivery = ServiceDelivery.objects.create(**values)
                created = True
        except IntegrityError:
            # Someone recorded it a moment ago (the one-to-one on the referral): take theirs.
            delivery = ServiceDelivery.objects.select_for_update().get(source_referral_id=referral.pk)
    if not created:
        if delivery.status == status:
            return delivery
        delivery.status = status
        if status in DELIVERY_ENDED and delivery.ended_on is None:
            delivery.ended_on = today
        # The engine holds the referral's row and this one locked: a plain versioned update.
        ServiceDelivery.objects.filter(pk=delivery.pk).update(status=status, ended_on=delivery.ended_on,
                                                              version=F("version") + 1, updated_at=timezone.now())
        delivery.refresh_from_db()
    happened(actor=actor, case=referral.case, kind=Kind.SERVICE_RECORDED if created else Kind.SERVICE_UPDATED,
             concerns=referral.to_organization,
             params={"variant": "referral", "org": referral.to_organization.name,
                     "status": ("delivery_status", status)},
             detail={"delivery_id": delivery.pk, "referral_id": str(referral.pk)},
             audit_action="case.service_recorded" if created else "case.service_updated", audit_target=delivery,
             audit_detail={"case_id": str(referral.case_id), "referral_id": str(referral.pk), "status": status,
                           "action": action})
    return delivery


def _clean_delivery(*, case: Case, domain: str, status: str, started_on: datetime.date | None,
                    ended_on: datetime.date | None, provider_organization: Organization | None,
                    provider_service: Service | None, notes: str) -> dict[str, Any]:
    """The delivery's values, or a ValidationError naming every field at fault (nothing is written)."""
    refuse_out_of_range(started_on=started_on, ended_on=ended_on)
    errors: dict[str, str] = {}
    if domain and domain not in {t.code for t in reference.needs_domains()}:
        errors["domain"] = _("Unknown needs domain.")
    if status not in DeliveryStatus.values:
        errors["status"] = _("Choose a status.")
    if (provider_organization is None) == (provider_service is None):
        errors["provider_organization"] = _("Choose one provider: a partner organization or a directory service, "
                                            "not both and not neither.")
    if provider_organization is not None and not provider_organization.is_active:
        errors["provider_organization"] = _("This organization is no longer active on the platform.")
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = _("The end date cannot be before the start date.")
    if status in DELIVERY_ENDED and status != DeliveryStatus.DECLINED and not ended_on:
        errors["ended_on"] = _("Give the date the service ended.")
    if status == DeliveryStatus.IN_PROGRESS and not started_on:
        errors["started_on"] = _("Give the date the service started.")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTE:
        errors["notes"] = _("The notes are too long.")
    if errors:
        raise ValidationError(errors)
    return {"domain": domain, "status": status, "started_on": started_on, "ended_on": ended_on,
            "provider_organization": provider_organization, "provider_service": provider_service, "notes": notes}


def _concerns(delivery: ServiceDelivery) -> Organization | None:
    """The organization a delivery's own timeline entry concerns, so that a reader outside the owning
    circle reads of it exactly when ``selectors.deliveries_visible_to`` shows them the delivery: the
    organization its referral went to, else its provider when that is a partner other than the case's
    own (an organization, or the partner stewarding a directory service); None for the rest."""
    if delivery.source_referral is not None:
        return delivery.source_referral.to_organization
    steward = delivery.provider_service.partner_organization if delivery.provider_service is not None else None
    for organization in (delivery.provider_organization, steward):
        if organization is not None and organization.pk != delivery.case.owner_organization_id:
            return organization
    return None


@transaction.atomic
def add_service_delivery(*, actor: User, case: Case, status: str, domain: str = "",
                         taxonomy_term: TaxonomyTerm | None = None,
                         provider_organization: Organization | None = None, provider_service: Service | None = None,
                         started_on: datetime.date | None = None, ended_on: datetime.date | None = None,
                         notes: str = "") -> ServiceDelivery:
    """Record a service the person receives (the owning circle). Exactly one provider."""
    require_own_scope(actor, "case.edit", case)
    refuse_if_closed(case)
    values = _clean_delivery(case=case, domain=domain, status=status, started_on=started_on, ended_on=ended_on,
                             provider_organization=provider_organization, provider_service=provider_service,
                             notes=notes)
    delivery = ServiceDelivery.objects.create(case=case, taxonomy_term=taxonomy_term, created_by=actor, **values)
    happened(actor=actor, case=case, kind=Kind.SERVICE_RECORDED, concerns=_concerns(delivery),
             params={"variant": "own", "status": ("delivery_status", values["status"])},
             detail={"delivery_id": delivery.pk}, audit_action="case.service_recorded", audit_target=delivery,
             audit_detail={"case_id": str(case.pk), "status": values["status"], "domain": values["domain"]})
    return delivery


_DELIVERY_FIELDS = ["domain", "taxonomy_term", "provider_organization", "provider_service", "started_on",
                    "ended_on", "status", "notes"]


@transaction.atomic
def update_service_delivery(*, actor: User, delivery: ServiceDelivery, expected_version: int, status: str,
                            domain: str = "", taxonomy_term: TaxonomyTerm | None = None,
                            provider_organization: Organization | None = None,
                            provider_service: Service | None = None, started_on: datetime.date | None = None,
                            ended_on: datetime.date | None = None, notes: str | None = None) -> ServiceDelivery:
    """Edit a delivery (the owning circle), with its version: a change made meanwhile is refused.
    ``notes=None`` keeps the notes as they are. Ending it is an edit to an ended status with its date."""
    case = delivery.case
    require_own_scope(actor, "case.edit", case)
    values = _clean_delivery(case=case, domain=domain, status=status, started_on=started_on, ended_on=ended_on,
                             provider_organization=provider_organization, provider_service=provider_service,
                             notes=delivery.notes if notes is None else notes)
    values["taxonomy_term"] = taxonomy_term
    original = {name: getattr(delivery, name) for name in _DELIVERY_FIELDS}
    for name, value in values.items():
        setattr(delivery, name, value)
    delivery.updated_at = timezone.now()
    save_versioned(delivery, expected_version=expected_version, fields=[*_DELIVERY_FIELDS, "updated_at"],
                   original=original)
    happened(actor=actor, case=case, kind=Kind.SERVICE_UPDATED, concerns=_concerns(delivery),
             params={"variant": "own", "status": ("delivery_status", values["status"])},
             detail={"delivery_id": delivery.pk}, audit_action="case.service_updated", audit_target=delivery,
             audit_detail={"case_id": str(case.pk), "status": values["status"], "domain": values["domain"]})
    return delivery


@transaction.atomic
def end_service_delivery(*, actor: User, delivery: ServiceDelivery, expected_version: int, status: str,
                         ended_on: datetime.date | None = None) -> ServiceDelivery:
    """End a delivery: delivered, ended early, declined or not provided, on ``ended_on`` (today by default)."""
    if status not in DELIVERY_ENDED:
        raise ValidationError({"status": _("Choose how the service ended.")})
    return update_service_delivery(
        actor=actor, delivery=delivery, expected_version=expected_version, status=status, domain=delivery.domain,
        taxonomy_term=delivery.taxonomy_term, provider_organization=delivery.provider_organization,
        provider_service=delivery.provider_service, started_on=delivery.started_on,
        ended_on=ended_on or timezone.localdate(), notes=None)


# --- Follow-ups -----------------------------------------------------------------------------------

def _clean_follow_up(*, contacted_on: datetime.date | None, mode: str, with_whom: Iterable[str],
                     with_whom_detail: str, note: str) -> dict[str, Any]:
    refuse_out_of_range(contacted_on=contacted_on)
    errors: dict[str, str] = {}
    if contacted_on is None:
        errors["contacted_on"] = _("Give the date of the contact.")
    elif contacted_on > timezone.localdate():
        errors["contacted_on"] = _("A follow-up is recorded once it happened: the date cannot be in the future.")
    if mode not in FollowUpMode.values:
        errors["mode"] = _("Choose how the contact was made.")
    if isinstance(with_whom, str):
        with_whom = [with_whom]
    whom = sorted(set(with_whom or []))
    if not whom:
        errors["with_whom"] = _("Say with whom the contact was.")
    elif set(whom) - set(FollowUpWith.values):
        errors["with_whom"] = _("Choose from the list.")
    with_whom_detail, note = (with_whom_detail or "").strip(), (note or "").strip()
    if len(with_whom_detail) > 200:
        errors["with_whom_detail"] = _("Keep the details under 200 characters.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("The note is too long.")
    if errors:
        raise ValidationError(errors)
    return {"contacted_on": contacted_on, "mode": mode, "with_whom": whom, "with_whom_detail": with_whom_detail,
            "note": note}


@transaction.atomic
def record_follow_up(*, actor: User, case: Case, contacted_on: datetime.date | None, mode: str,
                     with_whom: Iterable[str], with_whom_detail: str = "", note: str = "",
                     **interpreter: Any) -> FollowUp:
    """Record a contact with or about the person (the owning circle), with its interpreter (``interpreter``:
    the fields of ``core.interpretation``; one who may know the person or the trafficker also puts a
    restricted entry on the timeline). With a follow-up cadence, the open follow-up task is done and the
    next one is due ``every_days`` after this contact."""
    require_own_scope(actor, "case.edit", case)
    refuse_if_closed(case)
    values = _clean_follow_up(contacted_on=contacted_on, mode=mode, with_whom=with_whom,
                              with_whom_detail=with_whom_detail, note=note)
    values.update(_clean_interpreter(interpreter))
    follow_up = FollowUp.objects.create(case=case, recorded_by=actor, **values)
    happened(actor=actor, case=case, kind=Kind.FOLLOW_UP_RECORDED, params={"mode": ("follow_up_mode", mode)},
             detail={"follow_up_id": follow_up.pk}, audit_action="case.follow_up_recorded", audit_target=follow_up,
             audit_detail={"case_id": str(case.pk), "mode": mode, "with_whom": values["with_whom"],
                           **interpretation.audit_detail(values)})
    if follow_up.interpreter_may_know:
        record_interpreter_may_know(actor=actor, case=case, variant="follow_up", detail={"follow_up_id": follow_up.pk})
    _next_follow_up_task(actor=actor, case=case, done_by=actor)
    return follow_up


def _clean_interpreter(interpreter: dict[str, Any]) -> dict[str, Any]:
    unknown = set(interpreter) - set(interpretation.FIELDS)
    if unknown:
        raise TypeError(f"unexpected follow-up fields: {sorted(unknown)}")
    return interpretation.clean_interpretation(interpreter)


_FOLLOW_UP_FIELDS = ["contacted_on", "mode", "with_whom", "with_whom_detail", "note", *interpretation.FIELDS]


@transaction.atomic
def update_follow_up(*, actor: User, follow_up: FollowUp, expected_version: int, contacted_on: datetime.date | None,
                     mode: str, with_whom: Iterable[str], with_whom_detail: str = "",
                     note: str | None = None, **interpreter: Any) -> FollowUp:
    """Correct a recorded follow-up (the owning circle), with its version. ``note=None`` keeps it; the
    interpreter fields left out keep their values (those given replace theirs)."""
    case = follow_up.case
    require_own_scope(actor, "case.edit", case)
    values = _clean_follow_up(contacted_on=contacted_on, mode=mode, with_whom=with_whom,
                              with_whom_detail=with_whom_detail, note=follow_up.note if note is None else note)
    before = interpretation.interpretation_values(follow_up)
    values.update(_clean_interpreter({**before, **interpreter}))
    original = {name: getattr(follow_up, name) for name in _FOLLOW_UP_FIELDS}
    for name, value in values.items():
        setattr(follow_up, name, value)
    save_versioned(follow_up, expected_version=expected_version, fields=_FOLLOW_UP_FIELDS, original=original)
    happened(actor=actor, case=case, kind=Kind.FOLLOW_UP_UPDATED, detail={"follow_up_id": follow_up.pk},
             audit_action="case.follow_up_updated", audit_target=follow_up,
             audit_detail={"case_id": str(case.pk), "mode": mode,
                           "interpreter_fields": interpretation.changed_fields(before, values),
                           **interpretation.audit_detail(values)})
    if follow_up.interpreter_may_know and not interpretation.may_know(before):
        record_interpreter_may_know(actor=actor, case=case, variant="follow_up", detail={"follow_up_id": follow_up.pk})
    return follow_up


@transaction.atomic
def set_follow_up_cadence(*, actor: User, case: Case, every_days: int | None) -> FollowUpSchedule | None:
    """Follow up with the person every ``every_days`` days (None or 0: no cadence). The next
    follow-up task is made now (due ``every_days`` after the last follow-up, or after today)."""
    require_own_scope(actor, "case.edit", case)
    refuse_if_closed(case)
    if every_days is not None and not isinstance(every_days, int):
        raise ValidationError({"every_days": _("Give a number of days.")})
    if every_days and not 1 <= every_days <= MAX_CADENCE_DAYS:
        raise ValidationError({"every_days": _("Give a number of days between 1 and %(max)s.")
                               % {"max": MAX_CADENCE_DAYS}})
    schedule = FollowUpSchedule.objects.select_for_update(of=("self",)).filter(case=case).first()
    if not every_days:
        if schedule is None:
            return None
        if schedule.next_task_id and schedule.next_task and schedule.next_task.done_at is None:
            _finish_task(schedule.next_task, actor)
        schedule.delete()
        happened(actor=actor, case=case, kind=Kind.FOLLOW_UP_CADENCE, params={"variant": "removed"},
                 audit_action="case.follow_up_cadence_set", audit_detail={"every_days": None})
        return None
    if schedule is None:
        schedule = FollowUpSchedule.objects.create(case=case, every_days=every_days, set_by=actor)
    else:
        schedule.every_days, schedule.set_by, schedule.set_at = every_days, actor, timezone.now()
        schedule.save(update_fields=["every_days", "set_by", "set_at"])
    happened(actor=actor, case=case, kind=Kind.FOLLOW_UP_CADENCE, params={"variant": "set", "days": every_days},
             audit_action="case.follow_up_cadence_set", audit_detail={"every_days": every_days})
    schedule.next_task = _next_follow_up_task(actor=actor, case=case, done_by=None)
    return schedule


# --- Generated tasks ------------------------------------------------------------------------------

def _worker_of(case: Case, proposed: User | None = None) -> User | None:
    """Who a generated task goes to: ``proposed`` (a plan action's owner) if they still see the case,
    else the case's worker if they do, else nobody (the owning team's list shows it)."""
    for user in (proposed, case.owner_worker):
        if user is not None and user.is_active and allows(user, "case.view", case):
            return user
    return None


def _finish_task(task: Task, actor: User | None) -> None:
    Task.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now(), done_by=actor,
                                                                 version=F("version") + 1)


def _create_task(*, actor: User | None, case: Case, title: str, due: datetime.date, assignee: User | None,
                 section: str) -> Task:
    task = Task.objects.create(case=case, title=title[:300], due=due, assignee=assignee, team=case.owner_team,
                               created_by=actor, section=section)
    happened(actor=actor, case=case, kind=Kind.TASK_ADDED, detail={"task_id": task.pk, "generated": section})
    if actor is not None:  # the daily job's tasks are told by the task reminders when due
        notices.task_assigned(actor=actor, task=task)
    return task


def sync_plan_action_task(*, actor: User | None, action: PlanAction) -> Task | None:
    """Keep the one task of a plan action in step with it: made when it has a due date, moved with
    the due date, done when the action is done (or has no due date any more). Idempotent; called by
    the plan services in their transaction, after their own permission check."""
    link = PlanActionTask.objects.select_for_update(of=("self",)).filter(action=action).select_related("task").first()
    task = link.task if link is not None else None
    if action.done_at is not None or action.due is None:
        if task is not None and task.done_at is None:
            _finish_task(task, actor)
        return task
    if task is None:
        case = action.goal.case
        if case.stage == Stage.CLOSED:
            return None
        task = _create_task(actor=actor, case=case, due=action.due, assignee=_worker_of(case, action.owner),
                            section="plan", title=_("Service plan action due: %(action)s")
                            % {"action": action.description[:240]})
        try:
            with transaction.atomic():
                PlanActionTask.objects.create(action=action, task=task)
        except IntegrityError:  # made a moment ago by someone else: keep theirs, drop ours
            Task.objects.filter(pk=task.pk).delete()
            return PlanActionTask.objects.get(action=action).task
        return task
    if task.due != action.due or task.done_at is not None:
        Task.objects.filter(pk=task.pk).update(due=action.due, done_at=None, done_by=None, version=F("version") + 1)
        task.refresh_from_db()
    return task


@transaction.atomic
def change_plan_action_due(*, actor: User, action: PlanAction, due: datetime.date | None,
                           expected_version: int) -> PlanAction:
    """Move (or clear) a plan action's due date; its task follows."""
    case = action.goal.case
    require_section(actor, "case.edit", case, "plan")
    refuse_if_closed(case)
    refuse_out_of_range(due=due)
    if action.done_at is not None:
        raise ValidationError(_("This action is already done."))
    original = {"due": action.due}
    action.due = due
    save_versioned(action, expected_version=expected_version, fields=["due"], original=original)
    happened(actor=actor, case=case, kind=Kind.PLAN_ACTION_DUE_CHANGED,
             audit_detail={"action_id": action.pk, "due": due.isoformat() if due else None})
    sync_plan_action_task(actor=actor, action=action)
    return action


def _last_contact(case: Case) -> datetime.date | None:
    return FollowUp.objects.filter(case=case).order_by("-contacted_on").values_list("contacted_on", flat=True).first()


def _next_follow_up_task(*, actor: User | None, case: Case, done_by: User | None) -> Task | None:
    """After a follow-up (``done_by`` its recorder) or a new cadence: the open follow-up task is done
    (after a follow-up) or moved, and the next is due ``every_days`` after the last contact."""
    # ``of``: PostgreSQL locks no row of the nullable side of an outer join (the next task).
    schedule = (FollowUpSchedule.objects.select_for_update(of=("self",)).filter(case=case)
                .select_related("next_task").first())
    if schedule is None or case.stage == Stage.CLOSED:
        return None
    last = _last_contact(case)
    due = (last or timezone.localdate()) + datetime.timedelta(days=schedule.every_days)
    task = schedule.next_task
    if task is not None and task.done_at is None:
        if done_by is None:  # a new cadence: the open task moves to the new date
            Task.objects.filter(pk=task.pk).update(due=due, version=F("version") + 1)
            return task
        _finish_task(task, done_by)
    task = _create_task(actor=actor, case=case, due=due, assignee=_worker_of(case), section="follow_ups",
                        title=_("Follow up with the person (every %(days)s days)") % {"days": schedule.every_days})
    schedule.next_task = task
    schedule.save(update_fields=["next_task"])
    return task


def create_due_follow_up_tasks(*, today: datetime.date | None = None) -> int:
    """The daily job: for each open case whose cadence is due (the last contact, or the cadence's
    start, is ``every_days`` old or more) and which has no open follow-up task, make one. Safe to run
    twice: the schedule row is locked and its open task found. Returns how many tasks were made."""
    today = today or timezone.localdate()
    made = 0
    candidates = (FollowUpSchedule.objects.exclude(case__stage=Stage.CLOSED)
                  .filter(next_task__isnull=True).values_list("pk", flat=True)
                  .union(FollowUpSchedule.objects.exclude(case__stage=Stage.CLOSED)
                         .filter(next_task__done_at__isnull=False).values_list("pk", flat=True)))
    for pk in sorted(candidates):
        with transaction.atomic():
            schedule = (FollowUpSchedule.objects.select_for_update(of=("self",))
                        .select_related("case__owner_worker", "next_task").filter(pk=pk).first())
            if schedule is None or (schedule.next_task is not None and schedule.next_task.done_at is None):
                continue
            case = schedule.case
            since = _last_contact(case) or timezone.localdate(schedule.set_at)
            due = since + datetime.timedelta(days=schedule.every_days)
            if due > today:
                continue
            task = _create_task(actor=None, case=case, due=due, assignee=_worker_of(case), section="follow_ups",
                                title=_("Follow up with the person (every %(days)s days)")
                                % {"days": schedule.every_days})
            schedule.next_task = task
            schedule.save(update_fields=["next_task"])
            made += 1
    return made
