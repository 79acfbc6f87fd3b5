"""The phone lines shown on the public site and in the app (data in ``phone_lines.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import get_language


@dataclass(frozen=True)
class PhoneLine:
    id: str
    name: str
    number: str
    note: str

    @property
    def tel(self) -> str:
        return "".join(ch for ch in self.number if ch.isdigit())


@lru_cache(maxsize=1)
def _entries() -> list[dict]:
    return yaml.safe_load((Path(__file__).parent / "phone_lines.yaml").read_text(encoding="utf-8"))


def phone_lines() -> list[PhoneLine]:
    french = (get_language() or "en").startswith("fr")
    return [PhoneLine(e["id"], (e.get("name_fr") if french else None) or e["name"], str(e["number"]),
                      (e.get("note_fr") if french else None) or e.get("note", "")) for e in _entries()]
