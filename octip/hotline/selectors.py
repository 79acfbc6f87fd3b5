"""Reads of 24/7 line records. Every query starts from ``visible_to``; reading a contact's
encrypted text is audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from octip.core import audit
from octip.core.access import Actor, get_visible_or_404

from .models import (
    NON_DATA_TYPES,
    URGENCY_RANK,
    CallerFlag,
    CallerFlagQuerySet,
    Contact,
    ContactQuerySet,
    ContactType,
    OnCallShift,
    ShiftQuerySet,
)
from .reference import categories, trafficking_codes
from .reporter import tokens_for_search
from .targets import response_targets

#: The fields whose reading is an audited event.
PROTECTED_FIELDS = ("summary", "place", "indicators_noticed", "actions_taken", "reporter_contact",
                    "reporter_phone", "reporter_email", "interpreter_id")


def contacts_for(*, actor: Actor) -> ContactQuerySet:
    return Contact.objects.visible_to(actor).select_related("region", "handled_by", "organization")


def contact_or_404(*, actor: Actor, contact_id: int) -> Contact:
    """One contact in the actor's scope (404 otherwise), to act on; its text is not read here."""
    return get_visible_or_404(Contact.objects.all(), actor, pk=contact_id)


def shift_or_404(*, actor: Actor, shift_id: int) -> OnCallShift:
    """One roster shift in the actor's scope (404 otherwise)."""
    return get_visible_or_404(OnCallShift.objects.all(), actor, pk=shift_id)


def contact_for_reading(*, actor: Actor, contact_id: int, purpose: str = "") -> Contact:
    """One contact with its encrypted text, for display; the read is recorded in the audit log.
    A contact out of the actor's scope is a 404."""
    contact = get_visible_or_404(contacts_for(actor=actor), actor, pk=contact_id)
    audit.record(actor, "hotline.contact.read", contact, purpose=purpose,
                 detail={"fields": list(PROTECTED_FIELDS)})
    return contact


@dataclass(frozen=True)
class QueueEntry:
    contact: Contact
    respond_by: datetime.datetime | None
    response_overdue: bool
    follow_up_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.response_overdue or self.follow_up_overdue


def queue(*, actor: Actor, now: datetime.datetime | None = None, past_target: bool = False) -> list[QueueEntry]:
    """Open contacts in scope: the most urgent first, then the longest waiting first; each with
    its first-response deadline and whether it (or its follow-up) is overdue. With ``past_target``,
    only those still waiting for a first response past their target."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rank = Case(*[When(urgency=u, then=Value(r)) for u, r in URGENCY_RANK.items()],
                default=Value(9), output_field=IntegerField())
    rows = (contacts_for(actor=actor).open().annotate(urgency_rank=rank)
            .order_by("urgency_rank", "received_at", "pk")
            .defer(*PROTECTED_FIELDS))
    targets = response_targets()
    entries = []
    for contact in rows:
        target = targets.get(contact.urgency)
        respond_by = target.respond_by(contact.received_at) if target else None
        response_overdue = bool(contact.first_response_at is None and respond_by and respond_by < now)
        follow_up_overdue = bool(contact.follow_up_due and contact.follow_up_due < today)
        if response_overdue or not past_target:
            entries.append(QueueEntry(contact, respond_by, response_overdue, follow_up_overdue))
    return entries


def shifts_for(*, actor: Actor) -> ShiftQuerySet:
    return OnCallShift.objects.visible_to(actor).select_related("person", "escalation_contact", "organization")


def on_call_now(*, actor: Actor, now: datetime.datetime | None = None) -> ShiftQuerySet:
    return shifts_for(actor=actor).on_at(now or timezone.now())


def upcoming_shifts(*, actor: Actor, now: datetime.datetime | None = None) -> ShiftQuerySet:
    return shifts_for(actor=actor).filter(ends_at__gt=now or timezone.now())


# --- Repeat contacts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepeatContacts:
    """The earlier contacts of the same reporter (same phone or email) with the line of the contact's
    organization: ``count`` of them, of which ``shown`` are in the reader's scope (the rest are only
    counted). Contacts with another organization's line are neither shown nor counted."""

    count: int
    shown: list[Contact]

    @property
    def hidden(self) -> int:
        return self.count - len(self.shown)


