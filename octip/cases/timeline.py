"""The case timeline: what happened to a case, told to whoever may read its timeline section.

One writer: ``record`` (``happened`` audits the event and records it; ``build`` and ``record_all``
seed demo data in bulk). An entry stores its ``kind`` (one of ``Kind``) and plain parameters. Its
words are rendered when it is read, in the reader's language, from the kind's message below:
nothing is stored in the writer's language. A parameter is a plain value (a number, a partner's
name) or a ``(label kind, code)`` pair, shown by the label of ``code`` in the reader's language. Never
put identifying values (a person's name, a free-text recipient) in parameters or detail.

Who reads an entry is data on the entry, so that ``cases.selectors.timeline`` filters in one query
and knows nothing of consent or referrals: ``concerns`` names the organization the entry tells of
(the receiver of a referral or transfer, the organization of a disclosure or consent), and
``restricted`` keeps the entry within the owning circle (a restricted note; sharing with someone off
the platform; a consent that names no partner).

Label kinds of other apps (consent scopes, referral statuses...) are registered by those apps with
``register_labels`` in their ``AppConfig.ready``: ``cases`` imports none of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from octip.core import audit

from . import reference
from .models import (
    ApprovalSubject,
    Case,
    ClosureOutcome,
    DeliveryStatus,
    DocumentKind,
    FollowUpMode,
    GoalStatus,
    NeedStatus,
    ReportOffice,
    Stage,
    TimelineEntry,
    Track,
    risk_label,
)

if TYPE_CHECKING:
    from octip.partners.models import Organization


class Kind(models.TextChoices):
    """Every kind of timeline entry. The values are the kinds stored since the first release (the API
    shows them, and audit actions share most of them): never rename one."""

    CASE_OPENED = "case.opened"
    CASE_UPDATED = "case.updated"
    PERSON_UPDATED = "person.updated"
    CASE_ASSIGNED = "case.assigned"
    STAGE_CHANGED = "case.stage_changed"
    CLOSURE_REQUESTED = "case.closure_requested"
    CLOSURE_APPROVED = "case.closure_approved"
    CLOSURE_REJECTED = "case.closure_rejected"
    CASE_REOPENED = "case.reopened"
    NEED_SAVED = "case.need_saved"
    GOAL_ADDED = "case.goal_added"
    GOAL_UPDATED = "case.goal_updated"
    PLAN_ACTION_ADDED = "case.plan_action_added"
    PLAN_ACTION_DONE = "case.plan_action_done"
    TASK_ADDED = "case.task_added"
    TASK_DONE = "case.task_done"
    NOTE_ADDED = "case.note_added"
    SAFETY_PLAN_SAVED = "case.safety_plan_saved"
    DOCUMENT_UPLOADED = "case.document_uploaded"
    EMERGENCY_ACCESS = "case.emergency_access"
    DUTY_TO_REPORT_REQUIRED = "youth.duty_to_report_required"
    DUTY_TO_REPORT_RECORDED = "youth.duty_to_report_recorded"
    YOUTH_PROFILE_UPDATED = "youth.profile_updated"
    CONSENT_GIVEN = "consent_given"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    DISCLOSURE = "disclosure"
    REFERRAL_SENT = "referral.sent"
    REFERRAL_ACCEPTED = "referral.accepted"
    REFERRAL_DECLINED = "referral.declined"
    REFERRAL_COMPLETED = "referral.completed"
    REFERRAL_CLOSED_WITHOUT_SERVICE = "referral.closed_without_service"
    REFERRAL_REVOKED = "referral.revoked"
    REFERRAL_ACCESS_ENDED = "referral.access_ended"
    TRANSFER_SENT = "transfer.sent"
    TRANSFER_ACCEPTED = "transfer.accepted"
    TRANSFER_DECLINED = "transfer.declined"
    TRANSFER_REVOKED = "transfer.revoked"
    SECURE_EXPORT = "export.secure"
    POLICE_CONTACT = "justice.police_contact"
    POLICE_ACCESS_ENDED = "justice.police_access_ended"
    POLICE_CHOICE = "justice.police_choice"
    JUSTICE_RECORDED = "justice.recorded"
    SITUATION_LINKED = "situation.case_linked"
    SITUATION_UNLINKED = "situation.case_unlinked"
    FLAG_RAISED = "case.flag_raised"
    FLAG_UPDATED = "case.flag_updated"
    FLAG_RESOLVED = "case.flag_resolved"
    RISK_ASSESSED = "case.risk_assessed"
    SERVICE_RECORDED = "case.service_recorded"
    SERVICE_UPDATED = "case.service_updated"
    FOLLOW_UP_RECORDED = "case.follow_up_recorded"
    FOLLOW_UP_UPDATED = "case.follow_up_updated"
    FOLLOW_UP_CADENCE = "case.follow_up_cadence"
    PLAN_ACTION_DUE_CHANGED = "case.plan_action_due_changed"
    APPROVAL_REQUESTED = "case.approval_requested"
    APPROVAL_APPROVED = "case.approval_approved"
    APPROVAL_REJECTED = "case.approval_rejected"
    APPROVAL_SUPERSEDED = "case.approval_superseded"
    CLOSED_WITHOUT_APPROVAL = "case.closed_without_approval"
    CASE_REASSIGNED = "case.reassigned"
    TRAFFICKING_PROFILE_SAVED = "case.trafficking_profile_saved"
    TRAFFICKING_EVENT_ADDED = "case.trafficking_event_added"
    TRAFFICKING_EVENT_UPDATED = "case.trafficking_event_updated"
    TRAFFICKING_EVENT_REMOVED = "case.trafficking_event_removed"
    INTERPRETER_MAY_KNOW = "case.interpreter_may_know"


#: Entries that tell of a section's content, readable only by whoever may see that section (a reader
#: without the justice section, or whose role lacks ``justice.view``, is not told about charges).
SECTION_OF_KIND: dict[str, str] = {
    Kind.POLICE_CONTACT: "justice", Kind.POLICE_ACCESS_ENDED: "justice", Kind.POLICE_CHOICE: "justice",
    Kind.JUSTICE_RECORDED: "justice",
    # A flag's kind and the risk level are the summary's: a reader of the timeline alone is not told.
    Kind.FLAG_RAISED: "summary", Kind.FLAG_UPDATED: "summary", Kind.FLAG_RESOLVED: "summary",
    Kind.RISK_ASSESSED: "summary",
    Kind.SERVICE_RECORDED: "services", Kind.SERVICE_UPDATED: "services",
    Kind.FOLLOW_UP_RECORDED: "follow_ups", Kind.FOLLOW_UP_UPDATED: "follow_ups", Kind.FOLLOW_UP_CADENCE: "follow_ups",
    # The HTCDS profile's entries tell of recruitment and exploitation: readers of the profile only.
    Kind.TRAFFICKING_PROFILE_SAVED: "profile", Kind.TRAFFICKING_EVENT_ADDED: "profile",
    Kind.TRAFFICKING_EVENT_UPDATED: "profile", Kind.TRAFFICKING_EVENT_REMOVED: "profile",
}

_REFERRAL_STATUS = gettext_noop("Referral to %(org)s: %(status)s.")
_TRANSFER_STATUS = gettext_noop("Transfer to %(org)s: %(status)s.")

#: The words of each kind (a msgid). Where the words of one kind vary, a dict of them by the entry's
#: ``variant`` parameter: the variant is stored, never the words.
MESSAGES: dict[Kind, str | dict[str, str]] = {
    Kind.CASE_OPENED: gettext_noop("Case opened (%(track)s track)."),
    Kind.CASE_UPDATED: gettext_noop("Case details updated."),
    Kind.PERSON_UPDATED: gettext_noop("Personal details updated."),
    Kind.CASE_ASSIGNED: gettext_noop("Case assigned."),
    Kind.STAGE_CHANGED: gettext_noop("Stage changed from %(from)s to %(to)s."),
    Kind.CLOSURE_REQUESTED: gettext_noop("Closure requested (outcome: %(outcome)s)."),
    Kind.CLOSURE_APPROVED: gettext_noop("Closure approved; case closed."),
    Kind.CLOSURE_REJECTED: gettext_noop("Closure rejected."),
    Kind.CASE_REOPENED: gettext_noop("Case reopened."),
    Kind.NEED_SAVED: gettext_noop("Needs assessment: %(domain)s set to %(status)s."),
    Kind.GOAL_ADDED: gettext_noop("Service plan goal added."),
    Kind.GOAL_UPDATED: gettext_noop("Service plan goal marked %(status)s."),
    Kind.PLAN_ACTION_ADDED: gettext_noop("Service plan action added."),
    Kind.PLAN_ACTION_DONE: gettext_noop("Service plan action done."),
    Kind.TASK_ADDED: gettext_noop("Task added."),
    Kind.TASK_DONE: gettext_noop("Task done."),
    Kind.NOTE_ADDED: {"normal": gettext_noop("Note added."),
                      "restricted": gettext_noop("Restricted note added.")},
    Kind.SAFETY_PLAN_SAVED: gettext_noop("Safety plan updated."),
    Kind.DOCUMENT_UPLOADED: gettext_noop("Document added (%(kind)s)."),
    Kind.EMERGENCY_ACCESS: gettext_noop("Emergency access opened for %(minutes)s minutes."),
    Kind.DUTY_TO_REPORT_REQUIRED: {
        "intake": gettext_noop("Youth track: a report to a child welfare director is required (CFCSA s. 14)."),
        "moved": gettext_noop("Moved to the youth track: a report to a child welfare director is required "
                              "(CFCSA s. 14)."),
    },
    Kind.DUTY_TO_REPORT_RECORDED: gettext_noop("Duty-to-report recorded (%(office)s)."),
    Kind.YOUTH_PROFILE_UPDATED: gettext_noop("Youth details updated."),
    Kind.CONSENT_GIVEN: {
        "other": gettext_noop("Consent given: %(scope)s"),
        "partner": gettext_noop("Consent given: %(scope)s — %(org)s (%(sections)s)"),
        "off_platform": gettext_noop("Consent given: %(scope)s — an organization not on the platform "
                                     "(%(sections)s)"),
    },
    Kind.CONSENT_WITHDRAWN: {
        "other": gettext_noop("Consent withdrawn: %(scope)s"),
        "partner": gettext_noop("Consent withdrawn: %(scope)s — %(org)s (%(sections)s)"),
        "off_platform": gettext_noop("Consent withdrawn: %(scope)s — an organization not on the platform "
                                     "(%(sections)s)"),
    },
    Kind.DISCLOSURE: {
        "partner": gettext_noop("Disclosed %(sections)s to %(recipient)s (basis: %(basis)s)."),
        "off_platform": gettext_noop("Disclosed %(sections)s to an organization not on the platform "
                                     "(basis: %(basis)s)."),
    },
    Kind.REFERRAL_SENT: gettext_noop("Referral sent to %(org)s (%(urgency)s); respond by %(date)s."),
    Kind.REFERRAL_ACCEPTED: _REFERRAL_STATUS,
    Kind.REFERRAL_DECLINED: _REFERRAL_STATUS,
    Kind.REFERRAL_COMPLETED: _REFERRAL_STATUS,
    Kind.REFERRAL_CLOSED_WITHOUT_SERVICE: _REFERRAL_STATUS,
    Kind.REFERRAL_REVOKED: _REFERRAL_STATUS,
    Kind.REFERRAL_ACCESS_ENDED: gettext_noop("%(org)s no longer sees the case: the consent was withdrawn."),
    Kind.TRANSFER_SENT: gettext_noop("Transfer of the case to %(org)s proposed."),
    Kind.TRANSFER_ACCEPTED: _TRANSFER_STATUS,
    Kind.TRANSFER_DECLINED: _TRANSFER_STATUS,
    Kind.TRANSFER_REVOKED: {
        "status": _TRANSFER_STATUS,
        "consent_withdrawn": gettext_noop("Transfer to %(org)s revoked: the consent was withdrawn."),
    },
    Kind.SECURE_EXPORT: gettext_noop("Secure export of %(sections)s to an organization not on the platform."),
    Kind.POLICE_CONTACT: {
        "partner": gettext_noop("Contact with %(org)s recorded (%(purpose)s)."),
        "off_platform": gettext_noop("Contact with a police service not on the platform recorded (%(purpose)s)."),
    },
    Kind.POLICE_ACCESS_ENDED: gettext_noop("%(org)s no longer sees the case (%(cause)s)."),
    Kind.POLICE_CHOICE: gettext_noop("The person's choice about police recorded: %(choice)s."),
    Kind.JUSTICE_RECORDED: {
        "proceeding": gettext_noop("Criminal proceedings recorded (%(charges)s)."),
        "proceeding_updated": gettext_noop("Criminal proceedings updated."),
        "court_date": gettext_noop("Court date recorded: %(kind)s on %(date)s."),
        "aid": gettext_noop("Testimonial aid recorded: %(section)s (%(status)s)."),
        "status": gettext_noop("Immigration status recorded: %(status)s."),
        "cvap": gettext_noop("CVAP application recorded."),
        "letter": gettext_noop("Letter produced: %(letter)s."),
    },
    Kind.SITUATION_LINKED: gettext_noop("Linked to a situation (%(kind)s)."),
    Kind.SITUATION_UNLINKED: gettext_noop("No longer linked to a situation (%(kind)s)."),
    Kind.FLAG_RAISED: gettext_noop("Flag raised: %(flag)s (review by %(date)s)."),
    Kind.FLAG_UPDATED: gettext_noop("Flag updated: %(flag)s (review by %(date)s)."),
    Kind.FLAG_RESOLVED: gettext_noop("Flag resolved: %(flag)s."),
    Kind.RISK_ASSESSED: gettext_noop("Risk level set to %(level)s (was %(previous)s)."),
    Kind.SERVICE_RECORDED: {
        "own": gettext_noop("Service delivery recorded (%(status)s)."),
        "referral": gettext_noop("Service delivery recorded from the referral to %(org)s (%(status)s)."),
    },
    Kind.SERVICE_UPDATED: {
        "own": gettext_noop("Service delivery updated (%(status)s)."),
        "referral": gettext_noop("Service delivery by %(org)s updated from its referral (%(status)s)."),
    },
    Kind.FOLLOW_UP_RECORDED: gettext_noop("Follow-up recorded (%(mode)s)."),
    Kind.FOLLOW_UP_UPDATED: gettext_noop("Follow-up updated."),
    Kind.FOLLOW_UP_CADENCE: {
        "set": gettext_noop("Follow-up cadence set: every %(days)s days."),
        "removed": gettext_noop("Follow-up cadence removed."),
    },
    Kind.PLAN_ACTION_DUE_CHANGED: gettext_noop("Service plan action due date changed."),
    Kind.APPROVAL_REQUESTED: gettext_noop("%(subject)s submitted for approval."),
    Kind.APPROVAL_APPROVED: gettext_noop("%(subject)s approved."),
    Kind.APPROVAL_REJECTED: gettext_noop("%(subject)s not approved; see the coordinator's comment."),
    Kind.APPROVAL_SUPERSEDED: gettext_noop("%(subject)s changed after it was submitted or approved; it needs "
                                           "approval again."),
    Kind.CLOSED_WITHOUT_APPROVAL: gettext_noop("Case closed (outcome: %(outcome)s); the organization does not "
                                               "require approval of closures."),
    Kind.CASE_REASSIGNED: {
        "case": gettext_noop("Case moved from a departing worker to a colleague."),
        "tasks": gettext_noop("Open tasks moved from a departing worker to a colleague."),
    },
    Kind.TRAFFICKING_PROFILE_SAVED: gettext_noop("Trafficking profile (HTCDS) updated."),
    Kind.TRAFFICKING_EVENT_ADDED: gettext_noop("Trafficking event recorded (%(type)s)."),
    Kind.TRAFFICKING_EVENT_UPDATED: gettext_noop("Trafficking event updated (%(type)s)."),
    Kind.TRAFFICKING_EVENT_REMOVED: gettext_noop("Trafficking event removed (%(type)s)."),
    Kind.INTERPRETER_MAY_KNOW: {
        "consent": gettext_noop("The interpreter of a consent conversation may know the person or the trafficker: "
                                "arrange another interpreter."),
        "follow_up": gettext_noop("The interpreter of a follow-up may know the person or the trafficker: arrange "
                                  "another interpreter."),
    },
}


# --- Labels of (label kind, code) parameters ----------------------------------------------------

LabelOf = Callable[[Any], str]
_LABELS: dict[str, LabelOf] = {}


def _by_choices(choices: type[models.Choices]) -> LabelOf:
    def label(code: Any) -> str:
        return str(choices(code).label) if code in choices.values else str(code)

    return label


def register_labels(label_kind: str, labels: type[models.Choices] | LabelOf) -> None:
    """Teach the timeline to show ``(label_kind, code)`` parameters: by the label of ``code`` in a
    choices class, or by a function of the code. The apps whose rows the timeline tells of call this
    from their ``AppConfig.ready``."""
    _LABELS[label_kind] = _by_choices(labels) if isinstance(labels, type) else labels


def _moment(value: str) -> str:
    return timezone.localtime(datetime.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")


for _label_kind, _choices in {"track": Track, "stage": Stage, "outcome": ClosureOutcome, "need_status": NeedStatus,
                              "goal_status": GoalStatus, "office": ReportOffice,
                              "document_kind": DocumentKind, "delivery_status": DeliveryStatus,
                              "follow_up_mode": FollowUpMode, "approval_subject": ApprovalSubject}.items():
    register_labels(_label_kind, _choices)
register_labels("domain", lambda code: reference.label_of(reference.needs_domains(), code))
register_labels("flag_kind", lambda code: reference.label_of(reference.flag_kinds(), code))
register_labels("risk", risk_label)
register_labels("htcds_event_type", lambda code: reference.label_of(reference.htcds("EventType"), code))
#: A moment (an ISO datetime), shown in local time as the timeline always showed it.
register_labels("datetime", _moment)


def _shown(value: Any) -> Any:
    if not isinstance(value, list) or len(value) != 2:
        return value
    label_kind, code = value
    label = _LABELS.get(label_kind)
    return label(code) if label is not None else code


# --- Rendering ----------------------------------------------------------------------------------

def message_of(kind: str, params: Mapping[str, Any]) -> str:
    """The msgid of an entry of ``kind`` with ``params``; KeyError or ValueError when there is none."""
    message = MESSAGES[Kind(kind)]
    if isinstance(message, dict):
        return message[params["variant"]]
    return message


def render(kind: str, params: Mapping[str, Any]) -> str:
    """The words of an entry in the active language. Raises when ``params`` do not fit the message."""
    values = {name: _shown(value) for name, value in params.items() if name != "variant"}
    return gettext(message_of(kind, params)) % values


def text_of(entry: TimelineEntry) -> str:
    """``entry``'s words in the active language; a row written before parameters were stored (or one
    that no longer fits its message) shows its stored summary."""
    if entry.params is None:
        return entry.summary
    try:
        return render(entry.kind, entry.params)
    except (KeyError, TypeError, ValueError):
        return entry.summary or entry.kind


# --- Writing ------------------------------------------------------------------------------------

def _plain(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """``params`` as stored: plain values, and ``(label kind, code)`` pairs as two-item lists."""
    stored: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if isinstance(value, tuple):
            label_kind, code = value
            if label_kind not in _LABELS:
                raise ValueError(f"timeline parameter {name!r}: unknown label kind {label_kind!r}")
            if isinstance(code, (list, tuple, set, frozenset)):
                code = sorted(str(c) for c in code)
            elif not isinstance(code, (str, int)):
                raise TypeError(f"timeline parameter {name!r}: a code is a string, a number or a list of them")
            stored[name] = [label_kind, code]
        elif value is None or isinstance(value, (str, int, float, bool)):
            stored[name] = value
        else:
            raise TypeError(f"timeline parameter {name!r} must be a plain value or a (label kind, code) pair, "
                            f"not {type(value).__name__}")
    return stored


def _kind(kind: Kind | str) -> Kind:
    try:
        return Kind(kind)
    except ValueError:
        raise ValueError(f"{kind!r} is not a timeline kind: add it to cases.timeline.Kind and MESSAGES") from None


def build(*, actor: Any, case: Case, kind: Kind | str, params: Mapping[str, Any] | None = None,
          concerns: Organization | None = None, restricted: bool = False, detail: dict | None = None,
          at: datetime.datetime | None = None) -> TimelineEntry:
    """An unsaved entry, checked as ``record`` checks it: ``kind`` must be a ``Kind`` and ``params``
    must fit its message. For ``record_all`` (demo data seeded in bulk, ``at`` in the past)."""
    kind = _kind(kind)
    stored = _plain(params)
    with translation.override("en"):
        try:
            summary = render(kind, stored)
        except (KeyError, TypeError, ValueError) as unfit:
            raise ValueError(f"timeline parameters {sorted(stored)} do not fit the message of {kind.value}") \
                from unfit
    return TimelineEntry(case=case, kind=kind.value, params=stored, summary=summary[:300], detail=dict(detail or {}),
                         concerns=concerns, restricted=restricted, created_at=at or timezone.now(),
                         actor=actor if getattr(actor, "pk", None) else None)


def record(*, actor: Any, case: Case, kind: Kind | str, params: Mapping[str, Any] | None = None,
           concerns: Organization | None = None, restricted: bool = False,
           detail: dict | None = None) -> TimelineEntry:
    """Put an event on ``case``'s timeline: the only writer of timeline rows.

    ``params`` fill the kind's message (plain values or ``(label kind, code)`` pairs; ``variant`` picks
    the words of a kind whose words vary). ``concerns`` is the organization the entry tells of, and
    ``restricted`` keeps it within the owning circle. ``detail`` holds ids (never shown as words).
    Raises ValueError for a kind not in ``Kind`` or parameters that do not fit its message."""
    entry = build(actor=actor, case=case, kind=kind, params=params, concerns=concerns, restricted=restricted,
                  detail=detail)
    entry.save(force_insert=True)
    return entry


def record_all(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """Save entries made by ``build`` in one statement (seeding demo data)."""
    return TimelineEntry.objects.bulk_create(list(entries))


def happened(*, actor: Any, case: Case, kind: Kind | str, params: Mapping[str, Any] | None = None,
             concerns: Organization | None = None, restricted: bool = False, detail: dict | None = None,
             audit_action: str | None = None, audit_target: audit.Target = None,
             audit_detail: dict | None = None, audit_purpose: str = "") -> TimelineEntry:
    """``kind`` happened to ``case``: audit it and put it on the timeline, in the caller's transaction.

    So that "every case event is audited and on the timeline" is written once. The audit event is
    ``audit_action`` (default: the kind) about ``audit_target`` (default: the case) with
    ``audit_detail`` (default: ``detail``) and ``audit_purpose``; the entry is as ``record`` makes it."""
    kind = _kind(kind)
    audit.record(actor, audit_action or kind.value, case if audit_target is None else audit_target,
                 purpose=audit_purpose, detail=detail if audit_detail is None else audit_detail)
    return record(actor=actor, case=case, kind=kind, params=params, concerns=concerns, restricted=restricted,
                  detail=detail)
