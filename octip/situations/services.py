"""Writes of situations and persons of interest, and the 24/7 alert.

Who may do what (``core/roles.py``): coordinators and caseworkers hold ``situation.view`` and
``situation.edit``. A situation is owned by the organization of the person who records it, and only
that organization's staff reach it (``models.OwnedByOrganization``). Linking a case to a situation,
or a person of interest to a case, also needs the owning circle of *that* case
(``cases.sharing.require_owning_circle``: the case in the actor's own scope, and the actor of the
case's organization or of the coordinating office): a grant opens a case's sections, not its place in
a network, and a partner's coordinator, whose role reaches every case, is not of another's circle.
And the case must belong to the situation's organization, unless the situation is the coordinating
office's (the office coordinates across organizations): a network of one organization never reaches
into another's cases, its timeline or its caseworker's 24/7 alerts (``_require_same_organization``).

Each service checks permission, then the input, then writes and audits in one transaction; a
refusal changes nothing. No identifying value goes into an audit detail or a timeline parameter.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from octip.cases import timeline
from octip.cases.models import Case, normalize_phone, phone_index
from octip.cases.sharing import require_owning_circle
from octip.core import audit, crypto
from octip.core.access import AccessDenied, Actor, require
from octip.core.versioning import save_versioned
from octip.hotline.reporter import phones_in  # the one extraction of phones from free text
from octip.notifications.models import Kind as NotificationKind
from octip.notifications.services import notify, staff_with_permission
from octip.partners.models import Organization, OrganizationType

from . import selectors
from .models import (
    PersonOfInterest,
    PersonOfInterestCase,
    PersonOfInterestToken,
    Relationship,
    RoleInProcess,
    Situation,
    SituationCase,
    SituationKind,
)

logger = logging.getLogger(__name__)

TITLE_MAX = 200
TEXT_MAX = 4000
ITEM_MAX = 300
ITEMS_MAX = 20
#: The lists of a person of interest, each a list of short texts (all encrypted).
POI_LISTS = ("names", "aliases", "phones", "vehicles", "addresses", "businesses")


# --- Situations -------------------------------------------------------------------------------

def _clean_situation(kind: str, title: str, description: str) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    description = (description or "").strip()
    if kind not in SituationKind.values:
        errors["kind"] = _("Choose an operation, an employer or a network.")
    if not title:
        errors["title"] = _("Give the situation a short title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(max)s characters.") % {"max": TITLE_MAX}
    if len(description) > TEXT_MAX:
        errors["description"] = _("Keep the description under %(max)s characters.") % {"max": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    return kind, title, description


@transaction.atomic
def create_situation(*, actor: Actor, kind: str, title: str, description: str = "") -> Situation:
    """Record a situation, owned by the actor's organization."""
    require(actor, "situation.edit")
    kind, title, description = _clean_situation(kind, title, description)
    situation = Situation.objects.create(kind=kind, title=title, description=description,
                                         owner_organization_id=actor.organization_id, created_by_id=actor.pk)
    audit.record(actor, "situation.created", situation, detail={"kind": kind})
    return situation


@transaction.atomic
def update_situation(*, actor: Actor, situation: Situation, kind: str, title: str, description: str = "",
                     expected_version: int | None = None) -> Situation:
    """Change a situation's kind, title or description (refused if someone saved it meanwhile)."""
    require(actor, "situation.edit", situation)
    kind, title, description = _clean_situation(kind, title, description)
    original = {"kind": situation.kind, "title": situation.title, "description": situation.description}
    situation.kind, situation.title, situation.description = kind, title, description
    save_versioned(situation, expected_version=situation.version if expected_version is None else expected_version,
                   fields=["kind", "title", "description"], original=original)
    audit.record(actor, "situation.updated", situation, detail={"kind": kind})
    return situation


def _require_same_organization(actor: Actor, owner_organization_id: Any, case: Case) -> None:
    """A situation (or a person of interest) of one organization links only that organization's
    cases; the coordinating office's link any case of its circle. A refusal is audited."""
    if case.owner_organization_id == owner_organization_id:
        return
    if Organization.objects.filter(pk=owner_organization_id, type=OrganizationType.COORDINATING_OFFICE).exists():
        return
    audit.record_denial(actor, "situation.edit", case)
    raise AccessDenied("situation.edit", _("Only a case of the situation's own organization can be linked to it."))


def _require_case_circle(actor: Actor, owner_organization_id: Any, case: Case) -> None:
    """The guards on linking (or unlinking) a case: the case's owning circle, and the same organization."""
    require_owning_circle(actor, "situation.edit", case)
    _require_same_organization(actor, owner_organization_id, case)


@transaction.atomic
def link_case(*, actor: Actor, situation: Situation, case: Case) -> SituationCase:
    """Make ``case`` part of ``situation``. Needs the situation (its organization's staff), the
    owning circle of the case, and the case of the situation's organization (unless the situation is
    the coordinating office's). Audited, and on the case's timeline (within the owning circle)."""
    require(actor, "situation.edit", situation)
    _require_case_circle(actor, situation.owner_organization_id, case)
    if SituationCase.objects.filter(situation=situation, case=case).exists():
        raise ValidationError({"case": _("This case is already linked to the situation.")})
    link = SituationCase.objects.create(situation=situation, case=case, linked_by_id=actor.pk)
    timeline.happened(actor=actor, case=case, kind=timeline.Kind.SITUATION_LINKED,
                      params={"kind": ("situation_kind", situation.kind)}, restricted=True,
                      detail={"situation_id": situation.pk})
    return link


