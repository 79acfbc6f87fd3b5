"""Print the answers observed by ``OCTIP_ACCESS_MATRIX_PRINT=1 pytest tests/security/test_access_matrix.py``
as the compact ``DEFAULTS`` and ``ROUTES`` of octip/core/access_matrix.py, to review before pasting.

    python tests/security/print_access_matrix.py > /tmp/table.py

A printed table is what the platform does, not what it should do: read each line before it goes in.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("coordinator", "caseworker", "screener", "hotline_operator", "police_liaison", "analyst", "trainer",
         "org_admin", "auditor", "system_admin", "anonymous")


def prefix_of(key: str) -> str:
    if " " in key:  # "GET /api/v1/cases"
        return key.split(" ")[0] + " /api/v1/"
    return key.split(":")[0] + ":" if ":" in key else ""


def value(sides: dict[str, int]):
    if "none" in sides:
        return sides["none"]
    own, other = sides["own"], sides["other"]
    return own if own == other else (own, other)


def cheapest(values: dict[str, object], inherited: dict[str, object]) -> dict[str, object]:
    """The fewest entries that give ``values``: with no ``*``, or with the best ``*``."""
    best = {r: v for r, v in values.items() if inherited.get(r) != v}
    for star in set(values.values()):
        line = {"*": star, **{r: v for r, v in values.items() if v != star}}
        if len(line) < len(best):
            best = line
    return best


def literal(line: dict[str, object]) -> str:
    order = ["*", *ROLES]
    return "{" + ", ".join(f'"{r}": {line[r]!r}' for r in order if r in line) + "}"


def main() -> None:
    seen: dict[str, dict[str, object]] = {}
    for role in ROLES:
        data = json.loads((ROOT / "bench" / "results" / f".access-{role}.json").read_text())
        for key, sides in data.items():
            seen.setdefault(key, {})[role] = value(sides)
    groups: dict[str, list[str]] = {}
    for key in seen:
        groups.setdefault(prefix_of(key), []).append(key)
    defaults: dict[str, dict[str, object]] = {}
    for prefix, keys in groups.items():
        per_role = {role: Counter(repr(seen[k][role]) for k in keys).most_common(1)[0][0] for role in ROLES}
        defaults[prefix] = cheapest({r: eval(v) for r, v in per_role.items()}, {})  # noqa: S307 (own repr)
    out = sys.stdout
    out.write("DEFAULTS: dict[str, Expect] = {\n")
    for prefix in sorted(defaults):
        out.write(f'    "{prefix}": {literal(defaults[prefix])},\n')
    out.write("}\n\nROUTES: dict[str, Expect] = {\n")
    for prefix in sorted(groups):
        d = defaults[prefix]
        inherited = {r: d.get(r, d.get("*")) for r in ROLES}
        out.write(f"    # {prefix or '(no namespace)'}\n")
        for key in groups[prefix]:
            line = cheapest(seen[key], inherited)
            if "*" not in line:
                line = {r: v for r, v in line.items() if inherited.get(r) != v}
            else:
                line = {r: v for r, v in line.items() if r == "*" or v != line["*"]}
            out.write(f'    "{key}": {literal(line)},\n')
    out.write("}\n")


if __name__ == "__main__":
    main()
