"""Reference lists of the cases app, loaded from ``cases/data/`` (data, not code).

Each list keeps the codes of its source standard (Polaris typology, IOM HTCDS) so that exports map
one to one; labels have an English and a French form.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Term:
    code: str
    label_en: str
    label_fr: str

    @property
    def label(self) -> str:
        return self.label_fr if (get_language() or "").startswith("fr") and self.label_fr else self.label_en

    def __str__(self) -> str:
        return self.label


@cache
def _load(name: str) -> tuple[Term, ...]:
    rows = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    terms = tuple(Term(r["code"], r["label"], r.get("label_fr", "")) for r in rows)
    if len({t.code for t in terms}) != len(terms):
        raise ValueError(f"{name} repeats a code")
    return terms


@dataclass(frozen=True)
class FlagKind(Term):
    """A kind of case flag (``data/flag_kinds.yaml``); ``severity`` is ``danger`` or ``warning``."""

    severity: str = "warning"


FLAG_SEVERITIES = ("danger", "warning")


@cache
def flag_kinds() -> tuple[FlagKind, ...]:
    rows = yaml.safe_load((DATA / "flag_kinds.yaml").read_text(encoding="utf-8"))
    kinds = tuple(FlagKind(r["code"], r["label"], r.get("label_fr", ""), r.get("severity", "warning")) for r in rows)
    if len({k.code for k in kinds}) != len(kinds) or any(k.severity not in FLAG_SEVERITIES for k in kinds):
        raise ValueError("flag_kinds.yaml repeats a code or names an unknown severity")
    return kinds


def flag_kind(code: str) -> FlagKind | None:
    return next((k for k in flag_kinds() if k.code == code), None)


def polaris_settings() -> tuple[Term, ...]:
    return _load("polaris_settings.yaml")


def means_of_control() -> tuple[Term, ...]:
    return _load("means_of_control.yaml")


def needs_domains() -> tuple[Term, ...]:
    return _load("needs_domains.yaml")


@cache
def country_codes() -> frozenset[str]:
    lines = (DATA / "countries.txt").read_text(encoding="ascii").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def choices(terms: tuple[Term, ...]) -> list[tuple[str, str]]:
    """Form choices whose labels follow the active language at render time."""
    return [(t.code, _Lazy(t)) for t in terms]


class _Lazy:
    def __init__(self, term: Term) -> None:
        self.term = term

    def __str__(self) -> str:
        return self.term.label


def label_of(terms: tuple[Term, ...], code: str) -> str:
    for term in terms:
        if term.code == code:
            return term.label
    return code


#: The HTCDS field (``vic_``/``hte_``) of each list in ``data/htcds_profile.yaml``; both websites-and-apps
#: fields share one list.
HTCDS_LISTS: dict[str, tuple[str, ...]] = {
    "TraffickingStatus": ("vic_TraffickingStatus",),
    "TraffickingStatusDecisionMakingOrg": ("vic_TraffickingStatusDecisionMakingOrg",),
    "RelationshipToTrafficker": ("vic_RelationshipToTrafficker",),
    "MethodOfRecruitment": ("vic_MethodOfRecruitment",),
    "WebsitesAndApps": ("vic_RecruitmentWebsitesAndApps", "vic_ExploitationWebsitesAndApps"),
    "ForcedLabourIndustry": ("vic_ForcedLabourIndustry",),
    "TypeOfSexExploitation": ("vic_TypeOfSexExploitation",),
    "Vulnerabilities": ("vic_Vulnerabilities",),
    "EventType": ("hte_Type",),
}


@cache
def _htcds_lists() -> dict[str, tuple[Term, ...]]:
    raw = yaml.safe_load((DATA / "htcds_profile.yaml").read_text(encoding="utf-8"))
    lists = {}
    for name, rows in raw.items():
        terms = tuple(Term(str(r["code"]), r["label"], r.get("label_fr", "")) for r in rows)
        if len({t.code for t in terms}) != len(terms):
            raise ValueError(f"htcds_profile.yaml: {name} repeats a code")
        lists[name] = terms
    if set(lists) != set(HTCDS_LISTS):
        raise ValueError("htcds_profile.yaml: the lists differ from reference.HTCDS_LISTS")
    return lists


def htcds(name: str) -> tuple[Term, ...]:
    """One HTCDS picklist of ``data/htcds_profile.yaml`` (``"Vulnerabilities"``, ``"EventType"``...)."""
    return _htcds_lists()[name]


def htcds_codes(name: str) -> frozenset[str]:
    return frozenset(t.code for t in htcds(name))
