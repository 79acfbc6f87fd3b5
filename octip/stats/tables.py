"""The tables of the dashboard and the aggregate release: declared once, computed by DuckDB over the
extract (one GROUP BY per table, no Python loop over rows), controlled by ``disclosure``.

Every category of a table is listed, zeros included, so that which cells exist says nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import yaml
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import disclosure
from .extract import FUNDING_MCFD_MSP, FUNDING_MCFD_YOUTH, FUNDING_PSSG_ADULT, UNKNOWN, Extract, world_regions

Category = tuple[str, Any]  # (code, label: str or lazy str)


def _choices(path: str) -> Callable[[], list[Category]]:
    def load() -> list[Category]:
        module, name = path.rsplit(".", 1)
        choices = getattr(__import__(module, fromlist=[name]), name)
        return [(value, label) for value, label in choices.choices]
    return load


def _terms(name: str, unknown: bool = True) -> Callable[[], list[Category]]:
    def load() -> list[Category]:
        from octip.cases import reference
        terms = [(t.code, t) for t in getattr(reference, name)()]
        return [*terms, ("", _("Not recorded"))] if unknown else terms
    return load


def _age_bands() -> list[Category]:
    from octip.cases.models import AGE_BANDS
    return [*[(label, label) for _low, _high, label in AGE_BANDS], ("", _("Not recorded"))]


def _world_regions() -> list[Category]:
    return [*[(r.code, r) for r in world_regions()], (UNKNOWN, _("Other or not recorded"))]


@cache
def _region_rows() -> tuple[tuple[str, str, str], ...]:
    from octip.partners.regions import REGIONS_FILE
    rows = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))
    return tuple((r["code"], r["name"], r.get("name_fr") or r["name"]) for r in rows)


class _RegionLabel:
    def __init__(self, en: str, fr: str) -> None:
        self.en, self.fr = en, fr

    def __str__(self) -> str:
        from django.utils.translation import get_language
        return self.fr if (get_language() or "").startswith("fr") else self.en


def regions() -> list[Category]:
    return [(code, _RegionLabel(en, fr)) for code, en, fr in _region_rows()]


def _regions_and_unknown() -> list[Category]:
    return [*regions(), (UNKNOWN, _("Not recorded"))]


def funding_lines() -> list[Category]:
    return [(FUNDING_PSSG_ADULT, _("PSSG: adult services")), (FUNDING_MCFD_YOUTH, _("MCFD: youth")),
            (FUNDING_MCFD_MSP, _("MCFD: Migrant Services Program"))]


def _exploitation() -> list[Category]:
    return [("sexual", _("Sexual exploitation")), ("labour", _("Labour exploitation")),
            ("sexual_labour", _("Sexual and labour exploitation")), ("other", _("Other exploitation")),
            (UNKNOWN, _("Not recorded"))]


def _response() -> list[Category]:
    return [("met", _("Within the target")), ("missed", _("After the target")), ("none", _("No response recorded"))]


def _signal_or_case() -> list[Category]:
    return [("case", _("About a potential trafficking situation")), ("signal", _("Other signals"))]


def _met() -> list[Category]:
    return [("met", pgettext_lazy("need", "Met")), ("not_met", pgettext_lazy("need", "Not met"))]


def _close_bands() -> list[Category]:
    return [("0-30", _("30 days or less")), ("31-90", _("31 to 90 days")), ("91-180", _("91 to 180 days")),
            ("181-365", _("181 to 365 days")), ("366+", _("More than a year"))]


def _referral_status() -> list[Category]:
    return _choices("octip.referrals.models.ReferralStatus")()


CLOSE_BAND_SQL = ("CASE WHEN days_to_close <= 30 THEN '0-30' WHEN days_to_close <= 90 THEN '31-90' "
                  "WHEN days_to_close <= 180 THEN '91-180' WHEN days_to_close <= 365 THEN '181-365' ELSE '366+' END")


@dataclass(frozen=True)
class Spec:
    key: str
    title: Any
    table: str
    rows: str  # a column or SQL expression
    row_categories: Callable[[], list[Category]]
    cols: str = ""
    col_categories: Callable[[], list[Category]] | None = None
    #: A multi-select column (a list): each category is a yes/no of its own, against ``n`` cases.
    flags: bool = False
    where: str = "TRUE"
    #: How many cells one person can change by one (L1 sensitivity) for differential privacy; None
    #: when a person's contribution is unbounded in the extract (contacts, referrals): no DP table.
    sensitivity: Callable[[], int] | None = field(default=lambda: 1)
    group: str = "cases"


def _means_count() -> int:
    from octip.cases import reference
    return len(reference.means_of_control())


def _domains_count() -> int:
    from octip.cases import reference
    return len(reference.needs_domains())


SPECS: list[Spec] = [
    Spec("cases_by_funding", _("Persons identified (new cases) by funding line"), "cases", "funding", funding_lines),
    Spec("cases_by_track", _("Cases by track"), "cases", "track", _choices("octip.cases.models.Track")),
    Spec("cases_by_age_band", _("Cases by age band"), "cases", "coalesce(age_band, '')", _age_bands),
    Spec("cases_by_gender", _("Cases by gender"), "cases", "gender", _choices("octip.cases.models.Gender")),
    Spec("cases_by_citizenship", _("Cases by citizenship (world region)"), "cases", "world_region",
         _world_regions),
    Spec("cases_by_exploitation", _("Cases by type of exploitation"), "cases", "exploitation", _exploitation),
    Spec("cases_by_setting", _("Cases by setting (Polaris typology)"), "cases", "coalesce(setting, '')",
         _terms("polaris_settings")),
    Spec("cases_by_means", _("Cases by means of control"), "cases", "means", _terms("means_of_control", False),
         flags=True, sensitivity=_means_count),
    Spec("cases_by_referral_source", _("Cases by referral source"), "cases", "referral_source",
         _choices("octip.cases.models.ReferralSource")),
    Spec("cases_by_region_and_funding", _("Cases by region and funding line"), "cases", "region",
         _regions_and_unknown, cols="funding", col_categories=funding_lines),
    Spec("contacts_by_channel_and_urgency", _("24/7 contacts by channel and urgency"), "contacts", "channel",
         _choices("octip.hotline.models.Channel"), cols="urgency",
         col_categories=_choices("octip.hotline.models.Urgency"), sensitivity=None, group="contacts"),
    Spec("contacts_first_response", _("24/7 contacts: first response against the target"), "contacts", "urgency",
         _choices("octip.hotline.models.Urgency"), cols="response", col_categories=_response, sensitivity=None,
         group="contacts"),
    Spec("contacts_by_type", _("24/7 contacts by type: signals, and those about a potential trafficking situation"),
         "contacts", "coalesce(contact_type, '')", _choices("octip.hotline.models.ContactType"),
         cols="CASE WHEN counts_as_case THEN 'case' ELSE 'signal' END", col_categories=_signal_or_case,
         sensitivity=None, group="contacts"),
    Spec("referrals_by_status", _("Referrals by status"), "referrals", "status", _referral_status,
         sensitivity=None, group="referrals"),
    Spec("closures_by_outcome", _("Closed cases by outcome"), "cases", "closure_outcome",
         _choices("octip.cases.models.ClosureOutcome"), where="closed"),
    Spec("closures_by_time", _("Time from first contact to closure"), "cases", CLOSE_BAND_SQL, _close_bands,
         where="closed"),
    Spec("needs_by_domain", _("Needs by domain, and how many were met"), "needs", "domain",
         _terms("needs_domains", False), cols="CASE WHEN met THEN 'met' ELSE 'not_met' END", col_categories=_met,
         sensitivity=_domains_count, group="needs"),
]

SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


@dataclass(frozen=True)
class Filters:
    year: int
    region: str = ""
    consented_only: bool = True

    def sql(self, table: str) -> tuple[str, list[Any]]:
        clauses, params = ["year = ?"], [self.year]
        if self.region:
            clauses.append("region = ?")
            params.append(self.region)
        if self.consented_only:
            clauses.append("consented")
        return " AND ".join(clauses), params


def raw_counts(extract: Extract, spec: Spec, filters: Filters) -> tuple[np.ndarray, list[Category], list[Category]]:
    """The true counts of one table, as an array over every category (zeros included)."""
    where, params = filters.sql(spec.table)
    where = f"({where}) AND ({spec.where})"
    rows = spec.row_categories()
    cols = spec.col_categories() if spec.col_categories else [("count", _("Cases"))]
    row_index = {code: i for i, (code, _label) in enumerate(rows)}
    col_index = {code: j for j, (code, _label) in enumerate(cols)}
    counts = np.zeros((len(rows), len(cols)), dtype=np.int64)
    if spec.flags:
        sql = (f"SELECT m, count(*) FROM (SELECT unnest({spec.rows}) AS m FROM {spec.table} "  # noqa: S608
               f"WHERE {where}) GROUP BY 1")
        for code, n in extract.con.execute(sql, params).fetchall():
            if code in row_index:
                counts[row_index[code], 0] = n
        return counts, rows, cols
    if spec.cols:
        sql = f"SELECT {spec.rows}, {spec.cols}, count(*) FROM {spec.table} WHERE {where} GROUP BY 1, 2"  # noqa: S608
        for code, col, n in extract.con.execute(sql, params).fetchall():
            i = row_index.get(code if code is not None else UNKNOWN, row_index.get(UNKNOWN))
            j = col_index.get(col)
            if i is not None and j is not None:
                counts[i, j] += n
        return counts, rows, cols
    sql = f"SELECT {spec.rows}, count(*) FROM {spec.table} WHERE {where} GROUP BY 1"  # noqa: S608
    for code, n in extract.con.execute(sql, params).fetchall():
        i = row_index.get(code if code is not None else "", row_index.get(UNKNOWN, row_index.get("")))
        if i is not None:
            counts[i, 0] += n
    return counts, rows, cols


def flag_base(extract: Extract, spec: Spec, filters: Filters) -> int:
    where, params = filters.sql(spec.table)
    return extract.count(spec.table, f"({where}) AND ({spec.where})", params)


@dataclass
class Figures:
    """Every table and derived figure of one period and region, controlled or exact."""

    filters: Filters
    tables: list[disclosure.ControlledTable]
    medians: dict[str, float | str]
    left_out: int | str
    k: int
    controlled: bool
    seed: int | None
    dp: dict[str, Any] = field(default_factory=dict)

    @property
    def suppressed(self) -> int:
        return sum(t.suppressed for t in self.tables)

    def table(self, key: str) -> disclosure.ControlledTable:
        return next(t for t in self.tables if t.key == key)


def control_flags(counts: Sequence[int], base: int, *, labels: Sequence[str], k: int,
                  rng: np.random.Generator | None, title: str, key: str, column: str) -> disclosure.ControlledTable:
    """A multi-select table: each category's count stands against the number of cases ``base``, so
    both it and its complement (``base - count``) must be 0 or at least k."""
    k = disclosure.validate_k(k)
    values = np.asarray(counts, dtype=np.int64)
    complement = base - values
    mask = ((values > 0) & (values < k)) | ((complement > 0) & (complement < k))
    base_small = 0 < base < k
    shown = disclosure.random_round(np.append(values, base), rng) if rng is not None else np.append(values, base)
    entries: list[list[int | str]] = [[disclosure.SUPPRESSED if mask[i] else int(shown[i])] * 2
                                      for i in range(len(values))]
    entries.append([disclosure.SUPPRESSED if base_small else int(shown[-1])] * 2)
    if base_small:
        entries = [[disclosure.SUPPRESSED] * 2 for _row in entries]
    primary = int(mask.sum()) + int(base_small)
    return disclosure.ControlledTable(title=title, key=key, row_labels=list(labels), col_labels=[column],
                                      entries=entries, primary=primary, complementary=0, k=k,
                                      rounded=rng is not None, exact=None, one_way=True)


def compute(extract: Extract, filters: Filters, *, k: int = disclosure.DEFAULT_K,
            rng: np.random.Generator | None = None, controlled: bool = True,
            specs: Sequence[Spec] | None = None,
            noisy: Callable[[Spec, np.ndarray], np.ndarray] | None = None) -> Figures:
    """Every table of ``specs`` for ``filters``. ``controlled`` (analysts, every release) suppresses
    and rounds; otherwise the counts are exact (a coordinator's operational view). ``noisy``, when
    given, replaces each table's counts by differentially private ones before control."""
    k = disclosure.validate_k(k)
    tables = []
    for spec in specs if specs is not None else SPECS:
        counts, rows, cols = raw_counts(extract, spec, filters)
        if noisy is not None:
            counts = noisy(spec, counts)
        row_labels = [str(label) for _code, label in rows]
        col_labels = [str(label) for _code, label in cols]
        title = str(spec.title)
        if spec.flags:
            base = flag_base(extract, spec, filters)
            if controlled:
                table = control_flags(counts[:, 0], base, labels=row_labels, k=k, rng=rng, title=title,
                                      key=spec.key, column=col_labels[0])
            else:
                table = disclosure.exact_table(counts, row_labels=row_labels, col_labels=col_labels, title=title,
                                               key=spec.key)
                table.entries[-1] = [base, base]  # against the cases, not the sum of the flags
        elif controlled:
            table = disclosure.control(counts, row_labels=row_labels, col_labels=col_labels, k=k, rng=rng,
                                       title=title, key=spec.key)
        else:
            table = disclosure.exact_table(counts, row_labels=row_labels, col_labels=col_labels, title=title,
                                           key=spec.key)
        table.row_codes = [code for code, _label in rows]
        table.col_codes = [code for code, _label in cols]
        tables.append(table)
    return Figures(filters=filters, tables=tables, medians=medians(extract, filters, k=k, controlled=controlled),
                   left_out=0, k=k, controlled=controlled, seed=None)


MEDIANS = {
    "days_to_close": ("cases", "days_to_close", "closed AND days_to_close IS NOT NULL"),
    "days_to_accept": ("referrals", "days_to_accept", "days_to_accept IS NOT NULL"),
    "minutes_to_response": ("contacts", "minutes_to_response", "minutes_to_response IS NOT NULL"),
}


def medians(extract: Extract, filters: Filters, *, k: int, controlled: bool) -> dict[str, float | str]:
    out: dict[str, float | str] = {}
    for key, (table, column, condition) in MEDIANS.items():
        where, params = filters.sql(table)
        row = extract.con.execute(
            f"SELECT median({column}), count(*) FROM {table} WHERE ({where}) AND {condition}",  # noqa: S608
            params).fetchone()
        value, n = (row[0], int(row[1])) if row else (None, 0)
        if controlled:
            out[key] = disclosure.controlled_statistic(value, n, k=k)
        else:
            out[key] = disclosure.NOT_AVAILABLE if value is None else round(float(value), 1)
    return out


def left_out_count(extract: Extract, filters: Filters) -> int:
    where, params = Filters(filters.year, filters.region, consented_only=False).sql("cases")
    return extract.count("cases", f"({where}) AND NOT consented", params)
