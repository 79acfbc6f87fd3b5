"""The home page (``/app/``): each number is what ``visible_to`` shows the reader, the list it links to
shows the same rows, nothing of another organization leaks into it, and the number of queries does
not grow with the rows."""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from octip.cases.models import (
    Case,
    CaseAccessGrant,
    ClosureRequest,
    DutyToReport,
    EmergencyAccess,
    Goal,
    PlanAction,
    Stage,
    Task,
)
from octip.consent.models import Consent, Disclosure
from octip.home.selectors import home_for
from octip.hotline.models import Contact
from octip.referrals.models import Referral, Transfer
from tests.factories import OrganizationFactory, TeamFactory, UserFactory
from tests.factories.cases import make_case
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db

_names = itertools.count(1)


@dataclass
class Org:
    organization: object
    team: object
    worker: object
    hotline: object
    cases: list


def _person_name() -> str:
    return f"Quillon Varga{next(_names)}"  # never on a home page: the test looks for it


def build_org(k: int, organization=None) -> Org:
    """An organization with ``k`` rows of every kind the home page counts, and rows it must not count."""
    organization = organization or OrganizationFactory()
    team = TeamFactory(organization=organization)
    worker = UserFactory(role="caseworker", organization=organization, teams=[team])
    hotline = UserFactory(role="hotline_operator", organization=organization)
    today = timezone.localdate()
    now = timezone.now()
    cases = []
    for _ in range(k):
        cases.append(make_case(organization=organization, team=team, worker=worker, legal_name=_person_name()))
        nobody = make_case(organization=organization, team=team, legal_name=_person_name())
        Case.objects.filter(pk=nobody.pk).update(stage=Stage.INTAKE)
        youth = make_case(organization=organization, team=team, worker=worker, track="youth",
                          legal_name=_person_name())
        Case.objects.filter(pk=youth.pk).update(stage=Stage.ASSESSMENT)
        closing = make_case(organization=organization, team=team, worker=worker, legal_name=_person_name())
        Case.objects.filter(pk=closing.pk).update(stage=Stage.CLOSURE_REQUESTED)
        ClosureRequest.objects.create(case=closing, reason="goals met", outcome="goals_met", requested_by=worker,
                                      previous_stage=Stage.SERVICES)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(stage=Stage.SERVICES)
    # Not counted: a closed case, a youth case whose report is made, a case assigned to a worker.
    closed = make_case(organization=organization, team=team, legal_name=_person_name())
    Case.objects.filter(pk=closed.pk).update(stage=Stage.CLOSED)
    reported = make_case(organization=organization, team=team, worker=worker, track="youth",
                         legal_name=_person_name())
    DutyToReport.objects.create(case=reported, reported_by_name="A. Worker", reported_at=now, office="mcfd_line",
                                recorded_by=worker)
    make_case(organization=organization, team=team, legal_name=_person_name(), assigned=[worker])
    first = cases[0]
    for _ in range(k):
        Task.objects.create(case=first, title="Call back", due=today - datetime.timedelta(days=2), assignee=worker)
        Task.objects.create(case=first, title="Book interpreter", due=today + datetime.timedelta(days=3),
                            assignee=worker)
    Task.objects.create(case=first, title="Later", due=today + datetime.timedelta(days=20), assignee=worker)
    Task.objects.create(case=first, title="Done", due=today - datetime.timedelta(days=2), assignee=worker,
                        done_at=now)
    goal = Goal.objects.create(case=first, description="Stable housing")
    for _ in range(k):
        PlanAction.objects.create(goal=goal, description="Visit shelter", owner=worker,
                                  due=today + datetime.timedelta(days=2))
    PlanAction.objects.create(goal=goal, description="Later", owner=worker, due=today + datetime.timedelta(days=30))
    for _ in range(k):
        make_consent(case=first, obtained_by=worker, scope="services", expires_at=now + datetime.timedelta(days=10))
    make_consent(case=first, obtained_by=worker, scope="services", expires_at=now + datetime.timedelta(days=60))
    make_consent(case=first, obtained_by=worker, scope="services", expires_at=now + datetime.timedelta(days=5),
                 withdrawn_at=now)
    for _ in range(k):
        Contact.objects.create(channel="phone", caller_type="anonymous", urgency="emergency", summary="A call",
                               organization=organization, received_at=now - datetime.timedelta(hours=2))
    Contact.objects.create(channel="phone", caller_type="anonymous", urgency="emergency", summary="Answered",
                           organization=organization, received_at=now - datetime.timedelta(hours=2),
                           first_response_at=now - datetime.timedelta(hours=1))
    Contact.objects.create(channel="phone", caller_type="anonymous", urgency="routine", summary="Recent",
                           organization=organization, received_at=now)
    for _ in range(k):
        grant = CaseAccessGrant.objects.create(case=first, user=worker, sections=["summary"], source="break_glass",
                                               source_id="x", expires_at=now + datetime.timedelta(hours=1))
        EmergencyAccess.objects.create(case=first, user=worker, reason="danger", grant=grant,
                                       expires_at=now + datetime.timedelta(hours=1))
    return Org(organization, team, worker, hotline, cases)