@transaction.atomic
def unlink_case(*, actor: Actor, situation: Situation, case: Case) -> None:
    """Take ``case`` out of ``situation`` (the same guards as linking it)."""
    require(actor, "situation.edit", situation)
    _require_case_circle(actor, situation.owner_organization_id, case)
    deleted, _rows = SituationCase.objects.filter(situation=situation, case=case).delete()
    if not deleted:
        raise ValidationError({"case": _("This case is not linked to the situation.")})
    timeline.happened(actor=actor, case=case, kind=timeline.Kind.SITUATION_UNLINKED,
                      params={"kind": ("situation_kind", situation.kind)}, restricted=True,
                      detail={"situation_id": situation.pk})


# --- Persons of interest ----------------------------------------------------------------------

def _clean_list(name: str, values: Any, errors: dict[str, str]) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        errors[name] = _("Enter a list of texts.")
        return []
    cleaned = [v.strip() for v in values if v and v.strip()]
    if len(cleaned) > ITEMS_MAX:
        errors[name] = _("Enter at most %(max)s entries.") % {"max": ITEMS_MAX}
    elif any(len(v) > ITEM_MAX for v in cleaned):
        errors[name] = _("Keep each entry under %(max)s characters.") % {"max": ITEM_MAX}
    return list(dict.fromkeys(cleaned))


