"""Screening framework definitions: the data files in ``frameworks/*.yaml``, validated.

A definition is plain data (the same dict is stored in ``Framework.definition``)::

    id, version, status, kind, population, exploitation, title{en,fr}, notice{en,fr}, source,
    status_labels (optional), provisions (optional, legal checklists),
    rule:
      dimension_positive: {description{en,fr}, any_of: [[term, ...], ...]}   # default for every dimension
      conclusion: {description{en,fr}, all_of|any_of: [dimension id | {all_of|any_of: [...]}, ...]}
    dimensions: [{id, label{en,fr}, intro{en,fr}, rule (optional), indicators: [
        {id, strength: strong|medium|weak, label{en,fr}, question{en,fr}, verified?, note?}]}]

A rule term is ``{"strengths": [...], "at_least": n}`` (count the ``yes`` answers of those
strengths) or ``{"indicators": [...], "at_least": n}`` (count ``yes`` among those indicators). An
alternative holds when every one of its terms holds; a rule holds when any alternative does. Terms
and expressions only ever count ``yes`` answers and combine with AND / OR, so a rule can only become
easier to satisfy as answers turn to ``yes``: the engine's "could this still change?" logic relies
on that, and this validator refuses anything else (no NOT, no "at most").
"""

from __future__ import annotations

import re
from typing import Any

import yaml

STRENGTHS = ("strong", "medium", "weak")
STATUSES = ("provisional", "verified")
KINDS = ("indicators", "legal_checklist")
POPULATIONS = ("adult", "child", "any")
EXPLOITATIONS = ("labour", "sexual", "any")
LANGUAGES = ("en", "fr")
IDENTIFIER = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class InvalidFramework(ValueError):
    """The definition cannot be used; ``problems`` lists every reason, each naming where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def parse_yaml(text: str) -> dict:
    """Parse YAML text into a validated definition, or raise ``InvalidFramework``."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InvalidFramework([f"The text is not valid YAML{where}: {getattr(error, 'problem', error)}"]) from None
    return validate(document)


