"""Writes of the screening app: ``verb_noun(*, actor, ...)``, permission first, then write, then audit.

``evaluate`` writes nothing; it lives here so the API and the app score answers the same way.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import get_language

from octip.core import audit
from octip.core.access import Actor, allows, require

from . import engine
from .definition import InvalidFramework, dump_yaml, parse_yaml, validate
from .models import AgeGroup, Framework, FrameworkSource, Screening

if TYPE_CHECKING:
    from octip.cases.models import Case
    from octip.partners.models import User

MAX_NOTE_LENGTH = 2000
MAX_DEFINITION_BYTES = 512 * 1024


class NothingChanged(ValidationError):
    """The published text is identical to the current version."""


def _language(language: str | None) -> str:
    language = (language or get_language() or "en")[:2]
    return language if language in ("en", "fr") else "en"


def framework_for(slug: str, version: int | None = None) -> Framework:
    """The given version of a framework, or its latest; ``ValidationError`` naming ``framework``/``version``."""
    versions = Framework.objects.filter(slug=slug)
    if not isinstance(slug, str) or not versions.exists():
        raise ValidationError({"framework": f"Unknown framework {slug!r}."})
    if version is None:
        latest = versions.order_by("-version").first()
        if latest is None:  # deleted since ``exists()`` above: as unknown as one never published
            raise ValidationError({"framework": f"Unknown framework {slug!r}."})
        return latest
    framework = versions.filter(version=version).first()
    if framework is None:
        raise ValidationError({"version": f"Framework {slug!r} has no version {version!r}."})
    return framework


def _check_answers(framework: Framework, answers: Any) -> dict[str, str]:
    try:
        return engine.normalize_answers(framework.definition, answers)
    except engine.InvalidAnswers as invalid:
        raise ValidationError({invalid.key: invalid.message}) from None


def evaluate(*, actor: Actor, framework: Framework, answers: Any, language: str | None = None) -> engine.Assessment:
    """Score answers without storing anything. Raises ``ValidationError`` naming a bad key or value."""
    require(actor, "screening.use")
    _check_answers(framework, answers)
    return engine.assess(framework.definition, answers, language=_language(language))


def _clean_notes(framework: Framework, notes: Any) -> dict[str, str]:
    if notes in (None, ""):
        return {}
    if not isinstance(notes, dict):
        raise ValidationError({"notes": "Notes must be an object of dimension id → text."})
    dimensions = {d["id"] for d in framework.definition["dimensions"]}
    cleaned = {}
    for key in sorted(notes):
        value = notes[key]
        if key not in dimensions:
            raise ValidationError({f"notes.{key}": "is not a section of this framework."})
        if not isinstance(value, str):
            raise ValidationError({f"notes.{key}": "must be text."})
        if len(value) > MAX_NOTE_LENGTH:
            raise ValidationError({f"notes.{key}": f"is longer than {MAX_NOTE_LENGTH} characters."})
        if value.strip():
            cleaned[key] = value.strip()
    return cleaned


@transaction.atomic
def save_screening(*, actor: User, framework: Framework, answers: Any, notes: Any = None,
                   age_group: str = AgeGroup.UNKNOWN, case: Case | None = None) -> Screening:
    """Score and keep a screening, optionally linked to a case the actor can see.

    Raises ``AccessDenied``, ``Http404`` (a case the actor cannot see) or ``ValidationError``;
    writes nothing then.
    """
    require(actor, "screening.use")
    if case is not None and not allows(actor, "case.view", case):
        raise Http404
    if age_group not in AgeGroup.values:
        raise ValidationError({"age_group": f"must be one of {', '.join(AgeGroup.values)}."})
    normalized = _check_answers(framework, answers)
    cleaned_notes = _clean_notes(framework, notes)
    assessment = engine.assess(framework.definition, normalized)
    screening = Screening.objects.create(
        framework=framework, age_group=age_group, answers=normalized, notes=cleaned_notes,
        conclusion=assessment.conclusion, case=case, screened_by=actor, organization_id=actor.organization_id)
    audit.record(actor, "screening.created", screening, detail={
        "framework": framework.slug, "version": framework.version, "conclusion": assessment.conclusion,
        "case_linked": case is not None})
    return screening


@transaction.atomic
def publish_framework(*, actor: User, slug: str, text: str, change_note: str = "",
                      based_on: int | None = None) -> Framework:
    """Publish a corrected version of framework ``slug`` from YAML text.

    The new version number is the highest stored plus one, whatever the text says; earlier
    versions (and the screenings scored with them) are untouched. ``based_on`` is the version the
    coordinator started from: if someone published since, nothing is written. Raises
    ``AccessDenied`` or ``ValidationError`` with every problem found; nothing is written then.
    """
    require(actor, "screening.publish_framework")
    current = _current_for_publishing(slug, based_on)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"definition": "Paste or upload the framework's YAML."})
    if len(text.encode("utf-8")) > MAX_DEFINITION_BYTES:
        raise ValidationError({"definition": f"The definition is larger than {MAX_DEFINITION_BYTES // 1024} KB."})
    try:
        definition = parse_yaml(text)
    except InvalidFramework as invalid:
        raise ValidationError({"definition": invalid.problems}) from None
    return _publish(actor=actor, current=current, definition=definition, change_note=change_note)


@transaction.atomic
def publish_thresholds(*, actor: User, slug: str, thresholds: dict[str, int], descriptions: dict[str, dict[str, str]],
                       change_note: str = "", based_on: int | None = None) -> Framework:
    """Publish a new version that changes only the rules' thresholds (and their descriptions).

    ``thresholds`` maps ``threshold_key(scope, alternative, term)`` to the new ``at_least``;
    ``descriptions`` maps a scope (``default`` or a dimension id) to its new ``{"en", "fr"}`` text.
    """
    require(actor, "screening.publish_framework")
    current = _current_for_publishing(slug, based_on)
    definition = copy.deepcopy(current.definition)
    rules = editable_rules(definition)
    for key, value in thresholds.items():
        scope, alternative, term = parse_threshold_key(key)
        if scope not in rules:
            raise ValidationError({key: "is not a rule of this framework."})
        try:
            target = rules[scope]["any_of"][alternative][term]
        except (IndexError, TypeError):
            raise ValidationError({key: "is not a threshold of this framework."}) from None
        target["at_least"] = value
    for scope, text in descriptions.items():
        if scope not in rules:
            raise ValidationError({scope: "is not a rule of this framework."})
        rules[scope]["description"] = {"en": text.get("en", ""), "fr": text.get("fr", "")}
    try:
        definition = validate(definition)
    except InvalidFramework as invalid:
        raise ValidationError({"definition": invalid.problems}) from None
    return _publish(actor=actor, current=current, definition=definition, change_note=change_note)


def editable_rules(definition: dict) -> dict[str, dict]:
    """The threshold rules of a definition by scope: ``default`` and each dimension with its own rule.
    The dicts are the definition's own (mutating them mutates the definition)."""
    rules = {}
    if definition["rule"].get("dimension_positive"):
        rules["default"] = definition["rule"]["dimension_positive"]
    for dimension in definition["dimensions"]:
        if dimension.get("rule"):
            rules[dimension["id"]] = dimension["rule"]
    return rules


