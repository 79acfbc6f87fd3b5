"""Reads of cases. Every query of protected rows starts from ``Case.objects.visible_to(actor)``, and
every read of protected content is recorded in the audit log here, once, whichever face asked.

One row is ``<noun>_or_404(*, actor, ...)`` (the case itself: ``case_or_404``); a row read to be shown
is ``<noun>_for_reading``, which records the read. The case page reads through ``case_page``, lists
and searches through ``case_rows``. The faces (views, API handlers) call these and query nothing
themselves.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from octip.core import audit, keyset
from octip.core.access import Actor, allows, get_visible_or_404, require
from octip.core.crypto import blind_index, index_key_ids
from octip.core.shared_cache import kept
from octip.partners.models import Team, User

from . import models as m  # timeline() below still names models through it
from . import reference
from .models import (
    Case,
    CaseAccessGrant,
    CaseFlag,
    ClosureRequest,
    Document,
    DutyToReport,
    EmergencyAccess,
    Goal,
    GrantSource,
    IdInArray,
    Need,
    Note,
    Person,
    PersonSearchToken,
    PlanAction,
    RiskAssessment,
    SafetyPlan,
    SearchTokenKind,
    Sensitivity,
    Stage,
    Task,
    TimelineEntry,
    Track,
    TraffickingEvent,
    TraffickingProfile,
    YouthProfile,
    dob_index,
    name_index,
    phone_index,
    phonetic_name_index,
    reach_through,
    union_all,
)
from .ratelimit import TooManyChecks, count_duplicate_check
from .reference import Term
from .sections import (
    ALL_SECTIONS,
    DECLARED,
    Fact,
    FieldKind,
    facts,
    open_fields,
    open_rows,
    owned_content,
    rows_for,
    sections_of_row,
)
from .sections import Field as SectionField
from .timeline import SECTION_OF_KIND
from .validation import (
    DUPLICATE_CHECK_REASONS,
    duplicate_check_criteria,
    duplicate_check_reason,
    duplicate_criteria_suffice,
)

CASE_NUMBER = re.compile(r"^BC-\d{4}-\d{6}$", re.IGNORECASE)
#: The largest row id the database holds (a 32-bit signed integer column).
MAX_ID = 2**31 - 1

#: Which face a read came through. A read through the API says so in its audit event ("via": "api").
Via = Literal["page", "api"]


def _via(via: Via) -> dict[str, str]:
    return {"via": "api"} if via == "api" else {}


# --- One case ---------------------------------------------------------------------------------

_CASE_RELATED = ("person", "region", "owner_organization", "owner_team", "owner_worker")


def case_or_404(*, actor: Actor, case_id: Any) -> Case:
    """The case if the actor may see it; a 404 otherwise (never a 403). A probe of a case that
    exists out of the actor's scope is recorded as a denial."""
    return get_visible_or_404(Case.objects.select_related(*_CASE_RELATED), actor, pk=case_id)


def case_or_none(*, actor: Actor, case_id: Any) -> Case | None:
    """The case if the actor may see it, else None (a malformed id too): for a link to a case that may
    lie out of the actor's sight. Never says whether such a case exists."""
    if case_id is None:
        return None
    try:
        return Case.objects.visible_to(actor).filter(pk=case_id).first()
    except (ValueError, ValidationError):
        return None


def is_visible_case(*, actor: Actor, case_id: Any) -> bool:
    """Whether a case with this id exists and the actor can see it (one query, nothing decrypted)."""
    if not case_id:
        return False
    try:
        return Case.objects.visible_to(actor).filter(pk=case_id).exists()
    except (ValueError, ValidationError):
        return False