def validate(document: Any) -> dict:
    """Return the definition if it is usable; otherwise raise ``InvalidFramework`` listing problems."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise InvalidFramework(["The definition must be a mapping (key: value pairs) at the top level."])
    _check_id(document, problems)
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version: must be a whole number of 1 or more.")
    for key, allowed in (("status", STATUSES), ("kind", KINDS), ("population", POPULATIONS),
                         ("exploitation", EXPLOITATIONS)):
        if document.get(key) not in allowed:
            problems.append(f"{key}: must be one of {', '.join(allowed)} (got {document.get(key)!r}).")
    _check_text(document.get("title"), "title", problems)
    if "notice" in document:
        _check_text(document.get("notice"), "notice", problems)

    dimensions = document.get("dimensions")
    indicator_ids: dict[str, set[str]] = {}
    if not isinstance(dimensions, list) or not dimensions:
        problems.append("dimensions: must be a non-empty list.")
        dimensions = []
    for position, dimension in enumerate(dimensions, start=1):
        _check_dimension(dimension, position, indicator_ids, problems)

    rule = document.get("rule")
    if not isinstance(rule, dict):
        problems.append("rule: must be a mapping with dimension_positive and conclusion.")
    else:
        default = rule.get("dimension_positive")
        for dimension in dimensions:
            if isinstance(dimension, dict) and isinstance(dimension.get("id"), str):
                own = dimension.get("rule")
                where = f"dimensions.{dimension['id']}.rule" if own is not None else "rule.dimension_positive"
                if own is None and default is None:
                    problems.append(f"dimensions.{dimension['id']}: has no rule and there is no "
                                    "rule.dimension_positive.")
                else:
                    _check_dimension_rule(own if own is not None else default, where,
                                          indicator_ids.get(dimension["id"], set()), problems)
        _check_expression_rule(rule.get("conclusion"), "rule.conclusion", set(indicator_ids), problems)
    provisions = document.get("provisions", [])
    if not isinstance(provisions, list):
        problems.append("provisions: must be a list.")
        provisions = []
    seen_provisions: set[str] = set()
    for position, provision in enumerate(provisions, start=1):
        where = f"provisions[{position}]"
        if not isinstance(provision, dict) or not isinstance(provision.get("id"), str):
            problems.append(f"{where}: needs an id.")
            continue
        if provision["id"] in seen_provisions:
            problems.append(f"{where}: id {provision['id']!r} is used twice.")
        seen_provisions.add(provision["id"])
        _check_text(provision.get("label"), f"provisions.{provision['id']}.label", problems)
        _check_expression_rule(provision.get("rule"), f"provisions.{provision['id']}.rule", set(indicator_ids),
                               problems, needs_description=False)
    _check_status_labels(document.get("status_labels"), problems)
    if problems:
        raise InvalidFramework(problems)
    return document


def _check_id(document: dict, problems: list[str]) -> None:
    framework_id = document.get("id")
    if not isinstance(framework_id, str) or not FRAMEWORK_ID.match(framework_id):
        problems.append("id: must be lowercase letters, digits and hyphens, like ilo-adult-labour.")


def _check_text(value: Any, where: str, problems: list[str]) -> None:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip()
                                          for lang in LANGUAGES):
        problems.append(f"{where}: needs non-empty text in English (en) and French (fr).")


def _check_dimension(dimension: Any, position: int, indicator_ids: dict[str, set[str]],
                     problems: list[str]) -> None:
    if not isinstance(dimension, dict):
        problems.append(f"dimensions[{position}]: must be a mapping.")
        return
    dimension_id = dimension.get("id")
    if not isinstance(dimension_id, str) or not IDENTIFIER.match(dimension_id):
        problems.append(f"dimensions[{position}].id: must be lowercase words joined by underscores.")
        return
    if dimension_id in indicator_ids:
        problems.append(f"dimensions.{dimension_id}: this dimension id is used twice.")
        return
    ids: set[str] = set()
    indicator_ids[dimension_id] = ids
    _check_text(dimension.get("label"), f"dimensions.{dimension_id}.label", problems)
    _check_text(dimension.get("intro"), f"dimensions.{dimension_id}.intro", problems)
    indicators = dimension.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        problems.append(f"dimensions.{dimension_id}.indicators: must be a non-empty list.")
        return
    for number, indicator in enumerate(indicators, start=1):
        where = f"dimensions.{dimension_id}.indicators[{number}]"
        if not isinstance(indicator, dict):
            problems.append(f"{where}: must be a mapping.")
            continue
        indicator_id = indicator.get("id")
        if not isinstance(indicator_id, str) or not IDENTIFIER.match(indicator_id):
            problems.append(f"{where}.id: must be lowercase words joined by underscores.")
            continue
        key = f"{dimension_id}.{indicator_id}"
        if indicator_id in ids:
            problems.append(f"{key}: this indicator appears twice in the dimension.")
        ids.add(indicator_id)
        if indicator.get("strength") not in STRENGTHS:
            problems.append(f"{key}.strength: must be strong, medium or weak (got {indicator.get('strength')!r}).")
        _check_text(indicator.get("label"), f"{key}.label", problems)
        _check_text(indicator.get("question"), f"{key}.question", problems)


def _check_dimension_rule(rule: Any, where: str, ids: set[str], problems: list[str]) -> None:
    if not isinstance(rule, dict):
        problems.append(f"{where}: must be a mapping with description and any_of.")
        return
    _check_text(rule.get("description"), f"{where}.description", problems)
    alternatives = rule.get("any_of")
    if not isinstance(alternatives, list) or not alternatives:
        problems.append(f"{where}.any_of: must be a non-empty list of alternatives.")
        return
    for number, alternative in enumerate(alternatives, start=1):
        spot = f"{where}.any_of[{number}]"
        if not isinstance(alternative, list) or not alternative:
            problems.append(f"{spot}: must be a non-empty list of terms.")
            continue
        counted: list[set[str]] = []
        for term in alternative:
            if not isinstance(term, dict) or set(term) - {"strengths", "indicators", "at_least"}:
                problems.append(f"{spot}: each term is {{strengths: [...], at_least: n}} or "
                                "{indicators: [...], at_least: n}.")
                continue
            at_least = term.get("at_least")
            if not isinstance(at_least, int) or isinstance(at_least, bool) or at_least < 1:
                problems.append(f"{spot}.at_least: must be a whole number of 1 or more.")
            if ("strengths" in term) == ("indicators" in term):
                problems.append(f"{spot}: a term counts either strengths or indicators, not both.")
                continue
            if "strengths" in term:
                values = term["strengths"]
                if not isinstance(values, list) or not values or any(s not in STRENGTHS for s in values):
                    problems.append(f"{spot}.strengths: must list strong, medium and/or weak.")
                    continue
                counted.append({f"strength:{s}" for s in values})
            else:
                values = term["indicators"]
                if not isinstance(values, list) or not values:
                    problems.append(f"{spot}.indicators: must be a non-empty list.")
                    continue
                unknown = [v for v in values if v not in ids]
                if unknown:
                    problems.append(f"{spot}.indicators: not in this dimension: {', '.join(map(str, unknown))}.")
                counted.append({f"indicator:{v}" for v in values})
        # Terms of one alternative must count different things, or one "yes" would count twice.
        if len(counted) > 1 and sum(len(c) for c in counted) != len(set().union(*counted)):
            problems.append(f"{spot}: its terms overlap (the same strength or indicator counted twice).")


def _check_expression_rule(rule: Any, where: str, dimension_ids: set[str], problems: list[str], *,
                           needs_description: bool = True) -> None:
    if not isinstance(rule, dict):
        problems.append(f"{where}: must be a mapping with all_of or any_of.")
        return
    if needs_description:
        _check_text(rule.get("description"), f"{where}.description", problems)
    expression = {k: v for k, v in rule.items() if k in ("all_of", "any_of")}
    if len(expression) != 1:
        problems.append(f"{where}: needs exactly one of all_of or any_of.")
        return
    _check_expression(expression, where, dimension_ids, problems)


def _check_expression(expression: Any, where: str, dimension_ids: set[str], problems: list[str]) -> None:
    if isinstance(expression, str):
        if expression not in dimension_ids:
            problems.append(f"{where}: names {expression!r}, which is not a dimension of this framework.")
        return
    if (not isinstance(expression, dict) or len(expression) != 1
            or next(iter(expression)) not in ("all_of", "any_of")):
        problems.append(f"{where}: each part is a dimension id or {{all_of: [...]}} / {{any_of: [...]}}.")
        return
    operator, parts = next(iter(expression.items()))
    if not isinstance(parts, list) or not parts:
        problems.append(f"{where}.{operator}: must be a non-empty list.")
        return
    for part in parts:
        _check_expression(part, f"{where}.{operator}", dimension_ids, problems)


def _check_status_labels(labels: Any, problems: list[str]) -> None:
    if labels is None:
        return
    allowed = {"dimension": ("positive", "negative", "undetermined"),
               "conclusion": ("indicated", "possible", "not_indicated")}
    if not isinstance(labels, dict) or set(labels) - set(allowed):
        problems.append("status_labels: may only hold dimension and conclusion.")
        return
    for group, values in labels.items():
        if not isinstance(values, dict) or set(values) - set(allowed[group]):
            problems.append(f"status_labels.{group}: may only hold {', '.join(allowed[group])}.")
            continue
        for status, text in values.items():
            _check_text(text, f"status_labels.{group}.{status}", problems)


def dump_yaml(definition: dict) -> str:
    """The definition as YAML text (for the publish form), keys in their stored order."""
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=100)
