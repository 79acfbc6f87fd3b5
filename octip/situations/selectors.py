"""Reads of situations and persons of interest, each starting from ``visible_to`` and audited here.

Two ways in:

- **Whole**: the staff of the owning organization who hold ``situation.view``
  (``Situation.objects.visible_to``). They see the situation, its persons of interest, the linked
  cases they may open (``Case.objects.visible_to``) and a *count* of the others: never their
  number, owner or anything else.
- **Through a disclosure**: anyone else (another organization, a police liaison, a screener, a
  24/7 operator) meets a situation only through a linked case disclosed to them (an active access
  grant reaching them). They see its kind and those cases, and nothing more: no title, no persons
  of interest, no count of the other cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from octip.cases.models import Case, CaseAccessGrant, name_index, phone_index
from octip.core import audit, crypto
from octip.core.access import Actor, allows, require, role_of

from .models import PersonOfInterest, PersonOfInterestCase, PersonOfInterestToken, Situation, SituationCase, TokenKind

PAGE_SIZE = 25


def _visible_cases(actor: Actor) -> QuerySet[Case]:
    return Case.objects.visible_to(actor)


def _cases_through_disclosure(actor: Actor) -> QuerySet[Case]:
    """The cases through which a reader without the whole situation meets it: those disclosed to
    them (an active access grant reaching them: a referral, a transfer, a police contact) that they
    can see. Nothing else: a case they see by their role's scope (a 24/7 operator's organization, an
    office coordinator's "all") is no disclosure, and the links between cases are not theirs."""
    role = role_of(actor)
    if role is None:
        return Case.objects.none()
    granted = CaseAccessGrant.objects.active().reaching(actor, role.scope).values("case_id")
    return _visible_cases(actor).filter(pk__in=granted)


def _id_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Lists ------------------------------------------------------------------------------------

@dataclass
class SituationRow:
    situation: Situation
    whole: bool
    #: Through a case: the cases the reader can see (whole rows list none here: see the page).
    cases: list[Case] = field(default_factory=list)


@dataclass
class SituationList:
    rows: list[SituationRow]
    page: int
    has_next: bool


def situations_for(*, actor: Actor, page: int = 1) -> SituationList:
    """The situations the reader meets: whole ones first (newest first), then those met through a
    case, a page of ``PAGE_SIZE`` at a time (the whole ones sliced in SQL). Audited
    (``situation.listed``, ids only)."""
    if not allows(actor, "case.view"):
        # A role that holds neither whole situations nor cases has nothing to meet one through.
        require(actor, "situation.view")
    page = max(1, page)
    start, stop = (page - 1) * PAGE_SIZE, page * PAGE_SIZE
    whole_qs = Situation.objects.visible_to(actor).order_by("-created_at", "-pk")
    whole_count = whole_qs.count()
    rows = [SituationRow(s, True) for s in whole_qs[start:stop]] if start < whole_count else []
    has_next = whole_count > stop
    if len(rows) < PAGE_SIZE and allows(actor, "case.view"):
        # Then the situations met through a case (few: each is a disclosed case of the reader's).
        links = (SituationCase.objects.filter(case__in=_cases_through_disclosure(actor))
                 .exclude(situation__in=whole_qs).select_related("case", "situation")
                 .defer("situation__title", "situation__description").order_by("-situation__created_at", "pk"))
        situations: dict[int, Situation] = {}
        through: dict[int, list[Case]] = {}
        for link in links:
            situations.setdefault(link.situation_id, link.situation)
            through.setdefault(link.situation_id, []).append(link.case)
        first = max(0, start - whole_count)
        wanted = list(through)[first:first + PAGE_SIZE - len(rows)]
        rows += [SituationRow(situations[pk], False, through[pk]) for pk in wanted]
        has_next = len(through) > first + len(wanted)
    if rows:
        audit.record(actor, "situation.listed", None, detail={
            "whole": [r.situation.pk for r in rows if r.whole],
            "through_case": [r.situation.pk for r in rows if not r.whole]})
    return SituationList(rows=rows, page=page, has_next=has_next)


