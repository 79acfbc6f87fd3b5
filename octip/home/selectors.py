"""What the home page (``/app/``) shows each reader: the work waiting for them, as numbers.

Every number is counted through the apps' own doors (``visible_to``, and the selectors built on it)
and comes with the address of the list that shows the same rows: the number is that list's length.
A label says what is counted, never whom (a staff member's or team's name at most, never a person's).
Which blocks a reader gets follows the permissions of their role (``core/roles.py``), not its name.

The number of queries is fixed: one aggregate per block, whatever the number of rows
(``tests/home/test_home.py`` asserts it).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.cases.models import Case, Stage
from octip.cases.selectors import (
    DUE_SOON_DAYS,
    NO_WORKER,
    CaseFilters,
    cases_counted,
    emergency_accesses_awaiting_review,
    my_work,
    no_worker_q,
    plan_actions_due,
)
from octip.consent.selectors import EXPIRING_WITHIN_DAYS, expiring_consents
from octip.core.access import Actor, allows
from octip.core.keyset import capped_count
from octip.core.roles import Role, get_role
from octip.core.shared_cache import kept
from octip.hotline.selectors import queue
from octip.justice.selectors import SOON_DAYS as JUSTICE_SOON_DAYS
from octip.justice.selectors import deadlines_due_soon
from octip.partners.models import RoleGrant, Team, User
from octip.partners.selectors import pending_role_of
from octip.referrals.selectors import referrals, transfers


@dataclass(frozen=True)
class Figure:
    """One number, what it counts, and the list that shows those rows."""

    label: str
    count: int
    url: str
    #: Needs attention now (past a date, or nobody on it): listed first and marked.
    alert: bool = False
    #: Counted up to ``keyset.COUNT_CAP`` only, and there are more ("1000+"): the exact number of a
    #: large database would be a scan of every row on each visit to the home page.
    more: bool = False

    @classmethod
    def capped(cls, label: str, rows: QuerySet[Any], url: str, *, alert: bool = False) -> Figure:
        counted = capped_count(rows)
        return cls(label, counted.shown, url, alert=alert, more=counted.more)


@dataclass(frozen=True)
class Breakdown:
    """Numbers of one kind side by side (open cases by stage, by team, by caseworker)."""

    caption: str
    heading: str
    rows: list[Figure]
    #: Rows left out (``BREAKDOWN_ROWS`` are shown, the most open cases first).
    more: int = 0


#: The rows a breakdown shows: the teams and workers with the most open cases. A provincial office
#: with thousands of caseworkers would otherwise list every one of them on its home page.
BREAKDOWN_ROWS = 25


@dataclass(frozen=True)
class Block:
    """A block of the home page: a heading, its numbers (those needing attention first) and breakdowns."""

    key: str
    title: str
    figures: list[Figure]
    breakdowns: list[Breakdown] = field(default_factory=list)
    #: When numbers shared between readers were counted (None: counted for this page).
    counted_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Home:
    role: Role | None
    #: The role an administrator asked for this account, while it awaits a second person's approval.
    pending: RoleGrant | None
    blocks: list[Block]


def _url(name: str, query: Mapping[str, object] | None = None, fragment: str = "") -> str:
    url = reverse(name)
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{fragment}" if fragment else "")


def _overdue_first(figures: list[Figure]) -> list[Figure]:
    return sorted(figures, key=lambda figure: not figure.alert)  # a stable sort keeps the rest in order


def home_for(*, actor: User, now: datetime.datetime | None = None) -> Home:
    """The home page of ``actor``: their role, a role awaiting approval, and the blocks their
    permissions open, each number counted through ``visible_to``."""
    now = now or timezone.now()
    blocks = [block for block in (
        _waiting_for_my_organization(actor, now),
        _my_cases(actor, now),
        _closures(actor),
        _open_cases(actor),
        _line(actor, now),
        _emergency_access(actor),
        _justice_deadlines(actor, now),
    ) if block is not None]
    return Home(role=get_role(actor.role), pending=pending_role_of(actor), blocks=blocks)


def _waiting_for_my_organization(actor: Actor, now: datetime.datetime) -> Block | None:
    """Referrals and transfers sent to the actor's organization, awaiting its answer."""
    if not allows(actor, "referral.respond"):
        return None
    late = Q(respond_by__lt=now)
    received = referrals(actor=actor, box="inbox", status="sent").aggregate(
        waiting=Count("pk"), overdue=Count("pk", filter=late))
    offered = transfers(actor=actor, box="inbox", status="sent").aggregate(
        waiting=Count("pk"), overdue=Count("pk", filter=late))
    return Block("waiting", _("Waiting for your organization"), _overdue_first([
        Figure(_("Referrals awaiting your answer past their date"), received["overdue"],
               _url("referrals:inbox", {"overdue": 1}), alert=True),
        Figure(_("Referrals awaiting your answer"), received["waiting"],
               _url("referrals:inbox", {"status": "sent"})),
        Figure(_("Transfers awaiting your answer past their date"), offered["overdue"],
               _url("referrals:transfers", {"box": "inbox", "overdue": 1}), alert=True),
        Figure(_("Transfers awaiting your answer"), offered["waiting"],
               _url("referrals:transfers", {"box": "inbox", "status": "sent"})),
    ]))


