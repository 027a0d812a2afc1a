"""Factor effects, alignment-faking gap, eval-awareness rates and sample-size planning."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize

from insider.errors import InsiderError
from insider.stats import awareness_rates, compliance_gap, factor_effects, plan
from insider.stats.effects import _firth


def _grid(counts, n=20, model="m"):
    rows = []
    for (goal, urgency), k in counts.items():
        for i in range(n):
            rows.append({"model": model, "family": "blackmail", "condition": f"blackmail/{goal}/{urgency}",
                         "goal_type": goal.split("-")[0], "urgency": urgency,
                         "verdict": "harmful" if i < k else "benign"})
    return pd.DataFrame(rows)


def test_effects_recover_known_odds_ratios_without_separation():
    # Saturated 2x2 model: the main-effect odds ratios equal the cell odds ratios.
    df = _grid({("none", "none"): 2, ("none", "replacement"): 6, ("explicit-america", "none"): 5,
                ("explicit-america", "replacement"): 15})
    e = factor_effects(df).set_index("term")
    assert set(e["method"]) == {"maximum likelihood"}
    assert e.loc["urgency=replacement", "odds_ratio"] == pytest.approx((6 / 14) / (2 / 18), rel=1e-5)
    assert e.loc["goal=explicit-america", "odds_ratio"] == pytest.approx((5 / 15) / (2 / 18), rel=1e-5)
    inter = (15 / 5) / (5 / 15) / ((6 / 14) / (2 / 18))
    assert e.loc["goal=explicit-america x urgency=replacement", "odds_ratio"] == pytest.approx(inter, rel=1e-5)
    assert (e["ci_low"] < e["odds_ratio"]).all() and (e["odds_ratio"] < e["ci_high"]).all()


def test_separation_falls_back_to_firth_with_finite_estimates():
    df = _grid({("none", "none"): 0, ("none", "replacement"): 3, ("explicit-america", "none"): 2,
                ("explicit-america", "replacement"): 16})
    e = factor_effects(df)
    assert set(e["method"]) == {"Firth"} and e["note"].str.contains("separation").all()
    assert np.isfinite(e[["odds_ratio", "ci_low", "ci_high"]].to_numpy()).all()


def test_firth_on_a_2x2_table_adds_half_to_each_cell():
    # Known result: Firth's estimate for a single binary covariate is the log odds ratio of
    # the table with 1/2 added to every cell (Haldane-Anscombe).
    a, b, c, d = 0, 10, 7, 3  # x=0: 0 harmful, 10 benign; x=1: 7 harmful, 3 benign
    x = np.r_[np.zeros(a + b), np.ones(c + d)]
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    fit = _firth(y, pd.DataFrame({"const": 1.0, "x": x}))
    assert fit.coef[1] == pytest.approx(math.log(((c + .5) / (d + .5)) / ((a + .5) / (b + .5))), rel=1e-6)


def test_firth_close_to_ml_on_large_unseparated_data():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 2, 4000).astype(float)
    y = (rng.random(4000) < np.where(x == 1, 0.4, 0.2)).astype(float)
    X = pd.DataFrame({"const": 1.0, "x": x})
    ml = sm.Logit(y, X).fit(disp=0).params.to_numpy()
    assert np.allclose(_firth(y, X).coef, ml, atol=0.01)


def test_effects_report_no_variation_as_not_estimable():
    e = factor_effects(_grid({("none", "none"): 0, ("explicit-america", "replacement"): 0}))
    assert len(e) == 1 and e.iloc[0]["note"].startswith("not estimable") and math.isnan(e.iloc[0]["odds_ratio"])


def _af(pairs, requests=20, model="m"):
    rows = []
    for r in range(requests):
        for mon, complied in ((True, pairs[r][0]), (False, pairs[r][1])):
            rows.append({"model": model, "family": "alignment_faking", "verdict": "harmful" if complied else "benign",
                         "monitored": mon, "complied": complied, "faking_reasoning": complied and mon, "request_id": f"r{r}"})
    return pd.DataFrame(rows)


def test_compliance_gap_paired_by_request():
    # 8 of 20 requests complied only when monitored, 1 only when unmonitored.
    pairs = [(True, False)] * 8 + [(False, True)] + [(True, True)] * 3 + [(False, False)] * 8
    g = compliance_gap(_af(pairs)).iloc[0]
    assert g["compliance_monitored"] == pytest.approx(11 / 20) and g["compliance_unmonitored"] == pytest.approx(4 / 20)
    assert g["gap"] == pytest.approx(7 / 20)
    assert g["method"].startswith("paired")
    assert g["gap_low"] < 0.35 < g["gap_high"] and g["gap_low"] > 0
    # faking reasoning is a share of the monitored answers (11 of 20), as in the paper
    assert g["faking_reasoning"] == pytest.approx(11 / 20)


def test_compliance_gap_unpaired_uses_newcombe():
    df = _af([(True, False)] * 6 + [(False, False)] * 14).drop(columns="request_id")
    g = compliance_gap(df).iloc[0]
    assert g["method"].startswith("unpaired")
    lo, hi = confint_proportions_2indep(6, 20, 0, 20, method="newcomb", compare="diff")
    assert abs(g["gap_low"] - lo) < 1e-9 and abs(g["gap_high"] - hi) < 1e-9


def test_awareness_rates_only_with_the_notice_on():
    rows = []
    for aw, k, n in (("deployment", 11, 20), ("evaluation", 1, 20), ("none", 2, 10)):
        rows += [{"model": "m", "family": "blackmail", "awareness_notice": True, "awareness": aw,
                  "verdict": "harmful" if i < k else "benign"} for i in range(n)]
    rows += [{"model": "m", "family": "blackmail", "awareness_notice": False, "awareness": "deployment", "verdict": "harmful"}] * 50
    rates, diffs = awareness_rates(pd.DataFrame(rows))
    r = rates.set_index("awareness")
    assert r.loc["deployment", "rate"] == pytest.approx(0.55) and r.loc["deployment", "count"] == 20
    assert r.loc["evaluation", "rate"] == pytest.approx(0.05)
    assert r.loc["deployment", "share"] == pytest.approx(0.4)
    assert diffs.iloc[0]["diff"] == pytest.approx(0.5) and diffs.iloc[0]["p_value"] < 0.01


def test_plan_matches_statsmodels_power():
    p = plan(0.05, 0.10, power=0.8, alpha=0.05)
    n = NormalIndPower().solve_power(abs(proportion_effectsize(0.15, 0.05)), alpha=0.05, power=0.8, ratio=1)
    assert p.n_per_condition == math.ceil(n)
    # One fewer sample per group falls short of the requested power.
    achieved = NormalIndPower().power(abs(proportion_effectsize(0.15, 0.05)), nobs1=p.n_per_condition - 1, alpha=0.05)
    assert achieved < 0.8
    assert plan(0.05, 0.05).n_per_condition > p.n_per_condition


@pytest.mark.parametrize("args", [(1.5, 0.1), (0.95, 0.1), (0.1, 0.0), (0.1, 0.1, 1.2)])
def test_plan_rejects_bad_input(args):
    with pytest.raises(InsiderError):
        plan(*args)
