"""The engine against hand-worked cases, one per rule branch."""

from __future__ import annotations

import pytest

from octip.screening import engine
from octip.screening.definition import parse_yaml
from octip.screening.loader import framework_files

ILO_RULE = {
    "description": {"en": "ILO rule", "fr": "Règle OIT"},
    "any_of": [
        [{"strengths": ["strong"], "at_least": 2}],
        [{"strengths": ["strong"], "at_least": 1}, {"strengths": ["medium", "weak"], "at_least": 1}],
        [{"strengths": ["medium"], "at_least": 3}],
        [{"strengths": ["medium"], "at_least": 2}, {"strengths": ["weak"], "at_least": 1}],
    ],
}


def _indicator(id_, strength):
    return {"id": id_, "strength": strength, "label": {"en": f"Label {id_}", "fr": f"Libellé {id_}"},
            "question": {"en": f"Question {id_}?", "fr": f"Question {id_} ?"}}


def _dimension(id_, indicators):
    return {"id": id_, "label": {"en": f"Dim {id_}", "fr": f"Dim FR {id_}"}, "intro": {"en": "i", "fr": "i"},
            "indicators": [_indicator(i, s) for i, s in indicators]}


# One dimension d with 2 strong, 3 medium, 2 weak indicators; a second dimension e for combinations.
DIM = [("s1", "strong"), ("s2", "strong"), ("m1", "medium"), ("m2", "medium"), ("m3", "medium"),
       ("w1", "weak"), ("w2", "weak")]


def toy(conclusion):
    return {"id": "toy", "version": 1, "status": "provisional", "kind": "indicators", "population": "adult",
            "exploitation": "labour", "title": {"en": "Toy", "fr": "Jouet"},
            "rule": {"dimension_positive": ILO_RULE,
                     "conclusion": {"description": {"en": "d and e", "fr": "d et e"}, **conclusion}},
            "dimensions": [_dimension("d", DIM), _dimension("e", DIM)]}


AND = toy({"all_of": ["d", "e"]})


def answers(dimension="d", default="no", **values):
    keys = [i for i, _s in DIM]
    result = {f"{dimension}.{k}": default for k in keys}
    result.update({f"{dimension}.{k}": v for k, v in values.items()})
    return result


@pytest.mark.parametrize("yes", [
    ("s1", "s2"),  # 2 strong
    ("s1", "m1"),  # 1 strong + 1 medium
    ("s1", "w1"),  # 1 strong + 1 weak
    ("m1", "m2", "m3"),  # 3 medium
    ("m1", "m2", "w1"),  # 2 medium + 1 weak
])
def test_each_alternative_of_the_dimension_rule_makes_it_positive(yes):
    result = engine.assess(AND, answers(**dict.fromkeys(yes, "yes")))
    assert result.dimensions["d"].status == "positive"
    assert set(result.dimensions["d"].counted) == set(yes)


@pytest.mark.parametrize("yes", [("s1",), ("w1", "w2"), ("m1", "m2"), ("m1", "w1", "w2"), ()])
def test_not_enough_yes_with_nothing_unknown_is_negative(yes):
    assert engine.assess(AND, answers(**dict.fromkeys(yes, "yes"))).dimensions["d"].status == "negative"


def test_one_strong_with_an_unknown_that_could_complete_it_is_undetermined():
    result = engine.assess(AND, answers(s1="yes", w2="unknown"))
    assert result.dimensions["d"].status == "undetermined"
    assert result.dimensions["d"].unknown == ["w2"]


def test_unknowns_that_cannot_reach_the_threshold_leave_it_negative():
    # Only weak unknowns and nothing else: weak indicators alone never make a dimension positive.
    assert engine.assess(AND, answers(w1="unknown", w2="unknown")).dimensions["d"].status == "negative"


def test_missing_answers_count_as_unknown():
    result = engine.assess(AND, {})
    assert {d.status for d in result.dimensions.values()} == {"undetermined"}
    assert result.conclusion == "possible"


def test_present_groups_yes_answers_by_strength():
    result = engine.assess(AND, answers(s1="yes", m2="yes", w1="yes"))
    assert result.dimensions["d"].present == {"strong": ["s1"], "medium": ["m2"], "weak": ["w1"]}


def test_conclusion_indicated_when_the_combination_holds_on_positive_dimensions():
    given = {**answers("d", s1="yes", s2="yes"), **answers("e", m1="yes", m2="yes", m3="yes")}
    result = engine.assess(AND, given)
    assert result.conclusion == "indicated"
    assert result.decisive_unknowns == []


def test_conclusion_not_indicated_when_it_could_not_hold_even_with_undetermined_positive():
    # e is negative, so "d AND e" cannot hold whatever d's unknowns turn out to be.
    given = {**answers("d", default="unknown"), **answers("e")}
    result = engine.assess(AND, given)
    assert result.dimensions["d"].status == "undetermined"
    assert result.conclusion == "not_indicated"
    assert result.decisive_unknowns == []


def test_conclusion_possible_names_only_unknowns_that_could_change_it():
    either = toy({"all_of": ["d", {"any_of": ["e", "d"]}]})
    given = {**answers("d", s1="yes", m1="unknown"), **answers("e", default="unknown")}
    result = engine.assess(either, given)
    assert result.conclusion == "possible"
    # e is undetermined but cannot change "d AND (e OR d)": only d's unknown matters.
    assert result.decisive_unknowns == ["d.m1"]


