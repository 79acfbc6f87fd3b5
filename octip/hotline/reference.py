"""Reference lists of the 24/7 line, loaded from ``hotline/data/`` (data, not code): the categories a
contact is about and the kinds of caller flag. Labels have an English and a French form."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Category:
    """One category of ``data/contact_categories.yaml``; ``trafficking`` marks a potential trafficking
    situation (a contact with one counts towards a case)."""

    code: str
    label_en: str
    label_fr: str
    trafficking: bool

    @property
    def label(self) -> str:
        return self.label_fr if (get_language() or "").startswith("fr") and self.label_fr else self.label_en

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class FlagKind:
    """One kind of caller flag of ``data/caller_flag_kinds.yaml``, with its default lifetime."""

    code: str
    label_en: str
    label_fr: str
    days: int

    @property
    def label(self) -> str:
        return self.label_fr if (get_language() or "").startswith("fr") and self.label_fr else self.label_en

    def __str__(self) -> str:
        return self.label


def _rows(name: str) -> list[dict]:
    rows = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    if len({r["code"] for r in rows}) != len(rows):
        raise ValueError(f"{name} repeats a code")
    return rows


@cache
def categories() -> tuple[Category, ...]:
    return tuple(Category(r["code"], r["label"], r.get("label_fr", ""), bool(r.get("trafficking")))
                 for r in _rows("contact_categories.yaml"))


def category(code: str) -> Category | None:
    return next((c for c in categories() if c.code == code), None)


def trafficking_codes() -> frozenset[str]:
    return frozenset(c.code for c in categories() if c.trafficking)


@cache
def flag_kinds() -> tuple[FlagKind, ...]:
    return tuple(FlagKind(r["code"], r["label"], r.get("label_fr", ""), int(r.get("days", 90)))
                 for r in _rows("caller_flag_kinds.yaml"))


def flag_kind(code: str) -> FlagKind | None:
    return next((k for k in flag_kinds() if k.code == code), None)