def _same_reporter(contact: Contact) -> ContactQuerySet:
    """Other contacts of the same organization whose reporter shares a phone or email token with
    ``contact``'s, under any configured key version (a rotation may be half done)."""
    pairs = contact.reporter_identifiers()
    if not pairs or contact.organization_id is None:
        return Contact.objects.none()
    match = Q()
    for key_id, tokens in tokens_for_search(pairs).items():
        for kind, token in tokens:
            match |= Q(reporter_tokens__key_id=key_id, reporter_tokens__kind=kind, reporter_tokens__token=token)
    return (Contact.objects.filter(match, organization_id=contact.organization_id)
            .exclude(pk=contact.pk).distinct())


def repeat_contacts(*, actor: Actor, contact: Contact) -> RepeatContacts:
    """The reporter's earlier contacts, for the contact page: counted within the contact's
    organization, shown only where ``visible_to`` the reader. ``contact`` must be one the reader may
    read (``contact_for_reading``). The look-up is audited once, with counts only."""
    if not contact.reporter_identifiers():
        return RepeatContacts(count=0, shown=[])  # no phone or email: nothing is looked up
    earlier = _same_reporter(contact).filter(received_at__lte=contact.received_at)
    ids = set(earlier.values_list("pk", flat=True))
    shown = list(contacts_for(actor=actor).filter(pk__in=ids).defer(*PROTECTED_FIELDS)
                 .order_by("-received_at", "-pk")) if ids else []
    audit.record(actor, "hotline.contact.repeat_read", contact,
                 detail={"previous": len(ids), "shown": [c.pk for c in shown]})
    return RepeatContacts(count=len(ids), shown=shown)


# --- Counting (Polaris) ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactCounts:
    """Polaris-style counts: every contact is a ``signal``; a substantive contact about a potential
    trafficking situation (a trafficking category) counts towards ``cases``. Codes only."""

    signals: int
    cases: int
    by_type: dict[str, int]
    by_category: dict[str, int]
    non_data: int


def contact_counts(*, actor: Actor, start: datetime.date | None = None, end: datetime.date | None = None,
                   contact_type: str = "", category: str = "") -> ContactCounts:
    """Counts of the contacts in the reader's scope received from ``start`` to ``end`` (dates,
    inclusive), optionally of one type or with one category. No text is read."""
    rows = Contact.objects.visible_to(actor)
    if start is not None:
        rows = rows.filter(received_at__date__gte=start)
    if end is not None:
        rows = rows.filter(received_at__date__lte=end)
    if contact_type:
        rows = rows.filter(contact_type=contact_type)
    pairs = list(rows.values_list("contact_type", "categories"))
    if category:
        pairs = [(t, c) for t, c in pairs if category in (c or [])]
    trafficking = trafficking_codes()
    by_type = dict.fromkeys(ContactType.values, 0)
    by_category = {c.code: 0 for c in categories()}
    cases = 0
    for kind, codes in pairs:
        by_type[kind] = by_type.get(kind, 0) + 1
        for code in codes or []:
            if code in by_category:
                by_category[code] += 1
        if kind == ContactType.SUBSTANTIVE and trafficking & set(codes or []):
            cases += 1
    return ContactCounts(signals=len(pairs), cases=cases, by_type=by_type, by_category=by_category,
                         non_data=sum(n for t, n in by_type.items() if t in NON_DATA_TYPES))


# --- Caller flags ---------------------------------------------------------------------------------

def caller_flags_for(*, actor: Actor) -> CallerFlagQuerySet:
    """Flags in the reader's scope (their organization's line), without reading their reasons."""
    return CallerFlag.objects.visible_to(actor).select_related("set_by", "source_contact").defer("reason",
                                                                                              "identifier")


