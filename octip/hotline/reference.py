"""Reference lists of the 24/7 line, loaded from ``hotline/data/`` (data, not code): the categories a
contact is about and the kinds of caller flag. Labels have an English and a French form."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from octip.cases.reference import Term

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Category(Term):
    """One category of ``data/contact_categories.yaml``; ``trafficking`` marks a potential trafficking
    situation (a contact with one counts towards a case). Its label is ``Term``'s, in the reader's
    language."""

    trafficking: bool = False


@dataclass(frozen=True)
class FlagKind(Term):
    """One kind of caller flag of ``data/caller_flag_kinds.yaml``, with its default lifetime."""

    days: int = 90


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
