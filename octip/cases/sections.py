"""The named sections of a case that a disclosure (referral, transfer, emergency access, secure export)
can share, and what each case-owned section contains.

This module is the one declaration of a section's content. For each section it lists the fields (the
key every door uses, where the value is read, a translatable label) and which of them are
identifying. Every door derives what it shows from here:

- the API (``cases.api.case_json`` and the output schemas in ``cases.schemas``);
- the CSV and XLSX case exports (``columns`` and ``cell``);
- the secure export ZIP (``content``);
- the printable case summary (``selectors.case_summary_for_printing``, on ``facts`` and ``open_rows``);
- the case pages (the ``case_sections`` template tags, built on ``facts``).

So a field added to a section here appears at every door with no other edit, and a door cannot show a
field of a section the reader was not given. *Which* sections a reader sees is decided elsewhere
(``selectors.sections_visible_to``; ``consent.policy.may_disclose`` for a new disclosure).

What is not section content: a door's own metadata (ids, versions, the staff who did something, links
and buttons). The case header (number, track, stage) is shown with any section.

The ``consents`` section is owned by the ``consent`` app: its content is
``consent.selectors.consents_section_content`` (``cases`` does not import ``consent``).

"Identifying" marks a value that can tell who the person is (encrypted at rest): a case-list export
carries it only with ``case.export_identifying``. The ``identity`` section as a whole needs
``case.view_identifying``, and an export carries it only with ``case.export_identifying``, including
its clear fields (pronouns, languages, citizenship).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from octip.core.interpretation import InterpreterKnows

from . import reference
from .models import (
    Case,
    ConsentGiver,
    DatePrecision,
    DeliveryStatus,
    DocumentKind,
    ExploitationType,
    FollowUpMode,
    FollowUpWith,
    Gender,
    GoalStatus,
    NeedStatus,
    Priority,
    ReferralSource,
    SafetyPlan,
    Sensitivity,
    Separation,
    TraffickingProfile,
    risk_label,
)


class FieldKind:
    """How a field's value is typed at the API, written in a cell and shown to a person."""

    TEXT = "text"  # a short string
    LONG_TEXT = "long_text"  # free text, shown with its line breaks
    CHOICE = "choice"  # a code; shown by its label
    CODES = "codes"  # a list of codes; shown by their labels
    TEXTS = "texts"  # a list of strings
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    INT = "int"
    BYTES = "bytes"  # a size in bytes
    REF = "ref"  # a related row, given by its code (shown by ``shown``)
    DOCUMENTS = "documents"  # identity documents: a list of {type, number, country, held_by_person}
    ROWS = "rows"  # related rows, each with the sub-fields ``Field.fields``


@dataclass(frozen=True)
class Field:
    """One field of a section.

    ``name`` is the key at every door (JSON key, CSV column). ``path`` (default: ``name``) is read from
    the record with dots (``region.code``); a method at its end is called. The record is the case
    itself, or for ``on="person"`` / ``on="youth"`` the case's person or youth profile (a field on a
    youth profile applies only to cases that have one); in a section of rows it is the row.
    """

    name: str
    label: Promise | str
    path: str = ""
    kind: str = FieldKind.TEXT
    identifying: bool = False
    on: str = ""
    #: Code → label, for ``CHOICE`` and ``CODES``.
    labels: Callable[[str], str] | None = None
    #: A path (or function of the record) giving the text a person reads, when labels do not do.
    shown: str | Callable[[Any], Any] = ""
    #: For a ``BOOL``: the badge a case page shows when it is true (``alarm``: as a warning).
    flag: Promise | str | None = None
    alarm: bool = False
    #: The label in the person's own words, for pages written to the person (the printable safety plan).
    own_words: Promise | str | None = None
    #: For ``ROWS``: the fields of each related row.
    fields: tuple[Field, ...] = ()
    #: Another section that must be open too for this field to be shown (a document's file name is the
    #: sender's free text and can name the person: it goes with ``identity``).
    needs: str = ""

    @property
    def source(self) -> str:
        return self.path or self.name


