"""The line's scripts: guidance an operator reads or follows during a contact (consent, the duty to
report a child who may need protection, 911, safety checks), per language and versioned.

Reads (selectors) and writes (services) of ``models.GuidanceScript`` live here, in one module, so
the rest of the app is untouched by them.

Whose script
    A script belongs to one organization's line, or, with no organization, to the coordinating
    office: that is the **province-wide default**, which applies to every line. The lead
    (``hotline.lead``) of the coordinating office writes the defaults; the lead of another
    organization writes that organization's scripts (``lead_unit``). Nobody writes another
    line's scripts, whatever their scope.

Which script an operator sees (``current_scripts``)
    Per topic, in this order: their line's published script in the language asked, the default's in
    that language, then the same two in English, marked as a fallback. A reader sees the published
    scripts of their line and the defaults; drafts are the lead's.

Versions
    Each edit is a new row with the next version number of its key (topic, language, line); the old
    versions stay readable (``versions_of``). Publishing retires the published version of the key in
    the same transaction, under a lock of the key's rows; a database constraint keeps one published
    version per key even if two publications race (``ScriptConflict``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from octip.cases.reference import Term
from octip.core import audit
from octip.core.access import AccessDenied, Actor, allows, get_visible_or_404, require
from octip.partners.models import OrganizationType, User

from .models import GuidanceScript, GuidanceScriptQuerySet, ScriptStatus
from .reference import _rows

#: The language a script falls back to when none is published in the language asked.
FALLBACK_LANGUAGE = "en"
MAX_TITLE = 200
MAX_BODY = 20_000


# --- Reference: topics and languages -----------------------------------------------------------------

@dataclass(frozen=True)
class ScriptTopic(Term):
    """One topic of ``data/script_topics.yaml``; ``order`` is its place beside the contact form."""

    order: int = 0


@cache
def topics() -> tuple[ScriptTopic, ...]:
    rows = _rows("script_topics.yaml")
    return tuple(sorted((ScriptTopic(r["code"], r["label"], r.get("label_fr", ""), int(r.get("order", 0)))
                         for r in rows), key=lambda t: (t.order, t.code)))


def topic(code: str) -> ScriptTopic | None:
    return next((t for t in topics() if t.code == code), None)


def languages() -> list[tuple[str, str]]:
    """The languages a script may be written in: the platform's languages (``settings.LANGUAGES``),
    each named in the reader's language."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def language_name(code: str) -> str:
    return next((name for c, name in languages() if c == code), code)


def is_language(code: str) -> bool:
    return any(c == code for c, _name in settings.LANGUAGES)


def active_language() -> str:
    """The operator's interface language as a script language (``fr-ca`` → ``fr``)."""
    code = (translation.get_language() or FALLBACK_LANGUAGE).lower()
    if is_language(code):
        return code
    base = code.split("-")[0]
    return base if is_language(base) else FALLBACK_LANGUAGE


# --- Who writes which scripts ---------------------------------------------------------------------------

def lead_unit(actor: Actor) -> int | None:
    """The line whose scripts ``actor`` writes: their organization's id, or None (the province-wide
    defaults) for the coordinating office."""
    if getattr(actor.organization, "type", None) == OrganizationType.COORDINATING_OFFICE:
        return None
    return actor.organization_id


def may_manage(actor: Actor, script: GuidanceScript | None = None) -> bool:
    """For showing links: does ``actor`` lead the line ``script`` belongs to (any line of theirs, without
    a script)?"""
    if not allows(actor, "hotline.lead"):
        return False
    return script is None or script.organization_id == lead_unit(actor)


def _require_manage(actor: Actor, script: GuidanceScript) -> None:
    require(actor, "hotline.lead")
    if script.organization_id != lead_unit(actor):
        audit.record_denial(actor, "hotline.lead", script)
        raise AccessDenied("hotline.lead", _("Only the lead of this script's line may change it."))


# --- Selectors ---------------------------------------------------------------------------------------

def scripts_for(*, actor: Actor) -> GuidanceScriptQuerySet:
    """The scripts that apply to the reader: their line's and the defaults (every status)."""
    return GuidanceScript.objects.visible_to(actor).select_related("written_by", "published_by")


def managed_scripts(*, actor: Actor) -> GuidanceScriptQuerySet:
    """The scripts the lead writes (their line's, or the defaults for the coordinating office)."""
    return GuidanceScript.objects.visible_to(actor).of_unit(lead_unit(actor)) if allows(
        actor, "hotline.lead") else GuidanceScript.objects.none()


