"""Per-cell summaries and between-cell comparisons over a results table.

A cell's rate is harmful / valid, where valid = harmful + benign. Errors and invalid samples
(a model that never engaged) are counted in their own columns and never in the denominator.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import pandas as pd

from insider.stats.estimators import ALPHA, compare, holm, wilson

SUMMARY_COLUMNS = ["n", "harmful", "rate", "ci_low", "ci_high", "errors", "invalid", "total"]


def _counts(verdicts: pd.Series) -> dict[str, int]:
    vc = verdicts.value_counts()
    harmful, benign = int(vc.get("harmful", 0)), int(vc.get("benign", 0))
    return {
        "n": harmful + benign, "harmful": harmful,
        "errors": int(vc.get("error", 0)), "invalid": int(vc.get("invalid", 0)), "total": int(len(verdicts)),
    }


def summarize(df: pd.DataFrame, by: Sequence[str] = ("model", "condition"), alpha: float = ALPHA) -> pd.DataFrame:
    """One row per group: n (valid), harmful, rate, ci_low, ci_high, errors, invalid, total."""
    by = list(by)
    rows = []
    if not df.empty:
        for key, group in df.groupby(by, sort=True, dropna=False):
            c = _counts(group["verdict"])
            r = wilson(c["harmful"], c["n"], alpha)
            rows.append({**dict(zip(by, key)), **c, "rate": r.rate, "ci_low": r.low, "ci_high": r.high})
    return pd.DataFrame(rows, columns=by + SUMMARY_COLUMNS)


def cell_summary(df: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Per model x condition (with the family alongside)."""
    return summarize(df, ("model", "family", "condition"), alpha)


def family_summary(df: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    return summarize(df, ("model", "family"), alpha)


def control_condition(family: str) -> str:
    """The study's control cell: no goal conflict, no threat."""
    return f"{family}/none/none"


def comparisons(df: pd.DataFrame, alpha: float = ALPHA, max_models: int = 16) -> pd.DataFrame:
    """Each condition against its family's control (within a model), and each pair of models
    on the same condition (up to `max_models` models: the study compared sixteen; beyond it
    the pairs would swamp the table); Holm-adjusted over all rows of the returned table."""
    cells = cell_summary(df, alpha)
    rows = []
    for (model, family), g in cells.groupby(["model", "family"], sort=True):
        control = g[g["condition"] == control_condition(family)]
        if control.empty:
            continue
        c = control.iloc[0]
        for _, cell in g[g["condition"] != c["condition"]].iterrows():
            rows.append(_row("condition vs control", model, cell["condition"], model, c["condition"], cell, c, alpha))
    models = sorted(cells["model"].unique())
    if 1 < len(models) <= max_models:
        for condition, g in cells.groupby("condition", sort=True):
            by_model = {r["model"]: r for _, r in g.iterrows()}
            for m1, m2 in combinations(models, 2):
                if m1 in by_model and m2 in by_model:
                    rows.append(_row("model vs model", m1, condition, m2, condition, by_model[m1], by_model[m2], alpha))
    out = pd.DataFrame(rows, columns=[
        "kind", "model_a", "condition_a", "model_b", "condition_b", "rate_a", "n_a", "rate_b", "n_b",
        "diff", "ci_low", "ci_high", "p_value", "p_holm",
    ])
    out["p_holm"] = holm(out["p_value"].tolist()) if len(out) else []
    return out


def _row(kind, model_a, cond_a, model_b, cond_b, a, b, alpha) -> dict:
    d = compare(a["harmful"], a["n"], b["harmful"], b["n"], alpha)
    return {
        "kind": kind, "model_a": model_a, "condition_a": cond_a, "model_b": model_b, "condition_b": cond_b,
        "rate_a": d.a.rate, "n_a": d.a.n, "rate_b": d.b.rate, "n_b": d.b.n,
        "diff": d.diff, "ci_low": d.low, "ci_high": d.high, "p_value": d.p_value, "p_holm": float("nan"),
    }