@dataclass(frozen=True)
class Section:
    """A named section. ``rows`` is None for a section about the case itself (identity, summary); else it
    gives the section's rows of a case (``single``: at most one row, and the content is that row)."""

    name: str
    label: Promise | str
    fields: tuple[Field, ...] = ()
    rows: Callable[[Case], Iterable[Any]] | None = None
    single: bool = False
    #: The fields a case list shows, in order (for ``identity``: the first with a value names the row).
    listed: tuple[str, ...] = ()
    #: The app that owns the content: ``cases`` declares it here, another app gives it itself.
    owner: str = "cases"
    #: For a section of rows: the further section one row needs open (a document of kind identity, a
    #: passport scan, belongs to ``identity``), or "" when the section alone is enough.
    row_needs: Callable[[Any], str] | None = None
    #: The permission a reader's role needs for the section to open to them at all, even on their own
    #: cases or when it was shared with them ("" for none): a role without it never sees the section.
    permission: str = ""
    #: For a section added after consents were first given: whether a case holds anything in it (see
    #: ``sections_held``); None for a section every case holds.
    holds: Callable[[Case], bool] | None = None
    #: For a section of rows some readers may not all know of: ``reader_rows(reader, case)`` gives the
    #: rows ``reader`` may (None: a reader off the platform, the secure export's recipient). Every door
    #: asks ``rows_for``, which falls back on ``rows``.
    reader_rows: Callable[[Any, Case], Iterable[Any]] | None = None


def _choice(choices: Any) -> Callable[[str], str]:
    def label(code: str) -> str:
        return str(choices(code).label) if code in choices.values else code

    return label


def _term(terms: Callable[[], tuple[reference.Term, ...]]) -> Callable[[str], str]:
    def label(code: str) -> str:
        return reference.label_of(terms(), code)

    return label


def _htcds(name: str) -> Callable[[str], str]:
    def label(code: str) -> str:
        return reference.label_of(reference.htcds(name), code)

    return label


def _normal_notes(case: Case) -> Iterable[Any]:
    # Restricted notes never leave the owning team: a disclosure carries normal notes only.
    return case.notes.filter(sensitivity=Sensitivity.NORMAL)


def _deliveries_known_to(reader: Any, case: Case) -> Iterable[Any]:
    # The decision is the selectors' (``deliveries_visible_to``); imported here as ``selectors`` imports us.
    from .selectors import deliveries_visible_to

    return deliveries_visible_to(reader, case)


def _section_of_entry(entry: Any) -> str:
    """The further section a timeline entry tells of (a justice event belongs to ``justice``)."""
    from .timeline import SECTION_OF_KIND  # the timeline module reads this one

    return SECTION_OF_KIND.get(entry.kind, "")


