"""Field rules for a person, a case and an upload, shared by forms, the API and the services; and the
API's codes and ids of reference rows (region, user, team) turned into rows."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from octip.core.access import allows, role_of
from octip.core.roles import Scope
from octip.partners.models import OrganizationType, Region, Team, User

from . import reference
from .models import Case, ExploitationType, Gender, IndigenousIdentity, Person, ReferralSource, name_index, phone_index

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


DOCUMENT_TYPES: dict[str, tuple[tuple[str, ...], bytes | None]] = {
    "application/pdf": ((".pdf",), b"%PDF-"),
    "image/jpeg": ((".jpg", ".jpeg"), b"\xff\xd8\xff"),
    "image/png": ((".png",), b"\x89PNG\r\n\x1a\n"),
    "text/plain": ((".txt",), None),
}


def _clean_codes(values: Iterable[str], allowed: Iterable[str], field: str, message: str) -> list[str]:
    values = list(dict.fromkeys(v for v in (values or []) if v))
    allowed = set(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError({field: message % {"values": ", ".join(unknown)}})
    return values


def _refuse_empty(model, fields: dict) -> dict:
    """None means "empty" where the column allows it ("" for text, [] for lists); elsewhere it is refused."""
    fields = dict(fields)
    for name, value in list(fields.items()):
        if value is not None:
            continue
        field = model._meta.get_field(name)
        if field.null:
            continue
        if field.default is list:
            fields[name] = []
        elif isinstance(field, (models.CharField, models.TextField)) and field.blank and not field.choices:
            fields[name] = ""
        else:
            raise ValidationError({name: _("This field cannot be empty.")})
    return fields


def clean_person_fields(fields: dict) -> dict:
    """Validate the person's fields (used by the intake form, the API and edits)."""
    fields = _refuse_empty(Person, {k: v for k, v in fields.items() if k != "legal_name"}) | (
        {"legal_name": fields["legal_name"]} if "legal_name" in fields else {})
    if "legal_name" in fields:
        fields["legal_name"] = (fields["legal_name"] or "").strip()
        if not fields["legal_name"]:
            raise ValidationError({"legal_name": _("Enter the person's legal name (or the name they give).")})
    if "aliases" in fields:
        fields["aliases"] = clean_aliases(fields["aliases"])
    if "citizenship" in fields:
        fields["citizenship"] = clean_citizenship(fields["citizenship"])
    if "languages" in fields:
        fields["languages"] = clean_languages(fields["languages"])
    if "identity_documents" in fields:
        fields["identity_documents"] = clean_identity_documents(fields["identity_documents"])
    dob = fields.get("date_of_birth")
    if dob:
        if dob > timezone.localdate():
            raise ValidationError({"date_of_birth": _("The date of birth is in the future.")})
        if dob.year < 1900:
            raise ValidationError({"date_of_birth": _("Enter a date of birth after 1900.")})
    age = fields.get("estimated_age")
    if age is not None and not 0 <= age <= 120:
        raise ValidationError({"estimated_age": _("An estimated age is between 0 and 120.")})
    if fields.get("gender") and fields["gender"] not in Gender.values:
        raise ValidationError({"gender": _("Unknown gender value.")})
    if fields.get("indigenous_identity") and fields["indigenous_identity"] not in IndigenousIdentity.values:
        raise ValidationError({"indigenous_identity": _("Unknown value.")})
    return fields


# The person's lists. A form parses its text into a list (one alias a line, codes and languages
# separated by commas); these rules check the list, whoever sent it.

def clean_aliases(aliases: Iterable[str] | None) -> list[str]:
    """Other names the person uses, blanks left out."""
    return [str(a).strip() for a in (aliases or []) if str(a).strip()]


def clean_citizenship(codes: Iterable[str] | None) -> list[str]:
    """ISO 3166 country codes, in capitals; ValidationError naming any code that is not one."""
    codes = [str(c).strip().upper() for c in (codes or []) if str(c).strip()]
    return _clean_codes(codes, reference.country_codes(), "citizenship",
                        _("Unknown ISO 3166 country code: %(values)s."))


def clean_languages(languages: Iterable[str] | None) -> list[str]:
    """The languages the person speaks, as written (40 characters each at most), blanks left out."""
    return [str(p).strip()[:40] for p in (languages or []) if str(p).strip()]


IDENTITY_DOCUMENT_KEYS = ("type", "number", "country", "held_by_person")


