"""The role table: each role can do what roles.py says and nothing else; deny by default."""

import pytest

from octip.core.access import AccessDenied, allows, require
from octip.core.models import AuditEvent
from octip.core.roles import PERMISSIONS, ROLES, Scope

EXPECTED = {
    "coordinator": (Scope.ALL, {"case.approve_closure", "case.break_glass", "consent.legal_basis"}, {"audit.view"}),
    "caseworker": (Scope.TEAM, {"case.view_identifying", "referral.send"}, {"case.approve_closure", "audit.view"}),
    "screener": (Scope.OWN, {"screening.use"}, {"case.view_identifying", "hotline.view"}),
    "hotline_operator": (Scope.ORGANIZATION, {"hotline.edit", "case.create"}, {"case.approve_closure", "hotline.lead"}),
    "hotline_lead": (Scope.ORGANIZATION, {"hotline.edit", "hotline.lead", "hotline.roster"},
                     {"case.approve_closure", "case.edit", "referral.send"}),
    "police_liaison": (Scope.OWN, {"justice.edit"}, {"case.view_identifying", "referral.send"}),
    "analyst": (Scope.ALL, {"stats.view"}, {"case.view", "case.view_identifying", "audit.view"}),
    "trainer": (Scope.ORGANIZATION, {"prevention.manage"}, {"case.view"}),
    "org_admin": (Scope.ORGANIZATION, {"user.manage", "user.unlock"}, {"case.view", "audit.view"}),
    "auditor": (Scope.ALL, {"audit.view", "audit.export", "audit.review_emergency_access"},
                {"case.view", "user.manage"}),
    "system_admin": (Scope.ALL, {"partner.manage", "user.manage"}, {"case.view", "case.view_identifying"}),
}


def test_the_eleven_roles_are_declared():
    assert set(ROLES) == set(EXPECTED)


@pytest.mark.parametrize("role_id", sorted(EXPECTED))
def test_role_scope_and_permissions(role_id, make_user):
    scope, can, cannot = EXPECTED[role_id]
    role = ROLES[role_id]
    assert role.scope == scope
    assert role.name == role_id
    user = make_user(role_id)
    for permission in can:
        assert allows(user, permission), f"{role_id} should hold {permission}"
    for permission in cannot:
        assert not allows(user, permission), f"{role_id} must not hold {permission}"


def test_every_role_that_sees_identifying_data_requires_mfa():
    for role in ROLES.values():
        if "case.view_identifying" in role.permissions or "user.manage" in role.permissions \
                or "audit.view" in role.permissions:
            assert role.requires_mfa, role.id


def test_roles_name_only_known_permissions():
    for role in ROLES.values():
        assert role.permissions <= PERMISSIONS.keys()


def test_unknown_permission_and_unknown_role_are_denied(make_user):
    user = make_user("coordinator")
    assert not allows(user, "case.delete_everything")
    user.role = "superhero"
    assert not allows(user, "case.view")


def test_inactive_and_anonymous_users_are_denied(make_user):
    from django.contrib.auth.models import AnonymousUser

    user = make_user("coordinator", is_active=False)
    assert not allows(user, "case.view")
    assert not allows(AnonymousUser(), "case.view")
    assert not allows(None, "case.view")


def test_require_raises_and_audits_the_denial(make_user):
    user = make_user("analyst")
    with pytest.raises(AccessDenied):
        require(user, "case.view")
    event = AuditEvent.objects.filter(action="access.denied").latest("seq")
    assert event.actor_id == user.pk
    assert event.detail == {"permission": "case.view"}


def test_every_role_that_sees_confidential_directory_entries_requires_mfa():
    for role in ROLES.values():
        if "directory.view_partner_services" in role.permissions:
            assert role.requires_mfa, role.id