_DECLARED: tuple[Section, ...] = (
    Section("identity", _("Identity (the person's identifying fields)"), permission="case.view_identifying",
            listed=("preferred_name", "legal_name"),
            fields=(
        Field("legal_name", _("Legal name"), on="person", identifying=True),
        Field("preferred_name", _("Preferred name"), on="person", identifying=True),
        Field("aliases", _("Other names"), on="person", kind=FieldKind.TEXTS, identifying=True),
        Field("date_of_birth", _("Date of birth"), on="person", kind=FieldKind.DATE, identifying=True),
        Field("pronouns", _("Pronouns"), on="person"),
        Field("phone", _("Phone"), on="person", identifying=True),
        Field("email", _("Email"), on="person", identifying=True),
        Field("address", _("Address"), on="person", kind=FieldKind.LONG_TEXT, identifying=True),
        Field("identity_documents", _("Identity documents"), on="person", kind=FieldKind.DOCUMENTS, identifying=True),
        Field("languages", _("Languages"), on="person", kind=FieldKind.TEXTS),
        Field("interpreter_needed", _("Interpreter needed"), on="person", kind=FieldKind.BOOL),
        Field("citizenship", _("Citizenship"), on="person", kind=FieldKind.TEXTS),
        Field("guardian_name", _("Guardian or caregiver"), on="youth", identifying=True),
        Field("guardian_contact", _("Guardian contact"), on="youth", identifying=True),
        # Free text ("aunt", "my employer's wife") that can point at the person: identity, not summary.
        Field("guardian_relationship", _("Guardian's relationship to the youth"), on="youth", identifying=True),
    )),
    Section("summary", _("Summary (track, stage, exploitation types, region, flags — nothing identifying)"),
            listed=("region", "risk_level", "immediate_danger"), fields=(
        Field("region", _("Region"), path="region.code", kind=FieldKind.REF, shown="region.name"),
        Field("first_contact_date", _("First contact"), kind=FieldKind.DATE),
        Field("referral_source", _("Referral source"), kind=FieldKind.CHOICE, labels=_choice(ReferralSource)),
        Field("exploitation_types", _("Exploitation"), kind=FieldKind.CODES, labels=_choice(ExploitationType),
              shown="exploitation_label"),
        Field("setting", _("Setting"), kind=FieldKind.CHOICE, labels=_term(reference.polaris_settings)),
        Field("means_of_control", _("Means of control"), kind=FieldKind.CODES,
              labels=_term(reference.means_of_control)),
        Field("immediate_danger", _("Immediate danger"), kind=FieldKind.BOOL, flag=_("Immediate danger"), alarm=True),
        Field("needs_interpreter", _("Needs an interpreter"), kind=FieldKind.BOOL, flag=_("Needs an interpreter")),
        # The current level (``RiskAssessment`` is its history, kept in the owning circle with its rationale).
        Field("risk_level", _("Risk level"), path="risk_code", kind=FieldKind.CHOICE, labels=risk_label),
        # The kinds of the open flags only: a flag's reason is free text that can name someone, so it
        # stays in the owning circle (``selectors.case_flags``) and is declared in no section.
        Field("flags", _("Flags"), path="flag_codes", kind=FieldKind.CODES, labels=_term(reference.flag_kinds)),
        Field("age_band", _("Age band"), on="person"),
        Field("gender", _("Gender"), on="person", kind=FieldKind.CHOICE, labels=_choice(Gender)),
        Field("separation", _("Separated or unaccompanied"), on="youth", kind=FieldKind.CHOICE,
              labels=_choice(Separation)),
        Field("migrant_services_involved", _("MCFD migrant services involved"), on="youth", kind=FieldKind.BOOL),
        Field("consent_given_by", _("Whose consent was obtained"), on="youth", kind=FieldKind.CHOICE,
              labels=_choice(ConsentGiver)),
    )),
    Section("needs", _("Needs assessment"), rows=lambda case: case.needs.all(), fields=(
        Field("domain", _("Domain"), kind=FieldKind.CHOICE, labels=_term(reference.needs_domains)),
        Field("priority", _("Priority"), kind=FieldKind.CHOICE, labels=_choice(Priority)),
        Field("status", _("Status"), kind=FieldKind.CHOICE, labels=_choice(NeedStatus)),
        Field("notes", _("Notes"), kind=FieldKind.LONG_TEXT, identifying=True),
    )),
    Section("plan", _("Service plan"), rows=lambda case: case.goals.prefetch_related("actions"), fields=(
        Field("description", _("Goal"), kind=FieldKind.LONG_TEXT, identifying=True),
        Field("status", _("Status"), kind=FieldKind.CHOICE, labels=_choice(GoalStatus)),
        Field("actions", _("Actions"), kind=FieldKind.ROWS, fields=(
            Field("description", _("Action"), kind=FieldKind.LONG_TEXT, identifying=True),
            Field("due", _("Due"), kind=FieldKind.DATE),
            Field("done_at", _("Done"), kind=FieldKind.DATETIME),
        )),
    )),
    Section("tasks", _("Tasks and follow-ups"), rows=lambda case: case.tasks.all(),
            row_needs=lambda task: task.section, fields=(
        Field("title", _("Task"), identifying=True),
        Field("due", _("Due"), kind=FieldKind.DATE),
        Field("done_at", _("Done"), kind=FieldKind.DATETIME),
    )),
    Section("notes", _("Notes (normal notes only; restricted notes never leave the owning team)"),
            rows=_normal_notes, fields=(
        Field("created_at", _("Written"), kind=FieldKind.DATETIME),
        Field("body", _("Note"), kind=FieldKind.LONG_TEXT, identifying=True),
    )),
    Section("safety_plan", _("Safety plan"), single=True,
            rows=lambda case: SafetyPlan.objects.filter(case=case)[:1], fields=(
        Field("risks", _("Risks"), kind=FieldKind.LONG_TEXT, identifying=True),
        Field("trusted_contacts", _("Trusted contacts"), kind=FieldKind.LONG_TEXT, identifying=True,
              own_words=_("People I trust")),
        Field("code_words", _("Code words"), kind=FieldKind.LONG_TEXT, identifying=True),
        Field("emergency_steps", _("Emergency steps"), kind=FieldKind.LONG_TEXT, identifying=True,
              own_words=_("What I will do in an emergency")),
    )),
    Section("documents", _("Documents"), rows=lambda case: case.documents.all(),
            row_needs=lambda document: "identity" if document.kind == DocumentKind.IDENTITY else "", fields=(
        Field("filename", _("File name"), identifying=True, needs="identity"),
        Field("kind", _("Type"), kind=FieldKind.CHOICE, labels=_choice(DocumentKind)),
        Field("size", _("Size"), kind=FieldKind.BYTES),
        Field("created_at", _("Added"), kind=FieldKind.DATETIME),
    )),
    # The IOM HTCDS profile (vic_ codes) with the trafficking events (hte_): a section of its own, not the
    # summary, because vulnerabilities and the relationship to the trafficker are more than a receiver of a
    # referral's preview needs; an event's place and account are identifying (``docs/casework-htcds.md``).
    Section("profile", _("Trafficking profile (HTCDS: status, recruitment, vulnerabilities, events)"), single=True,
            rows=lambda case: TraffickingProfile.objects.filter(case=case)[:1],
            holds=lambda case: TraffickingProfile.objects.filter(case=case).exists(), fields=(
        Field("trafficking_status", _("Trafficking status"), kind=FieldKind.CHOICE,
              labels=_htcds("TraffickingStatus")),
        Field("status_decided_by", _("Status decided by"), kind=FieldKind.CHOICE,
              labels=_htcds("TraffickingStatusDecisionMakingOrg")),
        Field("recruitment_methods", _("Method of recruitment"), kind=FieldKind.CODES,
              labels=_htcds("MethodOfRecruitment")),
        Field("recruitment_platforms", _("Recruitment websites and apps"), kind=FieldKind.CODES,
              labels=_htcds("WebsitesAndApps")),
        Field("exploitation_platforms", _("Exploitation websites and apps"), kind=FieldKind.CODES,
              labels=_htcds("WebsitesAndApps")),
        Field("labour_industry", _("Forced labour industry"), kind=FieldKind.CHOICE,
              labels=_htcds("ForcedLabourIndustry")),
        Field("sex_exploitation_types", _("Type of sexual exploitation"), kind=FieldKind.CODES,
              labels=_htcds("TypeOfSexExploitation")),
        Field("vulnerabilities", _("Vulnerabilities"), kind=FieldKind.CODES, labels=_htcds("Vulnerabilities")),
        Field("trafficker_relationship", _("Relationship to the trafficker"), kind=FieldKind.CHOICE,
              labels=_htcds("RelationshipToTrafficker")),
        Field("age_when_trafficked", _("Age when first trafficked"), kind=FieldKind.INT),
        Field("events", _("Trafficking events"), kind=FieldKind.ROWS, fields=(
            Field("type", _("Event"), kind=FieldKind.CHOICE, labels=_htcds("EventType")),
            Field("date", _("Date"), kind=FieldKind.DATE, shown="date_text"),
            Field("date_precision", _("Date precision"), kind=FieldKind.CHOICE, labels=_choice(DatePrecision)),
            Field("city", _("City"), identifying=True),
            Field("state", _("State or province"), identifying=True),
            Field("country", _("Country")),
            Field("description", _("Description"), kind=FieldKind.LONG_TEXT, identifying=True),
        )),
    )),
    Section("consents", _("Consents"), owner="consent"),
    # Police contacts, proceedings, immigration status and CVAP: the ``justice`` app's content.
    Section("justice", _("Justice and immigration (police contacts, proceedings, permits, CVAP)"), owner="justice",
            permission="justice.view"),
    Section("timeline", _("Timeline"), rows=lambda case: case.timeline.all(), row_needs=_section_of_entry, fields=(
        Field("created_at", _("When"), kind=FieldKind.DATETIME),
        # Rendered when read, in the reader's language.
        Field("summary", _("What happened"), path="text"),
    )),
    # Services delivered (issue 16): who provides what, for which need. The provider is an organization's
    # or a directory service's name; the notes are free text and identifying.
    Section("services", _("Services delivered"), rows=lambda case: case.service_deliveries.select_related(
        "provider_organization", "provider_service", "taxonomy_term"),
        holds=lambda case: case.service_deliveries.exists(),
        # A delivery made by a referral to another organization (the shelter the person is in) is the
        # case's sharing with others: a reader outside the owning circle is not told of it.
        reader_rows=_deliveries_known_to, fields=(
        Field("domain", _("Need domain"), kind=FieldKind.CHOICE, labels=_term(reference.needs_domains)),
        Field("taxonomy_term", _("Service type"), path="term_name"),
        Field("provider", _("Provider"), path="provider_name"),
        Field("started_on", _("Start date"), kind=FieldKind.DATE),
        Field("ended_on", _("End date"), kind=FieldKind.DATE),
        Field("status", _("Delivery status"), kind=FieldKind.CHOICE, labels=_choice(DeliveryStatus)),
        Field("notes", _("Delivery notes"), kind=FieldKind.LONG_TEXT, identifying=True),
    )),
    # Follow-ups: contacts with or about the person. Who was met may be named only in the detail, and the
    # note is free text: both identifying.
    Section("follow_ups", _("Follow-ups (contacts with or about the person)"),
            rows=lambda case: case.follow_ups.all(), holds=lambda case: case.follow_ups.exists(), fields=(
        Field("contacted_on", _("Date of contact"), kind=FieldKind.DATE),
        Field("mode", _("How"), kind=FieldKind.CHOICE, labels=_choice(FollowUpMode)),
        Field("with_whom", _("With whom"), kind=FieldKind.CODES, labels=_choice(FollowUpWith)),
        Field("with_whom_detail", _("With whom (details)"), identifying=True),
        Field("note", _("Follow-up note"), kind=FieldKind.LONG_TEXT, identifying=True),
        # The interpreter (``core.interpretation``). Their id is a third party's, and a way to the person:
        # identifying, and shown only with the identity section, as a document's file name.
        Field("interpreter_used", _("Interpreter"), kind=FieldKind.BOOL),
        Field("interpreter_language", _("Interpreter's language")),
        Field("interpreter_agency", _("Interpreting agency")),
        Field("interpreter_id", _("Interpreter id"), identifying=True, needs="identity"),
        Field("interpreter_knows", _("Interpreter knows the person or the alleged trafficker"), kind=FieldKind.CHOICE,
              labels=_choice(InterpreterKnows)),
    )),
)