def clean_identity_documents(documents: Any) -> list[dict]:
    """A list of {"type", "number", "country", "held_by_person"}: whether the person holds their own
    documents matters (withholding them is an offence, Criminal Code s. 279.03)."""
    if not isinstance(documents, list):
        raise ValidationError({"identity_documents": _("Identity documents must be a list.")})
    cleaned = []
    for document in documents:
        if not isinstance(document, dict) or set(document) - set(IDENTITY_DOCUMENT_KEYS):
            raise ValidationError({"identity_documents": _("Each identity document has a type, a number, a "
                                                           "country and whether the person holds it.")})
        kind = str(document.get("type") or "").strip()[:60]
        if not kind:
            raise ValidationError({"identity_documents": _("Give the type of each identity document.")})
        country = str(document.get("country") or "").strip().upper()
        if country and country not in reference.country_codes():
            raise ValidationError({"identity_documents": _("Unknown ISO 3166 country code: %(values)s.") % {
                "values": country}})
        cleaned.append({"type": kind, "number": str(document.get("number") or "").strip()[:60],
                        "country": country, "held_by_person": bool(document.get("held_by_person", True))})
    return cleaned


def clean_case_fields(fields: dict) -> dict:
    fields = _refuse_empty(Case, fields)
    if "exploitation_types" in fields:
        fields["exploitation_types"] = _clean_codes(fields["exploitation_types"], ExploitationType.values,
                                                    "exploitation_types", _("Unknown exploitation type: %(values)s."))
    if fields.get("setting"):
        _clean_codes([fields["setting"]], [t.code for t in reference.polaris_settings()], "setting",
                     _("Unknown setting: %(values)s."))
    if "means_of_control" in fields:
        fields["means_of_control"] = _clean_codes(fields["means_of_control"],
                                                  [t.code for t in reference.means_of_control()],
                                                  "means_of_control", _("Unknown means of control: %(values)s."))
    if fields.get("referral_source") and fields["referral_source"] not in ReferralSource.values:
        raise ValidationError({"referral_source": _("Unknown referral source.")})
    first = fields.get("first_contact_date")
    if first and first > timezone.localdate():
        raise ValidationError({"first_contact_date": _("The first-contact date is in the future.")})
    return fields


# The API names reference rows by code or id; these turn them into rows the services take, refusing
# an unknown one on its field as a form's choice field would.

def region_from_code(code: str | None, field: str = "region") -> Region | None:
    """The region with this code (None for no code); ValidationError on ``field`` for an unknown one."""
    if code is None:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({field: _("Unknown region code: %(code)s.") % {"code": code}})
    return region


def active_user(user_id: int | None, field: str) -> User | None:
    """The active user with this id (None for no id); ValidationError on ``field`` otherwise. Whether
    that user may see or work on the case is the service's check."""
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError({field: _("Unknown user.")})
    return user


def team_from_id(team_id: int | None, field: str) -> Team | None:
    """The team with this id (None for no id); ValidationError on ``field`` otherwise."""
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationError({field: _("Unknown team.")})
    return team


PERSON_FIELDS = ["legal_name", "preferred_name", "aliases", "date_of_birth", "phone", "email", "address",
                 "identity_documents", "gender", "estimated_age", "citizenship", "languages",
                 "interpreter_needed", "pronouns", "indigenous_identity"]


CASE_FIELDS = ["exploitation_types", "setting", "means_of_control", "referral_source", "region",
               "first_contact_date", "immediate_danger", "needs_interpreter"]


YOUTH_FIELDS = ["guardian_name", "guardian_relationship", "guardian_contact", "separation",
                "migrant_services_involved", "consent_given_by"]


SAFETY_FIELDS = ["risks", "trusted_contacts", "code_words", "emergency_steps"]


def extension_for(content_type: str) -> str:
    """The file extension a download of this content type carries (".txt" for anything else)."""
    extensions, _magic = DOCUMENT_TYPES.get(content_type, DOCUMENT_TYPES["text/plain"])
    return extensions[0]


