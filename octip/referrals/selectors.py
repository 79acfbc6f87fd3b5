"""Reads of referrals and transfers: every query starts from ``visible_to``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from octip.cases.models import Case, CaseAccessGrant, GrantSource
from octip.cases.sharing import is_own_case
from octip.core import audit, keyset
from octip.core.access import Actor, get_visible_or_404

from .models import Referral, ReferralStatus, SecureExport, Transfer, TransferStatus

BOXES = ("inbox", "outbox")


def referrals(*, actor: Actor, box: str = "inbox", status: str = "", overdue: bool = False) -> QuerySet[Referral]:
    """The referrals received by the actor's organization (inbox) or sent from cases in the actor's
    own scope (outbox), newest first, optionally of one status, or only those awaiting a response
    past their date (``overdue``)."""
    rows = Referral.objects.visible_to(actor)
    if box == "outbox":
        rows = rows.filter(Case.objects.reach_q(actor, through="case", grants=False))
    else:
        rows = rows.filter(to_organization_id=actor.organization_id)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.overdue()
    return rows.select_related("case", "to_organization", "from_organization", "service", "sent_by")


#: The order of the referral and transfer boxes (newest first), and the rows a page of them shows.
BOX_ORDERING = ("-sent_at", "-pk")
BOX_PAGE = 50


def box_page(rows: QuerySet[Any], *, name: str, cursor: str = "", size: int | None = None) -> keyset.KeysetPage[Any]:
    """A page of a box (``referrals`` or ``transfers``), newest first, from ``cursor`` (``keyset.page``:
    raises ``BadCursor`` before anything is read). ``name`` tells the boxes apart ("referrals.inbox"…):
    a cursor of one is refused by another."""
    return keyset.page(rows, name=name, ordering=BOX_ORDERING, cursor=cursor or None, size=size or BOX_PAGE)


def referral_or_404(*, actor: Actor, referral_id: UUID | str) -> Referral:
    return get_visible_or_404(Referral.objects.select_related(
        "case", "to_organization", "from_organization", "service", "sent_by", "responded_by", "disclosure"),
        actor, pk=referral_id)


def withhold_ended_details(*, actor: Actor, rows: list[Referral]) -> list[Referral]:
    """Once a receiver's access has ended, the free text the sender wrote (the purpose, a reason for
    revoking) is no longer shown to it: it may name the person. The sender side keeps seeing it.
    Access has ended when the referral is no longer open, or when no grant of it stands any more: a
    consent that expired ends the grant without anyone ending the referral (issue 9 #11). Changes the
    rows in memory only."""
    own = set(Case.objects.in_own_scope(actor).filter(pk__in={r.case_id for r in rows})
              .values_list("pk", flat=True)) if rows else set()
    granted = set(CaseAccessGrant.objects.active().filter(
        source=GrantSource.REFERRAL, source_id__in=[str(r.pk) for r in rows if r.case_id not in own])
        .values_list("source_id", flat=True)) if rows else set()
    for row in rows:
        row.details_withheld = row.case_id not in own and not (row.grants_access and str(row.pk) in granted)
        if row.details_withheld:
            row.purpose = ""
            if row.status == ReferralStatus.REVOKED:
                row.status_reason = ""
    return rows


def withhold_ended_transfer_details(*, actor: Actor, rows: list[Transfer]) -> list[Transfer]:
    """The same rule for transfers: once a transfer the receiver was offered is declined or revoked,
    the sender's free text (the reason, a reason for revoking) is no longer shown to the receiver.
    The case's own circle keeps seeing it. Changes the rows in memory only."""
    own = set(Case.objects.in_own_scope(actor).filter(pk__in={r.case_id for r in rows})
              .values_list("pk", flat=True)) if rows else set()
    for row in rows:
        row.details_withheld = row.case_id not in own and row.status not in (TransferStatus.SENT,
                                                                            TransferStatus.ACCEPTED)
        if row.details_withheld:
            row.reason = ""
            if row.status == TransferStatus.REVOKED:
                row.status_reason = ""
    return rows


def referrals_of_case(*, actor: Actor, case: Case) -> QuerySet[Referral]:
    return Referral.objects.visible_to(actor).filter(case=case).select_related("to_organization", "service",
                                                                              "sent_by")


def transfers(*, actor: Actor, box: str = "inbox", status: str = "", overdue: bool = False) -> QuerySet[Transfer]:
    """The transfers proposed to the actor's organization (inbox) or by it (outbox), newest first,
    optionally of one status, or only those awaiting a response past their date (``overdue``)."""
    rows = Transfer.objects.visible_to(actor)
    if box == "outbox":
        rows = rows.filter(from_organization_id=actor.organization_id).exclude(
            to_organization_id=actor.organization_id)
    else:
        rows = rows.filter(to_organization_id=actor.organization_id)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.overdue()
    return rows.select_related("case", "to_organization", "from_organization", "sent_by")


def transfer_or_404(*, actor: Actor, transfer_id: UUID | str) -> Transfer:
    return get_visible_or_404(Transfer.objects.select_related("case", "to_organization", "from_organization",
                                                              "sent_by"), actor, pk=transfer_id)


def exports_of_case(*, actor: Actor, case: Case) -> QuerySet[SecureExport]:
    """The secure exports of ``case`` the actor may see, with who made them."""
    return SecureExport.objects.visible_to(actor).filter(case=case).select_related("created_by")


def export_or_404(*, actor: Actor, export_id: object) -> SecureExport:
    return get_visible_or_404(SecureExport.objects.select_related("case"), actor, pk=export_id)


# Reads of the sender's free text (a referral's purpose, a transfer's reason, an export's recipient)
# are on record, each recorded here once whichever face asks.

def referral_for_reading(*, actor: Actor, referral_id: UUID | str) -> Referral:
    """``referral_or_404``, the read recorded (``referral.viewed``)."""
    referral = referral_or_404(actor=actor, referral_id=referral_id)
    audit.record(actor, "referral.viewed", referral)
    return referral


def transfer_for_reading(*, actor: Actor, transfer_id: UUID | str) -> Transfer:
    """``transfer_or_404``, the read recorded (``transfer.viewed``)."""
    transfer = transfer_or_404(actor=actor, transfer_id=transfer_id)
    audit.record(actor, "transfer.viewed", transfer)
    return transfer


def listed_for_reading(*, actor: Actor, action: str, rows: list, case: Case | None = None) -> list:
    """Record a list read (``action``) with the ids returned, like a single read; nothing listed, nothing
    recorded."""
    if rows:
        audit.record(actor, action, case, purpose="api list", detail={"ids": [str(row.pk) for row in rows]})
    return rows


def case_sharing_for_reading(*, actor: Actor, case: Case) -> dict[str, Any]:
    """The case's referrals page: its referrals the actor may see and, for the owning circle, its
    transfers and secure exports. A referral's purpose and an export's recipient are free text that
    may name someone: each list read is recorded with the ids shown, as the API's list reads are."""
    own = is_own_case(actor, case)
    referrals = list(referrals_of_case(actor=actor, case=case))
    transfers = list(case.transfers.select_related("to_organization")) if own else []
    exports = list(exports_of_case(actor=actor, case=case)) if own else []
    shown: dict[str, Any] = {"own": own, "referrals": referrals, "transfers": transfers, "exports": exports}
    listed: list[tuple[str, list[Any]]] = [("referral.listed", referrals), ("transfer.listed", transfers),
                                           ("export.listed", exports)]
    for action, rows in listed:
        if rows:
            audit.record(actor, action, case, purpose="case referrals page",
                         detail={"ids": [str(row.pk) for row in rows]})
    return shown
