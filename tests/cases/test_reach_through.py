"""``CaseQuerySet.reach_q``: what ``visible_to`` and ``in_own_scope`` reach, as a condition on the rows of
models that point to a case (tested on the joined case row, not as "case_id IN (every visible case)").
For every role, on the security world (two organizations, the office, a user of every role, objects on
each side), both forms give the same rows, and the joined form never builds the set of visible cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from octip.cases.models import Case, PlanAction, Task, reach_through
from octip.consent.models import Consent
from octip.core.roles import ROLES
from octip.referrals.models import Referral
from tests.security.world import world_fixture

shared_world = pytest.fixture(scope="module")(world_fixture)

#: (model, path from its rows to their case)
CHILDREN = [(Task, "case"), (Consent, "case"), (Referral, "case"), (PlanAction, "goal__case")]


def _ids(queryset) -> set:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_reach_q_gives_the_rows_of_the_visible_cases_for_every_role(shared_world, role):
    user = shared_world.users[role]
    visible = Case.objects.visible_to(user)
    own = Case.objects.in_own_scope(user)
    assert _ids(Case.objects.filter(Case.objects.reach_q(user))) == _ids(visible)
    assert _ids(Case.objects.filter(Case.objects.reach_q(user, grants=False))) == _ids(own)
    for model, through in CHILDREN:
        assert _ids(model.objects.filter(Case.objects.reach_q(user, through=through))) == \
            _ids(model.objects.filter(**{f"{through}__in": visible})), (model.__name__, role)
        assert _ids(model.objects.filter(Case.objects.reach_q(user, through=through, grants=False))) == \
            _ids(model.objects.filter(**{f"{through}__in": own})), (model.__name__, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_shape_for_counting_gives_the_same_cases_for_every_role(shared_world, role):
    # Counts read a team's set as one array of ids, lists the OR that their order index serves: the same
    # cases either way, with a grant to the user, to the organization and to the role there.
    user = shared_world.users[role]
    _grant_every_way(shared_world, user, ["summary"], f"counting-{role}")
    assert _ids(Case.objects.visible_to(user, counting=True)) == _ids(Case.objects.visible_to(user))
    assert _ids(Case.objects.filter(Case.objects.own_scope_q(user, counting=True))) == \
        _ids(Case.objects.in_own_scope(user))
    if user.role == "caseworker" and connection.vendor == "postgresql":  # scope "team"
        assert "ANY(ARRAY" in str(Case.objects.visible_to(user, counting=True).query)
        assert "ANY(ARRAY" not in str(Case.objects.visible_to(user).query)


def _grant_every_way(world, user, sections: list[str], source_id: str, *more: dict) -> None:
    """Grants of the other organization's case reaching ``user`` each way: by name, to their organization,
    to their role there (and to whoever ``more`` names)."""
    from octip.cases.models import CaseAccessGrant, GrantSource

    for to in ({"user": user}, {"organization": user.organization},
               {"organization": user.organization, "role": user.role}, *more):
        CaseAccessGrant.objects.create(case=world.objects["case"]["other"], sections=sections,
                                       source=GrantSource.REFERRAL, source_id=source_id, **to)


def _grant(world, **to) -> None:
    from octip.cases.models import CaseAccessGrant, GrantSource

    case_b = world.objects["case"]["other"]
    CaseAccessGrant.objects.create(case=case_b, sections=["summary"], source=GrantSource.choices[0][0],
                                   source_id="test", **to)


@pytest.mark.django_db
@pytest.mark.parametrize("grant", ["user", "organization", "organization_role"])
def test_a_grant_reaches_the_rows_of_a_case_outside_the_own_scope(shared_world, grant):
    caseworker = shared_world.users["caseworker"]
    to = {"user": {"user": caseworker}, "organization": {"organization": shared_world.org_a},
          "organization_role": {"organization": shared_world.org_a, "role": "caseworker"}}[grant]
    _grant(shared_world, **to)
    visible, own = Case.objects.visible_to(caseworker), Case.objects.in_own_scope(caseworker)
    assert _ids(visible) != _ids(own)  # the grant is what tells the two apart
    for model, through in CHILDREN:
        reached = _ids(model.objects.filter(Case.objects.reach_q(caseworker, through=through)))
        assert reached == _ids(model.objects.filter(**{f"{through}__in": visible})), model.__name__
        assert reached != _ids(model.objects.filter(Case.objects.reach_q(caseworker, through=through, grants=False))) \
            or not model.objects.filter(**{through: shared_world.objects["case"]["other"]}).exists()
    tasks_of_b = _ids(Task.objects.filter(case=shared_world.objects["case"]["other"]))
    assert tasks_of_b  # the world gives case B tasks: the grant has something to reach
    assert tasks_of_b <= _ids(Task.objects.filter(Case.objects.reach_q(caseworker, through="case")))
    assert not tasks_of_b & _ids(Task.objects.filter(Case.objects.reach_q(caseworker, through="case", grants=False)))


@pytest.mark.django_db
def test_a_team_reader_is_tested_on_the_joined_case_not_on_the_set_of_visible_cases(shared_world):
    caseworker = shared_world.users["caseworker"]
    with CaptureQueriesContext(connection) as captured:
        list(Task.objects.filter(Case.objects.reach_q(caseworker, through="case")))
    sql = captured.captured_queries[-1]["sql"]
    assert 'INNER JOIN "cases_case"' in sql and '"cases_case"."owner_worker_id"' in sql
    assert 'FROM "cases_case" V0' not in sql and 'FROM "cases_case" U0' not in sql


@pytest.mark.django_db
def test_no_permission_reaches_nothing_and_scope_all_reaches_every_row(shared_world):
    assert Case.objects.reach_q(None, through="case") == Q(pk__in=[])
    coordinator = Case.objects.reach_q(shared_world.users["coordinator"], through="case")
    assert _ids(Task.objects.filter(coordinator)) == _ids(Task.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_reach_q_keeps_its_rows_when_combined_in_an_or(shared_world, role):
    # "Own case or sent to us" (a referral's scope): an always-true condition must not vanish from the OR.
    user = shared_world.users[role]
    for model, through in CHILDREN:
        for grants in (True, False):
            alone = _ids(model.objects.filter(Case.objects.reach_q(user, through=through, grants=grants)))
            either = _ids(model.objects.filter(Case.objects.reach_q(user, through=through, grants=grants)
                                               | Q(pk__in=[])))
            assert either == alone, (model.__name__, role, grants)
    own = Case.objects.reach_q(user, grants=False) | Q(pk__in=[])
    assert _ids(Case.objects.filter(own)) == _ids(Case.objects.in_own_scope(user))


def test_reach_through_moves_every_lookup_and_keeps_the_logic():
    moved = reach_through(~Q(owner_worker_id=1) | (Q(owner_team__in=[2]) & Q(stage="x")), "goal__case")
    assert moved == ~Q(goal__case__owner_worker_id=1) | (Q(goal__case__owner_team__in=[2]) & Q(goal__case__stage="x"))
    same = Q(owner_worker_id=1)
    assert reach_through(same, "") is same


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["screener", "police_liaison", "caseworker"])
def test_reach_through_takes_an_own_scope_written_as_an_array_of_ids(shared_world, role):
    # An own scope's condition is an expression (id = ANY(ARRAY(...))), not lookups: moved onto tasks
    # it must still give the tasks of those cases (shown_risk moves it so, from "My work").
    user = shared_world.users[role]
    moved = reach_through(Case.objects.reach_q(user, grants=False) | Q(pk__in=[]), "case")
    assert _ids(Task.objects.filter(moved)) == _ids(Task.objects.filter(case__in=Case.objects.in_own_scope(user)))


@pytest.mark.django_db
def test_my_work_of_an_own_scope_reader_with_a_grant_leaving_out_the_summary(shared_world):
    from octip.cases.models import CaseAccessGrant, GrantSource
    from octip.cases.selectors import my_work_for_reading

    police = shared_world.users["police_liaison"]
    CaseAccessGrant.objects.create(case=shared_world.objects["case"]["other"], user=police, sections=["notes"],
                                   source=GrantSource.POLICE_CONTACT, source_id="test")
    groups = my_work_for_reading(actor=police)  # shown_risk moves the own scope onto the tasks
    assert set(groups) >= {"mine", "team", "overdue"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_ways_a_grant_reaches_a_reader_are_together_the_grants_reaching_them(shared_world, role):
    # Lists read the grants as a UNION ALL of their ways (an index-only scan each on PostgreSQL), a
    # case page as one OR: both give the same grants, for a grant to the user, to the organization and
    # to the role there, and none of another organization's.
    from octip.cases.models import CaseAccessGrant, union_all
    from octip.cases.selectors import grants_sharing
    from octip.core.access import allows

    user = shared_world.users[role]
    case_b = shared_world.objects["case"]["other"]
    _grant_every_way(shared_world, user, ["notes"], f"ways-{role}", {"organization": shared_world.org_b})
    grants = CaseAccessGrant.objects.active()
    by_or = set(grants.reaching(user).values_list("pk", flat=True))
    by_union = set(union_all([way.values_list("pk", flat=True) for way in grants.reaching_ways(user)]))
    assert by_union == by_or
    assert by_or  # by name at least, whatever the role's scope
    shared = set(grants_sharing(user, "notes").values_list("case_id", flat=True))
    assert shared == ({case_b.pk} if allows(user, "case.view") else set())


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_a_page_of_few_matches_read_from_the_whole_set_is_the_page_read_in_order(shared_world, role):
    # ``case_rows`` reads a page from the reader's whole set when its count stops short of the cap: the
    # same rows in the same order as the list's OR, for every role, with a grant to the organization.
    from octip.cases.models import CaseAccessGrant, GrantSource
    from octip.cases.selectors import CaseFilters, case_list, case_rows

    user = shared_world.users[role]
    CaseAccessGrant.objects.create(case=shared_world.objects["case"]["other"], sections=["summary"],
                                   source=GrantSource.REFERRAL, source_id=f"page-{role}",
                                   organization=user.organization)
    filters = CaseFilters()
    in_order = [case.pk for case in case_list(actor=user, filters=filters, annotate=False)[:25]]
    whole = [case.pk for case in case_list(actor=user, filters=filters, annotate=False, whole_set=True)[:25]]
    assert whole == in_order
    with CaptureQueriesContext(connection) as queries:
        page = case_rows(actor=user, filters=filters)
    assert [case.pk for case in page.rows] == in_order
    if user.role == "caseworker" and connection.vendor == "postgresql":  # scope "team": few, so the array
        listed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "cases_case"."version"')]
        assert listed and "ANY(ARRAY" in listed[0]
