"""The justice and immigration rules, read from ``data/rules.yaml``.

Each block names its ``source``; a block with ``verify: true`` is one the reference says to verify,
so the office may override any of its keys in ``settings.OCTIP_JUSTICE_RULES`` (same shape) and the
pages show its values as "to verify". Nothing else in the app hard-codes a duration, a section or a
fee: it asks here, and ``octip.core.deadlines`` counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from octip.core.deadlines import ApplicationLimit, PermitPeriod

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.yaml"


@dataclass(frozen=True)
class Section:
    code: str
    cite: str
    label: str


@lru_cache(maxsize=1)
def _from_file() -> dict[str, Any]:
    with RULES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def rules() -> dict[str, Any]:
    """The rules: the file, with the overrides of ``OCTIP_JUSTICE_RULES`` merged into blocks marked
    ``verify`` (an override of another block is ignored: it is law, not a setting)."""
    merged = {name: dict(block) for name, block in _from_file().items()}
    overrides: dict[str, dict[str, Any]] = getattr(settings, "OCTIP_JUSTICE_RULES", {}) or {}
    for name, values in overrides.items():
        if name in merged and merged[name].get("verify"):
            merged[name].update(values)
            merged[name]["overridden"] = sorted(values)
    return merged


def _sections(block: str) -> tuple[Section, ...]:
    return tuple(Section(s["code"], s["cite"], s["label"]) for s in rules()[block]["sections"])


def charges() -> tuple[Section, ...]:
    return _sections("charges")


def testimonial_aids() -> tuple[Section, ...]:
    return _sections("testimonial_aids")


def publication_bans() -> tuple[Section, ...]:
    return _sections("publication_bans")


def cite_of(code: str) -> str:
    for block in ("charges", "testimonial_aids", "publication_bans"):
        for section in _sections(block):
            if section.code == code:
                return section.cite
    return code


def trp_periods() -> tuple[PermitPeriod, ...]:
    return tuple(PermitPeriod(datetime.date.fromisoformat(str(p["from"])), int(p["initial_days"]),
                              int(p["renewal_days"])) for p in rules()["trp"]["periods"])


def cvap_limit() -> ApplicationLimit:
    block = rules()["cvap"]
    return ApplicationLimit(years=int(block["years_from_offence"]), age_of_majority=int(block["age_of_majority"]),
                            sexual_offence_no_limit=bool(block["sexual_offence_no_limit"]))


def cvap_benefits() -> tuple[str, ...]:
    return tuple(rules()["cvap"]["benefits"])


def reminder_days(kind: str) -> tuple[int, ...]:
    return tuple(int(d) for d in rules()["reminders"]["days_before"].get(kind, ()))


def legal_basis_access_days() -> int:
    return int(rules()["police_access"]["legal_basis_days"])


def summary() -> list[dict[str, Any]]:
    """The blocks as the rules page shows them: name, source, whether to verify, values."""
    return [{"name": name, "source": block.get("source", ""), "verify": bool(block.get("verify")),
             "overridden": block.get("overridden", []),
             "values": {k: v for k, v in block.items() if k not in {"source", "verify", "overridden"}}}
            for name, block in rules().items()]
