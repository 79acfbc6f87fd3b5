"""Properties of the engine on every shipped framework (hypothesis).

* turning an ``unknown`` into ``yes`` never moves a dimension or the conclusion downward;
* turning an ``unknown`` into ``no`` never moves them upward;
* the result does not depend on the order of the answers.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from octip.screening import engine
from octip.screening.definition import parse_yaml
from octip.screening.loader import framework_files

FRAMEWORKS = {p.stem: parse_yaml(p.read_text(encoding="utf-8")) for p in framework_files()}
DIMENSION_RANK = {s: n for n, s in enumerate(engine.DIMENSION_STATUSES)}
CONCLUSION_RANK = {s: n for n, s in enumerate(engine.CONCLUSIONS)}


@st.composite
def answers_with_an_unknown(draw):
    """A framework, answers for it (some keys left out: unknown) and one key whose answer is unknown."""
    name = draw(st.sampled_from(sorted(FRAMEWORKS)))
    keys = engine.answer_keys(FRAMEWORKS[name])
    answers = {key: draw(st.sampled_from(["yes", "no", "unknown", None])) for key in keys}
    target = draw(st.sampled_from(keys))
    answers[target] = draw(st.sampled_from(["unknown", None]))
    return name, {k: v for k, v in answers.items() if v is not None}, target


def _ranks(assessment):
    return ({d: DIMENSION_RANK[r.status] for d, r in assessment.dimensions.items()},
            CONCLUSION_RANK[assessment.conclusion])


@settings(max_examples=300, deadline=None)
@given(answers_with_an_unknown())
def test_unknown_to_yes_never_moves_anything_down(case):
    name, answers, target = case
    before_dims, before = _ranks(engine.assess(FRAMEWORKS[name], answers))
    after_dims, after = _ranks(engine.assess(FRAMEWORKS[name], {**answers, target: "yes"}))
    assert after >= before
    assert all(after_dims[d] >= before_dims[d] for d in before_dims)


@settings(max_examples=300, deadline=None)
@given(answers_with_an_unknown())
def test_unknown_to_no_never_moves_anything_up(case):
    name, answers, target = case
    before_dims, before = _ranks(engine.assess(FRAMEWORKS[name], answers))
    after_dims, after = _ranks(engine.assess(FRAMEWORKS[name], {**answers, target: "no"}))
    assert after <= before
    assert all(after_dims[d] <= before_dims[d] for d in before_dims)


@settings(max_examples=200, deadline=None)
@given(answers_with_an_unknown(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_answer_order(case, rnd):
    name, answers, _target = case
    items = list(answers.items())
    rnd.shuffle(items)
    assert engine.assess(FRAMEWORKS[name], dict(items)) == engine.assess(FRAMEWORKS[name], answers)


@settings(max_examples=200, deadline=None)
@given(answers_with_an_unknown())
def test_only_a_possible_conclusion_has_unknowns_that_could_change_it(case):
    name, answers, _target = case
    result = engine.assess(FRAMEWORKS[name], answers)
    if result.conclusion != "possible":
        assert result.decisive_unknowns == []
    for key in result.decisive_unknowns:
        assert answers.get(key, "unknown") == "unknown"


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_every_answer_yes_or_every_answer_no_is_decided(name):
    keys = engine.answer_keys(FRAMEWORKS[name])
    assert engine.assess(FRAMEWORKS[name], dict.fromkeys(keys, "no")).conclusion == "not_indicated"
    assert engine.assess(FRAMEWORKS[name], dict.fromkeys(keys, "yes")).conclusion == "indicated"