def send_between(sender: Org, receiver: Org, k: int) -> None:
    """``k`` referrals and transfers awaiting ``receiver``'s answer past their date, ``k`` within it, and
    one answered."""
    now = timezone.now()
    case = sender.cases[0]
    disclosure = Disclosure.objects.create(case=case, organization=receiver.organization, sections=["summary"],
                                           basis="consent", decided_by=sender.worker)
    common = {"case": case, "from_organization": sender.organization, "to_organization": receiver.organization,
              "disclosure": disclosure, "sent_by": sender.worker}
    for respond_by, status in [(now - datetime.timedelta(hours=1), "sent")] * k + [
            (now + datetime.timedelta(days=1), "sent")] * k + [(now - datetime.timedelta(hours=1), "accepted")]:
        Referral.objects.create(purpose="Shelter", urgency="urgent", sections=["summary"], respond_by=respond_by,
                                status=status, **common)
        Transfer.objects.create(reason="Moving", respond_by=respond_by, status=status, **common)


@pytest.fixture
def world():
    a, b = build_org(1), build_org(2)
    send_between(b, a, 1)
    send_between(a, b, 2)
    coordinator = UserFactory(role="coordinator", organization=a.organization)
    auditor = UserFactory(role="auditor", organization=a.organization)
    return {"a": a, "b": b, "coordinator": coordinator, "auditor": auditor}


def figures(actor) -> dict[str, int]:
    home = home_for(actor=actor)
    return {figure.label: figure.count for block in home.blocks for figure in block.figures}


# --- The numbers, counted again independently -------------------------------------------------

def independent_counts(actor) -> dict[str, int]:
    """Each home number, asked again straight of ``visible_to`` (not through the home's selectors)."""
    now = timezone.now()
    today = timezone.localdate()
    cases = Case.objects.visible_to(actor)
    referrals = Referral.objects.visible_to(actor).filter(to_organization_id=actor.organization_id, status="sent")
    transfers = Transfer.objects.visible_to(actor).filter(to_organization_id=actor.organization_id, status="sent")
    tasks = Task.objects.filter(case__in=cases, assignee=actor, done_at__isnull=True)
    youth = Case.objects.in_own_scope(actor).filter(track="youth").exclude(
        stage=Stage.CLOSED).exclude(pk__in=DutyToReport.objects.values("case_id"))
    return {
        "Referrals awaiting your answer past their date": referrals.filter(respond_by__lt=now).count(),
        "Referrals awaiting your answer": referrals.count(),
        "Transfers awaiting your answer past their date": transfers.filter(respond_by__lt=now).count(),
        "Transfers awaiting your answer": transfers.count(),
        "My tasks past their date": tasks.filter(due__lt=today).count(),
        "My tasks due in the next 7 days": tasks.filter(due__gte=today,
                                                        due__lte=today + datetime.timedelta(days=7)).count(),
        "My plan actions due in the next 7 days or past their date": PlanAction.objects.filter(
            goal__case__in=cases, owner=actor, done_at__isnull=True,
            due__lte=today + datetime.timedelta(days=7)).count(),
        "Youth cases whose duty to report is outstanding": youth.count(),
        "Consents expiring within 30 days": Consent.objects.visible_to(actor).filter(
            case__in=Case.objects.in_own_scope(actor), withdrawn_at__isnull=True, given_at__lte=now,
            expires_at__gt=now, expires_at__lte=now + datetime.timedelta(days=30)).count(),
        "Closure requests awaiting a decision": cases.filter(stage=Stage.CLOSURE_REQUESTED).count(),
        "Open cases with no worker": cases.exclude(stage=Stage.CLOSED).filter(
            owner_worker__isnull=True, assigned_workers__isnull=True).count(),
        "Contacts past their first-response target": Contact.objects.visible_to(actor).filter(
            outcome="", first_response_at__isnull=True, urgency="emergency",
            received_at__lt=now - datetime.timedelta(minutes=5)).count(),
        "Emergency accesses awaiting review": EmergencyAccess.objects.visible_to(actor).filter(
            reviewed_at__isnull=True).count(),
        **_justice_counts(actor, cases, today),
    }