def caller_flag_or_404(*, actor: Actor, flag_id: int) -> CallerFlag:
    return get_visible_or_404(CallerFlag.objects.all(), actor, pk=flag_id)


def active_flags_on(*, actor: Actor, contact: Contact) -> list[CallerFlag]:
    """The active (not lifted, not expired) flags of ``contact``'s caller that the reader may see, with
    their reasons; reading them is audited once, when there is any. ``contact`` must be one the reader
    may read."""
    pairs = contact.reporter_identifiers()
    if not pairs or contact.organization_id is None:
        return []
    match = Q()
    for key_id, tokens in tokens_for_search(pairs).items():
        for kind, token in tokens:
            match |= Q(index_key_id=key_id, identifier_kind=kind, token=token)
    flags = list(CallerFlag.objects.visible_to(actor).active().filter(match)
                 .filter(organization_id=contact.organization_id).defer("identifier"))
    if flags:
        audit.record(actor, "hotline.caller_flag.read", contact, detail={"flag_ids": [f.pk for f in flags]})
    # One flag per kind: a caller flagged by phone and by email shows it once.
    unique: dict[str, CallerFlag] = {}
    for flag in flags:
        unique.setdefault(flag.kind, flag)
    return list(unique.values())


def services_given(*, actor: Actor, contact: Contact) -> list:
    """The directory services given on a contact that the reader can see in the directory."""
    from octip.directory.selectors import visible_services

    return list(visible_services(actor).filter(pk__in=contact.services_given.values("pk"))
                .select_related("organization").order_by("name"))


# --- Quality review -------------------------------------------------------------------------------
# (Imported here, not in the block at the top, so that this section merges as one appended block.)

from octip.core.access import allows  # noqa: E402

from .models import (  # noqa: E402
    ContactReview,
    ContactReviewQuerySet,
    ReviewSample,
    ReviewSampleQuerySet,
    ReviewStatus,
)
from .rubric import NOT_APPLICABLE, rubric  # noqa: E402

#: The encrypted fields of a review; reading them is an audited event.
REVIEW_TEXT_FIELDS = ("feedback", "reviewer_note")


def reviewable_contacts(*, actor: Actor, start: datetime.date, end: datetime.date) -> ContactQuerySet:
    """The pool a lead samples from: contacts of the actor's own organization received from ``start``
    to ``end`` (local dates, inclusive), closed (with an outcome), substantive (not silent, hang-up,
    wrong number, prank, abusive or testing), handled by an active member of staff who is not the actor
    (nobody reviews themselves), and never reviewed before. No text is read."""
    reviewed = ContactReview.objects.values("contact_id")
    return (Contact.objects.visible_to(actor)
            .filter(organization_id=actor.organization_id, received_at__date__gte=start, received_at__date__lte=end,
                    contact_type=ContactType.SUBSTANTIVE, handled_by__isnull=False, handled_by__is_active=True)
            .exclude(outcome="").exclude(handled_by_id=actor.pk).exclude(pk__in=reviewed)
            .defer(*PROTECTED_FIELDS))


def review_samples_for(*, actor: Actor) -> ReviewSampleQuerySet:
    """The samples of the actor's line (the lead only; empty for anyone else)."""
    return ReviewSample.objects.visible_to(actor).select_related("drawn_by")


def review_sample_or_404(*, actor: Actor, sample_id: int) -> ReviewSample:
    return get_visible_or_404(ReviewSample.objects.select_related("drawn_by"), actor, pk=sample_id)


def reviews_for(*, actor: Actor) -> ContactReviewQuerySet:
    """Reviews the actor may see, without their encrypted text: the lead, those of their line; an
    operator, their own once shared."""
    return (ContactReview.objects.visible_to(actor).select_related("contact", "operator", "reviewer", "sample")
            .defer(*REVIEW_TEXT_FIELDS, *(f"contact__{name}" for name in PROTECTED_FIELDS)))


def my_reviews(*, actor: Actor) -> ContactReviewQuerySet:
    """The shared reviews of the actor's own contacts (even for a lead: "my" reviews are mine)."""
    return reviews_for(actor=actor).filter(operator_id=actor.pk, status=ReviewStatus.SHARED)