def _too_large() -> ValidationError:
    return ValidationError({"file": _("The file is larger than %(mb)s MB.") % {
        "mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}})


def refuse_oversized(upload: Any) -> None:
    """Refuse an upload larger than ``MAX_DOCUMENT_BYTES`` by its declared size. The pages and the API
    call this before reading the upload, so that a huge file is never read into memory;
    ``check_upload`` checks the bytes again."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise _too_large()


def check_upload(*, filename: str, content: bytes, declared_type: str = "") -> str:
    """The content type of an acceptable upload; ValidationError for a wrong type or size."""
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise _too_large()
    lower = (filename or "").lower()
    for content_type, (extensions, magic) in DOCUMENT_TYPES.items():
        if lower.endswith(extensions):
            if magic is not None and not content.startswith(magic):
                break
            if magic is None:
                try:
                    content.decode("utf-8")
                except UnicodeDecodeError:
                    break
            return content_type
    raise ValidationError({"file": _("Upload a PDF, JPEG, PNG or plain-text file; the content must match "
                                     "its type.")})


def duplicate_check_criteria(*, names: Iterable[str], date_of_birth: Any, phone: str) -> list[str]:
    """The kinds of criteria a duplicate check was given (``name``, ``date_of_birth``, ``phone``), given
    only as kinds so that they can be audited. A check needs a name with a date of birth, or a phone
    with a second factor (a name or a date of birth): a phone alone would tell whether anyone with that
    number is on the platform. Raises ValidationError otherwise."""
    kinds = sorted(k for k, given in (("name", any(name_index(n) for n in names if n)),
                                      ("date_of_birth", date_of_birth is not None),
                                      ("phone", bool(phone_index(phone or "")))) if given)
    if not duplicate_criteria_suffice(kinds):
        raise ValidationError(_("A check for an existing record needs a name with a date of birth, or a phone "
                                "number with a name or a date of birth."))
    return kinds


#: Why a duplicate check is run: it answers only in the course of work (issue 9 #6). The intake page is an
#: open intake and says so itself; an API caller names the work it is doing.
DUPLICATE_CHECK_REASONS: dict[str, Any] = {
    "intake": _lazy("Opening an intake"),
    "hotline_contact": _lazy("Triaging a 24/7 contact"),
    "screening": _lazy("Screening for indicators"),
}


def duplicate_check_reason(reason: str) -> str:
    """``reason`` if it is one of ``DUPLICATE_CHECK_REASONS``; raises ValidationError naming them."""
    if reason not in DUPLICATE_CHECK_REASONS:
        raise ValidationError({"reason": _("Say why you check for an existing record: one of %(reasons)s.") % {
            "reasons": ", ".join(DUPLICATE_CHECK_REASONS)}})
    return reason


def duplicate_criteria_suffice(kinds: Iterable[str]) -> bool:
    chosen = set(kinds)
    return {"name", "date_of_birth"} <= chosen or ("phone" in chosen and bool(chosen & {"name", "date_of_birth"}))


def check_reassignment(*, actor: Any, departing: User, receiver: User, team: Team | None) -> None:
    """The rules of a bulk reassignment (``services.reassignment``): both workers in one organization
    (the actor's, unless the actor is of the coordinating office with a role reaching every
    organization; a partner's coordinator moves only its own organization's workers), someone else
    receives, the receiver active and in a role that holds cases, the team (if any) of that organization."""
    role = role_of(actor)
    organization = getattr(actor, "organization", None)
    across = (role is not None and role.scope == Scope.ALL and organization is not None
              and organization.type == OrganizationType.COORDINATING_OFFICE)
    if role is None or (not across and departing.organization_id != actor.organization_id):
        raise ValidationError({"departing": _("Choose a worker of your organization.")})
    if receiver.pk == departing.pk:
        raise ValidationError({"receiver": _("Choose someone other than the departing worker.")})
    if receiver.organization_id != departing.organization_id:
        raise ValidationError({"receiver": _("The receiving worker must belong to the same organization: cases "
                                             "move to another organization only by a transfer.")})
    if not receiver.is_active or not allows(receiver, "case.edit"):
        raise ValidationError({"receiver": _("The receiving worker must be active and in a role that works on "
                                             "cases.")})
    if team is not None and team.organization_id != departing.organization_id:
        raise ValidationError({"team": _("Choose one of the organization's teams.")})
# --- The HTCDS trafficking profile and events ----------------------------------------------------

#: Profile field → its HTCDS list (``reference.htcds``), and whether it takes several codes.
PROFILE_CODES: dict[str, tuple[str, bool]] = {
    "trafficking_status": ("TraffickingStatus", False),
    "status_decided_by": ("TraffickingStatusDecisionMakingOrg", False),
    "recruitment_methods": ("MethodOfRecruitment", True),
    "recruitment_platforms": ("WebsitesAndApps", True),
    "exploitation_platforms": ("WebsitesAndApps", True),
    "labour_industry": ("ForcedLabourIndustry", False),
    "sex_exploitation_types": ("TypeOfSexExploitation", True),
    "vulnerabilities": ("Vulnerabilities", True),
    "trafficker_relationship": ("RelationshipToTrafficker", False),
}
PROFILE_FIELDS = [*PROFILE_CODES, "age_when_trafficked"]
EVENT_FIELDS = ["type", "date", "date_precision", "city", "state", "country", "description"]
MAX_AGE = 120


def clean_profile_fields(fields: dict, *, current_age: int | None) -> dict:
    """The profile's changes as stored values: HTCDS codes checked against their lists (an unknown code
    is refused on its field, naming it), lists without repeats, the age a whole number from 0 to 120 and
    not above the person's ``current_age`` when it is known."""
    unknown_fields = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown_fields:
        raise ValidationError(_("Unknown profile field: %(names)s.") % {"names": ", ".join(unknown_fields)})
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "age_when_trafficked":
            cleaned[name] = clean_age_when_trafficked(value, current_age=current_age)
            continue
        list_name, several = PROFILE_CODES[name]
        allowed = reference.htcds_codes(list_name)
        if several:
            if value is None:
                value = []
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise ValidationError({name: _("Give a list of codes.")})
            cleaned[name] = _clean_codes([str(v) for v in value], allowed, name,
                                         _("Unknown HTCDS code: %(values)s. Choose from the list."))
        else:
            value = "" if value is None else value
            if not isinstance(value, str):
                raise ValidationError({name: _("Give one code.")})
            if value and value not in allowed:
                raise ValidationError({name: _("Unknown HTCDS code: %(values)s. Choose from the list.") % {
                    "values": value}})
            cleaned[name] = value
    return cleaned


def clean_age_when_trafficked(value: Any, *, current_age: int | None) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({"age_when_trafficked": _("The age is a whole number of years.")})
    if not 0 <= value <= MAX_AGE:
        raise ValidationError({"age_when_trafficked": _("The age must be from 0 to %(max)s.") % {"max": MAX_AGE}})
    if current_age is not None and value > current_age:
        raise ValidationError({"age_when_trafficked": _("The age when first trafficked cannot be above the "
                                                        "person's age today.")})
    return value


def parse_partial_date(text: str | None) -> tuple[datetime.date | None, str]:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` → (the date, or the first day of the month or year; its
    precision). Empty → (None, "day"). A date in the future or before 1900 is refused."""
    text = (text or "").strip()
    if not text:
        return None, "day"
    parts = text.split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            day, precision = datetime.date(int(parts[0]), 1, 1), "year"
        elif len(parts) == 2 and len(parts[0]) == 4:
            day, precision = datetime.date(int(parts[0]), int(parts[1]), 1), "month"
        elif len(parts) == 3 and len(parts[0]) == 4:
            day, precision = datetime.date.fromisoformat(text), "day"
        else:
            raise ValueError(text)
    except ValueError:
        raise ValidationError({"date": _("Write the date as YYYY-MM-DD, YYYY-MM or YYYY.")}) from None
    if day.year < 1900 or day > timezone.localdate():
        raise ValidationError({"date": _("The date must be from 1900 up to today.")})
    return day, precision


def clean_event_fields(fields: dict) -> dict:
    """A trafficking event's values: the HTCDS type (required when given), the date and its precision,
    the country an ISO 3166 alpha-2 code, the free text trimmed."""
    unknown_fields = sorted(set(fields) - set(EVENT_FIELDS))
    if unknown_fields:
        raise ValidationError(_("Unknown event field: %(names)s.") % {"names": ", ".join(unknown_fields)})
    cleaned = dict(fields)
    if "type" in cleaned and cleaned["type"] not in reference.htcds_codes("EventType"):
        raise ValidationError({"type": _("Unknown HTCDS event type: %(values)s. Choose recruitment, transit or "
                                         "exploitation.") % {"values": cleaned["type"] or "—"}})
    if "date_precision" in cleaned and cleaned["date_precision"] not in ("day", "month", "year"):
        raise ValidationError({"date_precision": _("Choose day, month or year.")})
    if cleaned.get("date") is not None:
        day = cleaned["date"]
        if day.year < 1900 or day > timezone.localdate():
            raise ValidationError({"date": _("The date must be from 1900 up to today.")})
        precision = cleaned.get("date_precision", "day")
        # A month or a year is stored as its first day, so that two writers of "2024-03" agree.
        cleaned["date"] = day.replace(day=1) if precision == "month" else (
            day.replace(month=1, day=1) if precision == "year" else day)
    if "country" in cleaned:
        code = (cleaned["country"] or "").strip().upper()
        if code and code not in reference.country_codes():
            raise ValidationError({"country": _("Unknown country code: %(values)s. Use ISO 3166 two-letter codes.")
                                   % {"values": code}})
        cleaned["country"] = code
    for name in ("city", "state", "description"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if len(cleaned.get("city", "")) > 200 or len(cleaned.get("state", "")) > 200:
        raise ValidationError(_("A city or a state is at most 200 characters."))
    return cleaned
