"""Disclosure control: every number that leaves the database for an analyst, a report or a release
goes through this module.

- **Primary suppression**: a count of 1 to ``k - 1`` (default ``k = 11``, as CTDC) is suppressed.
  Zero is not sensitive and is shown.
- **Complementary suppression**: a table is published with its row, column and grand totals. Each
  line (a row with its total, a column with its total, the row of column totals with the grand
  total, the column of row totals with the grand total) is a linear equation an attacker knows.
  A suppressed entry can be worked out exactly from them unless it lies on a cycle of suppressed
  entries in the bipartite graph rows × columns (totals included as one more row and column): the
  cycle is what lets the values move while every line keeps its sum. So we suppress more entries,
  cheapest first, until no line holds exactly one suppressed entry and no suppressed entry is a
  bridge of that graph.
- **Unbiased random rounding to base 5** (Statistics Canada): a count ending in 0 or 5 stays; any
  other count ``v = 5q + r`` becomes ``5q + 5`` with probability ``r / 5`` and ``5q`` otherwise, so
  the expected rounded value is ``v``. Totals are rounded independently of their cells, from their
  true values. The generator is seeded and the seed is recorded in the release.
- **Symbols** (Statistics Canada): ``x`` suppressed, ``F`` too unreliable to be published, ``..``
  not available.

Everything here is pure: arrays in, controlled tables out. It knows nothing of Django.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

DEFAULT_K = 11
ROUNDING_BASE = 5

SUPPRESSED = "x"
UNRELIABLE = "F"
NOT_AVAILABLE = ".."
SYMBOLS = (SUPPRESSED, UNRELIABLE, NOT_AVAILABLE)


class DisclosureError(ValueError):
    """Parameters that would not protect anyone (``k < 2``) or a table that makes no sense."""


def validate_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2:
        raise DisclosureError(f"k must be a whole number of at least 2 (got {k!r}).")
    return int(k)


def new_seed() -> int:
    """A fresh seed for a release's rounding (recorded in the release, so it can be replayed)."""
    return secrets.randbelow(2**63)


# --- Suppression --------------------------------------------------------------------------------


def primary_mask(values: np.ndarray, k: int) -> np.ndarray:
    """True where a count is sensitive: at least 1 and below ``k``."""
    return (values > 0) & (values < validate_k(k))


def _bordered(cells: np.ndarray) -> np.ndarray:
    """The (R+1)×(C+1) array of cells with row totals in the last column, column totals in the
    last row and the grand total in the corner."""
    rows, cols = cells.shape
    full = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    full[:rows, :cols] = cells
    full[:rows, cols] = cells.sum(axis=1)
    full[rows, :cols] = cells.sum(axis=0)
    full[rows, cols] = cells.sum()
    return full


def _cost(full: np.ndarray, r: int, c: int) -> tuple[int, int, int]:
    """Which entry to give up first: a non-zero one (a zero complement protects little), a cell
    rather than a total, the smallest."""
    rows, cols = full.shape
    is_total = int(r == rows - 1 or c == cols - 1)
    return (int(full[r, c] == 0), is_total, int(full[r, c]))


def _fix_lines(full: np.ndarray, mask: np.ndarray) -> bool:
    """Suppress one more entry in every line that has exactly one. Returns whether it changed."""
    changed = False
    rows, cols = mask.shape
    for axis in (0, 1):
        length = rows if axis == 0 else cols
        for i in range(length):
            line = mask[i, :] if axis == 0 else mask[:, i]
            if int(line.sum()) != 1:
                continue
            best: tuple[tuple[int, int, int, int], int, int] | None = None
            for j in range(cols if axis == 0 else rows):
                r, c = (i, j) if axis == 0 else (j, i)
                if mask[r, c]:
                    continue
                # Prefer an entry whose crossing line already has a suppression: it closes a cycle
                # instead of opening a new line with a single one.
                crossing = mask[:, c] if axis == 0 else mask[r, :]
                opens = int(crossing.sum() == 0)
                key = (opens, *_cost(full, r, c))
                if best is None or key < best[0]:
                    best = (key, r, c)
            if best is not None:
                mask[best[1], best[2]] = True
                changed = True
    return changed


