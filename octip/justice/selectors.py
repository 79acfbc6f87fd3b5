"""Reads of the justice app. Every read starts from a case the reader may see (``case_or_404``) and
the ``justice`` section being open to them; each read of identifying data is audited here, once.

Outside the owning circle (a police liaison, a receiver of a referral that shares ``justice``) a
reader sees the proceedings, statuses and CVAP applications, and of the police contacts only those
made with their own organization; never the person's choice about police, the letters, nor the
contacts with anyone else.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from octip.cases.models import Case
from octip.cases.sections import plain
from octip.cases.selectors import case_or_404, is_own_case, require_section_or_404
from octip.core import audit
from octip.core.access import Actor, allows, get_visible_or_404, require

from . import rules
from .models import (
    CvapApplication,
    Deadline,
    ImmigrationStatus,
    Letter,
    PoliceContact,
    PolicePreference,
    Proceeding,
    TestimonialAid,
)

SECTION = "justice"
#: The window a list may be narrowed to ("due soon").
SOON_DAYS = 30


@dataclass
class CaseJustice:
    case: Case
    own: bool
    police_choice: PolicePreference | None
    police_contacts: list[PoliceContact]
    proceedings: list[Proceeding]
    statuses: list[ImmigrationStatus]
    cvap: list[CvapApplication]
    deadlines: list[Deadline]
    letters: list[Letter] = field(default_factory=list)


def justice_case_or_404(*, actor: Actor, case_id: Any) -> Case:
    """The case, if the actor may read its justice section (``justice.view`` and the section open)."""
    case = case_or_404(actor=actor, case_id=case_id)
    if not allows(actor, "justice.view"):
        raise Http404
    require_section_or_404(actor=actor, case=case, section=SECTION)
    return case


def _contacts(actor: Actor, case: Case, own: bool) -> QuerySet[PoliceContact]:
    contacts = PoliceContact.objects.visible_to(actor).filter(case=case).select_related("organization")
    return contacts if own else contacts.filter(organization_id=actor.organization_id)


def case_justice(*, actor: Actor, case_id: Any, via: str = "page") -> CaseJustice:
    """Everything of the justice section of one case the actor may read; recorded as one read."""
    case = justice_case_or_404(actor=actor, case_id=case_id)
    own = is_own_case(actor, case)
    contacts = list(_contacts(actor, case, own))
    proceedings = list(Proceeding.objects.visible_to(actor).filter(case=case)
                       .prefetch_related("court_dates", "aids"))
    statuses = list(ImmigrationStatus.objects.visible_to(actor).filter(case=case))
    cvap = list(CvapApplication.objects.visible_to(actor).filter(case=case))
    deadlines = list(Deadline.objects.visible_to(actor).filter(case=case, closed_at__isnull=True))
    choice = PolicePreference.objects.visible_to(actor).filter(case=case).first() if own else None
    letters = list(Letter.objects.visible_to(actor).filter(case=case)) if own else []
    audit.record(actor, "justice.viewed", case, detail={
        "via": via, "own": own, "police_contacts": [c.pk for c in contacts],
        "proceedings": len(proceedings), "statuses": len(statuses), "cvap": len(cvap)})
    return CaseJustice(case, own, choice, contacts, proceedings, statuses, cvap, deadlines, letters)


def police_contact_or_404(*, actor: Actor, contact_id: Any) -> PoliceContact:
    contact = get_visible_or_404(PoliceContact.objects.select_related("case", "organization"), actor, pk=contact_id)
    justice_case_or_404(actor=actor, case_id=contact.case_id)
    if not is_own_case(actor, contact.case) and contact.organization_id != actor.organization_id:
        raise Http404
    return contact


def proceeding_or_404(*, actor: Actor, proceeding_id: Any) -> Proceeding:
    proceeding = get_visible_or_404(Proceeding.objects.select_related("case"), actor, pk=proceeding_id)
    justice_case_or_404(actor=actor, case_id=proceeding.case_id)
    return proceeding


def proceeding_for_editing(*, actor: Actor, proceeding_id: Any) -> Proceeding:
    """A proceeding whose identifying fields (court file, conditions, sentence) an edit form shows;
    the read is recorded, once the actor is known to be allowed to edit it."""
    proceeding = proceeding_or_404(actor=actor, proceeding_id=proceeding_id)
    require(actor, "justice.edit", proceeding.case)
    audit.record(actor, "justice.proceeding_viewed", proceeding, purpose="edit",
                 detail={"case_id": str(proceeding.case_id)})
    return proceeding


def aid_or_404(*, actor: Actor, aid_id: Any) -> TestimonialAid:
    aid = get_visible_or_404(TestimonialAid.objects.select_related("case"), actor, pk=aid_id)
    justice_case_or_404(actor=actor, case_id=aid.case_id)
    return aid


def status_or_404(*, actor: Actor, status_id: Any) -> ImmigrationStatus:
    status = get_visible_or_404(ImmigrationStatus.objects.select_related("case"), actor, pk=status_id)
    justice_case_or_404(actor=actor, case_id=status.case_id)
    return status


def cvap_or_404(*, actor: Actor, application_id: Any) -> CvapApplication:
    application = get_visible_or_404(CvapApplication.objects.select_related("case", "case__person"), actor,
                                     pk=application_id)
    justice_case_or_404(actor=actor, case_id=application.case_id)
    return application


def status_or_none(*, actor: Actor, case: Case, status_id: Any) -> ImmigrationStatus | None:
    if status_id in (None, ""):
        return None
    status = ImmigrationStatus.objects.visible_to(actor).filter(case=case, pk=status_id).first()
    if status is None:
        raise Http404
    return status


def _deadlines(actor: Actor, *, everyone: bool, within_days: int | None,
               today: datetime.date | None) -> QuerySet[Deadline]:
    today = today or timezone.localdate()
    deadlines = Deadline.objects.visible_to(actor).filter(closed_at__isnull=True)
    if within_days is not None:
        deadlines = deadlines.filter(due_on__lte=today + datetime.timedelta(days=within_days))
    if not everyone:
        mine = Case.objects.filter(Q(owner_worker_id=actor.pk) | Q(assigned_workers=actor.pk)).values("pk")
        deadlines = deadlines.filter(case_id__in=mine)
    return deadlines


#: The order of the deadline lists: the earliest first, the id breaking ties (the API's keyset).
DEADLINE_ORDERING = ("due_on", "pk")


def deadlines_for(*, actor: Actor, everyone: bool = False, within_days: int | None = None,
                  today: datetime.date | None = None,
                  page: Callable[[QuerySet[Deadline]], list[Deadline]] | None = None) -> list[Deadline]:
    """Open deadlines on the cases the actor sees (with ``within_days``: only those due within that
    many days, or overdue), the earliest first: the actor's own (cases they work) or, with
    ``everyone`` (the coordinator's overview), all of them. Only case numbers and kinds: nothing
    identifying; the listing is recorded by count. ``page`` picks the rows from the ordered query (the
    API's keyset page); without it, the first 500."""
    if not allows(actor, "justice.view"):
        return []
    query = (_deadlines(actor, everyone=everyone, within_days=within_days, today=today)
             .select_related("case", "case__owner_worker").order_by(*DEADLINE_ORDERING))
    rows = page(query) if page is not None else list(query[:500])
    audit.record(actor, "justice.deadlines_listed", None, detail={"count": len(rows), "everyone": everyone})
    return rows


def deadlines_due_soon(*, actor: Actor, everyone: bool = False, today: datetime.date | None = None) -> int:
    """How many rows ``deadlines_for(within_days=SOON_DAYS)`` lists (for the home page), in one query."""
    if not allows(actor, "justice.view"):
        return 0
    return _deadlines(actor, everyone=everyone, within_days=SOON_DAYS, today=today).count()


def justice_section_held(case: Case) -> bool:
    """Whether the case holds anything of the justice section (existence only; nothing is read)."""
    return any(model.objects.filter(case=case).exists()
               for model in (PoliceContact, PolicePreference, Proceeding, ImmigrationStatus, CvapApplication,
                             Letter, Deadline))


def justice_section_content(case: Case, chosen: frozenset[str]) -> dict[str, Any]:
    """The justice section as plain data for the secure export: proceedings, statuses and CVAP
    applications (police contacts are the case's sharing with others: not carried)."""
    return plain({
        "proceedings": [{
            "accused": p.accused, "court_file": p.court_file, "charges": [rules.cite_of(c) for c in p.charges],
            "conditions": p.conditions, "no_contact_order": p.no_contact_order,
            "publication_bans": [rules.cite_of(c) for c in p.publication_bans],
            "impact_statement": p.impact_statement, "outcome": p.outcome, "sentence": p.sentence,
            "restitution_ordered": p.restitution_ordered,
            "restitution_amount": str(p.restitution_amount) if p.restitution_amount is not None else None,
            "court_dates": [{"on": d.on, "kind": d.kind, "place": d.place} for d in p.court_dates.all()],
            "testimonial_aids": [{"section": rules.cite_of(a.section), "status": a.status, "hearing_on": a.hearing_on}
                                 for a in p.aids.all()],
        } for p in Proceeding.objects.filter(case=case).prefetch_related("court_dates", "aids")],
        "immigration": [{"kind": s.kind, "decision": s.decision, "applied_on": s.applied_on,
                         "decided_on": s.decided_on, "issued_on": s.issued_on, "expires_on": s.expires_on}
                        for s in ImmigrationStatus.objects.filter(case=case)],
        "cvap": [{"offence_on": a.offence_on, "sexual_offence": a.sexual_offence, "status": a.status,
                  "submitted_on": a.submitted_on, "apply_by": a.apply_by,
                  "benefits_requested": a.benefits_requested, "benefits_granted": a.benefits_granted}
                 for a in CvapApplication.objects.filter(case=case)],
    })