def review_or_404(*, actor: Actor, review_id: int) -> ContactReview:
    """One review in the actor's scope (404 otherwise), to act on; its text is not read here."""
    return get_visible_or_404(ContactReview.objects.select_related("contact", "operator", "reviewer", "sample"), actor,
                              pk=review_id)


def review_for_reading(*, actor: Actor, review_id: int, purpose: str = "") -> ContactReview:
    """One review with its feedback and the reviewer's note, for the lead's review page; the read is
    audited. A review out of the actor's scope is a 404 (another organization's, or one about the
    reader's own contact: that one is read through ``my_review_for_reading``, without the note)."""
    review = get_visible_or_404(ContactReview.objects.exclude(operator_id=actor.pk)
                                .select_related("contact", "operator", "reviewer", "sample"), actor, pk=review_id)
    audit.record(actor, "hotline.review.read", review, purpose=purpose, detail={"fields": list(REVIEW_TEXT_FIELDS)})
    return review


def my_review_for_reading(*, actor: Actor, review_id: int) -> ContactReview:
    """One review shared with the actor about their own contact, with its feedback (never the
    reviewer's note); the read is audited. Anything else (a draft, another operator's review, another
    organization's) is a 404, recorded as a denial when it exists."""
    review = get_visible_or_404(ContactReview.objects.filter(operator_id=actor.pk, status=ReviewStatus.SHARED)
                                .select_related("contact", "reviewer", "sample").defer("reviewer_note"),
                                actor, pk=review_id)
    audit.record(actor, "hotline.review.read", review, purpose="operator feedback", detail={"fields": ["feedback"]})
    return review


@dataclass(frozen=True)
class CriterionAverage:
    code: str
    label: str
    average: float | None
    scored: int


@dataclass(frozen=True)
class OperatorSummary:
    """One operator's shared reviews: how many, how many acknowledged, and the average score of each
    criterion (not-applicable answers left out), plus the drafts still open about their contacts."""

    operator_id: int
    operator_name: str
    shared: int
    acknowledged: int
    drafts: int
    criteria: list[CriterionAverage]


def review_summary(*, actor: Actor) -> list[OperatorSummary]:
    """Per operator of the lead's own line: counts and averages per criterion of the rubric in force
    (scores are stored by criterion code, and a code keeps its meaning across versions). Numbers only;
    no text is read."""
    if not allows(actor, "hotline.lead"):
        return []  # an operator sees their own reviews, never a summary of the line
    rows = (ContactReview.objects.visible_to(actor).select_related("operator")
            .only("operator__full_name", "operator__email", "operator_id", "status", "scores", "acknowledged_at"))
    current = rubric()
    by_operator: dict[int, dict] = {}
    for review in rows:
        entry = by_operator.setdefault(review.operator_id, {
            "name": review.operator.full_name or review.operator.email, "shared": 0, "acknowledged": 0, "drafts": 0,
            "scores": {c.code: [] for c in current.criteria}})
        if review.status != ReviewStatus.SHARED:
            entry["drafts"] += 1
            continue
        entry["shared"] += 1
        entry["acknowledged"] += review.acknowledged_at is not None
        for code, value in (review.scores or {}).items():
            if code in entry["scores"] and value != NOT_APPLICABLE and isinstance(value, int):
                entry["scores"][code].append(value)
    summaries = []
    for operator_id, entry in by_operator.items():
        averages = [CriterionAverage(c.code, c.label,
                                     round(sum(entry["scores"][c.code]) / len(entry["scores"][c.code]), 2)
                                     if entry["scores"][c.code] else None, len(entry["scores"][c.code]))
                    for c in current.criteria]
        summaries.append(OperatorSummary(operator_id, entry["name"], entry["shared"], entry["acknowledged"],
                                         entry["drafts"], averages))
    return sorted(summaries, key=lambda s: (s.operator_name.casefold(), s.operator_id))