def _components(mask: np.ndarray, skip: tuple[int, int] | None = None) -> dict[tuple[str, int], int]:
    """Connected components of the bipartite graph of suppressed entries (nodes ('r', i), ('c', j))."""
    rows, cols = mask.shape
    label: dict[tuple[str, int], int] = {}
    adjacency: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for r, c in zip(*np.nonzero(mask), strict=True):
        if skip is not None and (r, c) == skip:
            continue
        adjacency.setdefault(("r", int(r)), []).append(("c", int(c)))
        adjacency.setdefault(("c", int(c)), []).append(("r", int(r)))
    nodes = [("r", i) for i in range(rows)] + [("c", j) for j in range(cols)]
    current = 0
    for node in nodes:
        if node in label:
            continue
        stack = [node]
        label[node] = current
        while stack:
            here = stack.pop()
            for there in adjacency.get(here, ()):
                if there not in label:
                    label[there] = current
                    stack.append(there)
        current += 1
    return label


def _fix_bridges(full: np.ndarray, mask: np.ndarray) -> bool:
    """Where a suppressed entry is a bridge, suppress the cheapest entry joining its two sides."""
    for r, c in zip(*np.nonzero(mask), strict=True):
        label = _components(mask, skip=(int(r), int(c)))
        side_r, side_c = label[("r", int(r))], label[("c", int(c))]
        if side_r == side_c:
            continue  # on a cycle
        best: tuple[tuple[int, int, int], int, int] | None = None
        rows, cols = mask.shape
        for rr in range(rows):
            for cc in range(cols):
                if mask[rr, cc]:
                    continue
                a, b = label[("r", rr)], label[("c", cc)]
                if {a, b} == {side_r, side_c}:
                    key = _cost(full, rr, cc)
                    if best is None or key < best[0]:
                        best = (key, rr, cc)
        if best is None:  # cannot happen: the grid always has another entry between two sides
            mask[:, :] = True
            return True
        mask[best[1], best[2]] = True
        return True
    return False


def suppression_mask(cells: np.ndarray, k: int = DEFAULT_K) -> np.ndarray:
    """The (R+1)×(C+1) mask of suppressed entries (cells, then totals) of a 2-D table of counts:
    primary suppression, then complementary suppression until no entry can be solved from the
    published margins."""
    cells = np.asarray(cells, dtype=np.int64)
    if cells.ndim != 2:
        raise DisclosureError("A table of counts must have two dimensions.")
    if (cells < 0).any():
        raise DisclosureError("Counts cannot be negative.")
    full = _bordered(cells)
    mask = primary_mask(full, k)
    if not mask.any():
        return mask
    if cells.shape[1] == 1:
        # A one-way table: the row totals are the cells themselves, and there is one equation, the
        # cells with their grand total. It needs 0 or at least 2 suppressed entries.
        line = np.concatenate([mask[:-1, 0], mask[-1:, 1]])
        values = np.concatenate([full[:-1, 0], full[-1:, 1]])
        if int(line.sum()) == 1:
            candidates = [i for i in range(len(values)) if not line[i]]
            line[min(candidates, key=lambda i: (int(values[i] == 0), int(i == len(values) - 1),
                                                int(values[i])))] = True
        mask[:-1, 0] = mask[:-1, 1] = line[:-1]
        mask[-1, 0] = mask[-1, 1] = line[-1]
        return mask
    while _fix_lines(full, mask) or _fix_bridges(full, mask):
        pass
    return mask


# --- Rounding -----------------------------------------------------------------------------------


def random_round(values: np.ndarray, rng: np.random.Generator, base: int = ROUNDING_BASE) -> np.ndarray:
    """Unbiased random rounding to ``base``: one uniform draw per value, in order, whatever the value."""
    values = np.asarray(values, dtype=np.int64)
    draws = rng.random(values.shape)
    remainder = values % base
    down = values - remainder
    up = np.where(draws < remainder / base, base, 0)
    return down + up


# --- Controlled tables --------------------------------------------------------------------------


