"""The screening rule engine: ``assess(definition, answers)`` → ``Assessment``. A pure function.

Semantics (issue #4, exactly):

* A dimension is ``positive`` when its ``yes`` answers satisfy its rule; ``negative`` when the rule
  could not be satisfied even if every ``unknown`` in it were ``yes``; otherwise ``undetermined``.
* The conclusion is ``indicated`` when the combination rule holds on the positive dimensions;
  ``not_indicated`` when it could not hold even if every undetermined dimension became positive;
  otherwise ``possible``.

Rules only count ``yes`` answers and combine with AND / OR (``definition.validate`` refuses anything
else), so they are monotone: more ``yes`` never makes a rule fail. Hence ``indicated`` and
``not_indicated`` can never be changed by answering the unknowns, and only a ``possible``
conclusion has unknowns that could change it.

Nothing here touches the database; the explanation is produced in the language asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from .definition import STRENGTHS

ANSWERS = ("yes", "no", "unknown")
DIMENSION_STATUSES = ("negative", "undetermined", "positive")  # low → high
CONCLUSIONS = ("not_indicated", "possible", "indicated")  # low → high


class InvalidAnswers(ValueError):
    """An answer key is not ``dimension.indicator`` of the framework, or its value is not yes/no/unknown."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


@dataclass(frozen=True)
class DimensionResult:
    id: str
    status: str
    present: dict[str, list[str]]  # strength → indicator ids answered yes
    counted: list[str]  # indicator ids (answered yes) that satisfy the rule, when positive
    unknown: list[str]  # indicator ids not answered, that the rule counts