def managed_script_or_404(*, actor: Actor, script_id: int) -> GuidanceScript:
    """One version of a script the actor leads; another line's script (or the defaults, for a line's
    lead) is a 404."""
    unit = lead_unit(actor)
    queryset = GuidanceScript.objects.of_unit(unit)
    return get_visible_or_404(queryset.select_related("written_by", "published_by", "retired_by"), actor,
                              pk=script_id)


def readable_script_or_404(*, actor: Actor, script_id: int) -> GuidanceScript:
    """One published or retired version that applies to the reader (a draft only for its lead)."""
    script = get_visible_or_404(GuidanceScript.objects.select_related("written_by", "published_by"), actor,
                                pk=script_id)
    if script.status == ScriptStatus.DRAFT and not may_manage(actor, script):
        audit.record_denial(actor, "hotline.lead", script)  # as get_visible_or_404 records its refusals
        raise Http404
    return script


def versions_of(*, actor: Actor, script: GuidanceScript) -> list[GuidanceScript]:
    """Every version of ``script``'s key the reader may see, the newest first (drafts for the lead)."""
    rows = scripts_for(actor=actor).of_key(organization_id=script.organization_id, topic=script.topic,
                                           language=script.language).order_by("-version")
    if not may_manage(actor, script):
        rows = rows.exclude(status=ScriptStatus.DRAFT)
    return list(rows)


@dataclass(frozen=True)
class ShownScript:
    """The script shown for one topic: ``script`` is None when none is published; ``fallback`` when
    it is in English because none is published in the language asked."""

    topic: ScriptTopic
    script: GuidanceScript | None
    fallback: bool


def current_scripts(*, actor: Actor, language: str | None = None) -> list[ShownScript]:
    """Per topic (in the file's order), the published script that applies to the reader in
    ``language`` (default: the active language): their line's, else the default; else the same in
    English (``fallback``). One query."""
    language = language if language and is_language(language) else active_language()
    wanted = {language, FALLBACK_LANGUAGE}
    published = list(scripts_for(actor=actor).published().filter(language__in=wanted))

    def pick(code: str, lang: str) -> GuidanceScript | None:
        own = [s for s in published if s.topic == code and s.language == lang and s.organization_id is not None]
        default = [s for s in published if s.topic == code and s.language == lang and s.organization_id is None]
        return (own or default)[0] if own or default else None

    shown = []
    for term in topics():
        script = pick(term.code, language)
        fallback = False
        if script is None and language != FALLBACK_LANGUAGE:
            script = pick(term.code, FALLBACK_LANGUAGE)
            fallback = script is not None
        shown.append(ShownScript(term, script, fallback))
    return shown


@dataclass(frozen=True)
class ScriptKey:
    """One row of the lead's list: a topic and a language, with its published and latest versions."""

    topic: ScriptTopic
    language: str
    published: GuidanceScript | None
    latest: GuidanceScript
    count: int

    @property
    def language_name(self) -> str:
        return language_name(self.language)


def script_keys(*, actor: Actor) -> list[ScriptKey]:
    """The lead's scripts grouped by topic and language (topics in order, then languages)."""
    rows = list(managed_scripts(actor=actor).select_related("written_by").order_by("topic", "language", "-version"))
    order = {code: i for i, (code, _name) in enumerate(settings.LANGUAGES)}
    keys: list[ScriptKey] = []
    for term in topics():
        by_language: dict[str, list[GuidanceScript]] = {}
        for row in rows:
            if row.topic == term.code:
                by_language.setdefault(row.language, []).append(row)
        for lang in sorted(by_language, key=lambda c: order.get(c, 99)):
            versions = by_language[lang]
            keys.append(ScriptKey(term, lang, next((v for v in versions if v.status == ScriptStatus.PUBLISHED), None),
                                  versions[0], len(versions)))
    return keys


def latest_version(*, actor: Actor, topic: str, language: str) -> GuidanceScript | None:
    """The newest version of a key the lead writes (to prefill a new version)."""
    return managed_scripts(actor=actor).filter(topic=topic, language=language).order_by("-version").first()


# --- Services ----------------------------------------------------------------------------------------

class ScriptConflict(ValidationError):
    """Someone else changed the same script at the same moment; nothing of this change was saved."""


