"""Rates, differences and tests: thin wrappers over statsmodels and scipy, never hand-rolled.

- a rate's 95% interval: Wilson score (`proportion_confint(method="wilson")`);
- a difference of two independent rates: Newcombe's hybrid score interval
  (`confint_proportions_2indep(method="newcomb")`) and Fisher's exact test (two-sided);
- many comparisons: Holm's step-down adjustment (`multipletests(method="holm")`).
An empty cell (n = 0) has no rate: every figure is NaN rather than a made-up 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

ALPHA = 0.05
NAN = float("nan")


@dataclass(frozen=True)
class Rate:
    k: int
    n: int
    rate: float
    low: float
    high: float


@dataclass(frozen=True)
class Difference:
    """rate_a - rate_b with its interval and the exact test's p-value."""

    a: Rate
    b: Rate
    diff: float
    low: float
    high: float
    p_value: float


def wilson(k: int, n: int, alpha: float = ALPHA) -> Rate:
    k, n = int(k), int(n)
    if n <= 0:
        return Rate(k, n, NAN, NAN, NAN)
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    rate = k / n
    # Rounding can leave the bound a hair past 0% or 100% (1.7e-18 for k = 0): pin it.
    return Rate(k, n, rate, min(float(low), rate), max(float(high), rate))


def newcombe(k1: int, n1: int, k2: int, n2: int, alpha: float = ALPHA) -> tuple[float, float, float]:
    """Difference p1 - p2 and Newcombe's interval; NaN when either side is empty."""
    if n1 <= 0 or n2 <= 0:
        return NAN, NAN, NAN
    low, high = confint_proportions_2indep(int(k1), int(n1), int(k2), int(n2), method="newcomb", compare="diff", alpha=alpha)
    return k1 / n1 - k2 / n2, float(low), float(high)


def fisher_p(k1: int, n1: int, k2: int, n2: int) -> float:
    if n1 <= 0 or n2 <= 0:
        return NAN
    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided").pvalue)


def compare(k1: int, n1: int, k2: int, n2: int, alpha: float = ALPHA) -> Difference:
    diff, low, high = newcombe(k1, n1, k2, n2, alpha)
    return Difference(wilson(k1, n1, alpha), wilson(k2, n2, alpha), diff, low, high, fisher_p(k1, n1, k2, n2))


def holm(p_values: list[float]) -> list[float]:
    """Holm-adjusted p-values; NaN entries stay NaN and do not count as tests."""
    idx = [i for i, p in enumerate(p_values) if not math.isnan(p)]
    out = [NAN] * len(p_values)
    if idx:
        adjusted = multipletests([p_values[i] for i in idx], method="holm")[1]
        for i, p in zip(idx, adjusted):
            out[i] = float(p)
    return out