@dataclass(frozen=True)
class Assessment:
    framework: str
    version: int
    status: str
    dimensions: dict[str, DimensionResult]
    conclusion: str
    explanation: list[str]
    #: ``dimension.indicator`` keys answered ``unknown`` that could change a ``possible`` conclusion.
    decisive_unknowns: list[str] = field(default_factory=list)
    #: provision id → indicated / possible / not_indicated (legal checklists only).
    provisions: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The shape of ``POST /api/v1/screening/evaluate``, exactly."""
        return {
            "framework": self.framework,
            "version": self.version,
            "status": self.status,
            "dimensions": {d.id: {"status": d.status, "present": d.present} for d in self.dimensions.values()},
            "conclusion": self.conclusion,
            "explanation": list(self.explanation),
        }


def answer_keys(definition: Mapping) -> list[str]:
    return [f"{d['id']}.{i['id']}" for d in definition["dimensions"] for i in d["indicators"]]


def normalize_answers(definition: Mapping, answers: Mapping[str, Any] | None) -> dict[str, str]:
    """Every key of the framework with its answer; missing keys count as ``unknown``.

    Raises ``InvalidAnswers`` naming the first offending key (in sorted order, so the message does
    not depend on the order the answers came in).
    """
    keys = answer_keys(definition)
    known = set(keys)
    answers = answers or {}
    if not isinstance(answers, Mapping):
        raise InvalidAnswers("answers", "must be an object of \"dimension.indicator\": \"yes\" | \"no\" | \"unknown\".")
    for key in sorted(answers, key=str):
        if key not in known:
            raise InvalidAnswers(str(key), "is not a question of this framework (expected \"dimension.indicator\").")
        if answers[key] not in ANSWERS:
            raise InvalidAnswers(str(key), f"must be yes, no or unknown (got {answers[key]!r}).")
    return {key: answers.get(key, "unknown") for key in keys}


def _term_members(term: Mapping, indicators: list[Mapping]) -> set[str]:
    if "strengths" in term:
        return {i["id"] for i in indicators if i["strength"] in term["strengths"]}
    return set(term["indicators"])


def _alternatives(rule: Mapping, indicators: list[Mapping]) -> list[list[tuple[set[str], int]]]:
    return [[(_term_members(term, indicators), term["at_least"]) for term in alternative]
            for alternative in rule["any_of"]]


def _satisfied(alternatives: list[list[tuple[set[str], int]]], chosen: set[str]) -> list[int]:
    """Indexes of the alternatives that ``chosen`` (indicator ids answered yes) satisfies."""
    return [n for n, terms in enumerate(alternatives)
            if all(len(members & chosen) >= at_least for members, at_least in terms)]


def _holds(expression: Any, positive: set[str]) -> bool:
    if isinstance(expression, str):
        return expression in positive
    operator, parts = next((k, v) for k, v in expression.items() if k in ("all_of", "any_of"))
    results = (_holds(part, positive) for part in parts)
    return all(results) if operator == "all_of" else any(results)


def _three_way(expression: Any, positive: set[str], undetermined: set[str]) -> str:
    if _holds(expression, positive):
        return "indicated"
    if not _holds(expression, positive | undetermined):
        return "not_indicated"
    return "possible"


def _pivotal(expression: Any, positive: set[str], undetermined: set[str]) -> set[str]:
    """Undetermined dimensions whose outcome can still flip the expression, for some outcome of the others."""
    pivotal = set()
    for dimension in sorted(undetermined):
        others = sorted(undetermined - {dimension})
        for size in range(len(others) + 1):
            if any(_holds(expression, positive | set(combo) | {dimension})
                   != _holds(expression, positive | set(combo)) for combo in combinations(others, size)):
                pivotal.add(dimension)
                break
    return pivotal


def _text(value: Mapping, language: str) -> str:
    return value.get(language) or value["en"]


def status_label(definition: Mapping, group: str, status: str, language: str) -> str:
    """The words shown for a status (framework data may override the defaults)."""
    custom = (definition.get("status_labels") or {}).get(group, {}).get(status)
    if custom:
        return _text(custom, language)
    with translation.override(language):
        return str(_DEFAULT_LABELS[group][status]())


_DEFAULT_LABELS = {
    "dimension": {"positive": lambda: _("positive"), "negative": lambda: _("negative"),
                  "undetermined": lambda: _("undetermined")},
    "conclusion": {"indicated": lambda: _("Trafficking indicated: refer for formal identification"),
                   "possible": lambda: _("Trafficking possible: more information is needed"),
                   "not_indicated": lambda: _("Trafficking not indicated by these answers")},
}


def assess(definition: Mapping, answers: Mapping[str, Any] | None, *, language: str = "en") -> Assessment:
    """Score ``answers`` (``{"dimension.indicator": "yes" | "no" | "unknown"}``) against ``definition``.

    Raises ``InvalidAnswers`` for a key or value the framework does not know.
    """
    language = language if language in ("en", "fr") else "en"
    normalized = normalize_answers(definition, answers)
    default_rule = definition["rule"].get("dimension_positive")
    results: dict[str, DimensionResult] = {}
    for dimension in definition["dimensions"]:
        indicators = dimension["indicators"]
        alternatives = _alternatives(dimension.get("rule") or default_rule, indicators)
        relevant = set().union(*(members for terms in alternatives for members, _n in terms))
        yes = {i["id"] for i in indicators if normalized[f"{dimension['id']}.{i['id']}"] == "yes"}
        unknown = {i["id"] for i in indicators if normalized[f"{dimension['id']}.{i['id']}"] == "unknown"}
        met = _satisfied(alternatives, yes)
        if met:
            status = "positive"
        elif not _satisfied(alternatives, yes | unknown):
            status = "negative"
        else:
            status = "undetermined"
        counted = set()
        for n in met:
            for members, _n in alternatives[n]:
                counted |= members & yes
        order = [i["id"] for i in indicators]
        results[dimension["id"]] = DimensionResult(
            id=dimension["id"], status=status,
            present={s: [i["id"] for i in indicators if i["strength"] == s and i["id"] in yes] for s in STRENGTHS},
            counted=[i for i in order if i in counted],
            unknown=[i for i in order if i in unknown and i in relevant])

    positive = {d for d, r in results.items() if r.status == "positive"}
    undetermined = {d for d, r in results.items() if r.status == "undetermined"}
    conclusion_rule = definition["rule"]["conclusion"]
    conclusion = _three_way(conclusion_rule, positive, undetermined)
    decisive: list[str] = []
    if conclusion == "possible":
        pivotal = _pivotal(conclusion_rule, positive, undetermined)
        decisive = [f"{d['id']}.{i}" for d in definition["dimensions"] if d["id"] in pivotal
                    for i in results[d["id"]].unknown]
    provisions = {p["id"]: _three_way(p["rule"], positive, undetermined) for p in definition.get("provisions", [])}
    explanation = _explain(definition, results, conclusion, decisive, provisions, language)
    return Assessment(framework=definition["id"], version=definition["version"], status=definition["status"],
                      dimensions=results, conclusion=conclusion, explanation=explanation,
                      decisive_unknowns=decisive, provisions=provisions)


def _explain(definition: Mapping, results: dict[str, DimensionResult], conclusion: str,
             decisive: list[str], provisions: dict[str, str], language: str) -> list[str]:
    labels = {d["id"]: d for d in definition["dimensions"]}
    indicator = {(d["id"], i["id"]): i for d in definition["dimensions"] for i in d["indicators"]}
    lines: list[str] = []
    with translation.override(language):
        strength_words = {"strong": _("strong"), "medium": _("medium"), "weak": _("weak")}
        for dimension_id, result in results.items():
            name = _text(labels[dimension_id]["label"], language)
            status = status_label(definition, "dimension", result.status, language)
            if result.status == "positive":
                because = "; ".join(
                    f"{_text(indicator[(dimension_id, i)]['label'], language)} "
                    f"({strength_words[indicator[(dimension_id, i)]['strength']]})" for i in result.counted)
                lines.append(_("%(dimension)s: %(status)s, because of: %(indicators)s.")
                             % {"dimension": name, "status": status, "indicators": because})
            elif result.status == "negative":
                lines.append(_("%(dimension)s: %(status)s. Even if every \"don't know\" here were yes, the "
                               "rule would not be met.") % {"dimension": name, "status": status})
            else:
                lines.append(_("%(dimension)s: %(status)s. Not enough yes answers yet; %(count)s "
                               "\"don't know\" answers here could still change it.")
                             % {"dimension": name, "status": status, "count": len(result.unknown)})
        lines.append(_("Conclusion: %(conclusion)s. %(rule)s") % {
            "conclusion": status_label(definition, "conclusion", conclusion, language),
            "rule": _text(definition["rule"]["conclusion"]["description"], language)})
        for provision in definition.get("provisions", []):
            outcome = {"indicated": _("supported by the answers"), "possible": _("possibly supported; not known yet"),
                       "not_indicated": _("not supported by the answers")}[provisions[provision["id"]]]
            lines.append(_("%(provision)s: elements %(outcome)s.")
                         % {"provision": _text(provision["label"], language), "outcome": outcome})
        if decisive:
            listed = "; ".join(
                f"{_text(labels[key.split('.', 1)[0]]['label'], language)} — "
                f"{_text(indicator[tuple(key.split('.', 1))]['label'], language)}" for key in decisive)
            lines.append(_("These questions answered \"don't know\" could change the conclusion: %(unknowns)s.")
                         % {"unknowns": listed})
        else:
            lines.append(_("No question answered \"don't know\" could change this conclusion."))
    return lines