def threshold_key(scope: str, alternative: int, term: int) -> str:
    return f"t-{scope}-{alternative}-{term}"


def parse_threshold_key(key: str) -> tuple[str, int, int]:
    try:
        prefix, rest = key.split("-", 1)
        scope, alternative, term = rest.rsplit("-", 2)
        if prefix != "t":
            raise ValueError
        return scope, int(alternative), int(term)
    except ValueError:
        raise ValidationError({key: "is not a threshold key."}) from None


def _current_for_publishing(slug: str, based_on: int | None) -> Framework:
    current = Framework.objects.filter(slug=slug).order_by("-version").first()
    if current is None:
        raise ValidationError({"framework": f"Unknown framework {slug!r}."})
    if based_on is not None and based_on != current.version:
        raise ValidationError({"definition": [
            f"Version {current.version} was published after you opened version {based_on}. "
            "Reload the page, then apply your change again."]})
    return current


def _publish(*, actor: User, current: Framework, definition: dict, change_note: str) -> Framework:
    slug = current.slug
    if definition["id"] != slug:
        raise ValidationError({"definition": [f"id: is {definition['id']!r}, but you are publishing {slug!r}."]})
    if dict(definition, version=current.version) == current.definition:
        raise NothingChanged({"definition": "This is the same as the current version: nothing to publish."})
    next_version = Framework.objects.filter(slug=slug).aggregate(top=Max("version"))["top"] + 1
    definition = dict(definition, version=next_version)
    try:
        with transaction.atomic():
            framework = Framework.objects.create(
                slug=slug, version=next_version, status=definition["status"], title=definition["title"]["en"][:200],
                definition=definition, source=FrameworkSource.APP, change_note=(change_note or "").strip()[:2000],
                published_by=actor)
    except IntegrityError:
        raise ValidationError({"definition": ["Someone published a new version at the same moment. "
                                              "Reload the page, then apply your change again."]}) from None
    audit.record(actor, "screening.framework_published", framework,
                 detail={"framework": slug, "version": next_version, "previous_version": current.version})
    return framework


def definition_text(framework: Framework) -> str:
    return dump_yaml(framework.definition)