def situation_choices(*, actor: Actor) -> list[Situation]:
    """The situations a case may be linked to by this reader (whole ones, if they may edit)."""
    if not allows(actor, "situation.edit"):
        return []
    return list(Situation.objects.visible_to(actor).order_by("-created_at", "-pk"))


# --- One situation ----------------------------------------------------------------------------

def situation_or_404(*, actor: Actor, situation_id: Any) -> Situation:
    """The whole situation, for its own organization's staff; a 404 for everyone else (the probe of
    one that exists is recorded as a denial)."""
    pk = _id_or_none(situation_id)
    found = Situation.objects.visible_to(actor).filter(pk=pk).first() if pk is not None else None
    if found is None:
        if pk is not None and Situation.objects.filter(pk=pk).exists():
            audit.record_denial(actor, "situation.view", None, target=("situations.situation", str(pk)))
        raise Http404
    return found


@dataclass
class LinkedCases:
    """The cases of a situation as one reader may know them: those they can open, and how many
    others there are (``hidden``; None when the reader may not even count them)."""

    shown: list[Case]
    hidden: int | None


@dataclass
class SituationPage:
    situation: Situation
    whole: bool
    cases: LinkedCases
    persons_of_interest: list[PersonOfInterest]
    #: poi id -> the links of that person of interest to cases the reader can see.
    poi_cases: dict[int, list[PersonOfInterestCase]]


def _linked_cases(actor: Actor, situation: Situation, *, exclude: Iterable[Any] = ()) -> LinkedCases:
    links = SituationCase.objects.filter(situation=situation).exclude(case_id__in=list(exclude))
    total = links.count()
    shown = list(_visible_cases(actor).filter(pk__in=links.values("case_id")).order_by("number"))
    return LinkedCases(shown=shown, hidden=total - len(shown))


def situation_page(*, actor: Actor, situation_id: Any, via: str = "page") -> SituationPage:
    """A situation as this reader may see it (see the module's docstring), or a 404. Audited:
    ``situation.viewed`` (ids only), and ``poi.listed`` for the persons of interest shown."""
    pk = _id_or_none(situation_id)
    if pk is None:
        raise Http404
    situation = Situation.objects.visible_to(actor).filter(pk=pk).first()
    if situation is not None:
        cases = _linked_cases(actor, situation)
        pois = list(PersonOfInterest.objects.visible_to(actor).filter(situation=situation).order_by("pk"))
        poi_cases: dict[int, list[PersonOfInterestCase]] = {}
        # Only the links to cases the reader can see: the others are not named, here either.
        for link in (PersonOfInterestCase.objects.filter(poi__in=pois, case__in=_visible_cases(actor))
                     .select_related("case").order_by("case__number")):
            poi_cases.setdefault(link.poi_id, []).append(link)
        audit.record(actor, "situation.viewed", situation, detail={"via": via, "whole": True,
                                                                   "cases_shown": [str(c.pk) for c in cases.shown]})
        if pois:
            audit.record(actor, "poi.listed", situation, detail={"via": via, "ids": [p.pk for p in pois]})
        return SituationPage(situation, True, cases, pois, poi_cases)
    shown: list[Case] = []
    if allows(actor, "case.view"):
        ids = SituationCase.objects.filter(situation_id=pk).values("case_id")
        shown = list(_cases_through_disclosure(actor).filter(pk__in=ids).order_by("number"))
    if not shown:
        if Situation.objects.filter(pk=pk).exists():
            audit.record_denial(actor, "situation.view", None, target=("situations.situation", str(pk)))
        raise Http404
    situation = Situation.objects.defer("title", "description").get(pk=pk)
    audit.record(actor, "situation.viewed", situation, detail={"via": via, "whole": False,
                                                               "cases_shown": [str(c.pk) for c in shown]})
    return SituationPage(situation, False, LinkedCases(shown=shown, hidden=None), [], {})


# --- The situations of one case (the case page's block, the API) ------------------------------

@dataclass
class CaseSituation:
    situation: Situation
    others: LinkedCases


