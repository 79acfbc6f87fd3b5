"""Roles, their permissions and their record scope — declared once, as data.

Nothing else in the code base decides what a role may do: ask ``octip.core.access.require`` or a
queryset's ``visible_to(user)``. A permission not listed here is denied.

Scopes say which records a role's permissions reach:
``own`` — records assigned to the user; ``team`` — records of the user's teams;
``organization`` — records of the user's organization; ``all`` — every organization's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Scope(StrEnum):
    OWN = "own"
    TEAM = "team"
    ORGANIZATION = "organization"
    ALL = "all"


#: Every permission the platform knows, with what it allows. A role may only hold these.
PERMISSIONS: dict[str, str] = {
    "case.view": "See cases in scope (non-identifying fields)",
    "case.view_identifying": "See identifying fields of persons in cases in scope",
    "case.create": "Open an intake / create a case",
    "case.edit": "Edit cases in scope",
    "case.assign": "Assign workers and teams to cases in scope",
    "case.count_workload": "See how many open cases each stage, team and caseworker of the organization holds "
                           "(numbers only, never a case)",
    "case.request_closure": "Ask a coordinator to close a case",
    "case.approve_closure": "Approve or reject a closure request",
    "case.break_glass": "Emergency access to a case outside scope, with a stated reason",
    "case.export": "Export case lists",
    "case.export_identifying": "Include identifying columns in exports",
    "consent.record": "Record or withdraw a person's consent",
    "consent.legal_basis": "Disclose on a legal basis other than consent, with written justification",
    "referral.send": "Refer a case to a service or partner",
    "referral.respond": "Accept, decline and complete referrals received by the organization",
    "screening.use": "Run indicator screenings",
    "screening.publish_framework": "Publish a corrected version of a screening framework",
    "hotline.view": "See 24/7 line contacts and the queue",
    "hotline.edit": "Log and update 24/7 line contacts",
    "hotline.roster": "Manage the on-call roster",
    # Held by the line's lead ("hotline_lead") and by the coordinator, who supervises the lines.
    "hotline.lead": ("Lead the 24/7 line: set and lift caller flags, edit first-response targets, write the "
                     "scripts, review the quality of contacts"),
    "directory.view_partner_services": "See partners-only services in the directory",
    "directory.edit": "Edit services of the directory",
    "justice.view": "See police liaison and proceedings records",
    "justice.edit": "Record police liaison and proceedings",
    "prevention.manage": "Manage courses, certificates and outreach",
    "prevention.curate_practices": "Add and edit entries of the practices library",
    "stats.view": "See de-identified statistics and dashboards",
    "stats.release": "Publish de-identified statistical releases",
    "user.view": "See staff accounts in scope",
    "user.manage": "Create, deactivate and change roles of staff accounts in scope",
    "user.unlock": "Unlock a staff account locked after failed logins",
    "user.approve_role": "Approve, as the second person, a role that reads identifying data",
    "partner.manage": "Manage partner organizations and teams",
    "audit.view": "Read the audit log",
    "audit.export": "Export the audit log",
    "audit.review_emergency_access": "Review emergency (break-the-glass) access",
    "token.create": "Create personal API tokens",
    "jobs.manage": "See the background jobs that failed and run them again",
    "situation.view": "See the organization's situations (operations, employers, networks) and their persons of "
                      "interest",
    "situation.edit": "Record situations and persons of interest, and link cases of one's own circle to them",
    "case.approve": "Approve or reject a needs assessment or a service plan submitted for approval",
    "case.reassign_departing": "Move a departing worker's open cases and tasks to a colleague of the same "
                               "organization",
    "organization.set_approvals": "Choose which casework steps of the organization need a coordinator's approval",
}


@dataclass(frozen=True)
class Role:
    id: str
    label: StrOrPromise
    scope: Scope
    permissions: frozenset[str]
    #: Roles that can reach identifying data or administer accounts must use MFA.
    requires_mfa: bool
    description: StrOrPromise = ""

    @property
    def name(self) -> str:
        return self.id

    def __str__(self) -> str:
        return str(self.label)


def _role(id: str, label: StrOrPromise, scope: Scope, permissions: set[str], requires_mfa: bool,
          description: StrOrPromise) -> Role:
    unknown = permissions - PERMISSIONS.keys()
    if unknown:
        raise ValueError(f"Role {id} names unknown permissions: {sorted(unknown)}")
    return Role(id, label, scope, frozenset(permissions), requires_mfa, description)


_CASEWORK = {"case.view", "case.view_identifying", "case.create", "case.edit", "consent.record",
             "referral.send", "referral.respond", "screening.use", "case.export",
             "case.export_identifying", "case.request_closure", "directory.view_partner_services",
             "token.create"}

ROLES: dict[str, Role] = {r.id: r for r in [
    _role("coordinator", _("Coordinator"), Scope.ALL,
          _CASEWORK | {"case.assign", "case.approve_closure", "case.break_glass", "consent.legal_basis",
                       "screening.publish_framework", "hotline.view", "hotline.edit", "hotline.roster", "hotline.lead",
                       "directory.edit", "justice.view", "justice.edit", "stats.view", "user.view",
                       "user.approve_role", "prevention.curate_practices", "situation.view", "situation.edit",
                       "case.approve", "case.reassign_departing"},
          True, _("Coordinates the response across partners; approves closures.")),
    # Justice records (police contacts, proceedings, permits, CVAP) are part of casework on their own cases.
    _role("caseworker", _("Caseworker"), Scope.TEAM,
          _CASEWORK | {"justice.view", "justice.edit", "situation.view", "situation.edit"},
          True, _("Works with persons on their team's cases.")),
    _role("screener", _("Front-line screener"), Scope.OWN,
          {"screening.use", "case.view", "case.create", "directory.view_partner_services", "token.create"},
          True, _("Screens for indicators of trafficking in a partner agency.")),
    _role("hotline_operator", _("24/7 line operator"), Scope.ORGANIZATION,
          {"hotline.view", "hotline.edit", "screening.use", "case.view", "case.view_identifying",
           "case.create", "directory.view_partner_services", "token.create"},
          True, _("Answers the 24/7 line and triages what comes in.")),
    # The line's supervisor (Aselo's "supervisor"): an operator who also keeps the roster, sets caller
    # flags and first-response targets, writes the scripts and reviews the quality of contacts.
    _role("hotline_lead", _("24/7 line lead"), Scope.ORGANIZATION,
          {"hotline.view", "hotline.edit", "hotline.roster", "hotline.lead", "screening.use", "case.view",
           "case.view_identifying", "case.create", "directory.view_partner_services", "token.create"},
          True, _("Leads the 24/7 line: the roster, caller flags, targets, scripts and quality review.")),
    _role("police_liaison", _("Police liaison"), Scope.OWN,
          {"justice.view", "justice.edit", "case.view", "directory.view_partner_services", "token.create"},
          True, _("Liaises with police on cases where the person consented to police contact.")),
    _role("analyst", _("Analyst"), Scope.ALL,
          {"stats.view", "stats.release", "token.create"},
          False, _("Works with de-identified statistics only.")),
    _role("trainer", _("Trainer"), Scope.ORGANIZATION,
          {"prevention.manage", "prevention.curate_practices", "directory.view_partner_services", "token.create"},
          True, _("Runs courses and outreach.")),
    _role("org_admin", _("Organization administrator"), Scope.ORGANIZATION,
          {"user.view", "user.manage", "user.unlock", "directory.edit", "directory.view_partner_services",
           "case.count_workload", "case.reassign_departing", "organization.set_approvals"},
          True, _("Manages the staff accounts of one organization.")),
    _role("auditor", _("Auditor"), Scope.ALL,
          {"audit.view", "audit.export", "audit.review_emergency_access", "user.view"},
          True, _("Reviews the audit log and emergency access.")),
    _role("system_admin", _("System administrator"), Scope.ALL,
          {"partner.manage", "user.view", "user.manage", "user.unlock", "directory.edit",
           "directory.view_partner_services", "jobs.manage"},
          True, _("Runs the platform; manages partner organizations and accounts, never case records.")),
]}

ROLE_CHOICES = [(r.id, r.label) for r in ROLES.values()]


def roles_with(permission: str) -> list[str]:
    """The ids of the roles that grant ``permission`` (to choose staff by what they may do, not by a
    list of role names that a new role would fall out of)."""
    return [role.id for role in ROLES.values() if permission in role.permissions]


def get_role(role_id: str | None) -> Role | None:
    return ROLES.get(role_id or "")
