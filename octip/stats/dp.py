"""Differential privacy through OpenDP (no hand-written noise).

A table of counts is released with OpenDP's discrete Laplace mechanism over the vector of counts,
under the L1 distance: one person changes at most ``sensitivity`` cells by one (1 for a table where
each case sits in one cell; the number of categories for a multi-select table). OpenDP's privacy map
gives the ε actually spent, which the budget ledger records.

We use OpenDP's core measurements, not its Polars integration (which would need ``polars==1.36.1``
exactly, the version opendp 0.16's ``polars`` extra pins), because the engine here is DuckDB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import opendp.prelude as opendp

opendp.enable_features("contrib")


@dataclass(frozen=True)
class NoisyCounts:
    counts: np.ndarray
    scale: float
    epsilon: float


def noisy_counts(counts: np.ndarray, *, sensitivity: int, epsilon: float) -> NoisyCounts:
    """``counts`` with discrete Laplace noise calibrated so the release costs at most ``epsilon``."""
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise ValueError("epsilon must be a positive number.")
    if sensitivity < 1:
        raise ValueError("sensitivity must be at least 1.")
    scale = sensitivity / epsilon
    measurement = opendp.m.make_laplace(opendp.vector_domain(opendp.atom_domain(T=int)),
                                        opendp.l1_distance(T=int), scale=scale)
    spent = float(measurement.map(sensitivity))
    if spent > epsilon * (1 + 1e-9):
        raise ValueError("OpenDP reports a larger ε than asked for.")
    flat = [int(v) for v in np.asarray(counts, dtype=np.int64).ravel()]
    noisy = np.asarray(measurement(flat), dtype=np.int64).reshape(np.shape(counts))
    # Clamping negative counts to zero is post-processing: it costs no privacy.
    return NoisyCounts(counts=np.maximum(noisy, 0), scale=scale, epsilon=spent)


def half_width_95(scale: float) -> float:
    """Half the width of the 95% interval of Laplace noise of ``scale`` (P(|X| > t) = e^(-t/b))."""
    return scale * math.log(20)
