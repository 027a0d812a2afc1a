"""Sample-size planning: samples per condition to detect a rise from P0 to P0 + DELTA.

Two independent proportions, arcsine effect size (Cohen's h, `proportion_effectsize`) and
the normal-approximation power of statsmodels' `NormalIndPower`, equal group sizes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from insider.errors import InsiderError


@dataclass(frozen=True)
class Plan:
    baseline: float
    target: float
    power: float
    alpha: float
    alternative: str
    effect_size: float
    n_per_condition: int


def plan(baseline: float, detect: float, power: float = 0.8, alpha: float = 0.05, alternative: str = "two-sided") -> Plan:
    if not 0 <= baseline <= 1:
        raise InsiderError(f"--baseline {baseline} is not a proportion: give a number in [0, 1], e.g. 0.05")
    if detect == 0:
        raise InsiderError("--detect 0 cannot be detected: give the smallest difference that matters, e.g. 0.10")
    target = baseline + detect
    if not 0 <= target <= 1:
        raise InsiderError(f"--baseline {baseline} + --detect {detect} = {target:g} is outside [0, 1]")
    if not 0 < power < 1 or not 0 < alpha < 1:
        raise InsiderError("--power and --alpha must be strictly between 0 and 1")
    if alternative not in ("two-sided", "larger"):
        raise InsiderError(f"unknown alternative {alternative!r}: use two-sided or larger")
    h = abs(float(proportion_effectsize(target, baseline)))
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative=alternative)
    return Plan(baseline, target, power, alpha, alternative, h, int(math.ceil(float(n))))