def _my_cases(actor: Actor, now: datetime.datetime) -> Block | None:
    """The actor's own follow-ups: tasks, plan actions, duty-to-report, consents about to expire."""
    if not allows(actor, "case.edit"):
        return None
    today = timezone.localdate(now)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    tasks = my_work(actor=actor, today=today)["mine"].aggregate(
        overdue=Count("pk", filter=Q(due__lt=today)), soon=Count("pk", filter=Q(due__gte=today, due__lte=soon)))
    figures = [
        Figure(_("My tasks past their date"), tasks["overdue"],
               _url("cases:my_work", {"due": "overdue"}, "mine"), alert=True),
        Figure(_("My tasks due in the next 7 days"), tasks["soon"], _url("cases:my_work", {"due": "soon"}, "mine")),
        Figure.capped(_("My plan actions due in the next 7 days or past their date"),
                      plan_actions_due(actor=actor, today=today), _url("cases:my_work", fragment="actions")),
        Figure.capped(_("Youth cases whose duty to report is outstanding"),
                      cases_counted(actor=actor, filters=CaseFilters(report_due=True)),
                      _url("cases:list", {"report_due": 1})),
    ]
    if allows(actor, "consent.record"):
        figures.append(Figure.capped(_("Consents expiring within 30 days"),
                                     expiring_consents(actor=actor, within_days=EXPIRING_WITHIN_DAYS, now=now),
                                     _url("consent:expiring")))
    return Block("mine", _("Your cases"), _overdue_first(figures))


def _closures(actor: Actor) -> Block | None:
    """Closure requests awaiting a decision (a case waits in the "closure requested" stage)."""
    if not allows(actor, "case.approve_closure"):
        return None
    waiting = cases_counted(actor=actor, filters=CaseFilters(stage=Stage.CLOSURE_REQUESTED))
    return Block("closures", _("Decisions waiting for you"), [
        Figure.capped(_("Closure requests awaiting a decision"), waiting,
                      _url("cases:list", {"stage": Stage.CLOSURE_REQUESTED}))])


@dataclass(frozen=True)
class OpenCaseCounts:
    """The numbers of the open-cases block, before labels: open cases by stage, the teams and the
    caseworkers with the most (``BREAKDOWN_ROWS`` of each: (id, name, organization, count)) and how
    many more there are, and those nobody works (capped)."""

    by_stage: dict[str, int]
    teams: list[tuple[int, str, str, int]]
    more_teams: int
    workers: list[tuple[int, str, str, int]]
    more_workers: int
    nobody: int
    nobody_more: bool
    #: When they were counted, if they are kept for other readers (None: counted for this page).
    counted_at: datetime.datetime | None


def _largest_owners(counts: dict[int, int], names: Any) -> tuple[list[tuple[int, str, str, int]], int]:
    """The ``BREAKDOWN_ROWS`` owners with the most open cases (ties in the order of their names), and
    how many more there are. ``names(ids)`` gives (id, name, organization) of those ids in the order
    that breaks ties: asked only for the owners that can be shown (the top ones and those tied with
    the last), not for thousands."""
    if not counts:
        return [], 0
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    last = ranked[min(BREAKDOWN_ROWS, len(ranked)) - 1][1]
    candidates = {pk for pk, n in ranked if n >= last}
    rows = sorted(((pk, name, organization, counts[pk]) for pk, name, organization in names(candidates)),
                  key=lambda row: -row[3])  # stable: the names' order among equals
    return rows[:BREAKDOWN_ROWS], max(len(counts) - BREAKDOWN_ROWS, 0)


def _count_open_cases(open_cases: QuerySet[Case], *, kept_for_others: bool) -> OpenCaseCounts:
    # One pass over the open cases, grouped by stage, team and worker together, then summed here: three
    # GROUP BYs, each joined to the names, read every open case three times (seconds at a million).
    by_stage: dict[str, int] = {}
    by_team: dict[int, int] = {}
    by_worker: dict[int, int] = {}
    for stage, team_id, worker_id, n in (open_cases.values_list("stage", "owner_team_id", "owner_worker_id")
                                         .annotate(n=Count("pk")).order_by()):
        by_stage[stage] = by_stage.get(stage, 0) + n
        if team_id is not None:
            by_team[team_id] = by_team.get(team_id, 0) + n
        if worker_id is not None:
            by_worker[worker_id] = by_worker.get(worker_id, 0) + n
    teams, more_teams = _largest_owners(by_team, lambda ids: Team.objects.filter(pk__in=ids).values_list(
        "pk", "name", "organization__name").order_by("organization__name", "name", "pk"))
    workers, more_workers = _largest_owners(by_worker, lambda ids: User.objects.filter(pk__in=ids).values_list(
        "pk", "full_name", "organization__name").order_by("full_name", "organization__name", "pk"))
    nobody = capped_count(open_cases.filter(no_worker_q()))
    return OpenCaseCounts(by_stage, teams, more_teams, workers, more_workers, nobody.shown, nobody.more,
                          timezone.now() if kept_for_others else None)


