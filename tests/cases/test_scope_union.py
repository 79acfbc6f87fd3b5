"""The record scope as a UNION of index lookups (``CaseQuerySet.scope_reaches``) shows exactly the cases
the earlier OR formula showed: the formula is kept here as the reference, and the visible ids of every
seeded user (every role of the demo, over the bulk demo's cases and referral grants), of
``in_own_scope`` and of ``viewer_ids`` are compared with it, plus the edges: a user in no team,
assigned workers, expired, revoked, organization-wide and role-targeted grants, emergency access."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db.models import Q
from django.utils import timezone

from octip.cases import bulk_demo, demo, services
from octip.cases import models as m
from octip.cases.models import Case, CaseAccessGrant
from octip.core.access import role_of
from octip.core.roles import Scope
from octip.partners import demo as partners_demo
from octip.partners.models import User
from octip.referrals import demo as referrals_demo  # noqa: F401  (registers the referrals step, as seed_demo does)
from tests.factories import TeamFactory, UserFactory

from .conftest import open_case


def reference_role_scope_q(user, scope: Scope) -> Q:
    """The formula before the UNION (``_role_scope_q`` up to 2026-12), kept as the reference."""
    if scope == Scope.ALL:
        return Q()
    assigned = Q(pk__in=Case.assigned_workers.through.objects.filter(user_id=user.pk).values("case_id"))
    mine = Q(owner_worker_id=user.pk) | assigned
    if scope == Scope.OWN:
        return mine
    if scope == Scope.TEAM:
        return mine | Q(owner_team__in=user.teams.all())
    return mine | Q(owner_organization_id=user.organization_id)


def reference_scope_filter(user, scope: Scope) -> Q:
    if scope == Scope.ALL:
        return Q()
    granted = CaseAccessGrant.objects.active().reaching(user, scope).values("case_id")
    return reference_role_scope_q(user, scope) | Q(pk__in=granted)


def _reference_visible(user) -> set:
    role = role_of(user)
    if role is None or "case.view" not in role.permissions:
        return set()
    return set(Case.objects.filter(reference_scope_filter(user, role.scope)).values_list("pk", flat=True))


def _reference_own(user) -> set:
    role = role_of(user)
    if role is None or "case.view" not in role.permissions:
        return set()
    return set(Case.objects.filter(reference_role_scope_q(user, role.scope)).values_list("pk", flat=True))


def _assert_same_for(users) -> int:
    """Every user's visible and own-scope ids equal the reference's; returns how many users see a case."""
    seeing = 0
    for user in users:
        user = User.objects.get(pk=user.pk)  # fresh: teams and role as stored
        visible = set(Case.objects.visible_to(user).values_list("pk", flat=True))
        assert visible == _reference_visible(user), (user.email, user.role)
        own = set(Case.objects.in_own_scope(user).values_list("pk", flat=True))
        assert own == _reference_own(user), (user.email, user.role)
        assert Case.objects.visible_to(user).count() == len(visible)  # no duplicate rows from the UNION
        seeing += bool(visible)
    return seeing


def _assert_viewer_ids(users) -> None:
    for case in Case.objects.order_by("number")[:40]:
        expected = {u.pk for u in users if case.pk in _reference_visible(u)}
        assert Case.objects.filter(pk=case.pk).viewer_ids(users) == expected, case.number


@pytest.fixture
def seeded(db, monkeypatch):
    partners_demo.seed(scale=None, stdout=io.StringIO())
    monkeypatch.setattr(bulk_demo, "BATCH", 50)
    demo.seed(scale=120, stdout=io.StringIO())


def test_every_demo_user_sees_exactly_what_the_or_formula_showed(seeded):
    users = list(User.objects.order_by("pk"))
    assert {u.role for u in users} >= {"coordinator", "caseworker", "screener", "hotline_operator",
                                      "police_liaison", "analyst", "org_admin", "auditor"}
    assert CaseAccessGrant.objects.exists()  # the referrals' grants are part of what is compared
    seeing = _assert_same_for(users)
    assert seeing >= 5  # the comparison is not over empty sets only
    # A team's reader sees part, not all, of the cases: the scope is really narrowing.
    caseworker = User.objects.filter(role="caseworker", teams__isnull=False).first()
    assert 0 < Case.objects.visible_to(caseworker).count() < Case.objects.count()
    _assert_viewer_ids(users)


def test_edges_no_team_assigned_expired_revoked_org_wide_role_grants_and_emergency(world):
    w = world
    now = timezone.now()
    lonely = UserFactory(role="caseworker", organization=w.org_a)  # in no team
    org_b_police = UserFactory(role="police_liaison", organization=w.org_b)
    org_b_hotline = UserFactory(role="hotline_operator", organization=w.org_b)
    team_case = open_case(w.caseworker_a)
    other_team_case = open_case(w.caseworker_a2)
    unowned = open_case(w.caseworker_a)
    Case.objects.filter(pk=unowned.pk).update(owner_worker=None, owner_team=None)
    # Assigned to a case of another team, and to one of another organization.
    team_case.assigned_workers.add(lonely)
    w.case_b.assigned_workers.add(w.screener_a)

    def grant(case, **to):
        return services.grant_case_access(actor=w.caseworker_a, case=case, sections=["summary"],
                                          source="referral", source_id=f"edge-{case.number}-{'-'.join(sorted(to))}",
                                          reason="test", **to)

    grant(other_team_case, organization=w.org_b)  # organization-wide: TEAM/ORGANIZATION readers there
    grant(unowned, organization=w.org_b, role="police_liaison")  # reaches org B's police liaisons only
    expired = grant(team_case, user=w.caseworker_b)
    CaseAccessGrant.objects.filter(pk=expired.pk).update(expires_at=now - datetime.timedelta(minutes=1))
    revoked = grant(w.case_a, user=org_b_hotline)
    CaseAccessGrant.objects.filter(pk=revoked.pk).update(revoked_at=now)
    grant(w.case_a, user=lonely, expires_at=now + datetime.timedelta(days=1))  # active, by name
    # Emergency access: the coordinator's (scope "all": no condition), and emergency grants by name to a
    # reader of a narrower scope, one running and one run out.
    services.break_glass(actor=w.coordinator, case=w.case_b, reason="Immediate risk reported by the police.")
    services.grant_case_access(actor=w.coordinator, case=w.case_b, user=w.caseworker_a2, sections=["summary"],
                               source="break_glass", source_id="edge-glass-1",
                               expires_at=now + datetime.timedelta(hours=1))
    run_out = services.grant_case_access(actor=w.coordinator, case=w.case_b, user=w.trainer_a, sections=["summary"],
                                         source="break_glass", source_id="edge-glass-2",
                                         expires_at=now + datetime.timedelta(hours=1))
    CaseAccessGrant.objects.filter(pk=run_out.pk).update(expires_at=now - datetime.timedelta(seconds=1))
    users = [lonely, org_b_police, org_b_hotline, w.caseworker_a, w.caseworker_a2, w.caseworker_b,
             w.coordinator, w.screener_a, w.hotline_a, w.police_a, w.analyst, w.auditor, w.trainer_a,
             w.org_admin_a]
    _assert_same_for(users)
    # The edges do what they say (under both formulas, as compared above).
    assert set(Case.objects.visible_to(lonely).values_list("pk", flat=True)) >= {team_case.pk, w.case_a.pk}
    assert unowned.pk in set(Case.objects.visible_to(org_b_police).values_list("pk", flat=True))
    assert unowned.pk not in set(Case.objects.visible_to(org_b_hotline).values_list("pk", flat=True))
    assert other_team_case.pk in set(Case.objects.visible_to(org_b_hotline).values_list("pk", flat=True))
    assert team_case.pk not in set(Case.objects.visible_to(w.caseworker_b).values_list("pk", flat=True))
    assert w.case_a.pk not in set(Case.objects.visible_to(org_b_hotline).values_list("pk", flat=True))
    assert w.case_b.pk in set(Case.objects.visible_to(w.screener_a).values_list("pk", flat=True))
    assert w.case_b.pk in set(Case.objects.visible_to(w.caseworker_a2).values_list("pk", flat=True))
    assert w.case_b.pk not in set(Case.objects.visible_to(w.trainer_a).values_list("pk", flat=True))
    assert not Case.objects.in_own_scope(lonely).filter(pk=other_team_case.pk).exists()
    # A team of the organization without cases changes nothing for its new member.
    lonely.teams.add(TeamFactory(organization=w.org_a))
    _assert_same_for([lonely])
    _assert_viewer_ids(users)


def test_scope_all_has_no_condition_and_no_role_sees_nothing(world):
    assert Case.objects.scope_reaches(world.coordinator, Scope.ALL) == []
    assert Case.objects.scope_ids(world.coordinator, Scope.ALL) == Q()
    nobody = UserFactory(role="", organization=world.org_a)
    assert not Case.objects.visible_to(nobody).exists()
    assert not Case.objects.in_own_scope(nobody).exists()
    assert m.Case.objects.filter(pk=world.case_a.pk).viewer_ids([nobody]) == set()


def test_the_sql_shape_of_each_scope(world):
    """Own scope: one UNION of the branches (on PostgreSQL run once, as an array); team and organization:
    the OR of the owner columns and hashed id subqueries, which the list's order index serves."""
    own = str(Case.objects.visible_to(world.screener_a).query)
    team = str(Case.objects.visible_to(world.caseworker_a).query)
    organization = str(Case.objects.visible_to(world.hotline_a).query)
    assert "UNION ALL" in own and own.count('"owner_worker_id" =') == 1
    assert "UNION" not in team and "UNION" not in organization
    assert '"owner_team_id"' in team and '"owner_organization_id"' in organization
    from django.db import connection

    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(" in own
