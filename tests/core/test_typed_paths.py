"""The typed paths are named once ([tool.mypy] files) and the annotation rules follow them."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MYPY_FILES: list[str] = CONFIG["tool"]["mypy"]["files"]


def _checked_by_mypy() -> set[Path]:
    checked: set[Path] = set()
    for pattern in MYPY_FILES:
        for match in ROOT.glob(pattern):
            checked |= set(match.rglob("*.py")) if match.is_dir() else {match}
    return checked


def test_ruff_annotation_rules_apply_to_exactly_the_mypy_paths():
    ignores = CONFIG["tool"]["ruff"]["lint"]["per-file-ignores"]
    negated = [pattern for pattern, rules in ignores.items() if pattern.startswith("!") and "ANN" in rules]
    assert len(negated) == 1, "one negated pattern: ANN is ignored everywhere except the typed paths"
    assert negated[0].startswith("!{") and negated[0].endswith("}")
    typed = negated[0][2:-1].split(",")
    assert sorted(typed) == sorted(p if p.endswith(".py") else f"{p}/**" for p in MYPY_FILES)


def test_every_services_and_selectors_module_is_type_checked():
    rooms = {p for p in (ROOT / "octip").rglob("*.py")
             if "migrations" not in p.parts
             and ({"services", "selectors"} & {p.stem, p.parent.name})}
    assert rooms, "no services or selectors module found"
    missing = sorted(str(p.relative_to(ROOT)) for p in rooms - _checked_by_mypy())
    assert not missing, f"add these to [tool.mypy] files in pyproject.toml: {missing}"


def test_the_policy_and_core_are_type_checked():
    checked = _checked_by_mypy()
    assert ROOT / "octip/consent/policy.py" in checked
    assert ROOT / "octip/core/access.py" in checked