@dataclass
class ControlledTable:
    """A table ready to leave: every entry is an int or one of the symbols. ``exact`` keeps the
    true counts for a coordinator's operational view only; it never goes into a release file."""

    title: str
    row_labels: list[str]
    col_labels: list[str]
    #: (R+1)×(C+1): cells, then row totals (last column), column totals (last row), grand total.
    entries: list[list[int | str]]
    primary: int = 0
    complementary: int = 0
    k: int = DEFAULT_K
    rounded: bool = True
    exact: np.ndarray | None = field(default=None, repr=False)
    key: str = ""
    #: A list of counts with its total: one column, whose row totals are the cells themselves.
    one_way: bool = False
    row_codes: list[str] = field(default_factory=list)
    col_codes: list[str] = field(default_factory=list)

    @property
    def suppressed(self) -> int:
        return self.primary + self.complementary

    def value(self, row: int, col: int = 0) -> int | str:
        return self.entries[row][col]

    @property
    def totals(self) -> list[int | str]:
        """The column totals (for a one-way table, its one total)."""
        return self.entries[-1][:-1]

    @property
    def cells(self) -> list[list[int | str]]:
        return [row[:-1] for row in self.entries[:-1]]

    @property
    def grand_total(self) -> int | str:
        return self.entries[-1][-1]

    def rows(self) -> list[list[str]]:
        """Header and body as strings (CSV, XLSX, HTML): one line per row label, then the totals."""
        width = len(self.col_labels) if self.one_way else len(self.col_labels) + 1
        header = ["", *self.col_labels] + ([] if self.one_way else ["Total"])
        body = [[label, *(str(v) for v in self.entries[i][:width])] for i, label in enumerate(self.row_labels)]
        body.append(["Total", *(str(v) for v in self.entries[-1][:width])])
        return [header, *body]


def control(cells: np.ndarray | Sequence[Sequence[int]], *, row_labels: Sequence[str],
            col_labels: Sequence[str], k: int = DEFAULT_K, rng: np.random.Generator | None = None,
            title: str = "", key: str = "", round_values: bool = True) -> ControlledTable:
    """Suppress then round a 2-D table of counts with its margins.

    ``rng`` is the release's seeded generator (each table draws from it in turn). Without
    ``round_values`` the table is suppressed but not rounded (a coordinator's operational view)."""
    k = validate_k(k)
    counts = np.asarray(cells, dtype=np.int64).reshape(len(row_labels), len(col_labels))
    one_way = counts.shape[1] == 1
    full = _bordered(counts)
    mask = suppression_mask(counts, k)
    primary_full = primary_mask(full, k)
    shown = random_round(full, rng) if round_values and rng is not None else full
    if one_way:
        # The row totals repeat the cells: show (and count) them once, rounded the same.
        shown[:, 1] = shown[:, 0]
        shown[-1, 0] = shown[-1, 1]
        primary, suppressed = int(primary_full[:, 0].sum()), int(mask[:, 0].sum())
    else:
        primary, suppressed = int(primary_full.sum()), int(mask.sum())
    entries: list[list[int | str]] = [
        [SUPPRESSED if mask[r, c] else int(shown[r, c]) for c in range(full.shape[1])]
        for r in range(full.shape[0])]
    return ControlledTable(title=title, key=key, row_labels=list(row_labels), col_labels=list(col_labels),
                           entries=entries, primary=primary, complementary=suppressed - primary, k=k,
                           rounded=bool(round_values and rng is not None), exact=full, one_way=one_way)


def control_counts(counts: Sequence[int], *, labels: Sequence[str], k: int = DEFAULT_K,
                   rng: np.random.Generator | None = None, title: str = "", key: str = "",
                   column: str = "Count", round_values: bool = True) -> ControlledTable:
    """A one-way table (a list of counts and their total), as a table of one column."""
    return control(np.asarray(counts, dtype=np.int64).reshape(-1, 1), row_labels=labels, col_labels=[column],
                   k=k, rng=rng, title=title, key=key, round_values=round_values)


def exact_table(cells: np.ndarray | Sequence[Sequence[int]], *, row_labels: Sequence[str],
                col_labels: Sequence[str], title: str = "", key: str = "") -> ControlledTable:
    """Exact counts, for a coordinator's internal operational view only (never a release)."""
    counts = np.asarray(cells, dtype=np.int64).reshape(len(row_labels), len(col_labels))
    full = _bordered(counts)
    return ControlledTable(title=title, key=key, row_labels=list(row_labels), col_labels=list(col_labels),
                           entries=[[int(v) for v in row] for row in full], k=0, rounded=False, exact=full,
                           one_way=counts.shape[1] == 1)


def controlled_statistic(value: float | None, n: int, *, k: int = DEFAULT_K, digits: int = 1) -> float | str:
    """A derived figure (a median, a percentage) computed from ``n`` cases: ``..`` when there is
    nothing to compute it from, ``x`` when fewer than ``k`` cases stand behind it."""
    if value is None or n == 0:
        return NOT_AVAILABLE
    if n < validate_k(k):
        return SUPPRESSED
    return round(float(value), digits)


def reliability(value: float, noise_scale: float) -> float | str:
    """A differentially private count whose noise is as large as half the value is ``F``."""
    if value <= 0 or 1.96 * noise_scale * 2 > value:
        return UNRELIABLE
    return value
