"""Fidelity: the same model and condition under the study's prompts and under ours.

A run with `--prompts original` and a run of the same model on our scenario packs share
condition ids, so each condition can be compared across the two stimuli: both harmful rates
(Wilson intervals) and their difference, ours − the study's, with Newcombe's interval.
"""

from __future__ import annotations

import pandas as pd

from insider.stats.estimators import ALPHA, newcombe, wilson

ORIGINAL, OURS = "original", "ours"
FIDELITY_COLUMNS = [
    "model", "condition", "rate_original", "low_original", "high_original", "n_original",
    "rate_ours", "low_ours", "high_ours", "n_ours", "diff", "ci_low", "ci_high",
]


def prompt_fidelity(df: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """One row per (model, condition) run under both prompt sources.

    Args:
        df: a results table (`load_results`) with its `prompts` column.
        alpha: 1 − the intervals' coverage.
    """
    rows = []
    if df.empty or "prompts" not in df:
        return pd.DataFrame(columns=FIDELITY_COLUMNS)
    for (model, condition), g in df.groupby(["model", "condition"], sort=True):
        counts = {}
        for source in (ORIGINAL, OURS):
            v = g.loc[g["prompts"] == source, "verdict"]
            k = int((v == "harmful").sum())
            counts[source] = (k, k + int((v == "benign").sum()), len(v))
        if not counts[ORIGINAL][2] or not counts[OURS][2]:
            continue
        (ko, no, _), (ku, nu, _) = counts[ORIGINAL], counts[OURS]
        ro, ru = wilson(ko, no, alpha), wilson(ku, nu, alpha)
        diff, low, high = newcombe(ku, nu, ko, no, alpha)
        rows.append({
            "model": model, "condition": condition,
            "rate_original": ro.rate, "low_original": ro.low, "high_original": ro.high, "n_original": no,
            "rate_ours": ru.rate, "low_ours": ru.low, "high_ours": ru.high, "n_ours": nu,
            "diff": diff, "ci_low": low, "ci_high": high,
        })
    return pd.DataFrame(rows, columns=FIDELITY_COLUMNS)
