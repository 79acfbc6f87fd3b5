"""Writes about cases: ``verb_noun(*, actor, ...)``, permission first, then write, then audit.

Each public service runs in one transaction, so an exception rolls the whole operation back. Timeline
entries and audit events never carry identifying values. The services live in one module per noun;
this package re-exports them so callers write ``services.open_case``. Grants, guards and the
ownership move are in ``cases.sharing``; field rules in ``cases.validation``.
"""

from ..sharing import grant_case_access, move_case_ownership, require_own_scope, require_section, revoke_case_access
from ..validation import CASE_FIELDS, MAX_DOCUMENT_BYTES, PERSON_FIELDS, SAFETY_FIELDS, YOUTH_FIELDS
from .approvals import decide_approval, may_decide, request_approval, require_decider, requires_approval
from .closure import change_stage, decide_closure, duty_to_report_outstanding, reopen_case, request_closure
from .delivery import (
    add_service_delivery,
    change_plan_action_due,
    create_due_follow_up_tasks,
    end_service_delivery,
    record_follow_up,
    record_service_from_referral,
    set_follow_up_cadence,
    update_follow_up,
    update_service_delivery,
)
from .documents import DOWNLOAD_LINK_SECONDS, download_token, read_document, read_download_token, upload_document
from .emergency import EMERGENCY_ACCESS_MINUTES, break_glass, review_emergency_access
from .flags import ASSESSED_LEVELS, assess_risk, edit_flag, raise_flag, resolve_flag
from .intake import assign_case, open_case, update_case, update_person, youth_at_intake
from .plan import (
    add_goal,
    add_note,
    add_plan_action,
    add_task,
    complete_plan_action,
    complete_task,
    save_need,
    save_safety_plan,
    update_goal,
)
from .reassignment import REASSIGN_CASE_LIMIT, REASSIGN_TASK_LIMIT, reassign_departing_worker
from .youth import record_duty_to_report, update_youth_profile

__all__ = [
    "ASSESSED_LEVELS", "assess_risk", "edit_flag", "raise_flag", "resolve_flag",
    "CASE_FIELDS", "DOWNLOAD_LINK_SECONDS", "EMERGENCY_ACCESS_MINUTES", "MAX_DOCUMENT_BYTES", "PERSON_FIELDS",
    "SAFETY_FIELDS", "YOUTH_FIELDS", "add_goal", "add_note", "add_plan_action", "add_task", "assign_case",
    "break_glass", "change_stage", "complete_plan_action", "complete_task", "decide_closure", "download_token",
    "duty_to_report_outstanding", "grant_case_access", "move_case_ownership", "open_case", "read_document",
    "read_download_token", "record_duty_to_report", "reopen_case", "request_closure", "require_own_scope",
    "require_section", "review_emergency_access", "revoke_case_access", "save_need", "save_safety_plan",
    "update_case", "update_goal", "update_person", "update_youth_profile", "upload_document", "youth_at_intake",
    "add_service_delivery", "change_plan_action_due", "create_due_follow_up_tasks", "end_service_delivery",
    "record_follow_up", "record_service_from_referral", "set_follow_up_cadence", "update_follow_up",
    "update_service_delivery",
    "REASSIGN_CASE_LIMIT", "REASSIGN_TASK_LIMIT", "decide_approval", "may_decide", "reassign_departing_worker",
    "request_approval", "require_decider", "requires_approval",
]
from ..validation import EVENT_FIELDS, PROFILE_FIELDS  # noqa: E402  (the HTCDS profile, appended)
from .htcds import (  # noqa: E402
    add_trafficking_event,
    remove_trafficking_event,
    save_trafficking_profile,
    update_trafficking_event,
)

__all__ += ["EVENT_FIELDS", "PROFILE_FIELDS", "add_trafficking_event", "remove_trafficking_event",
            "save_trafficking_profile", "update_trafficking_event"]
