"""The framework data files, their validator and the loader."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from octip.screening.definition import InvalidFramework, parse_yaml, validate
from octip.screening.loader import framework_files, load_frameworks
from octip.screening.models import Framework

REFERENCE = Path("/work/shared/reference/ilo_indicators.yaml")
SHIPPED = {p.stem: parse_yaml(p.read_text(encoding="utf-8")) for p in framework_files()}


def test_the_six_frameworks_ship_and_are_provisional():
    assert set(SHIPPED) == {"ilo-adult-labour", "ilo-adult-sexual", "ilo-child-labour", "ilo-child-sexual",
                            "ca-criminal-code", "palermo"}
    assert {d["status"] for d in SHIPPED.values()} == {"provisional"}


def test_every_question_has_english_and_french():
    for definition in SHIPPED.values():
        for dimension in definition["dimensions"]:
            for indicator in dimension["indicators"]:
                assert indicator["question"]["en"].endswith("?")
                assert indicator["question"]["fr"].endswith("?")


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference file not on this machine")
@pytest.mark.parametrize(("slug", "key"), [("ilo-adult-labour", "adult_labour"), ("ilo-adult-sexual", "adult_sexual"),
                                           ("ilo-child-labour", "child_labour"), ("ilo-child-sexual", "child_sexual")])
def test_ilo_lists_keep_the_reference_ids_and_strengths(slug, key):
    reference = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))["lists"][key]
    expected = {(dim, item["id"], strength) for dim, body in reference.items() if isinstance(body, dict)
                for strength in ("strong", "medium", "weak") for item in body.get(strength) or []}
    ours = {(d["id"], i["id"], i["strength"]) for d in SHIPPED[slug]["dimensions"] for i in d["indicators"]}
    extra = ours - expected
    assert expected <= ours
    # The child lists add exactly one question: the act.
    assert extra == ({("act", "recruited_or_moved", "strong")} if "child" in slug else set())


def _broken(mutate):
    definition = copy.deepcopy(SHIPPED["ilo-adult-labour"])
    mutate(definition)
    with pytest.raises(InvalidFramework) as invalid:
        validate(definition)
    return " ".join(invalid.value.problems)


def test_validator_names_each_problem():
    assert "strength" in _broken(lambda d: d["dimensions"][0]["indicators"][0].update(strength="huge"))
    assert "French" in _broken(lambda d: d["dimensions"][0]["indicators"][0]["question"].pop("fr"))
    assert "not a dimension" in _broken(lambda d: d["rule"]["conclusion"]["all_of"].append("nowhere"))
    assert "at_least" in _broken(lambda d: d["rule"]["dimension_positive"]["any_of"][0][0].update(at_least=0))
    assert "overlap" in _broken(lambda d: d["rule"]["dimension_positive"]["any_of"][0].append(
        {"strengths": ["strong"], "at_least": 1}))
    assert "twice" in _broken(lambda d: d["dimensions"][0]["indicators"].append(
        copy.deepcopy(d["dimensions"][0]["indicators"][0])))
    assert "status" in _broken(lambda d: d.update(status="final"))
    # A "not" would break monotonicity: only all_of / any_of are accepted.
    assert "all_of" in _broken(lambda d: d["rule"].update(conclusion={"description": {"en": "x", "fr": "x"},
                                                                      "not": ["exploitative_conditions"]}))


def test_not_yaml_is_a_clear_error():
    with pytest.raises(InvalidFramework, match="not valid YAML"):
        parse_yaml("id: [unclosed")
    with pytest.raises(InvalidFramework, match="mapping"):
        parse_yaml("- just\n- a list\n")


@pytest.mark.django_db
def test_migration_loaded_the_frameworks_and_loading_again_creates_nothing():
    assert set(Framework.objects.values_list("slug", flat=True)) == set(SHIPPED)
    count = Framework.objects.count()
    report = load_frameworks(Framework)
    assert report.created == [] and len(report.unchanged) == len(SHIPPED)
    call_command("load_frameworks", stdout=__import__("io").StringIO())
    assert Framework.objects.count() == count


@pytest.mark.django_db
def test_a_changed_file_without_a_new_version_never_overwrites_a_stored_version(tmp_path):
    for path in framework_files():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    edited = tmp_path / "palermo.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("status: provisional", "status: verified", 1),
                      encoding="utf-8")
    before = Framework.objects.get(slug="palermo", version=1).definition
    report = load_frameworks(Framework, directory=tmp_path)
    assert report.conflicts == ["palermo v1"]
    assert Framework.objects.get(slug="palermo", version=1).definition == before


@pytest.mark.django_db
def test_an_invalid_file_loads_nothing(tmp_path):
    Framework.objects.all().delete()
    (tmp_path / "a-good.yaml").write_text(yaml.safe_dump({**SHIPPED["palermo"], "id": "a-good"}), encoding="utf-8")
    (tmp_path / "b-bad.yaml").write_text("id: b-bad\nversion: 1\n", encoding="utf-8")
    with pytest.raises(InvalidFramework, match="b-bad.yaml"):
        load_frameworks(Framework, directory=tmp_path)
    assert not Framework.objects.exists()
