"""Reads of situations and persons of interest, each starting from ``visible_to`` and audited here.

A situation is its organization's knowledge: the list, a situation's page and its API are for the
staff of the owning organization who hold ``situation.view`` (``Situation.objects.visible_to``; the
coordinating office's staff for the office's own situations). They see the situation, its persons of
interest, the linked cases they may open (``Case.objects.visible_to``) and a *count* of the others:
never their number, owner or anything else. Everyone else gets a 404 (and an empty list).

The case page's block (``case_situations``) tells the case's owning circle
(``cases.sharing.in_owning_circle``) the whole situations of their organization that include the
case. A reader outside it to whom the case was disclosed by a grant that opens its ``summary`` (and
not the preview of a referral or transfer not accepted yet) learns only that the case is part of a
situation and of what kind: no id, no link, no title, no count, no other case, so that two cases
disclosed to them can never be tied together.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from octip.cases.models import Case, CaseAccessGrant, GrantSource, name_index, phone_index
from octip.cases.sharing import in_owning_circle
from octip.core import audit, crypto
from octip.core.access import Actor, allows, require, role_of

from .models import (
    PersonOfInterest,
    PersonOfInterestCase,
    PersonOfInterestToken,
    Situation,
    SituationCase,
    SituationKind,
    TokenKind,
)

PAGE_SIZE = 25


def _visible_cases(actor: Actor) -> QuerySet[Case]:
    return Case.objects.visible_to(actor)


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def _pending_previews(grants: Sequence[CaseAccessGrant]) -> set[int]:
    """The grants among these that are only the preview of a referral or a transfer its receiver has
    not accepted yet (a grant holds no mark of it: its referral's or transfer's status tells). One
    whose referral or transfer cannot be found counts as a preview (deny by default)."""
    from octip.referrals.models import Referral, ReferralStatus, Transfer, TransferStatus

    previewing = (GrantSource.REFERRAL, GrantSource.TRANSFER)
    wanted = {g.pk: (g.source, _as_uuid(g.source_id)) for g in grants if g.source in previewing}
    if not wanted:
        return set()
    by_source = {source: [pk for s, pk in wanted.values() if s == source and pk is not None] for source in previewing}
    decided = {(GrantSource.REFERRAL, pk) for pk in Referral.objects.filter(pk__in=by_source[GrantSource.REFERRAL])
               .exclude(status=ReferralStatus.SENT).values_list("pk", flat=True)}
    decided |= {(GrantSource.TRANSFER, pk) for pk in Transfer.objects.filter(pk__in=by_source[GrantSource.TRANSFER])
                .exclude(status=TransferStatus.SENT).values_list("pk", flat=True)}
    return {grant_pk for grant_pk, key in wanted.items() if key not in decided}


def disclosed_with_summary(actor: Actor, case: Case) -> bool:
    """Whether ``case`` was disclosed to the reader by an active access grant reaching them that opens
    its ``summary``, beyond the preview of a referral or a transfer not accepted yet. A case seen by
    role scope alone (an operator's organization, an office coordinator's "all") is no disclosure."""
    role = role_of(actor)
    if role is None or not allows(actor, "case.view"):
        return False
    grants = [g for g in CaseAccessGrant.objects.active().reaching(actor, role.scope).filter(case=case)
              if "summary" in (g.sections or [])]
    if not grants:
        return False
    previews = _pending_previews(grants)
    return any(g.pk not in previews for g in grants)


def _id_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Lists ------------------------------------------------------------------------------------

@dataclass
class SituationRow:
    situation: Situation
    #: Always True: the list holds the reader's organization's situations only.
    whole: bool = True
    cases: list[Case] = field(default_factory=list)


@dataclass
class SituationList:
    rows: list[SituationRow]
    page: int
    has_next: bool


def situations_for(*, actor: Actor, page: int = 1) -> SituationList:
    """The situations of the reader's organization, newest first, a page of ``PAGE_SIZE`` at a time
    (sliced in SQL). Nobody meets another organization's situation here. Audited
    (``situation.listed``, ids only)."""
    require(actor, "situation.view")
    page = max(1, page)
    start, stop = (page - 1) * PAGE_SIZE, page * PAGE_SIZE
    whole_qs = Situation.objects.visible_to(actor).order_by("-created_at", "-pk")
    rows = [SituationRow(s) for s in whole_qs[start:stop + 1]]
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if rows:
        audit.record(actor, "situation.listed", None, detail={"whole": [r.situation.pk for r in rows]})
    return SituationList(rows=rows, page=page, has_next=has_next)


def situation_choices(*, actor: Actor) -> list[Situation]:
    """The situations a case may be linked to by this reader (whole ones, if they may edit)."""
    if not allows(actor, "situation.edit"):
        return []
    return list(Situation.objects.visible_to(actor).order_by("-created_at", "-pk"))


# --- One situation ----------------------------------------------------------------------------

def situation_or_404(*, actor: Actor, situation_id: Any) -> Situation:
    """The whole situation, for its own organization's staff; a 404 for everyone else (the probe of
    one that exists is recorded as a denial). Not audited as a read: for the services' guards
    (callers that show its title or description use ``situation_page`` or ``situation_for_editing``)."""
    pk = _id_or_none(situation_id)
    found = Situation.objects.visible_to(actor).filter(pk=pk).first() if pk is not None else None
    if found is None:
        if pk is not None and Situation.objects.filter(pk=pk).exists():
            audit.record_denial(actor, "situation.view", None, target=("situations.situation", str(pk)))
        raise Http404
    return found


def situation_for_editing(*, actor: Actor, situation_id: Any) -> Situation:
    """The situation for its edit form (which shows the encrypted title and description): a 404 as
    ``situation_or_404``, ``situation.edit`` required, and the read audited (``situation.viewed``)."""
    situation = situation_or_404(actor=actor, situation_id=situation_id)
    require(actor, "situation.edit", situation)
    audit.record(actor, "situation.viewed", situation, detail={"via": "edit form"})
    return situation


@dataclass
class LinkedCases:
    """The cases of a situation as one reader may know them: those they can open, and how many
    others there are (``hidden``)."""

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
    """A situation whole, for its own organization's staff, or a 404 for everyone else (see the
    module's docstring). Audited: ``situation.viewed`` (ids only), and ``poi.listed`` for the persons
    of interest shown."""
    situation = situation_or_404(actor=actor, situation_id=situation_id)
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


# --- The situations of one case (the case page's block, the API) ------------------------------

@dataclass
class CaseSituation:
    """One situation of a case as the reader may know it: whole (``situation``, ``others``) for the
    case's owning circle of the situation's organization; else only ``kind`` (``situation`` and
    ``others`` None)."""

    kind: str
    situation: Situation | None = None
    others: LinkedCases | None = None

    @property
    def whole(self) -> bool:
        return self.situation is not None

    @property
    def kind_label(self) -> str:
        return str(SituationKind(self.kind).label)


def case_situations(*, actor: Actor, case: Case, via: str = "page",
                    owning_circle: bool | None = None) -> list[CaseSituation]:
    """The situations this case is part of, as the reader may know them. ``case`` is one the reader
    may see (the caller read it through ``case_or_404``).

    - The case's owning circle (``in_owning_circle``) who hold ``situation.view``: the whole
      situations of their organization, each with the other linked cases (open the visible ones,
      count the rest).
    - A reader outside it to whom the case was disclosed with its summary
      (``disclosed_with_summary``): the kinds of the situations only, once each.
    - Anyone else: nothing.

    ``owning_circle``: ``in_owning_circle(actor, case)`` when the caller knows it."""
    links = SituationCase.objects.filter(case=case).values("situation_id")
    if owning_circle is None:
        owning_circle = in_owning_circle(actor, case)
    if owning_circle:
        if not allows(actor, "situation.view"):
            return []
        situations = list(Situation.objects.visible_to(actor).filter(pk__in=links).order_by("-created_at", "-pk"))
        if not situations:
            return []
        out = [CaseSituation(s.kind, s, _linked_cases(actor, s, exclude=[case.pk])) for s in situations]
        audit.record(actor, "situation.listed", case, detail={"via": via, "whole": [s.pk for s in situations]})
        return out
    if not disclosed_with_summary(actor, case):
        return []
    rows = list(Situation.objects.filter(pk__in=links).values_list("pk", "kind"))
    if not rows:
        return []
    kinds = sorted({kind for _pk, kind in rows})
    audit.record(actor, "situation.listed", case, detail={"via": via, "kind_only": sorted(pk for pk, _k in rows)})
    return [CaseSituation(kind) for kind in kinds]


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


def poi_for_editing(*, actor: Actor, poi_id: Any) -> PersonOfInterest:
    """A person of interest for their edit form (which shows the encrypted names, phones and the
    rest): a 404 as ``poi_or_404``, whose audited read (``poi.viewed``, via "edit form") is the only
    one, then ``situation.edit`` required."""
    poi = poi_or_404(actor=actor, poi_id=poi_id, via="edit form")
    require(actor, "situation.edit", poi)
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