def _open_case_counts(open_cases: QuerySet[Case], shared_key: str) -> OpenCaseCounts:
    """``_count_open_cases``, kept ``OCTIP_HOME_COUNTS_SECONDS`` under ``shared_key`` when readers share
    the same cases ("" when they do not: counted afresh). Only numbers and staff and team names are
    kept, never a person's detail; the page says when they were counted."""
    seconds = settings.OCTIP_HOME_COUNTS_SECONDS if shared_key else 0
    if seconds <= 0:
        return _count_open_cases(open_cases, kept_for_others=False)
    return kept(f"home.open_cases.v1:{shared_key}", lambda: _count_open_cases(open_cases, kept_for_others=True),
                seconds, OpenCaseCounts)


def _open_cases(actor: Actor) -> Block | None:
    """Open cases by stage, by team and by caseworker, and those nobody works: for whoever assigns
    the work or manages the staff, among the cases they can see. Readers who see the same cases
    (every case: a coordinator; an organization's own: its administrators) share the numbers for
    ``OCTIP_HOME_COUNTS_SECONDS``: each count reads every open case they see."""
    if allows(actor, "case.view") and allows(actor, "case.assign"):
        open_cases, linked = Case.objects.visible_to(actor, counting=True).open(), True
        shared_key = "all" if Case.objects.own_scope_is_all(actor) else ""
    elif allows(actor, "case.count_workload"):
        # An organization administrator sees the numbers, to balance the work, but opens no case:
        # the numbers carry no link.
        open_cases, linked = Case.objects.workload_of(actor).open(), False
        shared_key = f"workload:{actor.organization_id}"
    else:
        return None
    counts = _open_case_counts(open_cases, shared_key)

    def link(query: Mapping[str, object]) -> str:
        return _url("cases:list", query) if linked else ""

    stages = [Figure(str(label), counts.by_stage.get(value, 0), link({"stage": value}))
              for value, label in Stage.choices if value != Stage.CLOSED]
    teams = [Figure(f"{name} ({organization})", n, link({"open": 1, "team": pk}))
             for pk, name, organization, n in counts.teams]
    workers = [Figure(f"{name} ({organization})", n, link({"open": 1, "worker": pk}))
               for pk, name, organization, n in counts.workers]
    return Block("open", _("Open cases"), [
        Figure(_("Open cases with no worker"), counts.nobody, link({"open": 1, "worker": NO_WORKER}),
               alert=bool(counts.nobody), more=counts.nobody_more)],
        [Breakdown(_("Open cases by stage"), _("Stage"), stages),
         Breakdown(_("Open cases by team"), _("Team"), teams, more=counts.more_teams),
         Breakdown(_("Open cases by caseworker"), _("Caseworker"), workers, more=counts.more_workers)],
        counted_at=counts.counted_at)


def _line(actor: Actor, now: datetime.datetime) -> Block | None:
    """24/7 line contacts still waiting for a first response past their target."""
    if not allows(actor, "hotline.view"):
        return None
    late = len(queue(actor=actor, now=now, past_target=True))
    return Block("line", _("24/7 line"), [
        Figure(_("Contacts past their first-response target"), late, _url("hotline:queue", {"past_target": 1}),
               alert=True)])


def _emergency_access(actor: Actor) -> Block | None:
    if not allows(actor, "audit.review_emergency_access"):
        return None
    return Block("emergency", _("Emergency access"), [
        Figure(_("Emergency accesses awaiting review"), emergency_accesses_awaiting_review(actor=actor),
               _url("cases:emergency_review_list"))])


def _justice_deadlines(actor: Actor, now: datetime.datetime) -> Block | None:
    """Permit expiries, CVAP deadlines, court dates and hearings due soon: the worker's own and, for
    whoever assigns the work, every case's (the coordinator's overview)."""
    if not (allows(actor, "justice.view") and (allows(actor, "case.edit") or allows(actor, "case.assign"))):
        return None
    today = timezone.localdate(now)
    figures = [Figure(_("My deadlines due within %(days)s days or past") % {"days": JUSTICE_SOON_DAYS},
                      deadlines_due_soon(actor=actor, today=today), _url("justice:deadlines", {"soon": 1}))]
    if allows(actor, "case.assign"):
        figures.append(Figure(_("Deadlines of all cases due within %(days)s days or past") % {
            "days": JUSTICE_SOON_DAYS}, deadlines_due_soon(actor=actor, everyone=True, today=today),
            _url("justice:deadlines", {"soon": 1, "all": 1})))
    return Block("justice", _("Justice and immigration deadlines"), figures)
