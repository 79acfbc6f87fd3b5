"""Disclosure control, checked by properties and by independent means.

- k: every entry shown is 0 or at least k, read against the true counts.
- Margins: for each suppressed entry we ask linear algebra, not the module's graph search, whether
  the published equations (each row and column with its total, the totals with the grand total)
  determine it: it is determined iff its unit vector lies in the row space of the equations
  restricted to the suppressed unknowns. We also check the simpler rule that no line holds exactly
  one suppressed entry.
- Rounding: unbiased (mean error about 0 over many draws with a fixed seed), base 5, at most 4 away.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from octip.stats import disclosure
from octip.stats.disclosure import SUPPRESSED, DisclosureError


def tables(max_rows: int = 6, max_cols: int = 5):
    shapes = st.tuples(st.integers(1, max_rows), st.integers(2, max_cols))
    values = st.one_of(st.integers(0, 15), st.integers(0, 200))
    return shapes.flatmap(lambda shape: arrays(np.int64, shape, elements=values))


def bordered(cells: np.ndarray) -> np.ndarray:
    rows, cols = cells.shape
    full = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    full[:rows, :cols] = cells
    full[:rows, cols] = cells.sum(axis=1)
    full[rows, :cols] = cells.sum(axis=0)
    full[rows, cols] = cells.sum()
    return full


def mask_of(table: disclosure.ControlledTable) -> np.ndarray:
    return np.array([[v == SUPPRESSED for v in row] for row in table.entries])


def determined_entries(mask: np.ndarray) -> list[tuple[int, int]]:
    """Suppressed entries an attacker solves exactly from the published lines (linear algebra)."""
    unknowns = [tuple(int(i) for i in ij) for ij in np.argwhere(mask)]
    if not unknowns:
        return []
    index = {u: n for n, u in enumerate(unknowns)}
    rows, cols = mask.shape
    equations = []
    for r in range(rows):  # row r: its cells and its total (the last column)
        equations.append([1.0 if u[0] == r else 0.0 for u in unknowns])
    for c in range(cols):
        equations.append([1.0 if u[1] == c else 0.0 for u in unknowns])
    a = np.array(equations)
    rank = np.linalg.matrix_rank(a)
    solved = []
    for u, n in index.items():
        e = np.zeros(len(unknowns))
        e[n] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            solved.append(u)
    return solved


@settings(max_examples=150, deadline=None)
@given(cells=tables(), k=st.integers(2, 15), seed=st.integers(0, 2**32))
def test_k_holds_and_no_suppressed_cell_is_solvable_from_the_margins(cells, k, seed):
    table = disclosure.control(cells, row_labels=[f"r{i}" for i in range(cells.shape[0])],
                               col_labels=[f"c{j}" for j in range(cells.shape[1])], k=k,
                               rng=np.random.default_rng(seed))
    truth = bordered(cells)
    mask = mask_of(table)
    # k: nothing shown stands for 1..k-1 people.
    shown_truth = truth[~mask]
    assert ((shown_truth == 0) | (shown_truth >= k)).all()
    # No line with exactly one suppressed entry.
    for r in range(mask.shape[0]):
        assert mask[r, :].sum() != 1
    for c in range(mask.shape[1]):
        assert mask[:, c].sum() != 1
    # And nothing solvable by any combination of the lines.
    assert determined_entries(mask) == []
    # The counts reported match the mask.
    assert table.primary == int(((truth > 0) & (truth < k)).sum())
    assert table.suppressed == int(mask.sum())


@settings(max_examples=150, deadline=None)
@given(counts=st.lists(st.integers(0, 40), min_size=1, max_size=12), k=st.integers(2, 15))
def test_one_way_table_k_and_its_total(counts, k):
    table = disclosure.control_counts(counts, labels=[str(i) for i in range(len(counts))], k=k,
                                      rng=np.random.default_rng(1))
    shown = [row[0] for row in table.entries]  # the cells, then the grand total
    truth = [*counts, sum(counts)]
    for value, true in zip(shown, truth, strict=True):
        if value != SUPPRESSED:
            assert true == 0 or true >= k
    assert [v == SUPPRESSED for v in shown].count(True) != 1


def test_the_example_of_a_bridge_is_closed():
    # Two blocks of small cells joined through one row: the graph search must not leave a bridge.
    cells = np.array([[3, 50, 60, 70], [50, 3, 60, 70], [80, 80, 4, 90], [80, 80, 90, 4]])
    table = disclosure.control(cells, row_labels=list("abcd"), col_labels=list("wxyz"), k=5,
                               rng=np.random.default_rng(0))
    assert determined_entries(mask_of(table)) == []


def test_nothing_suppressed_when_every_count_is_safe():
    table = disclosure.control([[20, 30], [40, 0]], row_labels=["a", "b"], col_labels=["c", "d"], k=11,
                               rng=np.random.default_rng(0))
    assert table.suppressed == 0
    assert all(isinstance(v, int) and v % 5 == 0 for row in table.entries for v in row)


def test_a_single_small_cell_pulls_three_more():
    table = disclosure.control([[3, 30], [40, 50]], row_labels=["a", "b"], col_labels=["c", "d"], k=11,
                               rng=np.random.default_rng(0))
    assert table.primary == 1
    assert table.suppressed >= 4
    assert determined_entries(mask_of(table)) == []


@pytest.mark.parametrize("k", [1, 0, -3, 2.5, True])
def test_k_below_two_is_refused(k):
    with pytest.raises(DisclosureError, match="at least 2"):
        disclosure.control([[1]], row_labels=["a"], col_labels=["b"], k=k)


def test_rounding_is_unbiased_over_many_draws_with_a_fixed_seed():
    rng = np.random.default_rng(20261201)
    values = np.tile(np.arange(0, 50), 4000)  # 200,000 values, every remainder
    rounded = disclosure.random_round(values, rng)
    error = rounded - values
    assert (rounded % 5 == 0).all()
    assert (np.abs(error) <= 4).all()
    assert (rounded[values % 5 == 0] == values[values % 5 == 0]).all()
    assert abs(error.mean()) < 0.02
    # Unbiased for each remainder, not only on average over all of them.
    for remainder in range(1, 5):
        assert abs(error[values % 5 == remainder].mean()) < 0.05
    # And it really is random (not a fixed rounding rule).
    assert len(set(rounded[values == 7].tolist())) == 2


def test_the_same_seed_rounds_the_same_and_totals_are_rounded_independently():
    cells = np.array([[12, 13, 14], [16, 17, 18]])
    a = disclosure.control(cells, row_labels=["a", "b"], col_labels=["c", "d", "e"], rng=np.random.default_rng(7))
    b = disclosure.control(cells, row_labels=["a", "b"], col_labels=["c", "d", "e"], rng=np.random.default_rng(7))
    assert a.entries == b.entries
    # Over many seeds, a rounded total differs from the sum of its rounded cells at least once:
    # totals are rounded from their own true value.
    differs = 0
    for seed in range(50):
        t = disclosure.control(cells, row_labels=["a", "b"], col_labels=["c", "d", "e"],
                               rng=np.random.default_rng(seed))
        if t.entries[0][3] != sum(t.entries[0][:3]):
            differs += 1
    assert differs > 0


def test_derived_figures_symbols():
    assert disclosure.controlled_statistic(None, 0) == disclosure.NOT_AVAILABLE
    assert disclosure.controlled_statistic(4.0, 3, k=11) == SUPPRESSED
    assert disclosure.controlled_statistic(4.04, 30, k=11) == 4.0
    assert disclosure.reliability(3.0, 5.0) == disclosure.UNRELIABLE
    assert disclosure.reliability(300.0, 5.0) == 300.0


def test_the_independent_checker_catches_what_it_should():
    # A single suppressed cell with its row total shown: solvable. Two rectangles joined by one
    # cell (a bridge) pass the line rule yet the bridge is solvable.
    single = np.zeros((3, 3), dtype=bool)
    single[0, 0] = single[0, 1] = True  # row 0 has two; but columns 0 and 1 have one each
    assert determined_entries(single) != []
    bridge = np.zeros((5, 5), dtype=bool)
    for r, c in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        bridge[r, c] = True
    assert (1, 2) in determined_entries(bridge)
