"""Reads of cases. Every query of protected rows starts from ``Case.objects.visible_to(user)``."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from octip.core import crypto
from octip.core.access import allows, get_visible_or_404

from . import models as m
from .sections import ALL_SECTIONS

CASE_NUMBER = re.compile(r"^BC-\d{4}-\d{6}$", re.IGNORECASE)
#: The largest row id the database holds (a 32-bit signed integer column).
MAX_ID = 2**31 - 1


def get_case(user: Any, case_id: Any) -> m.Case:
    """The case if the user may see it; a 404 otherwise (never a 403)."""
    return get_visible_or_404(m.Case.objects.select_related(
        "person", "region", "owner_organization", "owner_team", "owner_worker"), user, pk=case_id)


def _strip_identity(user: Any, sections: Iterable[str]) -> frozenset[str]:
    sections = frozenset(sections)
    if not allows(user, "case.view_identifying"):
        sections -= {"identity"}
    return sections


def sections_visible_to(user: Any, case: m.Case) -> frozenset[str]:
    """Every section when the case is in the user's own scope, else the union of the sections of the
    active grants — minus ``identity`` without ``case.view_identifying``."""
    if m.Case.objects.in_own_scope(user).filter(pk=case.pk).exists():
        return _strip_identity(user, ALL_SECTIONS)
    if not allows(user, "case.view"):
        return frozenset()
    granted: set[str] = set()
    for sections in _active_grants(user).filter(case=case).values_list("sections", flat=True):
        granted.update(sections)
    return _strip_identity(user, granted & ALL_SECTIONS)


def sections_for_cases(user: Any, cases: list[m.Case]) -> dict[Any, frozenset[str]]:
    """``sections_visible_to`` for many cases in two queries (for list pages and exports)."""
    ids = [c.pk for c in cases]
    own = set(m.Case.objects.in_own_scope(user).filter(pk__in=ids).values_list("pk", flat=True))
    result: dict[Any, frozenset[str]] = {pk: _strip_identity(user, ALL_SECTIONS) for pk in own}
    rest = [pk for pk in ids if pk not in own]
    granted: dict[Any, set[str]] = {pk: set() for pk in rest}
    if rest and allows(user, "case.view"):
        for case_id, sections in _active_grants(user).filter(case_id__in=rest).values_list("case_id", "sections"):
            granted[case_id].update(sections)
    for pk, sections in granted.items():
        result[pk] = _strip_identity(user, sections & ALL_SECTIONS)
    return result


def _active_grants(user: Any) -> QuerySet[m.CaseAccessGrant]:
    return m.CaseAccessGrant.objects.active().filter(Q(organization_id=user.organization_id) | Q(user_id=user.pk))


def has_emergency_access(user: Any, case: m.Case) -> bool:
    return m.CaseAccessGrant.objects.active().filter(case=case, user_id=user.pk,
                                                     source=m.GrantSource.BREAK_GLASS).exists()


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
    overdue: bool = False
    report_due: bool = False
    include_closed: bool = True


def overdue_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    late = m.Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due__lt=today)
    return Q(Exists(late))


def report_due_q() -> Q:
    """Youth cases with no duty-to-report recorded yet (CFCSA s. 14)."""
    return Q(track=m.Track.YOUTH) & ~Q(Exists(m.DutyToReport.objects.filter(case=OuterRef("pk"))))


def case_list(*, actor: Any, filters: CaseFilters | None = None) -> QuerySet[m.Case]:
    """Visible cases matching the filters, newest first, ready for a list page (bounded queries).

    Identity criteria (name, date of birth, phone) match blind indexes: only users allowed to see
    identifying data can search by them, and only among cases whose identity section they see.
    """
    f = filters or CaseFilters()
    cases = m.Case.objects.visible_to(actor)
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
        cases = cases.exclude(stage=m.Stage.CLOSED)
    if f.track:
        cases = cases.filter(track=f.track)
    if f.region:
        cases = cases.filter(region__code=f.region)
    if f.owner == "me":
        cases = cases.filter(owner_worker_id=actor.pk)
    elif f.owner == "team":
        cases = cases.filter(owner_team__in=actor.teams.all())
    elif f.owner.isascii() and f.owner.isdigit():
        # An id beyond what the database holds matches no organization (and must not reach the database).
        owner = int(f.owner)
        cases = cases.filter(owner_organization_id=owner) if owner <= MAX_ID else cases.none()
    if f.overdue:
        cases = cases.filter(overdue_q())
    if f.report_due:
        cases = cases.filter(report_due_q())
    return (cases.select_related("region", "owner_organization", "owner_team", "owner_worker")
            .annotate(has_overdue=overdue_q(), report_due=report_due_q()).order_by("-opened_at"))


def _identity_q(actor: Any, *, name: str = "", dob: datetime.date | None = None, phone: str = "",
                phonetic: bool = False) -> Q:
    """Match on blind indexes, restricted to cases whose identity section the actor may read."""
    if not allows(actor, "case.view_identifying"):
        return Q(pk__in=[])
    q = Q()
    if name:
        index = m.name_index(name)
        if phonetic:
            tokens = m.phonetic_name_index(name).split()
            if not tokens:
                return Q(pk__in=[])
            for token in tokens:
                q &= Q(person__name_phonetic__contains=token)
        else:
            q &= Q(person__name_index=index) | Q(person__other_names_index__contains=index)
    if dob:
        q &= Q(person__dob_index=m.dob_index(dob))
    if phone:
        index = m.phone_index(phone)
        if not index:
            return Q(pk__in=[])
        q &= Q(person__phone_index=index)
    return q & Q(pk__in=identity_readable_case_ids(actor))


def identity_readable_case_ids(actor: Any) -> QuerySet:
    """Ids of cases whose identity section the actor may read (own scope, or a grant sharing it)."""
    own = m.Case.objects.in_own_scope(actor).values("pk")
    # Sections are a JSON list; filtering in Python keeps SQLite and PostgreSQL alike.
    granted = [case_id for case_id, sections in _active_grants(actor).values_list("case_id", "sections")
               if "identity" in sections] if allows(actor, "case.view") else []
    return m.Case.objects.filter(Q(pk__in=own) | Q(pk__in=granted)).values("pk")


@dataclass(frozen=True)
class DuplicateCheck:
    visible: list[m.Case]
    elsewhere: bool

    @property
    def found(self) -> bool:
        return bool(self.visible) or self.elsewhere


def find_possible_duplicates(*, actor: Any, legal_name: str = "", date_of_birth: datetime.date | None = None,
                             phone: str = "", other_names: Iterable[str] = ()) -> DuplicateCheck:
    """Cases whose person matches on a blind index (name with date of birth, or phone).

    A match the actor cannot see is reported only as "a possible record exists elsewhere": not its
    number, organization, or how many.
    """
    names = [n for n in [legal_name, *other_names] if n and m.name_index(n)]
    q = Q(pk__in=[])
    if names and date_of_birth:
        name_q = Q()
        for n in names:
            index = m.name_index(n)
            name_q |= Q(person__name_index=index) | Q(person__other_names_index__contains=index)
        q |= name_q & Q(person__dob_index=m.dob_index(date_of_birth))
    if m.phone_index(phone):
        q |= Q(person__phone_index=m.phone_index(phone))
    matches = m.Case.objects.filter(q)
    readable = set(identity_readable_case_ids(actor).values_list("pk", flat=True)) if allows(
        actor, "case.view_identifying") else set()
    visible, elsewhere = [], False
    for case in matches.select_related("owner_organization").order_by("-opened_at")[:50]:
        if case.pk in readable:
            visible.append(case)
        else:
            elsewhere = True
    return DuplicateCheck(visible, elsewhere)


# --- Inside a case ----------------------------------------------------------------------------

def notes_visible_to(user: Any, case: m.Case) -> QuerySet[m.Note]:
    """Normal notes for anyone who sees the notes section; restricted notes only for members of the
    team that owned the case when the note was written (or the author), and for a coordinator
    during active emergency access."""
    if "notes" not in sections_visible_to(user, case):
        return m.Note.objects.none()
    notes = m.Note.objects.filter(case=case).select_related("author")
    own_scope = m.Case.objects.in_own_scope(user).filter(pk=case.pk).exists()
    if not own_scope:
        return notes.filter(sensitivity=m.Sensitivity.NORMAL)
    if has_emergency_access(user, case):
        return notes
    restricted_ok = Q(team__in=user.teams.all()) | Q(author_id=user.pk)
    return notes.filter(Q(sensitivity=m.Sensitivity.NORMAL) | (Q(sensitivity=m.Sensitivity.RESTRICTED) & restricted_ok))


def my_work(*, actor: Any, today: datetime.date | None = None) -> dict[str, QuerySet[m.Task]]:
    """Open tasks on visible cases: mine, my teams', and every overdue one among them."""
    today = today or timezone.localdate()
    tasks = (m.Task.objects.filter(case__in=m.Case.objects.visible_to(actor), done_at__isnull=True)
             .select_related("case", "assignee", "team").order_by("due", "id"))
    teams = actor.teams.all()
    mine = tasks.filter(assignee_id=actor.pk)
    team = tasks.filter(Q(team__in=teams) | Q(assignee__teams__in=teams)).exclude(assignee_id=actor.pk).distinct()
    overdue = tasks.filter(due__lt=today).filter(Q(assignee_id=actor.pk) | Q(team__in=teams)
                                                 | Q(case__owner_worker_id=actor.pk)).distinct()
    return {"mine": mine, "team": team, "overdue": overdue}