def _clean_poi(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    unknown = set(fields) - {*POI_LISTS, "notes", "roles_in_process"}
    for name in sorted(unknown):
        errors[name] = _("This field cannot be set.")
    cleaned: dict[str, Any] = {name: _clean_list(name, fields.get(name), errors) for name in POI_LISTS}
    for phone in cleaned["phones"]:
        digits = normalize_phone(phone)
        if not 7 <= len(digits) <= 15:
            errors["phones"] = _("Enter each phone number with 7 to 15 digits.")
            break
    roles = fields.get("roles_in_process") or []
    if not isinstance(roles, (list, tuple)) or any(r not in RoleInProcess.values for r in roles):
        errors["roles_in_process"] = _("Choose roles from the list.")
        roles = []
    cleaned["roles_in_process"] = sorted(set(roles))
    notes = fields.get("notes") or ""
    if not isinstance(notes, str) or len(notes) > TEXT_MAX:
        errors["notes"] = _("Keep the notes under %(max)s characters.") % {"max": TEXT_MAX}
    cleaned["notes"] = notes.strip() if isinstance(notes, str) else ""
    if not (cleaned["names"] or cleaned["aliases"] or cleaned["phones"] or cleaned["businesses"]):
        errors.setdefault("names", _("Give at least a name, an alias, a phone number or a business."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def reindex(pois: Iterable[PersonOfInterest]) -> int:
    """Make the tokens of these persons of interest again under the current key version (what
    ``manage.py rotate_blind_index_key`` does, through ``PersonOfInterest.reindexed``)."""
    rows = list(pois)
    with transaction.atomic():
        for poi in rows:
            poi.refresh_indexes()
            PersonOfInterest.objects.filter(pk=poi.pk).update(index_key_id=poi.index_key_id)
        PersonOfInterest.reindexed(rows)
    return len(rows)


def _check_situation(actor: Actor, situation: Situation | None) -> None:
    if situation is not None:
        require(actor, "situation.edit", situation)


@transaction.atomic
def create_poi(*, actor: Actor, situation: Situation | None = None, **fields: Any) -> PersonOfInterest:
    """Record a person of interest (an alleged trafficker) of the actor's organization, in a
    situation of that organization or on its own (then linked to cases)."""
    require(actor, "situation.edit")
    _check_situation(actor, situation)
    cleaned = _clean_poi(fields)
    poi = PersonOfInterest.objects.create(owner_organization_id=actor.organization_id, situation=situation,
                                          created_by_id=actor.pk, index_key_id=crypto.key_ring().blind_index_id,
                                          **cleaned)
    PersonOfInterestToken.replace_for([poi])
    audit.record(actor, "poi.created", poi, detail={"situation_id": getattr(situation, "pk", None),
                                                    "roles_in_process": cleaned["roles_in_process"]})
    return poi


@transaction.atomic
def update_poi(*, actor: Actor, poi: PersonOfInterest, situation: Situation | None = None,
               expected_version: int | None = None, **fields: Any) -> PersonOfInterest:
    """Change a person of interest; their tokens are made again in the same transaction."""
    require(actor, "situation.edit", poi)
    _check_situation(actor, situation)
    cleaned = _clean_poi(fields)
    original = {name: getattr(poi, name) for name in cleaned}
    for name, value in cleaned.items():
        setattr(poi, name, value)
    poi.situation = situation
    poi.index_key_id = crypto.key_ring().blind_index_id
    save_versioned(poi, expected_version=poi.version if expected_version is None else expected_version,
                   fields=[*cleaned, "situation", "index_key_id"], original=original)
    PersonOfInterestToken.replace_for([poi])
    audit.record(actor, "poi.updated", poi, detail={"situation_id": getattr(situation, "pk", None),
                                                    "roles_in_process": cleaned["roles_in_process"]})
    return poi


@transaction.atomic
def link_poi_case(*, actor: Actor, poi: PersonOfInterest, case: Case, relationship: str = "") -> PersonOfInterestCase:
    """Record that a person of interest is involved in ``case``, with the HTCDS relationship to the
    person (``vic_RelationshipToTrafficker``). Needs the owning circle of the case, and the case of the
    person of interest's organization (unless that is the coordinating office). Audited."""
    require(actor, "situation.edit", poi)
    _require_case_circle(actor, poi.owner_organization_id, case)
    if relationship and relationship not in Relationship.values:
        raise ValidationError({"relationship": _("Choose a relationship from the list.")})
    link, created = PersonOfInterestCase.objects.get_or_create(
        poi=poi, case=case, defaults={"relationship": relationship, "linked_by_id": actor.pk})
    if not created:
        link.relationship = relationship
        link.save(update_fields=["relationship"])
    audit.record(actor, "poi.case_linked", case, detail={"poi_id": poi.pk, "relationship": relationship,
                                                         "created": created})
    return link


@transaction.atomic
def unlink_poi_case(*, actor: Actor, poi: PersonOfInterest, case: Case) -> None:
    """Take a person of interest off a case (the same guards as linking)."""
    require(actor, "situation.edit", poi)
    _require_case_circle(actor, poi.owner_organization_id, case)
    deleted, _rows = PersonOfInterestCase.objects.filter(poi=poi, case=case).delete()
    if not deleted:
        raise ValidationError({"case": _("This person of interest is not linked to the case.")})
    audit.record(actor, "poi.case_unlinked", case, detail={"poi_id": poi.pk})


# --- The 24/7 alert -----------------------------------------------------------------------------

ALERT_KIND = f"{NotificationKind.EMERGENCY_CONTACT}.person_of_interest"
ALERT_TEMPLATE = gettext_noop("A 24/7 contact (%(reference)s) may concern case %(number)s: it gave a phone number "
                              "of a person of interest on the case. Ask the 24/7 line about this reference.")


def _owners_of(case: Case) -> list[Any]:
    """Whom an alert about ``case`` reaches: its caseworker, or else the coordinators of the owning
    organization (who hold ``case.assign`` there)."""
    worker = case.owner_worker
    if worker is not None and worker.is_active and worker.organization_id == case.owner_organization_id:
        return [worker]
    return staff_with_permission("case.assign", organization_id=case.owner_organization_id)


def alert_for_phones(*, contact_id: int, text: str, reference: str = "") -> list[Case]:
    """When the reporter's contact details of a 24/7 contact hold a phone of a person of interest
    linked to a case, tell that case's owner (only them), and audit it. Nothing is shown to, or
    recorded as done by, the operator. Returns the cases whose owners were told."""
    phones = phones_in(text)
    if not phones:
        return []
    tokens = {key_id: [phone_index(p, key_id) for p in phones] for key_id in crypto.index_key_ids()}
    poi_ids = selectors.pois_with_phone_tokens(tokens)
    if not poi_ids:
        return []
    cases = selectors.cases_of_pois(poi_ids)
    told = []
    with transaction.atomic():
        for case in cases:
            recipients = _owners_of(case)
            sent = notify(recipients=recipients, kind=ALERT_KIND, template=ALERT_TEMPLATE,
                          params={"number": case.number, "reference": reference},
                          link=reverse("cases:detail", args=[case.pk]),
                          subject=f"contact:{contact_id}:case:{case.pk}")
            # The system acts, not the operator: the event is nobody's, and names no value.
            audit.record(None, "situation.poi_alerted", case, detail={
                "contact_id": contact_id, "poi_ids": poi_ids, "recipient_ids": sorted(u.pk for u in recipients),
                "notified": len(sent)})
            told.append(case)
    return told


def alert_on_contact(*, contact_id: int) -> list[Case]:
    """The 24/7 alert for one logged contact (called after its commit, by ``receivers``)."""
    from octip.hotline.models import Contact

    # The system's read of one field of one contact, by id: no reader sees it.
    row = Contact.objects.filter(pk=contact_id).values_list("reporter_contact", "reporter_phone", "reference").first()
    if row is None:
        return []
    return alert_for_phones(contact_id=contact_id, text=f"{row[0] or ''}\n{row[1] or ''}", reference=row[2])


def matching_cases(phones: Sequence[str]) -> list[Case]:
    """For tests and the demo: the cases a set of phones would alert about (nothing is sent)."""
    tokens = {key_id: [phone_index(p, key_id) for p in phones] for key_id in crypto.index_key_ids()}
    return selectors.cases_of_pois(selectors.pois_with_phone_tokens(tokens))
