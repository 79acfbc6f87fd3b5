"""The quality-review rubric of the 24/7 line, as data (``data/review_rubric.yaml``): a version id, a
scale (0 not done, 1 partly, 2 fully) and criteria with an English and a French label and
description, each of which may allow "not applicable". The file is validated when it is loaded: a
bad file fails at start-up (and in tests/hotline/test_quality_review.py), not in the middle of a review.

Scores are stored by criterion code: ``{"greeting_safety": 2, "duty_to_report": "na", ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from octip.cases.reference import Term

RUBRIC_FILE = Path(__file__).resolve().parent / "data" / "review_rubric.yaml"

#: How "not applicable" is stored in a review's scores.
NOT_APPLICABLE = "na"


class RubricError(ValueError):
    """The rubric file is malformed: it names what is wrong."""


@dataclass(frozen=True)
class Level(Term):
    """One step of the scale (its ``code`` is the value as text)."""

    value: int = 0


@dataclass(frozen=True)
class Criterion(Term):
    description_en: str = ""
    description_fr: str = ""
    not_applicable: bool = False

    @property
    def description(self) -> str:
        french = (get_language() or "").startswith("fr")
        return self.description_fr if french and self.description_fr else self.description_en


@dataclass(frozen=True)
class Rubric:
    version: str
    scale: tuple[Level, ...]
    not_applicable: Term
    criteria: tuple[Criterion, ...]

    @property
    def top(self) -> int:
        return max(level.value for level in self.scale)

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)

    def choices(self, criterion: Criterion) -> list[tuple[str, str]]:
        """The answers a criterion may have, as form choices (values as text)."""
        options = [(str(level.value), f"{level.value} — {level.label}") for level in self.scale]
        if criterion.not_applicable:
            options.append((NOT_APPLICABLE, self.not_applicable.label))
        return options

    def answer_label(self, criterion: Criterion, value: Any) -> str:
        if value == NOT_APPLICABLE:
            return self.not_applicable.label
        level = next((lv for lv in self.scale if lv.value == value), None)
        return f"{level.value} — {level.label}" if level else ""

    def validate(self, scores: Any, *, complete: bool) -> dict[str, int | str]:
        """``scores`` checked against this rubric, in the rubric's order: known criteria only, each a
        value of the scale or "na" where the criterion allows it. ``complete`` (to share a review):
        every criterion answered. Raises ValidationError naming the criteria at fault."""
        if not isinstance(scores, dict):
            raise ValidationError({"scores": _("Scores must be given per criterion.")})
        errors: dict[str, str] = {}
        unknown = sorted(str(code) for code in scores if self.criterion(str(code)) is None)
        if unknown:
            errors["scores"] = _("Unknown criterion: %(codes)s.") % {"codes": ", ".join(unknown)}
        values = {level.value for level in self.scale}
        clean: dict[str, int | str] = {}
        for criterion in self.criteria:
            value = scores.get(criterion.code)
            if value in (None, ""):
                if complete:
                    errors[criterion.code] = _("Score this criterion before sharing the review.")
                continue
            if isinstance(value, str) and value.isdigit():
                value = int(value)
            if value == NOT_APPLICABLE and criterion.not_applicable:
                clean[criterion.code] = NOT_APPLICABLE
            elif isinstance(value, int) and not isinstance(value, bool) and value in values:
                clean[criterion.code] = value
            else:
                errors[criterion.code] = _("Choose a score of the scale.") if value != NOT_APPLICABLE else _(
                    "This criterion always applies: choose a score.")
        if errors:
            raise ValidationError(errors)
        return clean


def _text(row: dict, key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RubricError(f"{where}: '{key}' must be a non-empty text")
    return value.strip()


def load_rubric(path: Path = RUBRIC_FILE) -> Rubric:
    """Read and validate a rubric file. Raises RubricError naming the first problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise RubricError("the rubric is a mapping with version, scale, not_applicable and criteria")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise RubricError("'version' must be a non-empty text")
    scale_rows = data.get("scale")
    if not isinstance(scale_rows, list) or len(scale_rows) < 2:
        raise RubricError("'scale' must list at least two levels")
    scale = []
    for index, row in enumerate(scale_rows):
        where = f"scale[{index}]"
        value = row.get("value") if isinstance(row, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise RubricError(f"{where}: 'value' must be a whole number from 0")
        scale.append(Level(str(value), _text(row, "label", where), _text(row, "label_fr", where), value))
    if [lv.value for lv in scale] != sorted({lv.value for lv in scale}):
        raise RubricError("'scale' values must be distinct and increasing")
    na = data.get("not_applicable")
    if not isinstance(na, dict):
        raise RubricError("'not_applicable' must give a label and label_fr")
    not_applicable = Term(NOT_APPLICABLE, _text(na, "label", "not_applicable"), _text(na, "label_fr", "not_applicable"))
    rows = data.get("criteria")
    if not isinstance(rows, list) or not rows:
        raise RubricError("'criteria' must list at least one criterion")
    criteria = []
    for index, row in enumerate(rows):
        where = f"criteria[{index}]"
        if not isinstance(row, dict):
            raise RubricError(f"{where}: a criterion is a mapping")
        code = _text(row, "code", where)
        if not code.replace("_", "").isalnum() or code == NOT_APPLICABLE:
            raise RubricError(f"{where}: 'code' must be letters, digits and underscores")
        if not isinstance(row.get("not_applicable", False), bool):
            raise RubricError(f"{where}: 'not_applicable' must be true or false")
        criteria.append(Criterion(code, _text(row, "label", where), _text(row, "label_fr", where),
                                  _text(row, "description", where), _text(row, "description_fr", where),
                                  bool(row.get("not_applicable", False))))
    if len({c.code for c in criteria}) != len(criteria):
        raise RubricError("'criteria' repeats a code")
    return Rubric(version.strip(), tuple(scale), not_applicable, tuple(criteria))


@cache
def rubric() -> Rubric:
    """The rubric in force (loaded once)."""
    return load_rubric()
