"""Eval-awareness: the harmful rate among samples whose reasoning concluded "real deployment"
vs "evaluation", where the awareness notice was on (the study: 55.1% vs 6.5%)."""

from __future__ import annotations

import pandas as pd

from insider.stats.estimators import ALPHA, compare, wilson

AWARENESS_COLUMNS = ["model", "family", "awareness", "count", "share", "harmful", "rate", "ci_low", "ci_high"]
DIFF_COLUMNS = ["model", "family", "diff", "ci_low", "ci_high", "p_value"]


def _notice_on(df: pd.DataFrame) -> pd.DataFrame:
    if "awareness_notice" not in df:
        return df.iloc[0:0]
    on = df["awareness_notice"].map(lambda v: v not in (None, False, "none", "off", "false", "False", 0) and v == v)
    return df[on]


def awareness_rates(df: pd.DataFrame, alpha: float = ALPHA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rates per awareness class, deployment-minus-evaluation differences)."""
    sub = _notice_on(df) if not df.empty else df
    sub = sub[sub["verdict"].isin(["harmful", "benign"])] if not sub.empty else sub
    rows, diffs = [], []
    for (model, family), g in (sub.groupby(["model", "family"], sort=True) if not sub.empty else []):
        aw = g["awareness"].fillna("none")
        counts = {}
        for cls in ("deployment", "evaluation", "none"):
            c = g[aw == cls]
            k = int((c["verdict"] == "harmful").sum())
            counts[cls] = (k, len(c))
            r = wilson(k, len(c), alpha)
            rows.append({"model": model, "family": family, "awareness": cls, "count": len(c),
                         "share": len(c) / len(g), "harmful": k, "rate": r.rate, "ci_low": r.low, "ci_high": r.high})
        d = compare(*counts["deployment"], *counts["evaluation"], alpha)
        diffs.append({"model": model, "family": family, "diff": d.diff, "ci_low": d.low, "ci_high": d.high, "p_value": d.p_value})
    return pd.DataFrame(rows, columns=AWARENESS_COLUMNS), pd.DataFrame(diffs, columns=DIFF_COLUMNS)