def _justice_counts(actor, cases, today) -> dict[str, int]:
    from django.db.models import Q

    from octip.justice.models import Deadline

    soon = Deadline.objects.visible_to(actor).filter(closed_at__isnull=True,
                                                     due_on__lte=today + datetime.timedelta(days=30))
    mine = cases.filter(Q(owner_worker=actor) | Q(assigned_workers=actor)).values("pk")
    return {"My deadlines due within 30 days or past": soon.filter(case__in=mine).count(),
            "Deadlines of all cases due within 30 days or past": soon.count()}


def test_a_caseworker_counts_only_their_organizations_rows_and_each_equals_visible_to(world):
    a, b = world["a"], world["b"]
    for org, k in ((a, 1), (b, 2)):
        shown = figures(org.worker)
        expected = independent_counts(org.worker)
        assert shown == {label: expected[label] for label in shown}
        # The rows built for the worker's own organization, not one of the other's.
        assert shown == {
            "Referrals awaiting your answer past their date": k,
            "Referrals awaiting your answer": 2 * k,
            "Transfers awaiting your answer past their date": k,
            "Transfers awaiting your answer": 2 * k,
            "My tasks past their date": k,
            "My tasks due in the next 7 days": k,
            "My plan actions due in the next 7 days or past their date": k,
            "Youth cases whose duty to report is outstanding": k,
            "Consents expiring within 30 days": k,
            "My deadlines due within 30 days or past": 0,
        }


def test_a_coordinator_sees_every_organization_and_the_decisions_and_workload(world):
    coordinator = world["coordinator"]
    shown = figures(coordinator)
    expected = independent_counts(coordinator)
    assert shown == {label: expected[label] for label in shown}
    assert shown["Closure requests awaiting a decision"] == 3  # 1 in A, 2 in B: the coordinator's scope is all
    assert shown["Open cases with no worker"] == 3
    assert shown["Referrals awaiting your answer"] == 2  # sent to the coordinator's own organization only
    assert shown["Contacts past their first-response target"] == 3
    home = home_for(actor=coordinator)
    breakdowns = {b.caption: {row.label: row.count for row in b.rows} for block in home.blocks
                  for b in block.breakdowns}
    open_cases = Case.objects.visible_to(coordinator).exclude(stage=Stage.CLOSED)
    assert breakdowns["Open cases by stage"] == {
        str(label): open_cases.filter(stage=value).count() for value, label in Stage.choices if value != Stage.CLOSED}
    for org in (world["a"], world["b"]):
        worker_label = f"{org.worker.full_name} ({org.organization.name})"
        by_worker = breakdowns["Open cases by caseworker"]
        assert by_worker[worker_label] == open_cases.filter(owner_worker=org.worker).count()
        team_label = f"{org.team.name} ({org.organization.name})"
        assert breakdowns["Open cases by team"][team_label] == open_cases.filter(owner_team=org.team).count()


def test_the_line_operator_and_the_auditor_see_their_own_queue_and_reviews(world):
    a, b = world["a"], world["b"]
    assert figures(a.hotline) == {"Contacts past their first-response target": 1}
    assert figures(b.hotline) == {"Contacts past their first-response target": 2}
    assert figures(world["auditor"]) == {"Emergency accesses awaiting review": 3}
    assert figures(world["auditor"]) == {label: n for label, n in independent_counts(world["auditor"]).items()
                                         if label == "Emergency accesses awaiting review"}


def test_an_organization_administrator_counts_the_workload_but_opens_no_case(world, client_for):
    a, b = world["a"], world["b"]
    admin = UserFactory(role="org_admin", organization=a.organization)
    [block] = home_for(actor=admin).blocks
    assert block.key == "open"
    own_open = Case.objects.filter(owner_organization=a.organization).exclude(stage=Stage.CLOSED)
    by_stage = {row.label: row.count for row in block.breakdowns[0].rows}
    assert sum(by_stage.values()) == own_open.count()
    assert sum(row.count for row in block.breakdowns[2].rows) == own_open.filter(owner_worker__isnull=False).count()
    assert all(not row.url for breakdown in block.breakdowns for row in breakdown.rows)
    assert all(not figure.url for figure in block.figures)
    assert b.worker.full_name not in {row.label.split(" (")[0] for row in block.breakdowns[2].rows}
    html = client_for(admin).get("/app/").content.decode()
    assert "/app/cases/?" not in html
    assert client_for(admin).get("/app/cases/").status_code in (403, 404)