def case_situations(*, actor: Actor, case: Case, via: str = "page") -> list[CaseSituation]:
    """The whole situations this case is part of, each with the other linked cases as the reader may
    know them (open the visible ones, count the rest). A reader who does not hold the whole
    situation is told nothing here: the link itself is the situation's knowledge. ``case`` is one
    the reader may see (the caller read it through ``case_or_404``)."""
    if not allows(actor, "situation.view"):
        return []
    situations = list(Situation.objects.visible_to(actor).filter(
        pk__in=SituationCase.objects.filter(case=case).values("situation_id")).order_by("-created_at", "-pk"))
    if not situations:
        return []
    out = [CaseSituation(s, _linked_cases(actor, s, exclude=[case.pk])) for s in situations]
    audit.record(actor, "situation.listed", case, detail={"via": via, "whole": [s.pk for s in situations]})
    return out


# --- Persons of interest ----------------------------------------------------------------------

def poi_or_404(*, actor: Actor, poi_id: Any, via: str = "page") -> PersonOfInterest:
    """A person of interest of the reader's organization, or a 404; the read is audited."""
    pk = _id_or_none(poi_id)
    poi = PersonOfInterest.objects.visible_to(actor).filter(pk=pk).first() if pk is not None else None
    if poi is None:
        if pk is not None and PersonOfInterest.objects.filter(pk=pk).exists():
            audit.record_denial(actor, "situation.view", None, target=("situations.personofinterest", str(pk)))
        raise Http404
    audit.record(actor, "poi.viewed", poi, detail={"via": via})
    return poi


def poi_cases_visible(*, actor: Actor, poi: PersonOfInterest) -> list[PersonOfInterestCase]:
    """The links of a person of interest to the cases the reader can see (the others are not named)."""
    return list(PersonOfInterestCase.objects.filter(poi=poi, case__in=_visible_cases(actor))
                .select_related("case").order_by("case__number"))


def find_persons_of_interest(*, actor: Actor, name: str = "", phone: str = "") -> list[PersonOfInterest]:
    """Persons of interest of the reader's organization with exactly this name (or alias) or phone,
    by blind index under every key version (one index lookup, never a scan). Audited without the
    values searched for."""
    tokens = Q()
    for key_id in crypto.index_key_ids():
        if name.strip():
            tokens |= Q(kind=TokenKind.NAME, key_id=key_id, token=name_index(name, key_id))
        if phone.strip() and phone_index(phone, key_id):
            tokens |= Q(kind=TokenKind.PHONE, key_id=key_id, token=phone_index(phone, key_id))
    if not tokens:
        raise ValidationError({"name": _("Enter a name or a phone number.")})
    ids = PersonOfInterestToken.objects.filter(tokens).values("poi_id")
    found = list(PersonOfInterest.objects.visible_to(actor).filter(pk__in=ids).order_by("pk"))
    audit.record(actor, "poi.searched", None, detail={"by_name": bool(name.strip()), "by_phone": bool(phone.strip()),
                                                      "found": [p.pk for p in found]})
    return found


# --- For the 24/7 alert (the system reads; nobody is shown these rows) ------------------------

def pois_with_phone_tokens(tokens_by_key: Mapping[str, Sequence[str]]) -> list[int]:
    """Ids of the persons of interest with one of these phone tokens (per key version)."""
    match = Q()
    for key_id, tokens in tokens_by_key.items():
        if tokens:
            match |= Q(key_id=key_id, token__in=list(tokens))
    if not match:
        return []
    return sorted(set(PersonOfInterestToken.objects.filter(match, kind=TokenKind.PHONE)
                      .values_list("poi_id", flat=True)))


def cases_of_pois(poi_ids: Sequence[int]) -> list[Case]:
    """The cases these persons of interest are linked to, directly or through their situation."""
    direct = PersonOfInterestCase.objects.filter(poi_id__in=poi_ids).values("case_id")
    situations = PersonOfInterest.objects.filter(pk__in=poi_ids, situation__isnull=False).values("situation_id")
    via_situation = SituationCase.objects.filter(situation_id__in=situations).values("case_id")
    return list(Case.objects.filter(Q(pk__in=direct) | Q(pk__in=via_situation))
                .select_related("owner_worker", "owner_organization").order_by("number"))