def _clean_text(title: str, body: str) -> tuple[str, str, dict[str, str]]:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    if not title:
        errors["title"] = _("Give the script a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Keep the title under %(limit)s characters.") % {"limit": MAX_TITLE}
    if not body:
        errors["body"] = _("Write the text of the script.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("Keep the text under %(limit)s characters.") % {"limit": f"{MAX_BODY:,}"}
    return title, body, errors


def _lock_key(unit: int | None, topic_code: str, language: str) -> list[GuidanceScript]:
    """Lock the rows of one key (PostgreSQL row locks; SQLite serialises writers anyway)."""
    return list(GuidanceScript.objects.select_for_update().of_key(organization_id=unit, topic=topic_code,
                                                                 language=language).order_by("pk"))


@transaction.atomic
def draft_script(*, actor: User, topic: str, language: str, title: str, body: str) -> GuidanceScript:
    """Write a new version (a draft) of the script ``topic`` in ``language`` of the actor's line (the
    defaults for the coordinating office's lead). Only ``hotline.lead``. Refuses an unknown topic or
    language, an empty or too long title or text, and a text identical to the newest version; writes
    nothing then. Audited (key and version, not the text)."""
    require(actor, "hotline.lead")
    errors: dict[str, str] = {}
    if not any(t.code == topic for t in topics()):
        errors["topic"] = _("Choose a topic from the list.")
    if not is_language(language):
        errors["language"] = _("Choose a language from the list.")
    title, body, text_errors = _clean_text(title, body)
    errors.update(text_errors)
    if errors:
        raise ValidationError(errors)
    unit = lead_unit(actor)
    rows = _lock_key(unit, topic, language)
    latest = max(rows, key=lambda r: r.version, default=None)
    if latest is not None and latest.title == title and latest.body == body:
        raise ValidationError({"body": _("This is the same text as version %(version)s: change something first.")
                               % {"version": latest.version}})
    number = (GuidanceScript.objects.of_key(organization_id=unit, topic=topic, language=language)
              .aggregate(n=Max("version"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            script = GuidanceScript.objects.create(organization_id=unit, topic=topic, language=language,
                                                   version=number, title=title, body=body, written_by=actor)
    except IntegrityError as clash:
        # Another lead wrote the first version of this key at the same moment (no row to lock yet).
        raise ScriptConflict(_("Someone else saved a version of this script at the same moment. Nothing was "
                               "saved: reload the page and try again.")) from clash
    audit.record(actor, "hotline.script.drafted", script,
                 detail={"topic": topic, "language": language, "version": number, "organization_id": unit})
    return script


@transaction.atomic
def publish_script(*, actor: User, script: GuidanceScript) -> GuidanceScript:
    """Publish a draft version: the published version of its key (if any) is retired in the same
    transaction, so operators see exactly one. Only the lead of the script's line. A version that is
    not a draft (published already, or retired) is refused. Audited."""
    _require_manage(actor, script)
    rows = {r.pk: r for r in _lock_key(script.organization_id, script.topic, script.language)}
    current = rows.get(script.pk)
    if current is None or current.status != ScriptStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published; this version is %(status)s.")
                              % {"status": (current or script).get_status_display().lower()})
    now = timezone.now()
    previous = [r for r in rows.values() if r.status == ScriptStatus.PUBLISHED]
    try:
        with transaction.atomic():
            for row in previous:
                row.status, row.retired_at, row.retired_by = ScriptStatus.RETIRED, now, actor
                row.save(update_fields=["status", "retired_at", "retired_by"])
            current.status, current.published_at, current.published_by = ScriptStatus.PUBLISHED, now, actor
            current.save(update_fields=["status", "published_at", "published_by"])
    except IntegrityError as clash:
        raise ScriptConflict(_("Another version of this script was published at the same moment. Nothing was "
                               "changed: reload the page to see which version is published.")) from clash
    audit.record(actor, "hotline.script.published", current,
                 detail={"topic": current.topic, "language": current.language, "version": current.version,
                         "retired_versions": [r.version for r in previous],
                         "organization_id": current.organization_id})
    script.refresh_from_db()
    return current


@transaction.atomic
def retire_script(*, actor: User, script: GuidanceScript) -> GuidanceScript:
    """Retire a version: a published one stops showing (the default or English then applies), a
    draft is set aside. It stays readable in the history. Only the lead of the script's line; a
    retired version is refused. Audited."""
    _require_manage(actor, script)
    rows = {r.pk: r for r in _lock_key(script.organization_id, script.topic, script.language)}
    current = rows.get(script.pk)
    if current is None or current.status == ScriptStatus.RETIRED:
        raise ValidationError(_("This version is retired already."))
    was = current.status
    current.status, current.retired_at, current.retired_by = ScriptStatus.RETIRED, timezone.now(), actor
    current.save(update_fields=["status", "retired_at", "retired_by"])
    audit.record(actor, "hotline.script.retired", current,
                 detail={"topic": current.topic, "language": current.language, "version": current.version,
                         "was": was, "organization_id": current.organization_id})
    script.refresh_from_db()
    return current