def test_or_combination_is_indicated_by_one_positive_dimension():
    either = toy({"any_of": ["d", "e"]})
    given = {**answers("d", s1="yes", s2="yes"), **answers("e", default="unknown")}
    assert engine.assess(either, given).conclusion == "indicated"


def test_explanation_names_the_indicators_and_the_unknowns_in_english_and_french():
    given = {**answers("d", s1="yes", m1="yes"), **answers("e", s1="yes", w1="unknown")}
    english = engine.assess(AND, given, language="en")
    assert english.conclusion == "possible"
    assert any("Dim d" in line and "Label s1" in line and "Label m1" in line for line in english.explanation)
    assert any("could change the conclusion" in line and "Label w1" in line for line in english.explanation)
    french = engine.assess(AND, given, language="fr")
    assert any("Libellé s1" in line and "Libellé m1" in line for line in french.explanation)
    assert any("pourraient changer la conclusion" in line and "Libellé w1" in line for line in french.explanation)


def test_unknown_key_or_value_is_refused_naming_the_key():
    with pytest.raises(engine.InvalidAnswers) as bad_key:
        engine.assess(AND, {"d.s1": "yes", "d.nope": "yes"})
    assert bad_key.value.key == "d.nope"
    with pytest.raises(engine.InvalidAnswers) as bad_value:
        engine.assess(AND, {"d.s1": "maybe"})
    assert bad_value.value.key == "d.s1"


def test_as_dict_has_exactly_the_issue_shape():
    shape = engine.assess(AND, {}).as_dict()
    assert set(shape) == {"framework", "version", "status", "dimensions", "conclusion", "explanation"}
    assert set(shape["dimensions"]["d"]) == {"status", "present"}
    assert set(shape["dimensions"]["d"]["present"]) == {"strong", "medium", "weak"}


# --- The shipped frameworks -------------------------------------------------------------------

def shipped(name):
    path = next(p for p in framework_files() if p.stem == name)
    return parse_yaml(path.read_text(encoding="utf-8"))


def test_adult_labour_needs_recruitment_exploitation_and_coercion():
    framework = shipped("ilo-adult-labour")
    given = {
        "deceptive_recruitment.deceived_nature_of_job": "yes", "deceptive_recruitment.deceived_wages": "yes",
        "exploitative_conditions.excessive_working_hours": "yes", "exploitative_conditions.low_or_no_salary": "yes",
    }
    assert engine.assess(framework, given).conclusion == "possible"
    given.update({"coercion_at_destination.confiscation_of_documents": "yes",
                  "coercion_at_destination.debt_bondage": "yes"})
    assert engine.assess(framework, given).conclusion == "indicated"
    # Exploitative conditions answered all "no": the adult rule can no longer hold.
    all_no = {f"exploitative_conditions.{i['id']}": "no" for d in framework["dimensions"]
              if d["id"] == "exploitative_conditions" for i in d["indicators"]}
    assert engine.assess(framework, {**given, **all_no}).conclusion == "not_indicated"


def test_child_labour_needs_no_means_only_the_act_and_exploitation():
    framework = shipped("ilo-child-labour")
    given = {"act.recruited_or_moved": "yes", "exploitative_conditions.excessive_working_hours": "yes",
             "exploitative_conditions.hazardous_work": "yes"}
    result = engine.assess(framework, given)
    assert result.dimensions["deceptive_recruitment"].status == "undetermined"
    assert result.conclusion == "indicated"
    assert engine.assess(framework, {**given, "act.recruited_or_moved": "no"}).conclusion == "not_indicated"


def test_palermo_needs_a_means_for_an_adult_but_not_for_a_child():
    framework = shipped("palermo")
    base = {"act.recruitment": "yes", "purpose.forced_labour_or_services": "yes"}
    means_no = {f"means.{i}": "no" for i in ("threat_or_use_of_force", "coercion", "abduction", "fraud_or_deception",
                                             "abuse_of_power_or_vulnerability", "payments_to_person_in_control")}
    adult = engine.assess(framework, {**base, **means_no, "child.person_under_18": "no"})
    assert adult.conclusion == "not_indicated"
    child = engine.assess(framework, {**base, **means_no, "child.person_under_18": "yes"})
    assert child.conclusion == "indicated"
    assert child.provisions == {"art3_a": "not_indicated", "art3_c": "indicated"}


def test_criminal_code_reports_elements_per_section_never_guilt():
    framework = shipped("ca-criminal-code")
    given = {"act.recruited": "yes", "exploitation.provides_labour_or_service": "yes",
             "exploitation.fears_for_others_safety": "yes", "documents.documents_withheld": "yes",
             "under_18.person_under_18": "no"}
    result = engine.assess(framework, given)
    assert result.conclusion == "indicated"
    assert result.provisions == {"s279_01": "indicated", "s279_011": "not_indicated", "s279_03": "indicated",
                                 "s279_04": "indicated"}
    text = " ".join(result.explanation)
    assert "guilt" in text and "s. 279.03" in text
    # Providing work without any fear for safety is not exploitation as s. 279.04 defines it.
    no_fear = {**given, "exploitation.fears_for_others_safety": "no", "exploitation.fears_for_own_safety": "no",
               "exploitation.organ_or_tissue_removal": "no"}
    assert engine.assess(framework, no_fear).dimensions["exploitation"].status == "negative"
