"""Writes of the screening app: ``verb_noun(*, actor, ...)``, permission first, then write, then audit.

``evaluate`` writes nothing; it lives here so the API and the app score answers the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import get_language

from octip.core import audit
from octip.core.access import require

from . import engine
from .definition import InvalidFramework, dump_yaml, parse_yaml
from .models import AgeGroup, Framework, FrameworkSource, Screening

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
        return versions.order_by("-version").first()
    framework = versions.filter(version=version).first()
    if framework is None:
        raise ValidationError({"version": f"Framework {slug!r} has no version {version!r}."})
    return framework


def _check_answers(framework: Framework, answers: Any) -> dict[str, str]:
    try:
        return engine.normalize_answers(framework.definition, answers)
    except engine.InvalidAnswers as invalid:
        raise ValidationError({invalid.key: invalid.message}) from None


def evaluate(*, actor: Any, framework: Framework, answers: Any, language: str | None = None) -> engine.Assessment:
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
def save_screening(*, actor: Any, framework: Framework, answers: Any, notes: Any = None,
                   age_group: str = AgeGroup.UNKNOWN, case: Any = None) -> Screening:
    """Score and keep a screening, optionally linked to a case the actor can see.

    Raises ``AccessDenied``, ``Http404`` (a case the actor cannot see) or ``ValidationError``;
    writes nothing then.
    """
    require(actor, "screening.use")
    if case is not None:
        from octip.cases.models import Case

        if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
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
def publish_framework(*, actor: Any, slug: str, text: str, change_note: str = "") -> Framework:
    """Publish a corrected version of framework ``slug`` from YAML text.

    The new version number is the highest stored plus one, whatever the text says; earlier
    versions (and the screenings scored with them) are untouched. Raises ``AccessDenied`` or
    ``ValidationError`` with every problem found; nothing is written then.
    """
    require(actor, "screening.publish_framework")
    current = Framework.objects.filter(slug=slug).order_by("-version").first()
    if current is None:
        raise ValidationError({"framework": f"Unknown framework {slug!r}."})
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"definition": "Paste or upload the framework's YAML."})
    if len(text.encode("utf-8")) > MAX_DEFINITION_BYTES:
        raise ValidationError({"definition": f"The definition is larger than {MAX_DEFINITION_BYTES // 1024} KB."})
    try:
        definition = parse_yaml(text)
    except InvalidFramework as invalid:
        raise ValidationError({"definition": invalid.problems}) from None
    if definition["id"] != slug:
        raise ValidationError({"definition": [f"id: is {definition['id']!r}, but you are publishing {slug!r}."]})
    next_version = Framework.objects.filter(slug=slug).aggregate(top=Max("version"))["top"] + 1
    comparable = dict(definition, version=current.version)
    if comparable == current.definition:
        raise NothingChanged({"definition": "This is the same as the current version: nothing to publish."})
    definition["version"] = next_version
    framework = Framework.objects.create(
        slug=slug, version=next_version, status=definition["status"], title=definition["title"]["en"][:200],
        definition=definition, source=FrameworkSource.APP, change_note=(change_note or "").strip()[:2000],
        published_by=actor)
    audit.record(actor, "screening.framework_published", framework,
                 detail={"framework": slug, "version": next_version, "previous_version": current.version})
    return framework


def definition_text(framework: Framework) -> str:
    return dump_yaml(framework.definition)