#: Every section by name, in the order pages and forms list them.
DECLARED: dict[str, Section] = {s.name: s for s in _DECLARED}

SECTIONS: dict[str, object] = {s.name: s.label for s in _DECLARED}
ALL_SECTIONS: frozenset[str] = frozenset(SECTIONS)
SECTION_CHOICES = list(SECTIONS.items())
#: The sections about the case itself (one value per field for a case): what case lists and exports carry.
CASE_LEVEL: tuple[str, ...] = ("summary", "identity")


def validate_sections(sections: Iterable[str]) -> frozenset[str]:
    """The sections as a frozenset; raises ValidationError naming any unknown section."""
    if isinstance(sections, str):
        raise ValidationError(_("Sections must be a list of section names."))
    chosen = frozenset(sections)
    unknown = sorted(chosen - ALL_SECTIONS)
    if unknown:
        raise ValidationError(_("Unknown case section: %(names)s.") % {"names": ", ".join(unknown)})
    return chosen


# --- Reading the declaration ------------------------------------------------------------------

def section(name: str) -> Section:
    return DECLARED[name]


def fields_of(name: str, *, on: Iterable[str] | None = None) -> tuple[Field, ...]:
    """The fields of section ``name`` (only those read from the records ``on``, e.g. ``("", "person")``)."""
    fields = DECLARED[name].fields
    if on is not None:
        wanted = set(on)
        fields = tuple(f for f in fields if f.on in wanted)
    return fields