def timeline(*, actor: Any, case: m.Case) -> QuerySet[m.TimelineEntry]:
    """The case's timeline as ``actor`` may read it, in one query. The owning circle reads every entry.
    Anyone else (a receiver of a referral or transfer) reads the entries that are not restricted and
    concern nobody or their own organization: not the case's sharing with others (referrals,
    transfers, disclosures and consents concerning other organizations, secure exports), nor that a
    restricted note was added. Who may read an entry is stored on it (``concerns``, ``restricted``)."""
    owner = Exists(m.Case.objects.in_own_scope(actor).filter(pk=OuterRef("case_id")))
    outside_the_circle = Q(restricted=False) & (Q(concerns__isnull=True) | Q(concerns_id=actor.organization_id))
    return case.timeline.select_related("actor").filter(Q(owner) | outside_the_circle)


def emergency_accesses(*, actor: Any, unreviewed_only: bool = False) -> QuerySet[m.EmergencyAccess]:
    from octip.core.access import require

    require(actor, "audit.review_emergency_access")
    rows = m.EmergencyAccess.objects.select_related("case", "user", "user__organization", "reviewed_by")
    if unreviewed_only:
        rows = rows.filter(reviewed_at__isnull=True)
    return rows


def normalized_query(text: str) -> str:
    return crypto.normalize(text)
