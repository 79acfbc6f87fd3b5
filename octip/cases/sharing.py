"""Who may work on which part of a case: grants, revocation, ownership moves and the guards.

This is the contract with the ``consent`` and ``referrals`` services. ``grant_case_access`` and
``move_case_ownership`` record a decision already taken elsewhere (``consent.policy``, emergency
access rules, an accepted transfer); never call them from a view.

The two questions every guard asks are reads, kept with the other reads in ``cases.selectors`` and
given here as part of the contract: ``is_own_case`` (is the case in the actor's own scope, grants left
out?) and ``sections_visible_to`` (which sections does the actor see?)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core import audit
from octip.core.access import AccessDenied, require
from octip.core.roles import get_role

from .models import Case, CaseAccessGrant, GrantSource, Stage
from .sections import validate_sections
from .selectors import in_owning_circle, is_own_case, sections_visible_to

__all__ = ["grant_case_access", "in_owning_circle", "is_own_case", "move_case_ownership", "refuse_if_closed",
           "require_own_scope", "require_owning_circle", "require_section", "revoke_case_access",
           "sections_visible_to", "widen_case_access"]


def grant_case_access(*, actor: Any, case: Case, organization=None, user=None, sections: Iterable[str],
                      source: str, source_id: str, reason: str = "",
                      expires_at: datetime.datetime | None = None, role: str = "") -> CaseAccessGrant:
    """Open some sections of ``case`` to an organization or a user. The caller has already decided
    (consent policy, emergency access rules); this records the grant and audits it. With ``role``,
    a grant to an organization reaches only the holders of that role there (a police service's
    liaisons), whatever their scope."""
    chosen = validate_sections(sections)
    if organization is None and user is None:
        raise ValidationError(_("A grant needs an organization or a user."))
    if role and (organization is None or get_role(role) is None):
        raise ValidationError(_("A grant to a role names an organization and a known role."))
    if source not in GrantSource.values:
        raise ValidationError(_("Unknown grant source."))
    grant = CaseAccessGrant.objects.create(
        case=case, organization=organization, user=user, sections=sorted(chosen), source=source,
        source_id=str(source_id), reason=reason, granted_by=actor, expires_at=expires_at, role=role)
    audit.record(actor, "case.access_granted", case, detail={"role": role,
        "grant_id": grant.pk, "source": source, "source_id": str(source_id), "sections": sorted(chosen),
        "organization_id": getattr(organization, "pk", None), "user_id": getattr(user, "pk", None),
        "expires_at": expires_at.isoformat() if expires_at else None})
    return grant


def widen_case_access(*, actor: Any, source: str, source_id: str, sections: Iterable[str]) -> int:
    """Open ``sections`` on every active grant from ``source``/``source_id`` (a referral once it is
    accepted: until then its receiver sees a preview). The caller has decided already: the sections
    are those the disclosure allowed. Audited; returns how many grants changed."""
    chosen = validate_sections(sections)
    grants = list(CaseAccessGrant.objects.active().filter(source=source, source_id=str(source_id)))
    for grant in grants:
        grant.sections = sorted(chosen)
        grant.save(update_fields=["sections"])
        audit.record(actor, "case.access_widened", grant.case, detail={
            "grant_id": grant.pk, "source": source, "source_id": str(source_id), "sections": sorted(chosen)})
    return len(grants)


def revoke_case_access(*, actor: Any, source: str, source_id: str) -> int:
    """Revoke every active grant from ``source``/``source_id``; returns how many were revoked."""
    now = timezone.now()
    grants = list(CaseAccessGrant.objects.active().filter(source=source, source_id=str(source_id)))
    for grant in grants:
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
        audit.record(actor, "case.access_revoked", grant.case, detail={
            "grant_id": grant.pk, "source": source, "source_id": str(source_id)})
    return len(grants)


def require_own_scope(actor: Any, permission: str, case: Case, message: str | None = None) -> None:
    """``require`` plus: the case is in the actor's own scope (a grant opens sections to read and
    work in, not the case's core record). A refusal is audited and says ``message`` (by default: the
    owner makes this change)."""
    require(actor, permission, case)
    if not is_own_case(actor, case):
        audit.record_denial(actor, permission, case)
        raise AccessDenied(permission, message or _("This case is shared with you only in part; its owner makes "
                                                    "this change."))


def require_owning_circle(actor: Any, permission: str, case: Case, message: str | None = None) -> None:
    """``require_own_scope``, narrowed to the case's organization and the coordinating office
    (``selectors.in_owning_circle``): for what stays with the owning circle. A refusal is audited."""
    require(actor, permission, case)
    if not in_owning_circle(actor, case):
        audit.record_denial(actor, permission, case)
        raise AccessDenied(permission, message or _("Only the case's own organization makes this change."))


def require_section(actor: Any, permission: str, case: Case, section: str) -> None:
    require(actor, permission, case)
    if section not in sections_visible_to(actor, case):
        audit.record_denial(actor, permission, case)
        raise AccessDenied(permission, _("This part of the case is not shared with you."))


def refuse_if_closed(case: Case) -> None:
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("This case is closed. Reopen it first."))


@transaction.atomic
def move_case_ownership(*, actor: Any, case: Case, organization, owner_worker=None, source_id: str) -> Case:
    """Make ``organization`` the owner of ``case`` (its team cleared, ``owner_worker`` its caseworker,
    other assignments dropped); bumps the version and audits the move.

    Only for an accepted transfer: the caller (``referrals.services``) has already checked that the
    receiving organization accepted and that the actor may respond for it. Never call it directly
    from a view.
    """
    if owner_worker is not None and owner_worker.organization_id != organization.pk:
        raise ValidationError({"owner_worker": _("The caseworker must belong to the receiving organization.")})
    previous = case.owner_organization_id
    Case.objects.filter(pk=case.pk).update(owner_organization=organization, owner_team=None,
                                             owner_worker=owner_worker, version=models.F("version") + 1,
                                             updated_at=timezone.now())
    case.assigned_workers.clear()
    case.refresh_from_db()
    audit.record(actor, "case.ownership_moved", case, detail={
        "transfer": source_id, "from_organization_id": previous, "to_organization_id": organization.pk})
    return case