def field_of(name: str, field_name: str) -> Field:
    return next(f for f in DECLARED[name].fields if f.name == field_name)


class NotApplicable(Exception):
    """The field's record does not exist for this case (a youth-profile field of an adult case)."""


def _follow(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj() if callable(obj) and not hasattr(obj, "all") else obj


def record_of(field: Field, row: Any, records: dict[str, Any] | None = None) -> Any:
    """The record ``field`` is read from: ``row``, or its person or youth profile (``records`` may hold
    them already loaded, so that a list page reads no row twice)."""
    if not field.on:
        return row
    if records and field.on in records:
        found = records[field.on]
    else:
        try:
            found = getattr(row, field.on)
        except ObjectDoesNotExist:
            found = None
    if found is None:
        raise NotApplicable(field.name)
    return found


def rows_of(field: Field, row: Any, records: dict[str, Any] | None = None) -> list[Any]:
    """The related rows of a ``ROWS`` field (the plan's actions of a goal), as model objects."""
    return list(_follow(record_of(field, row, records), field.source).all())


_LISTS = (FieldKind.CODES, FieldKind.TEXTS, FieldKind.DOCUMENTS, FieldKind.ROWS)


def value(field: Field, row: Any, records: dict[str, Any] | None = None) -> Any:
    """The field's value on ``row`` as Python data (codes, dates, lists; rows as lists of dicts).
    Raises NotApplicable when the field's record does not exist."""
    if field.kind == FieldKind.ROWS:
        return [values(field.fields, child) for child in rows_of(field, row, records)]
    raw = _follow(record_of(field, row, records), field.source)
    if field.kind in _LISTS:
        return list(raw or [])
    return raw


def values(fields: Iterable[Field], row: Any, records: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{name: value}`` for the fields that apply to ``row``."""
    out = {}
    for field in fields:
        try:
            out[field.name] = value(field, row, records)
        except NotApplicable:
            continue
    return out


def withheld(field: Field) -> Any:
    """What a door that keeps a fixed shape (the case JSON) shows for a field of a section not shared."""
    if field.kind in _LISTS:
        return []
    if field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.CHOICE):
        return ""
    return None


def plain(data: Any) -> Any:
    """Data as JSON values: dates and times in ISO 8601."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [plain(v) for v in data]
    if isinstance(data, datetime.datetime):
        return timezone.localtime(data).isoformat() if timezone.is_aware(data) else data.isoformat()
    if isinstance(data, datetime.date):
        return data.isoformat()
    return data


def sections_of_row(name: str, row: Any) -> frozenset[str]:
    """The sections a reader needs open to see ``row`` of section ``name`` at all."""
    declared = DECLARED[name]
    further = declared.row_needs(row) if declared.row_needs is not None else ""
    return frozenset({name, further} - {""})


def open_fields(name: str, sections: Iterable[str]) -> tuple[Field, ...]:
    """The fields of section ``name`` a reader of ``sections`` is shown: those that need no further section,
    or whose further section is open too."""
    chosen = frozenset(sections)
    return tuple(f for f in DECLARED[name].fields if not f.needs or f.needs in chosen)


def rows_for(name: str, case: Case, *, reader: Any) -> Iterable[Any]:
    """The rows of section ``name`` of ``case`` that ``reader`` may know of (``Section.reader_rows``; None:
    a reader off the platform, the secure export's recipient), before ``open_rows``. Every door that
    lists a section's rows starts here, not at ``Section.rows``."""
    declared = DECLARED[name]
    if declared.reader_rows is not None:
        return declared.reader_rows(reader, case)
    if declared.rows is None:
        raise ValueError(f"cases.sections: {name} is not a section of rows")
    return declared.rows(case)


def open_rows(name: str, rows: Iterable[Any], sections: Iterable[str]) -> list[Any]:
    """The ``rows`` of section ``name`` a reader of ``sections`` may see, with every field whose further
    section is closed set to what a withheld field shows (in memory only: never save these rows). Every
    door that lists a section's rows passes them through here."""
    chosen = frozenset(sections)
    closed = [f for f in DECLARED[name].fields if f.needs and f.needs not in chosen]
    out = []
    for row in rows:
        if not sections_of_row(name, row) <= chosen:
            continue
        for field in closed:
            setattr(row, field.source, withheld(field))
        out.append(row)
    return out


# --- Content owned by other apps ---------------------------------------------------------------

#: Section name → the function giving its content of a case as plain data, for the doors that carry
#: whole sections (the secure export). Registered by the owning app in its ``AppConfig.ready``
#: (``cases`` imports none of them); ``consents`` is asked of ``consent`` by the secure export itself.
_OWNED_CONTENT: dict[str, Callable[[Case, frozenset[str]], Any]] = {}
#: Section name → whether a case holds anything in it (existence queries only, no field is read).
_OWNED_HOLDS: dict[str, Callable[[Case], bool]] = {}


def register_content(name: str, provider: Callable[[Case, frozenset[str]], Any],
                     holds: Callable[[Case], bool] | None = None) -> None:
    """``provider(case, chosen_sections)`` gives section ``name``'s content, for a section whose owner
    is another app; ``holds(case)`` says whether the case has any of it (see ``sections_held``)."""
    if name not in DECLARED or DECLARED[name].owner == "cases":
        raise ValueError(f"cases.sections: {name} is not a section owned by another app")
    _OWNED_CONTENT[name] = provider
    if holds is not None:
        _OWNED_HOLDS[name] = holds


def sections_held(case: Case) -> frozenset[str]:
    """Every section, less those another app owns (or declared with ``holds``, added after consents were
    first given) that this case holds nothing in: what moving the
    whole case (a transfer) discloses. A consent the person gave before a section existed cannot name
    it, and it must not be widened for them; a section with nothing in it discloses nothing, so it is
    not asked for. Once the case holds something there, the consent must name it."""
    held = {**_OWNED_HOLDS, **{n: d.holds for n, d in DECLARED.items() if d.holds is not None}}
    return frozenset(name for name in ALL_SECTIONS if name not in held or held[name](case))


#: Section name → the function giving its content of a case as one reader may read it
#: (``provider(reader, case, chosen_sections)``), for the doors that show whole sections to a reader of
#: the platform (the printable summary): the ``consents`` section for a receiver holds only the consent
#: its own access rests on. Registered by the owning app in its ``AppConfig.ready``.
_READER_CONTENT: dict[str, Callable[[Any, Case, frozenset[str]], Any]] = {}


def register_reader_content(name: str, provider: Callable[[Any, Case, frozenset[str]], Any]) -> None:
    """``provider(reader, case, chosen_sections)`` gives section ``name``'s content as ``reader`` may read
    it, for a section whose owner is another app (see ``owned_content``)."""
    if name not in DECLARED or DECLARED[name].owner == "cases":
        raise ValueError(f"cases.sections: {name} is not a section owned by another app")
    _READER_CONTENT[name] = provider


def owned_content(name: str, case: Case, chosen: Iterable[str], *, reader: Any) -> Any:
    """The content of section ``name`` (owned by another app) of ``case`` as plain data, for ``reader``
    who sees the sections ``chosen``: what the owning app gives that reader (``register_reader_content``),
    else what it gives every door (``register_content``); None when it registered nothing."""
    if name in _READER_CONTENT:
        return _READER_CONTENT[name](reader, case, frozenset(chosen))
    if name in _OWNED_CONTENT:
        return _OWNED_CONTENT[name](case, frozenset(chosen))
    return None


# --- The doors' shapes ------------------------------------------------------------------------

def content(case: Case, chosen: Iterable[str], *, reader: Any = None) -> dict[str, Any]:
    """The chosen case-owned sections of ``case`` as plain JSON data (for the secure export): a dict of
    fields for identity and summary, a list of rows for the others (a dict, maybe empty, for the safety
    plan). The rows are those ``reader`` may know of (``rows_for``); None, the default, is the secure
    export's recipient, an organization off the platform and outside the owning circle. Sections another
    app owns come from what it registered (``register_content``); the consents are left to the caller."""
    out: dict[str, Any] = {}
    for name, declared in DECLARED.items():
        if name in chosen and name in _OWNED_CONTENT:
            out[name] = _OWNED_CONTENT[name](case, frozenset(chosen))
            continue
        if name not in chosen or declared.owner != "cases":
            continue
        if declared.rows is None:
            out[name] = plain(values(declared.fields, case))
        else:
            shown = open_fields(name, chosen)
            rows = [plain(values(shown, row)) for row in open_rows(name, rows_for(name, case, reader=reader), chosen)]
            out[name] = (rows[0] if rows else {}) if declared.single else rows
    return out


@dataclass(frozen=True)
class Column:
    """A column of a case-list export: a field of a case-level section."""

    section: str
    field: Field

    @property
    def name(self) -> str:
        return self.field.name


def columns(sections: Iterable[str] = CASE_LEVEL, *, identifying: bool) -> list[Column]:
    """The export columns of the case-level ``sections``. Without ``identifying`` (the exporter may not
    export identifying data) neither the identity section nor any identifying field is a column."""
    out = []
    for name in sections:
        if not identifying and name == "identity":
            continue
        out += [Column(name, f) for f in DECLARED[name].fields if identifying or not f.identifying]
    return out


def cell(field: Field, case: Case) -> Any:
    """The field's value in a spreadsheet cell: codes joined by spaces, texts by "; ", dates in ISO 8601,
    nothing (``""``) when absent or not applicable."""
    try:
        data = value(field, case)
    except NotApplicable:
        return ""
    if data is None:
        return ""
    if field.kind == FieldKind.CODES:
        return " ".join(data)
    if field.kind == FieldKind.TEXTS:
        return "; ".join(data)
    if field.kind == FieldKind.DOCUMENTS:
        return "; ".join(" ".join(str(d.get(k) or "") for k in ("type", "number", "country")).strip() for d in data)
    if field.kind == FieldKind.ROWS:
        return len(data)
    return plain(data)


# --- What a person reads ----------------------------------------------------------------------

def display(field: Field, row: Any, records: dict[str, Any] | None = None) -> str | SafeString:
    """The field's value as a person reads it (labels for codes, dates as YYYY-MM-DD, "—" when empty).
    Raises NotApplicable when the field's record does not exist."""
    record = record_of(field, row, records)
    if field.shown:
        shown = field.shown(record) if callable(field.shown) else _follow(record, field.shown)
        return str(shown) if shown not in (None, "") else "—"
    data = value(field, row, records)
    if data in (None, "", []):
        return gettext("no") if field.kind == FieldKind.BOOL else "—"
    if field.kind == FieldKind.CHOICE:
        return field.labels(data) if field.labels else str(data)
    if field.kind == FieldKind.CODES:
        return ", ".join(field.labels(c) if field.labels else c for c in data)
    if field.kind == FieldKind.TEXTS:
        return ", ".join(data)
    if field.kind == FieldKind.BOOL:
        return gettext("yes") if data else gettext("no")
    if field.kind == FieldKind.DATE:
        return data.isoformat()
    if field.kind == FieldKind.DATETIME:
        local = timezone.localtime(data) if timezone.is_aware(data) else data
        return format_html('<time datetime="{}">{}</time>', local.isoformat(), local.strftime("%Y-%m-%d %H:%M"))
    if field.kind == FieldKind.BYTES:
        return filesizeformat(data)
    if field.kind == FieldKind.DOCUMENTS:
        return format_html_join(mark_safe("<br>"), "{}", ((_document(d),) for d in data))  # noqa: S308 - a constant
    return str(data)


def _document(document: dict) -> SafeString:
    text = " ".join(str(document.get(k) or "") for k in ("type", "number")).strip()
    if document.get("country"):
        text += f" ({document['country']})"
    if not document.get("held_by_person", True):
        return format_html("{} — <strong>{}</strong>", text, gettext("not held by the person"))
    return format_html("{}", text)


@dataclass(frozen=True)
class Fact:
    """A field of a record as a page shows it; for ``ROWS``, ``rows`` pairs each related row with its facts."""

    field: Field
    text: str | SafeString
    rows: tuple[tuple[Any, tuple[Fact, ...]], ...] = ()

    @property
    def label(self) -> Promise | str:
        return self.field.label

    @property
    def long(self) -> bool:
        return self.field.kind == FieldKind.LONG_TEXT


def facts(fields: Iterable[Field], row: Any, records: dict[str, Any] | None = None) -> list[Fact]:
    """The facts of ``row`` for a page: every field that applies, in declared order."""
    out = []
    for field in fields:
        try:
            if field.kind == FieldKind.ROWS:
                children = tuple((child, tuple(facts(field.fields, child)))
                                 for child in rows_of(field, row, records))
                out.append(Fact(field, "", children))
            else:
                out.append(Fact(field, display(field, row, records)))
        except NotApplicable:
            continue
    return out


def flags(case: Case, fields: Iterable[Field] | None = None) -> list[Field]:
    """The summary's flag fields that are true for ``case`` (badges on case pages)."""
    found = []
    for field in fields if fields is not None else fields_of("summary"):
        try:
            if field.flag and value(field, case):
                found.append(field)
        except NotApplicable:
            continue
    return found


def listed(name: str) -> tuple[Field, ...]:
    """The fields a case list shows of section ``name``."""
    by_name = {f.name: f for f in DECLARED[name].fields}
    return tuple(by_name[n] for n in DECLARED[name].listed if n in by_name)


def _check() -> None:
    # The case-level sections are flattened into one JSON object and one spreadsheet row.
    names = [f.name for s in CASE_LEVEL for f in DECLARED[s].fields]
    if len(names) != len(set(names)):
        raise ValueError("cases.sections: a field name repeats across the case-level sections")
    for s in CASE_LEVEL:
        missing = set(DECLARED[s].listed) - {f.name for f in DECLARED[s].fields}
        if missing:
            raise ValueError(f"cases.sections: {s} lists undeclared fields {sorted(missing)}")


_check()
