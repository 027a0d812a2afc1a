"""Factor effects: a logistic regression of harmful (over valid samples) on the grid's factors.

Main effects for every factor that varies, plus the goal x threat interaction (goal = the
condition's goal segment, threat = `urgency`). Odds ratios with 95% Wald intervals.

The design matrix is built here with pandas rather than through a formula string: factor
names and levels come from logs, and formula strings are evaluated as Python expressions.

Small grids often separate (a 0% control cell makes some coefficients infinite). Then the
maximum-likelihood fit does not converge, and we refit with Firth's penalised likelihood,
which gives finite estimates; the table says which method produced each row. statsmodels
has no Firth estimator, so it is the short Newton iteration in `_firth`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import norm

from insider.stats.results import factor_columns

GOAL, THREAT = "goal", "urgency"
# Columns that identify a sample rather than describe its condition.
_NOT_EFFECTS = {"request_id", "goal_type", "goal_value"}
EFFECT_COLUMNS = ["model", "family", "term", "odds_ratio", "ci_low", "ci_high", "p_value", "method", "note"]


@dataclass
class Fit:
    terms: list[str]
    coef: np.ndarray
    se: np.ndarray
    method: str


def factor_effects(df: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """One row per (model, family, term); a group that cannot be fitted gets one row saying why."""
    rows: list[dict] = []
    if df.empty:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    valid = df[df["verdict"].isin(["harmful", "benign"])]
    for (model, family), g in valid.groupby(["model", "family"], sort=True):
        rows.extend({"model": model, "family": family, **r} for r in _group_effects(g, factor_columns(df), alpha))
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def _group_effects(g: pd.DataFrame, factors: list[str], alpha: float) -> list[dict]:
    y = (g["verdict"] == "harmful").astype(float).to_numpy()
    if y.min() == y.max():
        outcome = "harmful" if y[0] else "benign"
        return [_note(f"not estimable: every valid sample was {outcome}")]
    X, interaction = design(g, factors)
    if X.shape[1] <= 1:
        return [_note("not estimable: no factor varies in this family")]
    X = _drop_aliased(X, interaction)
    fit = _fit(y, X)
    if fit is None:
        return [_note("not estimable: the fit did not converge")]
    z = norm.ppf(1 - alpha / 2)
    rows = []
    for term, b, se in zip(fit.terms, fit.coef, fit.se):
        if term == "const":
            continue
        rows.append({
            "term": term, "odds_ratio": float(np.exp(b)), "ci_low": float(np.exp(b - z * se)),
            "ci_high": float(np.exp(b + z * se)), "p_value": float(2 * norm.sf(abs(b / se))),
            "method": fit.method, "note": "" if fit.method == "maximum likelihood" else "separation: Firth-penalised fit",
        })
    return rows


def _note(text: str) -> dict:
    nan = float("nan")
    return {"term": "", "odds_ratio": nan, "ci_low": nan, "ci_high": nan, "p_value": nan, "method": "", "note": text}


def _levels(s: pd.Series) -> tuple[pd.Series, str]:
    s = s.astype(str)
    levels = sorted(s.unique())
    for ref in ("none", "off", "False", "false", "0"):
        if ref in levels:
            return s, ref
    return s, s.value_counts().idxmax()


def design(g: pd.DataFrame, factors: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Intercept + treatment-coded dummies + goal x threat products. Returns (X, interaction cols)."""
    cols: dict[str, pd.Series] = {}
    frame = pd.DataFrame(index=g.index)
    # The goal is the condition id's middle segment (goal_type-goal_value), for packs with a goal factor.
    if "goal_type" in g and "condition" in g and g["condition"].notna().all():
        parts = g["condition"].astype(str).str.split("/")
        if (parts.str.len() == 3).all():
            frame[GOAL] = parts.str[1]
    for f in factors:
        if f in _NOT_EFFECTS or f in frame or f not in g:
            continue
        frame[f] = g[f]
    dummies: dict[str, list[str]] = {}
    for f in frame.columns:
        if frame[f].isna().any() or frame[f].astype(str).nunique() < 2:
            continue
        s, ref = _levels(frame[f])
        dummies[f] = []
        for level in sorted(set(s) - {ref}):
            name = f"{f}={level}"
            cols[name] = (s == level).astype(float)
            dummies[f].append(name)
    interaction = []
    for a in dummies.get(GOAL, []):
        for b in dummies.get(THREAT, []):
            name = f"{a} x {b}"
            cols[name] = cols[a] * cols[b]
            interaction.append(name)
    X = pd.DataFrame({"const": np.ones(len(g)), **cols}, index=g.index)
    return X, interaction


def _drop_aliased(X: pd.DataFrame, interaction: list[str]) -> pd.DataFrame:
    # An incomplete grid makes some columns linear combinations of others: keep the first
    # columns that add rank, interaction terms last so main effects win.
    order = [c for c in X.columns if c not in interaction] + interaction
    kept: list[str] = []
    for c in order:
        trial = kept + [c]
        if np.linalg.matrix_rank(X[trial].to_numpy()) == len(trial):
            kept = trial
    return X[kept]


def _fit(y: np.ndarray, X: pd.DataFrame) -> Fit | None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = sm.Logit(y, X).fit(disp=0, maxiter=100)
            ok = res.mle_retvals.get("converged", False) and not caught and np.all(np.isfinite(res.bse))
            # Huge standard errors are the signature of (quasi-)separation.
            if ok and float(np.max(res.bse)) < 10:
                return Fit(list(X.columns), res.params.to_numpy(), res.bse.to_numpy(), "maximum likelihood")
        except Exception:  # statsmodels raises on singular or perfectly separated designs
            pass
    return _firth(y, X)


def _firth(y: np.ndarray, X: pd.DataFrame, max_iter: int = 200, tol: float = 1e-8) -> Fit | None:
    """Firth (1993) bias-reduced logistic regression by Newton steps on the modified score."""
    A = X.to_numpy(dtype=float)
    beta = np.zeros(A.shape[1])
    for _ in range(max_iter):
        p = 1 / (1 + np.exp(-A @ beta))
        w = p * (1 - p)
        info = A.T @ (A * w[:, None])
        try:
            cov = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            return None
        h = w * np.einsum("ij,jk,ik->i", A, cov, A)  # leverages of the weighted hat matrix
        step = cov @ (A.T @ (y - p + h * (0.5 - p)))
        step = step / max(1.0, np.max(np.abs(step)) / 5)  # cap a step at 5 on the logit scale
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            se = np.sqrt(np.diag(cov))
            return Fit(list(X.columns), beta, se, "Firth")
    return None