def visible_case_ids(*, actor: Actor, ids: Iterable[Any]) -> set[Any]:
    """Which of ``ids`` are cases the actor can see, in one query (to show a link only to those)."""
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return set()
    try:
        return set(Case.objects.visible_to(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    except (ValueError, ValidationError):
        return set()


def case_by_number(*, actor: Actor, number: str) -> Case | None:
    """The case with this number if the actor can see it, else None."""
    return Case.objects.visible_to(actor).filter(number__iexact=(number or "").strip()).first()


def own_case_by_number(*, actor: Actor, number: str) -> Case | None:
    """The case with this number if it is in the actor's own scope (not only shared with them), else None."""
    return Case.objects.in_own_scope(actor).filter(number__iexact=(number or "").strip()).first()


def is_own_case(actor: Actor, case: Case) -> bool:
    """Whether ``case`` lies in the actor's own role scope, grants left out: a grant opens sections to
    read and work in, not the case's core record. ``cases.sharing`` gives this to other apps."""
    return Case.objects.in_own_scope(actor).filter(pk=case.pk).exists()


def in_owning_circle(actor: Actor, case: Case, *, own: bool | None = None) -> bool:
    """Whether the actor is of the case's owning circle for what never leaves it (flag reasons, risk
    rationales, approval comments, a case's situations): the case in the actor's own scope *and* the
    actor of the case's organization or of the coordinating office. A coordinator of another partner,
    whose role reaches every case, is not of it. ``own``: ``is_own_case`` when the caller knows it."""
    from octip.partners.models import OrganizationType

    organization = getattr(actor, "organization", None)
    if organization is None or not (organization.pk == case.owner_organization_id
                                    or organization.type == OrganizationType.COORDINATING_OFFICE):
        return False
    return is_own_case(actor, case) if own is None else own


def _without_unpermitted_sections(user: Actor, sections: Iterable[str]) -> frozenset[str]:
    """``sections`` less those whose permission the user's role lacks (``Section.permission``: identity
    needs ``case.view_identifying``, justice ``justice.view``)."""
    return frozenset(name for name in sections
                     if not DECLARED[name].permission or allows(user, DECLARED[name].permission))


def sections_visible_to(user: Actor, case: Case) -> frozenset[str]:
    """Every section when the case is in the user's own scope, else the union of the sections of the
    active grants — minus the sections whose permission the role lacks (``identity`` without
    ``case.view_identifying``, ``justice`` without ``justice.view``)."""
    return _sections(user, case, own=is_own_case(user, case))


def _sections(user: Actor, case: Case, *, own: bool) -> frozenset[str]:
    if own:
        return _without_unpermitted_sections(user, ALL_SECTIONS)
    if not allows(user, "case.view"):
        return frozenset()
    granted: set[str] = set()
    for sections in _active_grants(user).filter(case=case).values_list("sections", flat=True):
        granted.update(sections)
    return _without_unpermitted_sections(user, granted & ALL_SECTIONS)


def sections_for_cases(user: Actor, cases: list[Case]) -> dict[Any, frozenset[str]]:
    """``sections_visible_to`` for many cases in two queries (for list pages and exports)."""
    ids = [c.pk for c in cases]
    own = set(Case.objects.in_own_scope(user).filter(pk__in=ids).values_list("pk", flat=True))
    result: dict[Any, frozenset[str]] = {pk: _without_unpermitted_sections(user, ALL_SECTIONS) for pk in own}
    rest = [pk for pk in ids if pk not in own]
    granted: dict[Any, set[str]] = {pk: set() for pk in rest}
    if rest and allows(user, "case.view"):
        for case_id, sections in _active_grants(user).filter(case_id__in=rest).values_list("case_id", "sections"):
            granted[case_id].update(sections)
    for pk, sections in granted.items():
        result[pk] = _without_unpermitted_sections(user, sections & ALL_SECTIONS)
    return result


def _active_grants(user: Actor) -> QuerySet[CaseAccessGrant]:
    return CaseAccessGrant.objects.active().reaching(user)


def _granted_case_ids(user: Actor, condition: Q) -> QuerySet[CaseAccessGrant, Any]:
    """The case ids (``values("case_id")``) of the user's active grants meeting ``condition``: a UNION ALL
    of the ways they reach the user, an index-only scan each on PostgreSQL, where one OR reads every grant
    of the organization from the table. A case may come twice: for ``IN`` and ``exists``."""
    return union_all([way.filter(condition).values("case_id")
                      for way in CaseAccessGrant.objects.active().reaching_ways(user)])


def has_emergency_access(user: Actor, case: Case) -> bool:
    return CaseAccessGrant.objects.active().filter(case=case, user_id=user.pk,
                                                   source=GrantSource.BREAK_GLASS).exists()


def require_section_or_404(*, actor: Actor, case: Case, section: str) -> None:
    """A 404 unless ``section`` of ``case`` is open to the actor: a section not shared with the reader
    is as if it did not exist (a write through a service is refused with a 403 instead)."""
    if section not in sections_visible_to(actor, case):
        raise Http404


def _record_case_read(actor: Actor, case: Case, sections: frozenset[str], via: Via,
                      extra: dict[str, Any] | None = None) -> None:
    if "identity" in sections:
        audit.record(actor, "person.viewed", case.person, purpose="case page" if via == "page" else "api",
                     detail={"case_id": str(case.pk)})
    audit.record(actor, "case.viewed", case, detail={"sections": sorted(sections), **(extra or {}), **_via(via)})


@dataclass(frozen=True)
class CaseRead:
    """A case as one reader may see it: the sections open to them, and the person only with the
    identity section."""

    case: Case
    sections: frozenset[str]

    @property
    def person(self) -> Person | None:
        return self.case.person if "identity" in self.sections else None


def case_for_reading(*, actor: Actor, case_id: Any, via: Via = "api") -> CaseRead:
    """The case and the sections the actor sees of it (404 if they see none of it). The read is
    recorded: ``case.viewed`` with the sections, and ``person.viewed`` when the identity is shown."""
    case = case_or_404(actor=actor, case_id=case_id)
    read = CaseRead(case, sections_visible_to(actor, case))
    _record_case_read(actor, case, read.sections, via)
    return read


def case_answer(*, actor: Any, case_id: Any, answer_to: str) -> CaseRead:
    """The case as the actor now sees it, for the answer to a change (``answer_to`` names it: "case
    update", "stage change"...). Not a visit of the case (no ``case.viewed``, as a page redirects after
    a form), but an answer that carries the person's identity is a read of it: ``person.viewed`` is
    recorded then, here, whichever change asked (issue 9 #2)."""
    case = case_or_404(actor=actor, case_id=case_id)
    read = CaseRead(case, sections_visible_to(actor, case))
    if read.person is not None:
        audit.record(actor, "person.viewed", case.person, purpose=f"api answer to {answer_to}",
                     detail={"case_id": str(case.pk), "via": "api"})
    return read


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows, read at once. A section's content is there only when the
    section is open to the reader (``None`` otherwise); the field names are the page's names."""

    case: Case
    sections: frozenset[str]
    own_scope: bool
    emergency: bool
    #: The reader is of the case's owning circle (``in_owning_circle``): what never leaves it is shown.
    owning_circle: bool
    pending_closure: ClosureRequest | None
    person: Person | None = None
    youth: YouthProfile | None = None
    duty_reports: list[DutyToReport] | None = None
    #: A report's reference number may carry names: it goes with the person's identity.
    show_report_reference: bool = False
    duty_outstanding: bool = False
    needs: list[tuple[Term, Need | None]] | None = None
    goals: list[Goal] | None = None
    tasks: list[Task] | None = None
    notes: list[Note] | None = None
    safety_plan: SafetyPlan | None = None
    documents: list[Document] | None = None
    timeline: list[TimelineEntry] | None = None
    #: The open flags (with the summary); their reasons only for the own circle (``flag.reason_shown``).
    flags: list[CaseFlag] | None = None
    #: The risk assessments, newest first (the own circle only).
    risk_history: list[RiskAssessment] | None = None
    deliveries: list[m.ServiceDelivery] | None = None
    follow_ups: list[m.FollowUp] | None = None
    follow_up_schedule: m.FollowUpSchedule | None = None
    #: The latest approval request of the needs assessment and of the plan, for the open sections.
    approvals: dict[str, Any] | None = None
    #: The HTCDS profile section: the profile (None if none yet) and its events.
    profile: TraffickingProfile | None = None
    trafficking_events: list[TraffickingEvent] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def case_page(*, actor: Actor, case_id: Any, via: Via = "page") -> CasePage:
    """The case page's content for ``actor`` (404 if they see none of the case). The read is recorded
    once: ``case.viewed`` with the sections shown, and ``person.viewed`` when the identity is shown."""
    case = case_or_404(actor=actor, case_id=case_id)
    own = is_own_case(actor, case)
    sections = _sections(actor, case, own=own)
    emergency = has_emergency_access(actor, case)
    content: dict[str, Any] = {}
    if "identity" in sections:
        content["person"] = case.person
    if case.is_youth:
        duty_reports = list(case.duty_reports.select_related("recorded_by"))
        content.update(youth=YouthProfile.objects.filter(case=case).first(), duty_reports=duty_reports,
                       show_report_reference="identity" in sections, duty_outstanding=not duty_reports)
    if "needs" in sections:
        needs = {n.domain: n for n in case.needs.all()}
        content["needs"] = [(term, needs.get(term.code)) for term in reference.needs_domains()]
    if "plan" in sections:
        content["goals"] = list(case.goals.prefetch_related("actions__owner"))
    if "tasks" in sections:
        content["tasks"] = open_rows("tasks", case.tasks.select_related("assignee", "team"), sections)
    if "notes" in sections:
        content["notes"] = list(_visible_notes(actor, case, own=own, emergency=emergency)[:100])
    if "safety_plan" in sections:
        content["safety_plan"] = SafetyPlan.objects.filter(case=case).first()
    if "documents" in sections:
        content["documents"] = open_rows("documents", case.documents.select_related("uploaded_by"), sections)
    if "timeline" in sections:
        content["timeline"] = list(timeline(actor=actor, case=case, sections=sections)[:200])
    extra: dict[str, Any] = {}
    # The reasons and the risk history: the own circle, and a coordinator in an emergency (who opened
    # every section, audited and reviewed, precisely to keep the person safe).
    owning = in_owning_circle(actor, case, own=own)
    circle = owning or emergency
    if "summary" in sections:
        open_flags = case.flags.filter(resolved_at__isnull=True).select_related("raised_by")
        case.open_flags = list(open_flags if circle else open_flags.defer("reason", "resolution_note"))
        content["flags"] = _shown_flags(case.open_flag_list(), reasons=circle)
        if circle and content["flags"]:
            # The reasons are free text: their reading is part of this visit's record.
            extra["flag_reasons_shown"] = len(content["flags"])
    if circle:
        content["risk_history"] = list(case.risk_assessments.select_related("assessed_by")[:RISK_HISTORY_SHOWN])
        if content["risk_history"]:
            extra["risk_rationales_shown"] = len(content["risk_history"])
    if "services" in sections:
        content["deliveries"] = list(deliveries_visible_to(actor, case, owning=owning)[:200])
    if "follow_ups" in sections:
        content["follow_ups"] = open_rows("follow_ups", case.follow_ups.select_related("recorded_by")[:200], sections)
        content["follow_up_schedule"] = m.FollowUpSchedule.objects.filter(case=case).first()
    if owning:  # a coordinator's comment stays within the owning circle
        content["approvals"] = {subject: approval for subject, approval in approval_states(case=case).items()
                                if APPROVAL_SECTION[subject] in sections}
    if "profile" in sections:
        content["profile"] = TraffickingProfile.objects.filter(case=case).first()
        content["trafficking_events"] = list(case.trafficking_events.all())
    page = CasePage(case=case, sections=sections, own_scope=own, emergency=emergency, owning_circle=owning,
                    pending_closure=case.closure_requests.filter(decision="pending").first(), **content)
    _record_case_read(actor, case, sections, via, extra)
    return page


# --- Flags and risk ---------------------------------------------------------------------------

#: How many assessments of a case's risk history a page shows (the API pages through all of them).
RISK_HISTORY_SHOWN = 20


def _shown_flags(flags: list[CaseFlag], *, reasons: bool) -> list[CaseFlag]:
    """``flags`` as a reader sees them: outside the owning circle the reason and the resolution note are
    blanked (in memory only: never save these rows). ``reason_shown`` says which."""
    for flag in flags:
        flag.reason_shown = reasons
        if not reasons:
            flag.reason, flag.resolution_note = "", ""
    return flags


def attach_open_flags(rows: list[Case]) -> list[Case]:
    """Set ``open_flags`` on each of ``rows`` in one query on those rows only (a list page's badges and
    the summary's ``flags``); the reasons are not loaded, so never decrypted."""
    by_case: dict[Any, list[CaseFlag]] = {case.pk: [] for case in rows}
    if by_case:
        for flag in (CaseFlag.objects.filter(case_id__in=list(by_case), resolved_at__isnull=True)
                     .defer("reason", "resolution_note").order_by("raised_at", "id")):
            by_case[flag.case_id].append(flag)
    for case in rows:
        case.open_flags = by_case[case.pk]
    return rows


@dataclass(frozen=True)
class CaseFlags:
    """A case's flags as one reader sees them: ``reasons`` says whether the reasons are shown (the
    own circle) or blanked (a receiver of the summary)."""

    rows: list[CaseFlag]
    reasons: bool


def case_flags(*, actor: Actor, case: Case, include_resolved: bool = False, via: Via = "api") -> CaseFlags:
    """The case's flags (open ones, or every one with ``include_resolved``) for a reader of the summary
    (404 without it). The kinds are the summary's; the reasons only the own circle (and an emergency
    access) reads, and that read is recorded (``case.flags_listed``)."""
    require_section_or_404(actor=actor, case=case, section="summary")
    own = in_owning_circle(actor, case) or has_emergency_access(actor, case)
    flags = case.flags.select_related("raised_by", "resolved_by")
    if not include_resolved:
        flags = flags.filter(resolved_at__isnull=True)
    if not own:
        flags = flags.defer("reason", "resolution_note")
    rows = _shown_flags(list(flags.order_by("raised_at", "id")[:500]), reasons=own)
    audit.record(actor, "case.flags_listed", case, detail={"count": len(rows), "reasons": own, **_via(via)})
    return CaseFlags(rows, own)


def flag_or_404(*, actor: Actor, case: Case, flag_id: Any) -> CaseFlag:
    """One flag of ``case``, for a change: a 404 unless the actor reads the case's summary (where the
    flags are listed). Whether they may change it is the service's decision (the own circle only: a
    receiver of the summary is refused there, as for every change of the case's core record)."""
    require_section_or_404(actor=actor, case=case, section="summary")
    try:
        return case.flags.get(pk=int(flag_id))
    except (CaseFlag.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def flag_for_editing(*, actor: Actor, case: Case, flag_id: Any) -> CaseFlag:
    """One flag with its reason, for its edit form: the owning circle only (``in_owning_circle``; anyone
    else gets a 404, the probe audited), and the reading of the reason is recorded (``case.flags_listed``)."""
    flag = flag_or_404(actor=actor, case=case, flag_id=flag_id)
    if not in_owning_circle(actor, case):
        audit.record_denial(actor, "case.edit", case)
        raise Http404
    audit.record(actor, "case.flags_listed", case, detail={"count": 1, "reasons": True, "via": "edit form"})
    return flag


def risk_history(*, actor: Actor, case: Case, via: Via = "api") -> list[RiskAssessment]:
    """The case's risk assessments, newest first, with their rationales: the own circle only (a 404
    for anyone else, the probe audited; a coordinator's emergency access opens it too); the read is
    recorded (``case.risk_history_viewed``)."""
    if not (in_owning_circle(actor, case) or has_emergency_access(actor, case)):
        audit.record_denial(actor, "case.view", case)
        raise Http404
    rows = list(case.risk_assessments.select_related("assessed_by")[:500])
    audit.record(actor, "case.risk_history_viewed", case, detail={"count": len(rows), **_via(via)})
    return rows


def person_for_reading(*, actor: Actor, case: Case, purpose: str) -> Person:
    """The case's person (404 unless the identity section is open to the actor); the read is recorded."""
    require_section_or_404(actor=actor, case=case, section="identity")
    audit.record(actor, "person.viewed", case.person, purpose=purpose, detail={"case_id": str(case.pk)})
    return case.person


# --- Lists and search -------------------------------------------------------------------------

@dataclass
class CaseFilters:
    q: str = ""
    name: str = ""
    date_of_birth: datetime.date | None = None
    phone: str = ""
    phonetic: bool = False
    stage: str = ""
    track: str = ""
    region: str = ""
    owner: str = ""  # "me", "team", or an organization id
    #: The caseworker who owns the case: a user id, or "none" for cases nobody works (no caseworker
    #: and no other assigned worker).
    worker: str = ""
    team: int | None = None
    overdue: bool = False
    report_due: bool = False
    include_closed: bool = True
    #: A flag kind (``reference.flag_kinds``): cases with an open flag of that kind.
    flag: str = ""

    def names_few(self) -> bool:
        """True when a criterion alone names a few cases that an index finds: a person or a case number,
        an owner (the reader, their teams, a worker, a team), the youth reports the reader is to make."""
        return bool(self.q or self.name or self.date_of_birth or self.phone or self.owner in ("me", "team")
                    or (self.worker and self.worker != NO_WORKER) or self.team is not None or self.report_due)

    def identity_criteria(self) -> list[str]:
        """The criteria that name a person: a name in ``q`` (a case number names nobody), a date of
        birth, a phone."""
        criteria = [k for k in ("date_of_birth", "phone") if getattr(self, k)]
        if self.q and not CASE_NUMBER.match(self.q.strip()):
            criteria.append("q")
        return sorted(criteria)


def overdue_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    late = Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due__lt=today)
    return Q(Exists(late))


#: The ``worker`` filter of cases that nobody works.
NO_WORKER = "none"


def no_worker_q() -> Q:
    """Cases with no caseworker and no other assigned worker."""
    assigned = Case.assigned_workers.through.objects.filter(case_id=OuterRef("pk"))
    return Q(owner_worker__isnull=True) & ~Q(Exists(assigned))


@dataclass(frozen=True)
class CaseOwners:
    """Who owns the cases an actor can see: (id, label) of the caseworkers and of the teams, labelled
    with their organization (staff and team names; never a person's)."""

    workers: list[tuple[int, str]]
    teams: list[tuple[int, str]]


#: How long the choices of the case list's owner filters are kept (seconds).
OWNER_CHOICES_SECONDS = 300
#: The most caseworkers (and teams) a filter offers: those of the reader's organization first. A
#: coordinator of a province-wide office reads cases of thousands of workers, and a select of 10,000
#: options cost the case list about 0.9 s to render at a million cases. A worker or team further down
#: is still accepted in the address (the home page's breakdowns link to them) and then offered.
OWNER_CHOICES_MAX = 200


def case_owners(*, actor: Actor) -> CaseOwners:
    """The caseworkers and teams owning a case the actor can see (the choices of the case list's
    "caseworker" and "team" filters), kept in the shared cache for ``OWNER_CHOICES_SECONDS``.

    Each is asked, per member of staff and per team, whether one visible case of theirs exists. For a
    reader whose scope is every case that is an index probe; for a team's or an organization's reader a
    probe may read the whole caseload of someone none of whose cases they see, which grows with the
    number of cases (a second at a million): hence the cache. The key holds the actor's role,
    organization and teams, so a change of scope is never answered from an older entry; a worker who
    just gained or lost a case appears or goes within five minutes. Staff and team names only."""
    teams = ",".join(str(pk) for pk in sorted(team.pk for team in actor.teams.all()))
    key = f"cases.owners.v2:{actor.pk}:{actor.role}:{actor.organization_id}:{teams}"
    return kept(key, lambda: _case_owners(actor), OWNER_CHOICES_SECONDS, CaseOwners)


def _case_owners(actor: Actor) -> CaseOwners:
    from octip.partners.models import Team

    visible = Case.objects.visible_to(actor)
    # The reader's own organization first (a form offers the first ``OWNER_CHOICES_MAX``), then by name.
    workers = sorted((org_id != actor.organization_id, f"{name} ({org})", pk) for pk, name, org, org_id in
                     User.objects.filter(Exists(visible.filter(owner_worker_id=OuterRef("pk"))))
                     .values_list("pk", "full_name", "organization__name", "organization_id"))
    teams = sorted((org_id != actor.organization_id, f"{name} ({org})", pk) for pk, name, org, org_id in
                   Team.objects.filter(Exists(visible.filter(owner_team_id=OuterRef("pk"))))
                   .values_list("pk", "name", "organization__name", "organization_id"))
    return CaseOwners(workers=[(pk, label) for _other, label, pk in workers],
                      teams=[(pk, label) for _other, label, pk in teams])


def report_due_q() -> Q:
    """Youth cases with no duty-to-report recorded yet (CFCSA s. 14)."""
    return Q(track=Track.YOUTH) & ~Q(Exists(DutyToReport.objects.filter(case=OuterRef("pk"))))


def reports_due_q(actor: Actor) -> Q:
    """``report_due_q`` among the cases whose report is the actor's to record: their own scope
    (``record_duty_to_report`` refuses a case reached only through a grant, whose owner records it).
    The list filter and the home page's count both ask this."""
    return report_due_q() & Case.objects.own_scope_q(actor, counting=True)


def case_list(*, actor: Actor, filters: CaseFilters | None = None, annotate: bool = True,
              whole_set: bool = False) -> QuerySet[Case]:
    """Visible cases matching the filters, newest first, ready for a list page (bounded queries).
    ``annotate``: each row's ``has_overdue`` and ``report_due`` in the query; a page or a batch of rows
    gets them cheaper afterwards with ``flag_rows``. ``whole_set``: the reader's visible cases read whole
    (``CaseQuerySet.scope_ids``, ``counting``), for a page of few matches (``case_rows``), where the
    list's order index would be walked through every case before the page is full.

    Identity criteria (name, date of birth, phone) match blind indexes: only users allowed to see
    identifying data can search by them, and only among cases whose identity section they see.
    Nothing is recorded: ``case_rows`` is the read that shows them.
    """
    cases = _matching(actor, filters or CaseFilters(), whole_set=whole_set)
    cases = cases.select_related("region", "owner_organization", "owner_team", "owner_worker")
    keyed = cases.annotate(shown_risk=shown_risk(actor))  # the order's key: see ``CASE_ORDERING``
    if annotate:
        return keyed.annotate(has_overdue=overdue_q(), report_due=report_due_q()).order_by(*CASE_ORDERING[:-1])
    return keyed.order_by(*CASE_ORDERING[:-1])


def cases_counted(*, actor: Actor, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases of ``case_list``, to count them (``keyset.capped_count``): the reader's visible set read
    whole, no order, no joined owners, no risk shown."""
    return _matching(actor, filters or CaseFilters(), whole_set=True).order_by()


def _matching(actor: Actor, f: CaseFilters, *, whole_set: bool) -> QuerySet[Case]:
    # The whole set is one array of ids for a team's reader, unless a criterion names fewer cases by an
    # index: PostgreSQL cannot tell an array's size, and would probe the 30,000 ids of the array rather
    # than read a team's 800 cases by its index.
    cases = Case.objects.visible_to(actor, counting=whole_set and not f.names_few())
    if f.q:
        q = f.q.strip()
        if CASE_NUMBER.match(q):
            cases = cases.filter(number__iexact=q)
        else:
            cases = cases.filter(_identity_q(actor, name=q, phonetic=f.phonetic))
    if f.name:
        cases = cases.filter(_identity_q(actor, name=f.name, phonetic=f.phonetic))
    if f.date_of_birth:
        cases = cases.filter(_identity_q(actor, dob=f.date_of_birth))
    if f.phone:
        cases = cases.filter(_identity_q(actor, phone=f.phone))
    if f.stage:
        cases = cases.filter(stage=f.stage)
    elif not f.include_closed:
        cases = cases.exclude(stage=Stage.CLOSED)
    if f.track:
        cases = cases.filter(track=f.track)
    if f.region:
        cases = cases.filter(region__code=f.region)
    if f.owner == "me":
        cases = cases.filter(owner_worker_id=actor.pk)
    elif f.owner == "team":
        # The ids themselves, not a subquery: PostgreSQL then knows from its statistics that a team owns
        # few cases, and reads them by the team's index instead of walking the list's order through all.
        cases = cases.filter(owner_team_id__in=[team.pk for team in actor.teams.all()])
    elif f.owner.isascii() and f.owner.isdigit():
        # An id beyond what the database holds matches no organization (and must not reach the database).
        owner = int(f.owner)
        cases = cases.filter(owner_organization_id=owner) if owner <= MAX_ID else cases.none()
    if f.worker == NO_WORKER:
        cases = cases.filter(no_worker_q())
    elif f.worker.isascii() and f.worker.isdigit():
        worker = int(f.worker)
        cases = cases.filter(owner_worker_id=worker) if worker <= MAX_ID else cases.none()
    if f.team is not None:
        cases = cases.filter(owner_team_id=f.team) if 0 < f.team <= MAX_ID else cases.none()
    if f.overdue:
        cases = cases.filter(overdue_q())
    if f.report_due:
        cases = cases.filter(reports_due_q(actor))
    if f.flag:
        cases = cases.filter(flag_q(actor, f.flag))
    return cases


def flag_q(actor: Actor, kind: str) -> Q:
    """Cases with an open flag of ``kind``, among those whose summary the actor reads: the filter must
    not tell a reader of another section which flags a case carries. An unknown kind matches nothing."""
    if reference.flag_kind(kind) is None:
        return Q(pk__in=[])
    flagged = Q(Exists(CaseFlag.objects.filter(case_id=OuterRef("pk"), kind=kind, resolved_at__isnull=True)))
    return flagged & summary_readable_q(actor)


def summary_readable_q(actor: Actor) -> Q:
    """Cases whose summary section the actor reads: their own scope, or a grant sharing the summary."""
    if Case.objects.own_scope_is_all(actor):
        return Q()
    return _section_readable_q(actor, "summary")


def grants_sharing(actor: Actor, section: str) -> QuerySet[CaseAccessGrant, Any]:
    """The case ids (``values("case_id")``) of the actor's active grants that share ``section``; none
    without ``case.view`` (nothing is visible). A subquery, not a list: an organization sent tens of
    thousands of referrals holds as many grants, and reading them all into Python on every list cost
    more than the list itself."""
    if not allows(actor, "case.view"):
        return CaseAccessGrant.objects.none().values("case_id")
    return _granted_case_ids(actor, _shares(section))


def _shares(section: str) -> Q:
    """A grant's ``sections`` include ``section``: JSON containment on PostgreSQL (``@>``, a few
    microseconds a row); elsewhere the quoted name in the list's text (SQLite has no containment)."""
    if connection.vendor == "postgresql":
        return Q(sections__contains=[section])
    return Q(sections__icontains=f'"{section}"')


def _section_readable_q(actor: Actor, section: str) -> Q:
    return Case.objects.reach_q(actor, grants=False) | Q(pk__in=grants_sharing(actor, section))


def shown_risk(actor: Actor, *, case: str = "") -> Combinable:
    """The risk level of each row's case (``case``: the path to it, "case__" from a task) as the actor
    may see it: the level where the case's summary is theirs to read, 0 ("not assessed") elsewhere.
    Lists order by it and cursors carry it, so neither the order nor a cursor tells a reader of other
    sections alone (the receiver of a referral's needs) how much danger the person is in.

    Plain ``risk_level`` when every visible case's summary is readable (a role whose own scope is
    every case, or an actor none of whose grants leaves the summary out): the index
    ``case_risk_opened`` then serves the list, and no grant is read for a coordinator."""
    level = F(f"{case}risk_level")
    if Case.objects.own_scope_is_all(actor):
        return level
    if not (allows(actor, "case.view")
            and _granted_case_ids(actor, ~_shares("summary")).exists()):
        return level  # no grant leaves the summary out: one probe, not every grant read
    readable = _section_readable_q(actor, "summary")
    if case:
        readable = reach_through(readable, case.removesuffix("__"))
    return CaseWhen(When(readable, then=level), default=Value(0), output_field=IntegerField())


def flag_rows(rows: list[Case], today: datetime.date | None = None) -> list[Case]:
    """Set ``has_overdue`` and ``report_due`` on each of ``rows`` in two queries on those rows only. (As
    annotations of the list's query, PostgreSQL hashes every open overdue task and every duty-to-report
    of the database for each page: a cost that grows with all the cases, not with the page.)"""
    today = today or timezone.localdate()
    ids = [case.pk for case in rows]
    late = set(Task.objects.filter(case_id__in=ids, done_at__isnull=True, due__lt=today)
               .values_list("case_id", flat=True).distinct()) if ids else set()
    youth = [case.pk for case in rows if case.track == Track.YOUTH]
    reported = set(DutyToReport.objects.filter(case_id__in=youth).values_list("case_id", flat=True)) if youth else set()
    for case in rows:
        # The names of the list's annotations (``case_list(annotate=True)``): templates read either.
        case.has_overdue = case.pk in late  # type: ignore[attr-defined]
        case.report_due = case.track == Track.YOUTH and case.pk not in reported  # type: ignore[attr-defined]
    return rows


def _identity_q(actor: Actor, *, name: str = "", dob: datetime.date | None = None, phone: str = "",
                phonetic: bool = False) -> Q:
    """Match on blind indexes, restricted to cases whose identity section the actor may read. Under
    every configured blind-index key version: during a rotation a row not re-indexed yet is found too."""
    if not allows(actor, "case.view_identifying"):
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for key_id in index_key_ids():
        under = _identity_q_under(key_id, name=name, dob=dob, phone=phone, phonetic=phonetic)
        if under is None:
            return Q(pk__in=[])
        q |= under
    return q & identity_readable_q(actor)


def _identity_q_under(key_id: str, *, name: str, dob: datetime.date | None, phone: str, phonetic: bool) -> Q | None:
    """The criteria as blind indexes under one key version; None when they can match nothing. A search
    token carries its key version (always its person's); a person's own index columns are matched with
    the person's ``index_key_id``."""
    q = Q()
    if name:
        if phonetic:
            tokens = phonetic_name_index(name, key_id).split()
            if not tokens:
                return None
            # Every code must match: one token lookup each (a handful per name), intersected. A GROUP
            # BY ... HAVING count = n is one lookup too, but PostgreSQL cannot estimate its rows and then
            # hashes the overdue-task check over every open task.
            q &= _token_q(SearchTokenKind.PHONETIC, key_id, sorted(set(tokens)))
        else:
            q &= _token_q(SearchTokenKind.NAME, key_id, [name_index(name, key_id)])
    if dob:
        q &= Q(person__dob_index=dob_index(dob, key_id), person__index_key_id=key_id)
    if phone:
        index = phone_index(phone, key_id)
        if not index:
            return None
        q &= Q(person__phone_index=index, person__index_key_id=key_id)
    return q


def _token_q(kind: str, key_id: str, tokens: list[str]) -> Q:
    """Cases whose person has every one of these search tokens: one lookup in the token index
    (``search_index``) per token, the persons intersected (INTERSECT, hashed once). As an array
    (``IdInArray``) the persons found are then an index condition on the cases' person: as "IN
    (subquery)" PostgreSQL may hash them and scan every case a team reader sees (0.5 s at a million),
    and one array per token, on the same column, is compared element by element (23,000 persons
    sharing a common sound code against 4,800: 5 s)."""
    found = [PersonSearchToken.objects.filter(kind=kind, key_id=key_id, token=token).order_by().values("person_id")
             for token in tokens]
    persons = found[0].intersection(*found[1:]) if len(found) > 1 else found[0]
    return Q(IdInArray(F("person_id"), Subquery(persons)))


def identity_readable_q(actor: Actor) -> Q:
    """``identity_readable_case_ids`` as a condition on case rows. When the actor's own scope is every
    case, every identity section is theirs: no condition, rather than a join of every case id (at scale,
    most of a search's time) and a query of their grants."""
    if Case.objects.own_scope_is_all(actor):
        return Q()
    return _section_readable_q(actor, "identity")  # on the row itself: no subquery of every case


def identity_readable_case_ids(actor: Actor) -> QuerySet:
    """Ids of cases whose identity section the actor may read (own scope, or a grant sharing it)."""
    return Case.objects.filter(_section_readable_q(actor, "identity")).values("pk")


@dataclass(frozen=True)
class CaseRows:
    """Visible cases ready to list. Each row carries ``sections`` (what the reader sees of it),
    ``shows_summary``, and ``shown_person``: its person, only when the identity section is open."""

    rows: list[Case]
    #: The keyset page (its cursors); None when the rows were asked by offset (the API's old way).
    page: keyset.KeysetPage[Case] | None = None
    #: How many cases match, counted up to ``keyset.COUNT_CAP`` (None when not asked).
    total: keyset.CappedCount | None = None


#: The name cursors of the case list are signed under (a cursor of another list is refused).
CASE_CURSOR = "cases"
#: The case list's order: the highest risk first, then newest first, the id breaking ties (two cases
#: opened in the same instant). The risk is in the cursor's key, so paging stays exact when levels tie.
#: It is the risk *as the reader sees it* (``shown_risk``, annotated by ``case_list``): 0 on a case
#: whose summary they do not read, so the order and the cursor say nothing of its level.
CASE_ORDERING = ("-shown_risk", "-opened_at", "-pk")
#: The person's fields a list row shows (name, age band, gender, for the identity and summary
#: sections): the others (date of birth, phone, address, documents…) are never loaded, so never decrypted.
LISTED_PERSON_FIELDS = ("person__legal_name", "person__preferred_name", "person__age_band", "person__gender")


def _listed_person_only(cases: QuerySet[Case]) -> QuerySet[Case]:
    person_fields = {f.name for f in Person._meta.concrete_fields if f.name != "id"}
    listed = {name.split("__", 1)[1] for name in LISTED_PERSON_FIELDS}
    return cases.defer(*(f"person__{name}" for name in sorted(person_fields - listed)))


def case_rows(*, actor: Actor, filters: CaseFilters, per_page: int = 25, cursor: str | None = None,
              offset: int | None = None, count: bool = True, via: Via = "page") -> CaseRows:
    """One page of ``case_list``: ``per_page`` rows from ``cursor`` (keyset, ``keyset.page``; None: the
    first page), or from ``offset`` (the API's older way, bounded by its schema). ``count``: also give
    how many match, up to ``keyset.COUNT_CAP`` (counted either way: it decides how the page is read).
    Raises ``keyset.BadCursor`` (nothing read, nothing recorded).

    The read is recorded here, once: ``case.searched`` when a criterion names a person (its
    ``results`` is the capped count, ``results_capped`` says when it stopped at the cap), and
    ``person.listed`` with the cases whose person is shown.
    """
    criteria = filters.identity_criteria()
    # Counted even where the count is not shown (the API): few matches (the count stopped short of its
    # cap) are read from the whole set, since in the list's order they could lie anywhere in the index,
    # walked through every case (a team's 16 closed cases among a million: 2.5 s, against 0.3 s for the
    # array of its 30,000).
    total = keyset.capped_count(cases_counted(actor=actor, filters=filters))
    few = not total.more
    matches = case_list(actor=actor, filters=filters, annotate=False, whole_set=few).select_related("person")
    if via == "page":  # the API answers with every identity field (``case_json``); a page row shows a name
        matches = _listed_person_only(matches)
    window = None
    if offset is None:
        window = keyset.page(matches, name=CASE_CURSOR, ordering=CASE_ORDERING, cursor=cursor, size=per_page)
        rows = window.rows
    else:
        rows = list(matches.order_by(*CASE_ORDERING)[offset:offset + per_page])
    flag_rows(rows)
    attach_open_flags(rows)
    sections = sections_for_cases(actor, rows)
    for case in rows:
        case.sections = sections.get(case.pk, frozenset())
        case.shows_summary = "summary" in case.sections
        # The person is joined for every row (its age band and gender belong to the summary); who
        # they are is shown only with the identity section.
        case.shown_person = case.person if "identity" in case.sections else None
    if criteria:
        audit.record(actor, "case.searched", None, detail={
            "criteria": criteria, "phonetic": filters.phonetic,
            "results": total.shown, "results_capped": total.more, "cap": total.cap, **_via(via)})
    named = [case for case in rows if case.shown_person is not None]
    if named:
        audit.record(actor, "person.listed", None, purpose="case list" if via == "page" else "api case list",
                     detail={"case_ids": [str(case.pk) for case in named]})
    return CaseRows(rows, window, total if count else None)


@dataclass(frozen=True)
class DuplicateCheck:
    visible: list[Case]
    elsewhere: bool

    @property
    def found(self) -> bool:
        return bool(self.visible) or self.elsewhere


def find_possible_duplicates(*, actor: Actor, reason: str, legal_name: str = "",
                             date_of_birth: datetime.date | None = None, phone: str = "",
                             other_names: Iterable[str] = (), via: Via = "page",
                             skip_if_too_few: bool = False) -> DuplicateCheck:
    """Cases whose person matches on a blind index (name with date of birth, or phone); the check is
    recorded (``case.duplicate_check``, with the kinds of criteria used, never their values), since it
    asks about identifying data.

    A match the actor cannot see is reported only as "a possible record exists elsewhere": not its
    number, organization, or how many; and only when the person matches on more than a phone (a name
    or the date of birth too), so that walking phone numbers with any name tells nothing.

    The check is not an oracle (issue 9 #6): it needs a name with a date of birth, or a phone with a
    name or a date of birth (``ValidationError`` otherwise, or, with ``skip_if_too_few``, no check and
    no match: the intake page opens a case from a name alone); and a user may run only so many checks
    in a while (``TooManyChecks``); and it is run only in the course of work: ``reason`` is one of
    ``validation.DUPLICATE_CHECK_REASONS`` (the intake page passes ``intake``). Every refusal is
    recorded (``case.duplicate_check_refused``), and so is every check, with its reason and its
    blind-index criteria (shortened keyed hashes, never the values): a reviewer can see one user
    walking many numbers, or many users asking after one person.
    """
    names = [n for n in [legal_name, *other_names] if n and name_index(n)]
    kinds = sorted(k for k, given in (("name", bool(names)), ("date_of_birth", date_of_birth is not None),
                                      ("phone", bool(phone_index(phone)))) if given)
    if skip_if_too_few and not duplicate_criteria_suffice(kinds):
        return DuplicateCheck([], False)
    tokens = _probe_tokens(names, date_of_birth, phone)
    if not count_duplicate_check(actor):
        audit.record(actor, "case.duplicate_check_refused", None, purpose=_known_reason(reason), detail={
            "reason": "rate_limit", "criteria": kinds, "tokens": tokens, **_via(via)})
        raise TooManyChecks
    for refusal, check in (("no_reason", lambda: duplicate_check_reason(reason)), ("criteria", lambda: (
            duplicate_check_criteria(names=names, date_of_birth=date_of_birth, phone=phone)))):
        try:
            check()
        except ValidationError:
            audit.record(actor, "case.duplicate_check_refused", None, purpose=_known_reason(reason), detail={
                "reason": refusal, "criteria": kinds, "tokens": tokens, **_via(via)})
            raise
    name_q, dob_q, phone_q = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    # Under every blind-index key version (a rotation may be under way); a row has all its indexes
    # under one version, so the criteria of different versions never combine into a false match.
    for key_id in index_key_ids():
        for n in names:
            name_q |= _token_q(SearchTokenKind.NAME, key_id, [name_index(n, key_id)])
        if date_of_birth:
            dob_q |= Q(person__dob_index=dob_index(date_of_birth, key_id))
        if phone_index(phone, key_id):
            phone_q |= Q(person__phone_index=phone_index(phone, key_id))
    # Deliberately not through visible_to: a match out of sight is reported, without saying which.
    matches = Case.objects.filter((name_q & dob_q) | phone_q)
    # Only among the matches: the readable cases of a scope-all actor are every case.
    readable = set(identity_readable_case_ids(actor).filter(pk__in=matches.values("pk")).values_list(
        "pk", flat=True)) if allows(actor, "case.view_identifying") else set()
    visible = [case for case in matches.select_related("owner_organization").order_by("-opened_at")[:50]
               if case.pk in readable]
    corroborated = Case.objects.filter((name_q & dob_q) | (phone_q & (name_q | dob_q)))
    elsewhere = corroborated.exclude(pk__in=readable).exists()
    audit.record(actor, "case.duplicate_check", None, purpose=reason, detail={
        "visible_matches": len(visible), "elsewhere": elsewhere, "criteria": kinds, "tokens": tokens,
        **_via(via)})
    return DuplicateCheck(visible, elsewhere)


#: How much of each probe token the audit keeps: enough to see the same probe again.
PROBE_TOKEN_CHARS = 16


def _known_reason(reason: str) -> str:
    # A refused reason is the caller's free text: the audit keeps only that it was not one of ours.
    return reason if reason in DUPLICATE_CHECK_REASONS else "invalid"


def _probe_tokens(names: list[str], date_of_birth: datetime.date | None, phone: str) -> dict[str, Any]:
    """The blind-index criteria of a duplicate check as the audit keeps them: each index re-keyed for
    the audit alone (``blind_index`` under its own purpose), so a reviewer can match repeated probes
    while the log cannot be joined to the persons' index columns."""
    def probe(index: str) -> str:
        return blind_index(index, "audit.duplicate_probe")[:PROBE_TOKEN_CHARS] if index else ""
    return {"names": sorted({probe(name_index(n)) for n in names}),
            "date_of_birth": probe(dob_index(date_of_birth)) if date_of_birth else "",
            "phone": probe(phone_index(phone))}


# --- Inside a case ----------------------------------------------------------------------------

def notes_visible_to(user: Actor, case: Case) -> QuerySet[Note]:
    """Normal notes for anyone who sees the notes section; restricted notes only for members of the
    team that owned the case when the note was written (or the author), and for a coordinator
    during active emergency access."""
    if "notes" not in sections_visible_to(user, case):
        return Note.objects.none()
    return _visible_notes(user, case, own=is_own_case(user, case), emergency=has_emergency_access(user, case))


def _visible_notes(user: Actor, case: Case, *, own: bool, emergency: bool) -> QuerySet[Note]:
    notes = Note.objects.filter(case=case).select_related("author")
    if not own:
        return notes.filter(sensitivity=Sensitivity.NORMAL)
    if emergency:
        return notes
    restricted_ok = Q(team__in=user.teams.all()) | Q(author_id=user.pk)
    return notes.filter(Q(sensitivity=Sensitivity.NORMAL) | (Q(sensitivity=Sensitivity.RESTRICTED) & restricted_ok))


#: How far ahead "due soon" looks, in days (tasks and plan actions on "My work" and the home page).
DUE_SOON_DAYS = 7
#: The ``due`` filters of "My work": tasks past their date, or due from today to ``DUE_SOON_DAYS`` ahead.
DUE_FILTERS = ("overdue", "soon")


def _due_q(due: str, today: datetime.date) -> Q:
    if due == "overdue":
        return Q(due__lt=today)
    if due == "soon":
        return Q(due__gte=today, due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    return Q()


def my_work(*, actor: Actor, today: datetime.date | None = None, due: str = "") -> dict[str, QuerySet[Task]]:
    """Open tasks on visible cases: mine, my teams', and every overdue one among them; with ``due``
    (one of ``DUE_FILTERS``), only those past their date or due soon."""
    today = today or timezone.localdate()
    # A task of a further section (a justice deadline) stays out for a role that may not see that section.
    unseen = [name for name, declared in DECLARED.items()
              if declared.permission and not allows(actor, declared.permission)]
    tasks = (Task.objects.filter(Case.objects.reach_q(actor, through="case"), done_at__isnull=True)
             .exclude(section__in=unseen).filter(_due_q(due, today))
             .select_related("case", "assignee", "team").annotate(risk=shown_risk(actor, case="case__"))
             .order_by("-risk", "due", "id"))
    # Subqueries rather than joins: a join through the teams' members or the case's owner repeats a task
    # and needs a DISTINCT over every open task before the first row of the page comes out. As arrays
    # (``IdInArray``) each branch of the OR is an index condition of its own, and PostgreSQL ORs the
    # branches' bitmaps; "IN (subquery)" is a filter instead, run on every overdue task of the database
    # (6 s at a million cases).
    team_ids = [team.pk for team in actor.teams.all()]
    members = IdInArray(F("assignee_id"), Subquery(User.teams.through.objects.filter(team_id__in=team_ids)
                                                   .values("user_id")))
    owned = IdInArray(F("case_id"), Subquery(Case.objects.filter(owner_worker_id=actor.pk).values("pk")))
    mine = tasks.filter(assignee_id=actor.pk)
    team = tasks.filter(Q(team_id__in=team_ids) | Q(members)).exclude(assignee_id=actor.pk)
    overdue = tasks.filter(due__lt=today).filter(Q(assignee_id=actor.pk) | Q(team_id__in=team_ids) | Q(owned))
    return {"mine": mine, "team": team, "overdue": overdue}


def plan_actions_due(*, actor: Actor, today: datetime.date | None = None) -> QuerySet[PlanAction]:
    """The open plan actions the actor owns on visible cases, due within ``DUE_SOON_DAYS`` or past
    their date, the earliest first. An action whose generated task is open is left out: "My work"
    lists it once, as that task (``services.delivery.sync_plan_action_task``)."""
    today = today or timezone.localdate()
    return (PlanAction.objects.filter(Case.objects.reach_q(actor, through="goal__case"), owner_id=actor.pk,
                                      done_at__isnull=True,
                                      due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
            .exclude(generated_task__task__done_at__isnull=True, generated_task__isnull=False)
            .select_related("goal__case").annotate(risk=shown_risk(actor, case="goal__case__"))
            .order_by("-risk", "due", "id"))


def timeline(*, actor: Actor, case: m.Case, sections: frozenset[str]) -> QuerySet[m.TimelineEntry]:
    """The case's timeline as ``actor`` may read it, in one query. The owning circle reads every entry.
    Anyone else (a receiver of a referral or transfer) reads the entries that are not restricted and
    concern nobody or their own organization: not the case's sharing with others (referrals,
    transfers, disclosures and consents concerning other organizations, secure exports), nor that a
    restricted note was added. Who may read an entry is stored on it (``concerns``, ``restricted``).
    ``sections`` are those open to the actor (``sections_visible_to``, which the caller has at hand):
    an entry telling of a section not among them (``timeline.SECTION_OF_KIND``) is left out."""
    owner = Exists(m.Case.objects.in_own_scope(actor).filter(pk=OuterRef("case_id")))
    outside_the_circle = Q(restricted=False) & (Q(concerns__isnull=True) | Q(concerns_id=actor.organization_id))
    unseen = [kind for kind, section in SECTION_OF_KIND.items() if section not in sections]
    return case.timeline.select_related("actor").filter(Q(owner) | outside_the_circle).exclude(kind__in=unseen)


#: The groups of "My work", in the order of the page, and the rows each shows at a time.
MY_WORK_GROUPS = ("overdue", "mine", "team", "actions", "approvals")
MY_WORK_PAGE = 25
#: The order of every group: the case's highest risk first, then the earliest due, the id breaking ties
#: (``risk`` is the case's level as the actor sees it, ``shown_risk``: 0 where the case's summary is not
#: theirs to read; annotated on each row, so that the cursor carries it).
MY_WORK_ORDERING = ("-risk", "due", "pk")
#: A group ordered otherwise: approvals waiting, the oldest request first.
MY_WORK_ORDERINGS = {"approvals": ("requested_at", "pk")}


def my_work_for_reading(*, actor: Actor, limit: int = MY_WORK_PAGE, due: str = "",
                        cursors: dict[str, str] | None = None) -> dict[str, Any]:
    """``my_work`` (with its ``due`` filter) and the plan actions due (``actions``): ``limit`` rows a
    group, each group from its own cursor (``cursors[name]``, ``keyset.page``; raises ``BadCursor``
    before anything is read), with its count up to ``keyset.COUNT_CAP``. Gives each group's rows
    (``mine``…), ``pages`` (the keyset pages, for the "more" links) and ``totals`` (the capped counts).
    Task titles and actions are free text that may name someone: reading them is recorded (how many of
    each group were shown, and the capped totals)."""
    cursors = cursors or {}
    queries: dict[str, QuerySet[Any]] = dict(my_work(actor=actor, due=due))
    queries["actions"] = plan_actions_due(actor=actor)
    queries["approvals"] = pending_approvals_for(actor=actor)
    for name, cursor in cursors.items():  # every cursor checked before the first row is read
        if cursor:
            keyset.read_cursor(f"my_work.{name}", MY_WORK_ORDERINGS.get(name, MY_WORK_ORDERING), cursor)
    pages = {name: keyset.page(queries[name], name=f"my_work.{name}",
                               ordering=MY_WORK_ORDERINGS.get(name, MY_WORK_ORDERING),
                               cursor=cursors.get(name) or None, size=limit) for name in MY_WORK_GROUPS}
    totals = {name: keyset.capped_count(queries[name]) for name in MY_WORK_GROUPS}
    groups: dict[str, Any] = {name: pages[name].rows for name in MY_WORK_GROUPS}
    audit.record(actor, "case.tasks_listed", None, purpose="my work",
                 detail={**{name: len(rows) for name, rows in groups.items()},
                         "totals": {name: total.shown for name, total in totals.items()},
                         "totals_capped": sorted(name for name, total in totals.items() if total.more)})
    return {**groups, "pages": pages, "totals": totals}


def _listed(actor: Actor, case: Case, action: str, rows: list, via: Via) -> list:
    audit.record(actor, action, case, detail={"count": len(rows), **_via(via)})
    return rows


def needs_for_reading(*, actor: Actor, case: Case, via: Via = "api") -> list[Need]:
    """The needs assessment of ``case`` (404 unless its section is open to the actor); recorded."""
    require_section_or_404(actor=actor, case=case, section="needs")
    return _listed(actor, case, "case.needs_viewed", list(case.needs.all()), via)


def goals_for_reading(*, actor: Actor, case: Case, via: Via = "api") -> list[Goal]:
    """The service plan's goals with their actions (404 unless the plan is open to the actor); recorded."""
    require_section_or_404(actor=actor, case=case, section="plan")
    return _listed(actor, case, "case.plan_viewed", list(case.goals.prefetch_related("actions")), via)


def tasks_for_reading(*, actor: Actor, case: Case, via: Via = "api") -> list[Task]:
    """The case's tasks (404 unless their section is open to the actor); recorded."""
    require_section_or_404(actor=actor, case=case, section="tasks")
    return _listed(actor, case, "case.tasks_viewed",
                   open_rows("tasks", case.tasks.all(), sections_visible_to(actor, case)), via)


def notes_for_reading(*, actor: Actor, case: Case, limit: int = 500, via: Via = "api") -> list[Note]:
    """``notes_visible_to``, newest first up to ``limit`` (404 unless notes are open to the actor); recorded."""
    require_section_or_404(actor=actor, case=case, section="notes")
    return _listed(actor, case, "case.notes_viewed", list(notes_visible_to(actor, case)[:limit]), via)


def documents_for_reading(*, actor: Actor, case: Case, via: Via = "api") -> list[Document]:
    """The case's documents, without their content (404 unless their section is open); recorded."""
    require_section_or_404(actor=actor, case=case, section="documents")
    shown = open_rows("documents", case.documents.all(), sections_visible_to(actor, case))
    return _listed(actor, case, "case.documents_listed", shown, via)


def document_or_404(*, actor: Actor, case: Case, document_id: Any) -> Document:
    """One document of ``case``, to download: a 404 unless the actor may read document content
    (``case.view_identifying``: a scan carries what the person looks like and their papers) and every
    section the document belongs to is open to them (a document of kind identity needs ``identity``)."""
    require_section_or_404(actor=actor, case=case, section="documents")
    document = get_object_or_404(Document, pk=document_id, case=case)
    if not may_read_document_content(actor) \
            or not sections_of_row("documents", document) <= sections_visible_to(actor, case):
        raise Http404
    return document


def may_read_document_content(actor: Actor) -> bool:
    """Whether the actor's role may read a document's content at all (issue 9 #4)."""
    return allows(actor, "case.view_identifying")


def safety_plan_for_reading(*, actor: Actor, case: Case, purpose: str = "", via: Via = "page") -> SafetyPlan | None:
    """The case's safety plan, or None if it has none yet (404 unless its section is open to the
    actor). Reading a plan is recorded."""
    require_section_or_404(actor=actor, case=case, section="safety_plan")
    plan = SafetyPlan.objects.filter(case=case).first()
    if plan is not None:
        audit.record(actor, "case.safety_plan_viewed", case, purpose=purpose, detail=_via(via))
    return plan


def safety_plan_for_printing(*, actor: Actor, case: Case) -> SafetyPlan:
    """The case's safety plan to print (404 if there is none or its section is not open); recorded."""
    require_section_or_404(actor=actor, case=case, section="safety_plan")
    plan = get_object_or_404(SafetyPlan, case=case)
    audit.record(actor, "case.safety_plan_printed", case)
    return plan


def may_export_identifying(actor: Actor) -> bool:
    """Whether what leaves the platform from ``actor`` (a case-list export, a printed summary) may carry
    identifying data: the identity section and every field marked identifying."""
    return allows(actor, "case.export_identifying") and allows(actor, "case.view_identifying")


@dataclass(frozen=True)
class PrintedSection:
    """One section of a printed case summary: ``facts`` for a section about the case itself (identity,
    summary), ``rows`` (the facts of each row) for a section of rows, ``data`` (plain data as the owning
    app gives it) for a section another app owns."""

    name: str
    label: Promise | str
    facts: tuple[Fact, ...] = ()
    rows: tuple[tuple[Fact, ...], ...] | None = None
    data: Any = None

    @property
    def owned_elsewhere(self) -> bool:
        return DECLARED[self.name].owner != "cases"


@dataclass(frozen=True)
class CaseSummary:
    """A case as one reader may print it: the sections in declared order, and those open to the reader
    on screen that the printout leaves out (``left_out``: identifying data without the export permission)."""

    case: Case
    sections: tuple[PrintedSection, ...]
    identifying: bool
    left_out: frozenset[str]
    fields_left_out: bool


#: The most timeline entries a printed summary carries (newest first).
SUMMARY_TIMELINE_LIMIT = 500


def _printable_fields(fields_: Iterable[SectionField], identifying: bool) -> tuple[SectionField, ...]:
    # Without the export permission a printout carries no identifying field, as a case-list export.
    if identifying:
        return tuple(fields_)
    out = []
    for field in fields_:
        if field.identifying:
            continue
        if field.kind == FieldKind.ROWS:
            field = replace(field, fields=tuple(f for f in field.fields if not f.identifying))
        out.append(field)
    return tuple(out)


def _carries_identifying(section: PrintedSection, fields_: tuple[SectionField, ...], identifying: bool) -> bool:
    if not identifying:
        return section.owned_elsewhere and bool(section.data)
    if section.name == "identity" or section.owned_elsewhere:
        return True
    return any(f.identifying or any(c.identifying for c in f.fields) for f in fields_)


def case_summary_for_printing(*, actor: Actor, case_id: Any, via: Via = "page") -> CaseSummary:
    """The printable summary of a case: exactly the sections ``actor`` may see (``sections_visible_to``),
    each as ``cases.sections`` declares it (rows through ``open_rows``; a section another app owns as that
    app gives it to this reader), a 404 (the probe recorded) when the case is out of their sight.

    A printout leaves the platform, so it is an export: it carries identifying data (the identity
    section, every field marked identifying) only with ``case.export_identifying`` as a case-list
    export does (``may_export_identifying``), and it is recorded as one: ``case.exported`` with
    ``format: pdf``, the sections printed and whether identifying data went with them."""
    case = case_or_404(actor=actor, case_id=case_id)
    visible = sections_visible_to(actor, case)
    identifying = may_export_identifying(actor)
    printed = visible if identifying else visible - {"identity"}
    parts: list[PrintedSection] = []
    carried: list[str] = []
    fields_left_out = False
    for name, declared in DECLARED.items():
        if name not in printed:
            continue
        if declared.owner != "cases":
            part = PrintedSection(name, declared.label, data=owned_content(name, case, printed, reader=actor))
            shown: tuple[SectionField, ...] = ()
        else:
            shown = _printable_fields(open_fields(name, printed), identifying)
            fields_left_out = fields_left_out or len(shown) < len(open_fields(name, printed))
            if declared.rows is None:
                part = PrintedSection(name, declared.label, facts=tuple(facts(shown, case)))
            else:
                rows: Iterable[Any] = rows_for(name, case, reader=actor)
                if name == "timeline":  # a receiver does not read of the case's other sharing
                    rows = timeline(actor=actor, case=case, sections=printed)[:SUMMARY_TIMELINE_LIMIT]
                part = PrintedSection(name, declared.label,
                                      rows=tuple(tuple(facts(shown, row)) for row in open_rows(name, rows, printed)))
        parts.append(part)
        if _carries_identifying(part, shown, identifying):
            carried.append(name)
    summary = CaseSummary(case=case, sections=tuple(parts), identifying=bool(carried),
                          left_out=visible - printed, fields_left_out=fields_left_out)
    audit.record(actor, "case.exported", case, purpose="export", detail={
        "format": "pdf", "identifying": bool(carried), "export_id": str(uuid.uuid4()),
        "case_ids": [str(case.pk)], "identifying_case_ids": [str(case.pk)] if carried else [],
        "sections": sorted(printed), "identifying_sections": sorted(carried),
        "left_out": sorted(visible - printed), "complete": True, "batches": 1, "rows": 1, **_via(via)})
    return summary


@dataclass(frozen=True)
class YouthDetails:
    profile: YouthProfile
    #: The guardian's name and contact go with the identity section.
    guardian_shown: bool


def youth_details(*, actor: Actor, case: Case, via: Via = "page") -> YouthDetails:
    """The youth profile of ``case`` (404 if it has none, or without the summary section it belongs to).
    The guardian's name, contact and relationship are shown only with the identity section, and reading them is then
    an audited read of the person."""
    require_section_or_404(actor=actor, case=case, section="summary")
    profile = get_object_or_404(YouthProfile, case=case)
    shown = "identity" in sections_visible_to(actor, case)
    if shown:
        audit.record(actor, "person.viewed", case.person,
                     purpose="youth details form" if via == "page" else "api youth details",
                     detail={"case_id": str(case.pk),
                             "fields": ["guardian_name", "guardian_contact", "guardian_relationship"]})
    return YouthDetails(profile, shown)


def need_of(*, case: Case, domain: str) -> Need | None:
    """The case's need in one domain, or None. The caller has checked that the needs section is open."""
    return Need.objects.filter(case=case, domain=domain).first()


def need_for_editing(*, actor: Any, case: Case, domain: str) -> Need | None:
    """The case's need in one domain, to fill its form (404 unless the needs section is open to the
    actor). A need's notes are free text that may name someone: reading an assessed need is recorded."""
    require_section_or_404(actor=actor, case=case, section="needs")
    need = need_of(case=case, domain=domain)
    if need is not None:
        audit.record(actor, "case.needs_viewed", case, purpose="needs form", detail={"domain": domain})
    return need


def closure_request_for_deciding(*, actor: Any, case: Case, request_id: Any) -> ClosureRequest:
    """The closure request a coordinator decides on (the caller has required ``case.approve_closure``).
    Its reason may name people: reading it is recorded."""
    closure = closure_request_or_404(case=case, request_id=request_id)
    audit.record(actor, "case.closure_request_viewed", case, purpose="closure decision",
                 detail={"closure_request_id": closure.pk})
    return closure


def timeline_for_reading(*, actor: Any, case: Case, limit: int = 500, via: Via = "api") -> list[TimelineEntry]:
    """``timeline`` up to ``limit`` entries, newest first as stored (404 unless the timeline section is
    open to the actor). Entries tell what happened to the person: the read is recorded."""
    sections = sections_visible_to(actor, case)
    if "timeline" not in sections:
        raise Http404
    return _listed(actor, case, "case.timeline_viewed",
                   list(timeline(actor=actor, case=case, sections=sections)[:limit]), via)


# Rows inside a case the caller already holds through ``case_or_404``: the case is the door. Whether
# the actor may act on them is the service's check (a 403 it audits), not a 404 here.

def goal_or_404(*, case: Case, goal_id: Any) -> Goal:
    return get_object_or_404(Goal, pk=goal_id, case=case)


def plan_action_or_404(*, case: Case, action_id: Any) -> PlanAction:
    return get_object_or_404(PlanAction, pk=action_id, goal__case=case)


def task_or_404(*, actor: Actor, case: Case, task_id: Any) -> Task:
    """A task of ``case`` the actor may see: its section, and the further one it belongs to (a justice
    deadline's task), open to them; else a 404."""
    task = get_object_or_404(Task, pk=task_id, case=case)
    if not sections_of_row("tasks", task) <= sections_visible_to(actor, case):
        raise Http404
    return task


def closure_request_or_404(*, case: Case, request_id: Any) -> ClosureRequest:
    return get_object_or_404(ClosureRequest, pk=request_id, case=case)


def plan_action_owners(*, actor: Actor, case: Case) -> QuerySet[User]:
    """Who may own a plan action: active users who can see the case, of the actor's organization (and of
    the case's organization when the case is in the actor's own scope). A receiver of a referral is
    never shown the owner organization's staff."""
    organizations = {actor.organization_id}
    if is_own_case(actor, case):
        organizations.add(case.owner_organization_id)
    colleagues = User.objects.filter(organization_id__in=organizations, is_active=True).select_related("organization")
    return User.objects.filter(pk__in=Case.objects.filter(pk=case.pk).viewer_ids(colleagues))


# --- Emergency access review (auditors) -------------------------------------------------------

def emergency_accesses(*, actor: Actor, unreviewed_only: bool = False, via: Via = "page") -> QuerySet[EmergencyAccess]:
    """Every emergency access (or those awaiting review), for an auditor; the listing is recorded."""
    require(actor, "audit.review_emergency_access")
    rows = EmergencyAccess.objects.visible_to(actor).select_related("case", "user", "user__organization",
                                                                    "reviewed_by")
    if unreviewed_only:
        rows = rows.filter(reviewed_at__isnull=True)
    audit.record(actor, "case.emergency_access_list_viewed", None, detail=_via(via))
    return rows


def emergency_accesses_awaiting_review(*, actor: Actor) -> int:
    """How many emergency accesses await an auditor's review (the rows ``emergency_accesses`` lists
    with ``unreviewed_only``); 0 for anyone who may not review them (``visible_to``). A number reads nothing about
    anyone, so it is not recorded; the list it leads to is."""
    return EmergencyAccess.objects.visible_to(actor).filter(reviewed_at__isnull=True).count()


def emergency_access_or_404(*, actor: Actor, access_id: Any) -> EmergencyAccess:
    """One emergency access, for an auditor who reviews it."""
    require(actor, "audit.review_emergency_access")
    return get_object_or_404(EmergencyAccess.objects.select_related("case", "user"), pk=access_id)


# --- Services delivered and follow-ups (issue 16) ---------------------------------------------------

def _deliveries(case: Case) -> QuerySet[m.ServiceDelivery]:
    return case.service_deliveries.select_related("provider_organization", "provider_service", "taxonomy_term")


def deliveries_visible_to(reader: Actor | None, case: Case, *,
                          owning: bool | None = None) -> QuerySet[m.ServiceDelivery]:
    """The deliveries of ``case`` that ``reader`` may know of: the one decision, the rows of the
    ``services`` section at every door (``sections.rows_for``). The owning circle (``in_owning_circle``)
    reads them all. Anyone else (a receiver of a referral or transfer, a partner's coordinator) reads, as
    on the timeline, nothing of the case's sharing with other organizations:

    - a delivery a referral made only when that referral went to the reader's own organization;
    - a delivery the owning circle recorded itself only when its provider is the reader's organization,
      the case's own, or a directory service that no other partner organization stewards (a public
      listing: naming it tells of no partner the person was sent to).

    ``reader`` None is a reader off the platform (the secure export's recipient): an outsider with no
    organization of its own. The caller still checks the section is open. ``owning``:
    ``in_owning_circle`` when the caller knows it."""
    rows = _deliveries(case)
    if owning is None:
        owning = reader is not None and in_owning_circle(reader, case)
    if owning:
        return rows
    own = getattr(reader, "organization_id", None)
    known = {case.owner_organization_id} | ({own} if own is not None else set())
    public_service = Q(provider_service__isnull=False) & (Q(provider_service__partner_organization__isnull=True)
                                                          | Q(provider_service__partner_organization_id__in=known))
    recorded = Q(source_referral__isnull=True) & (Q(provider_organization_id__in=known) | public_service)
    if own is None:
        return rows.filter(recorded)
    return rows.filter(recorded | Q(source_referral__to_organization_id=own))


def deliveries_for_reading(*, actor: Actor, case: Case, via: Via = "api") -> list[m.ServiceDelivery]:
    """The services the person receives as ``actor`` may know of them (``deliveries_visible_to``; 404
    unless the ``services`` section is open to the actor); their notes are free text, so the read is
    recorded. Outside the owning circle, no row names the referral it came from (``source_referral_id``
    is None on these read-only rows: never save them)."""
    require_section_or_404(actor=actor, case=case, section="services")
    rows = list(deliveries_visible_to(actor, case))
    if not in_owning_circle(actor, case):
        for row in rows:
            row.source_referral_id = None
    return _listed(actor, case, "case.services_viewed", rows, via)


def delivery_or_404(*, actor: Actor, case: Case, delivery_id: Any) -> m.ServiceDelivery:
    """One delivery of ``case`` the actor may know of (``deliveries_visible_to``; 404 unless the
    ``services`` section is open to the actor), to act on: the service checks whether they may change it."""
    require_section_or_404(actor=actor, case=case, section="services")
    return get_object_or_404(deliveries_visible_to(actor, case), pk=delivery_id)


def delivery_for_editing(*, actor: Actor, case: Case, delivery_id: Any) -> m.ServiceDelivery:
    """A delivery to fill its form with (its notes shown): ``delivery_or_404``, the read recorded."""
    delivery = delivery_or_404(actor=actor, case=case, delivery_id=delivery_id)
    audit.record(actor, "case.services_viewed", case, purpose="service delivery form",
                 detail={"delivery_id": delivery.pk})
    return delivery


def follow_ups_for_reading(*, actor: Actor, case: Case, via: Via = "api") -> list[m.FollowUp]:
    """The case's follow-ups, newest first (404 unless the ``follow_ups`` section is open); recorded."""
    require_section_or_404(actor=actor, case=case, section="follow_ups")
    # The interpreter id needs the identity section too (``Field.needs``): withheld without it.
    rows = open_rows("follow_ups", case.follow_ups.all(), sections_visible_to(actor, case))
    return _listed(actor, case, "case.follow_ups_viewed", rows, via)


def follow_up_or_404(*, actor: Actor, case: Case, follow_up_id: Any) -> m.FollowUp:
    require_section_or_404(actor=actor, case=case, section="follow_ups")
    return get_object_or_404(m.FollowUp, pk=follow_up_id, case=case)


def follow_up_for_editing(*, actor: Actor, case: Case, follow_up_id: Any) -> m.FollowUp:
    """A follow-up to fill its form with (its note and details shown); the read recorded."""
    follow_up = follow_up_or_404(actor=actor, case=case, follow_up_id=follow_up_id)
    audit.record(actor, "case.follow_ups_viewed", case, purpose="follow-up form",
                 detail={"follow_up_id": follow_up.pk})
    return follow_up


def follow_up_schedule_of(*, actor: Actor, case: Case) -> m.FollowUpSchedule | None:
    """The case's follow-up cadence, or None (404 unless the ``follow_ups`` section is open)."""
    require_section_or_404(actor=actor, case=case, section="follow_ups")
    return m.FollowUpSchedule.objects.filter(case=case).first()


def delivery_providers(*, actor: Actor) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """Who may be named as a provider: the active partner organizations, and the directory services
    the actor may see (``Service.objects.visible_to``), for the delivery form and the API's checks."""
    from octip.directory.models import Service
    from octip.partners.models import Organization

    return (Organization.objects.filter(is_active=True).order_by("name"),
            Service.objects.visible_to(actor).order_by("name"))


def taxonomy_terms_for_delivery() -> QuerySet[Any]:
    """The HSDS taxonomy terms a delivery may be typed with (not the OCTIP extension terms)."""
    from octip.directory.hsds import EXTENSION_TAXONOMY_ID
    from octip.directory.models import TaxonomyTerm

    return TaxonomyTerm.objects.exclude(taxonomy_id=EXTENSION_TAXONOMY_ID).order_by("name")


def delivery_references(*, actor: Actor, organization_id: int | None, service_id: Any,
                        term_id: Any) -> dict[str, Any]:
    """The provider and the taxonomy term an API caller names by id, as objects (a ValidationError
    naming the field for an id that does not resolve: an inactive organization, a service the caller
    may not see, an unknown term)."""
    organizations, services = delivery_providers(actor=actor)
    out: dict[str, Any] = {"provider_organization": None, "provider_service": None, "taxonomy_term": None}
    errors: dict[str, str] = {}
    if organization_id is not None:
        out["provider_organization"] = organizations.filter(pk=organization_id).first()
        if out["provider_organization"] is None:
            errors["provider_organization_id"] = gettext("No such active partner organization.")
    if service_id is not None:
        out["provider_service"] = services.filter(pk=service_id).first()
        if out["provider_service"] is None:
            errors["provider_service_id"] = gettext("No such service in the directory.")
    if term_id is not None:
        out["taxonomy_term"] = taxonomy_terms_for_delivery().filter(pk=term_id).first()
        if out["taxonomy_term"] is None:
            errors["taxonomy_term_id"] = gettext("No such taxonomy term.")
    if errors:
        raise ValidationError(errors)
    return out
# --- Approvals and bulk reassignment ----------------------------------------------------------

def _decidable_subjects(actor: Actor) -> list[str]:
    from .approval_rules import SUBJECTS

    return [subject for subject, rule in SUBJECTS.items() if allows(actor, rule.decide_permission)]


def require_approver(actor: Actor) -> None:
    """Refuse (audited) anyone whose role decides on no approval: the lists of requests are theirs."""
    if not _decidable_subjects(actor):
        require(actor, "case.approve")


def pending_approvals_for(*, actor: Actor) -> QuerySet[m.ApprovalRequest]:
    """The requests waiting for ``actor``'s decision (``services.approvals.may_decide``): on cases they
    see, of subjects they may decide, of their own organization's cases where the subject says so (every
    organization's for the coordinating office), never their own requests; the oldest first. Case
    numbers and who asked only: nothing identifying."""
    from .approval_rules import SUBJECTS

    subjects = _decidable_subjects(actor)
    if not subjects:
        return m.ApprovalRequest.objects.none()
    organization = getattr(actor, "organization", None)
    office = organization is not None and organization.type == "coordinating_office"
    # A subject decided only within the case's organization (or by the office) is listed so.
    anywhere = [s for s in subjects if office or not SUBJECTS[s].own_organization]
    where = Q(subject__in=anywhere) | Q(subject__in=[s for s in subjects if s not in anywhere],
                                        case__owner_organization_id=actor.organization_id)
    rows = (m.ApprovalRequest.objects.pending().filter(Case.objects.reach_q(actor, through="case")).filter(where)
            .exclude(requested_by_id=actor.pk))
    return rows.select_related("case", "requested_by").order_by("requested_at", "pk")


def pending_approvals_page(*, actor: Actor, cursor: str = "", size: int = 25) -> keyset.KeysetPage[m.ApprovalRequest]:
    """A page of ``pending_approvals_for`` (``keyset.page``, raises ``BadCursor``)."""
    return keyset.page(pending_approvals_for(actor=actor), name="approvals.pending", ordering=("requested_at", "pk"),
                       cursor=cursor or None, size=size)


def approval_states(*, case: Case) -> dict[str, m.ApprovalRequest | None]:
    """The latest request on the needs assessment and on the plan of ``case`` (None: never submitted),
    in one query. The caller shows each only with its section open."""
    latest: dict[str, m.ApprovalRequest | None] = {"needs_assessment": None, "service_plan": None}
    for approval in (m.ApprovalRequest.objects.filter(case=case, subject__in=list(latest))
                     .select_related("requested_by", "decided_by").order_by("-requested_at", "-pk")):
        if latest[approval.subject] is None:
            latest[approval.subject] = approval
    return latest


#: The section that shows each subject's state (the closure's is the case's stage).
APPROVAL_SECTION = {"needs_assessment": "needs", "service_plan": "plan"}


def approval_or_404(*, actor: Actor, case: Case, approval_id: Any) -> m.ApprovalRequest:
    """One approval request of ``case`` (the case came through ``case_or_404``), to decide on. Its
    subject's section must be open to the actor; whether they may decide is the service's check."""
    approval = get_object_or_404(m.ApprovalRequest.objects.select_related("case", "requested_by", "closure"),
                                 pk=approval_id, case=case)
    section = APPROVAL_SECTION.get(approval.subject)
    if section and section not in sections_visible_to(actor, case):
        raise Http404
    return approval


def reassignment_staff(*, actor: Actor) -> QuerySet[User]:
    """The staff a bulk reassignment may name: accounts the actor sees (``user.view`` scope) in a role
    that holds cases."""
    return (User.objects.visible_to(actor).filter(role__in=_case_holding_roles()).select_related("organization")
            .order_by("organization__name", "full_name", "pk"))


def _case_holding_roles() -> list[str]:
    from octip.core.roles import ROLES

    return [role.id for role in ROLES.values() if "case.edit" in role.permissions]


def staff_member_or_404(*, actor: Actor, user_id: Any) -> User:
    """One account of ``reassignment_staff`` (404 otherwise, the probe recorded)."""
    from typing import cast

    from octip.partners.models import UserQuerySet

    staff = cast(UserQuerySet, User.objects.filter(role__in=_case_holding_roles()))
    return get_visible_or_404(staff, actor, pk=user_id)


@dataclass(frozen=True)
class ReassignmentPreview:
    cases: keyset.CappedCount
    tasks: keyset.CappedCount


def reassignment_preview(*, actor: Actor, departing: User, receiver: User, team: Any = None) -> ReassignmentPreview:
    """How many open cases and tasks a bulk reassignment would move (numbers only), after the same
    checks as the move (``validation.check_reassignment``)."""
    from .validation import check_reassignment

    require(actor, "case.reassign_departing")
    check_reassignment(actor=actor, departing=departing, receiver=receiver, team=team)
    return ReassignmentPreview(keyset.capped_count(open_cases_of(departing)),
                               keyset.capped_count(open_tasks_of(departing)))


def open_cases_of(departing: User) -> QuerySet[Case]:
    """The departing worker's open cases in their organization, the oldest first (for counting and
    for ``services.reassignment``; never shown)."""
    return (Case.objects.filter(owner_organization_id=departing.organization_id, owner_worker_id=departing.pk)
            .exclude(stage=Stage.CLOSED).order_by("opened_at", "pk"))


def open_tasks_of(departing: User) -> QuerySet[Task]:
    """The departing worker's open tasks on open cases of their organization."""
    return (Task.objects.filter(assignee_id=departing.pk, done_at__isnull=True,
                                case__owner_organization_id=departing.organization_id)
            .exclude(case__stage=Stage.CLOSED).order_by("due", "pk"))


def reassignment_teams(*, actor: Actor) -> QuerySet[Team]:
    """The teams a bulk reassignment may give the moved cases: of the actor's organization (of every
    organization for a role of scope "all"; the move checks the team is the workers')."""
    from octip.core.access import role_of
    from octip.core.roles import Scope

    role = role_of(actor)
    teams = Team.objects.select_related("organization")
    return teams if role is not None and role.scope == Scope.ALL else teams.filter(
        organization_id=actor.organization_id)
# --- The HTCDS trafficking profile -------------------------------------------------------------

def profile_for_reading(*, actor: Actor, case: Case, purpose: str = "", via: Via = "api") -> TraffickingProfile:
    """The case's HTCDS profile with its events (404 unless the profile section is open to the actor, or
    if the case has none yet). The read is recorded: the events' places and accounts are identifying."""
    require_section_or_404(actor=actor, case=case, section="profile")
    profile = get_object_or_404(TraffickingProfile.objects.select_related("case"), case=case)
    audit.record(actor, "case.profile_viewed", case, purpose=purpose, detail=_via(via))
    return profile


def profile_for_editing(*, actor: Actor, case: Case) -> TraffickingProfile | None:
    """The profile to pre-fill its form (None if none yet; 404 unless the section is open). Its coded
    values name no one: the form's read is not recorded beyond the page's."""
    require_section_or_404(actor=actor, case=case, section="profile")
    return TraffickingProfile.objects.filter(case=case).first()


def trafficking_event_or_404(*, actor: Actor, case: Case, event_id: Any) -> TraffickingEvent:
    """One trafficking event of ``case`` (404 unless the profile section is open to the actor)."""
    require_section_or_404(actor=actor, case=case, section="profile")
    if not isinstance(event_id, int) or not 0 < event_id <= MAX_ID:
        raise Http404
    return get_object_or_404(TraffickingEvent.objects.select_related("case"), pk=event_id, case=case)


def trafficking_event_for_editing(*, actor: Actor, case: Case, event_id: Any) -> TraffickingEvent:
    """An event to pre-fill its edit form: its place and account are read, so the read is recorded."""
    event = trafficking_event_or_404(actor=actor, case=case, event_id=event_id)
    audit.record(actor, "case.trafficking_event_viewed", case, purpose="edit form", detail={"event_id": event.pk})
    return event
