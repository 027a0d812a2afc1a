"""Agreement between raters (judges, or judge vs rules) on nominal verdicts."""

from __future__ import annotations

import math
from collections import Counter


def cohen_kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa for two raters over the same items (NaN when undefined)."""
    if len(a) != len(b) or not a:
        return float("nan")
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    if math.isclose(pe, 1.0):
        return 1.0 if math.isclose(po, 1.0) else float("nan")
    return (po - pe) / (1 - pe)


def krippendorff_alpha(ratings: list[list[str | None]]) -> float:
    """Krippendorff's alpha (nominal) for raters x items; None marks a missing rating."""
    import krippendorff
    import numpy as np

    cats = sorted({r for row in ratings for r in row if r is not None})
    if len(cats) < 2:
        return float("nan") if not cats else 1.0
    idx = {c: i for i, c in enumerate(cats)}
    data = np.array([[np.nan if r is None else idx[r] for r in row] for row in ratings], dtype=float)
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except (ValueError, ZeroDivisionError):
        return float("nan")


def agreement(ratings: list[list[str | None]]) -> tuple[str, float]:
    """("cohen_kappa", k) for two raters, ("krippendorff_alpha", a) for more."""
    if len(ratings) == 2:
        pairs = [(x, y) for x, y in zip(*ratings) if x is not None and y is not None]
        return "cohen_kappa", cohen_kappa([p[0] for p in pairs], [p[1] for p in pairs])
    return "krippendorff_alpha", krippendorff_alpha(ratings)