def test_roles_without_work_to_count_see_no_number_but_what_they_can_do(world, client_for):
    for role in ("analyst", "trainer", "system_admin"):
        user = UserFactory(role=role, organization=world["a"].organization)
        assert home_for(actor=user).blocks == []
        html = client_for(user).get("/app/").content.decode()
        assert "What you can do here" in html
        assert 'class="figure' not in html


# --- Each number links to the list that shows the same rows -----------------------------------

def listed_rows(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    parsed = urlparse(url)
    name = resolve(parsed.path).view_name
    if name == "cases:my_work":
        return len(context["actions"] if "actions" in url else context["mine"])
    return {
        "cases:list": lambda: context["total"].count,
        "cases:emergency_review_list": lambda: context["page"].paginator.count,
        "referrals:inbox": lambda: len(context["referrals"]),
        "referrals:transfers": lambda: len(context["transfers"]),
        "consent:expiring": lambda: len(context["consents"]),
        "hotline:queue": lambda: len(context["entries"]),
        "justice:deadlines": lambda: len(context["deadlines"]),
    }[name]()


def test_every_number_of_every_role_is_the_length_of_the_list_it_links_to(world, client_for):
    readers = [world["a"].worker, world["b"].worker, world["a"].hotline, world["coordinator"], world["auditor"]]
    checked = 0
    for reader in readers:
        client = client_for(reader)
        home = home_for(actor=reader)
        for block in home.blocks:
            for figure in [*block.figures, *(row for b in block.breakdowns for row in b.rows)]:
                assert listed_rows(client, figure.url) == figure.count, (reader.role, figure.label, figure.url)
                checked += 1
    assert checked > 30


def test_the_page_links_each_number_to_its_list(world, client_for):
    html = client_for(world["coordinator"]).get("/app/").content.decode()
    home = home_for(actor=world["coordinator"])
    for block in home.blocks:
        for figure in block.figures:
            assert f'href="{figure.url.replace("&", "&amp;")}"' in html


def test_no_label_or_page_carries_a_persons_name(world, client_for):
    names = list(Case.objects.values_list("person__legal_name", flat=True))
    assert names
    for reader in (world["a"].worker, world["coordinator"], world["a"].hotline, world["auditor"]):
        html = client_for(reader).get("/app/").content.decode()
        for name in names:
            assert name not in html
        assert "604-555-0199" not in html


def test_filtered_lists_refuse_bad_filters(world, client_for):
    client = client_for(world["coordinator"])
    assert client.get("/app/cases/?worker=somebody").status_code == 400
    assert client.get("/app/cases/?team=abc").status_code == 400
    assert client.get("/app/cases/my-work/?due=yesterday").status_code == 400
    assert client.get("/app/referrals/transfers/?status=lost").status_code == 400


def test_a_worker_filter_never_reaches_cases_out_of_sight(world, client_for):
    a, b = world["a"], world["b"]
    # A's caseworker asks for the cases of B's caseworker: no such choice for them.
    assert client_for(a.worker).get(f"/app/cases/?worker={b.worker.pk}").status_code == 400
    assert client_for(a.worker).get(f"/app/cases/?team={b.team.pk}").status_code == 400


# --- Bounded queries ----------------------------------------------------------------------------

def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/app/").status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("reader", ["coordinator", "worker", "hotline", "auditor"])
def test_the_number_of_queries_does_not_grow_with_the_rows(world, client_for, reader):
    a = world["a"]
    user = {"coordinator": world["coordinator"], "worker": a.worker, "hotline": a.hotline,
            "auditor": world["auditor"]}[reader]
    client = client_for(user)
    home_queries(client)  # the first request of a session may set it up
    before = home_queries(client)
    build_org(3, organization=a.organization)  # more of every row, in the reader's organization
    build_org(2)
    send_between(world["b"], a, 3)
    after = home_queries(client)
    assert after == before
    assert before <= 25


# --- Languages ----------------------------------------------------------------------------------

def test_the_home_page_speaks_french(world, client_for):
    client = client_for(world["coordinator"])
    client.cookies["django_language"] = "fr"
    html = client.get("/app/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Bienvenue" in html
    assert "Dossiers ouverts" in html
    assert not re.search(r">\s*Open cases\s*<", html)


def test_a_count_that_would_scan_stops_at_the_cap_and_says_more(world, client_for, monkeypatch):
    import functools

    from octip.core import keyset
    from octip.home import selectors as home_selectors

    coordinator = world["coordinator"]
    exact = independent_counts(coordinator)
    capped = [label for label in ("Youth cases whose duty to report is outstanding",
                                  "Open cases with no worker", "Closure requests awaiting a decision")
              if exact[label] >= 2]
    assert capped  # the world has at least one of them twice: the cap below has something to stop
    monkeypatch.setattr(home_selectors, "capped_count", functools.partial(keyset.capped_count, cap=1))
    shown = {f.label: f for block in home_for(actor=coordinator).blocks for f in block.figures}
    for label in capped:
        assert (shown[label].count, shown[label].more) == (1, True), label
    html = client_for(coordinator).get("/app/").content.decode()
    assert '<span class="count">1+</span>' in html


def test_a_breakdown_shows_the_largest_caseloads_and_says_how_many_more(world, client_for, monkeypatch):
    from octip.home import selectors as home_selectors

    coordinator = world["coordinator"]
    full = {b.caption: b for block in home_for(actor=coordinator).blocks for b in block.breakdowns}
    workers = full["Open cases by caseworker"]
    assert len(workers.rows) >= 2 and workers.more == 0
    monkeypatch.setattr(home_selectors, "BREAKDOWN_ROWS", 1)
    cut = {b.caption: b for block in home_for(actor=coordinator).blocks for b in block.breakdowns}
    top = cut["Open cases by caseworker"]
    assert top.rows == [max(workers.rows, key=lambda row: row.count)] and top.more == len(workers.rows) - 1
    html = client_for(coordinator).get("/app/").content.decode()
    assert "with fewer open cases" in html


def open_block(actor):
    return next(block for block in home_for(actor=actor).blocks if block.key == "open")


def test_readers_who_see_the_same_cases_share_the_open_case_numbers_for_a_while(world, client_for, settings):
    from django.core.cache import cache

    settings.OCTIP_HOME_COUNTS_SECONDS = 60
    a, b = world["a"], world["b"]
    coordinator, other = world["coordinator"], UserFactory(role="coordinator", organization=world["coordinator"]
                                                           .organization)
    first = open_block(coordinator)
    assert first.counted_at is not None
    build_org(2)  # more open cases everywhere
    with CaptureQueriesContext(connection) as captured:
        shared = open_block(other)
    assert shared == first  # the second coordinator reads the numbers the first one counted
    assert not any("GROUP BY" in query["sql"] for query in captured.captured_queries)
    assert "Counted at" in client_for(other).get("/app/").content.decode()
    # An organization's administrators share their organization's numbers, never another's.
    admin_a, admin_b = (UserFactory(role="org_admin", organization=org.organization) for org in (a, b))
    workload_a, workload_b = open_block(admin_a), open_block(admin_b)
    assert workload_a != workload_b
    assert sum(row.count for row in workload_b.breakdowns[0].rows) == Case.objects.filter(
        owner_organization=b.organization).exclude(stage=Stage.CLOSED).count()
    # Once the entry is gone, the numbers are counted again: the new cases appear.
    cache.clear()
    fresh = open_block(coordinator)
    total = Case.objects.exclude(stage=Stage.CLOSED).count()
    counted = sum(row.count for row in fresh.breakdowns[0].rows)
    assert counted == total > sum(row.count for row in first.breakdowns[0].rows)
    # A caseworker's numbers (their own follow-ups) are never shared: they have no open-case block.
    assert all(block.counted_at is None for block in home_for(actor=a.worker).blocks)


def test_open_case_numbers_are_counted_on_every_visit_when_sharing_is_off(world, settings):
    settings.OCTIP_HOME_COUNTS_SECONDS = 0
    coordinator = world["coordinator"]
    before = sum(row.count for row in open_block(coordinator).breakdowns[0].rows)
    build_org(1)
    after = open_block(coordinator)
    assert after.counted_at is None
    counted = sum(row.count for row in after.breakdowns[0].rows)
    assert counted == Case.objects.exclude(stage=Stage.CLOSED).count() > before


def test_the_owner_filters_offer_the_first_few_and_still_take_any_visible_owner(world, client_for, monkeypatch):
    import re

    from octip.cases import forms as case_forms
    from octip.cases.selectors import case_owners

    coordinator = world["coordinator"]
    owners = case_owners(actor=coordinator).workers
    assert len(owners) >= 2
    monkeypatch.setattr(case_forms, "OWNER_CHOICES_MAX", 1)
    client = client_for(coordinator)

    def offered(html: str) -> list[str]:
        select = re.search(r'<select name="worker".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="(\d+)"', select)

    assert offered(client.get("/app/cases/").content.decode()) == [str(owners[0][0])]
    further = owners[-1][0]
    answer = client.get("/app/cases/", {"worker": further})
    assert answer.status_code == 200 and offered(answer.content.decode()) == [str(owners[0][0]), str(further)]
    assert client.get("/app/cases/", {"worker": 987654}).status_code == 400  # not an owner: refused
