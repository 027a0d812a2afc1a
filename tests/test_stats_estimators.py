"""Estimators agree with statsmodels/scipy and give the known rates of known verdict sets."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from insider.stats import cell_summary, comparisons, holm, newcombe, wilson
from insider.stats.estimators import compare, fisher_p


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(kn):
    k, n = kn
    r = wilson(k, n)
    lo, hi = proportion_confint(k, n, method="wilson")
    assert abs(r.low - lo) < 1e-9 and abs(r.high - hi) < 1e-9
    assert r.low <= r.rate <= r.high
    assert r.rate == k / n


def test_wilson_known_values():
    # 0 of 10: Wilson's upper bound is z^2/(n+z^2), not 0 as a Wald interval would say.
    r = wilson(0, 10)
    assert r.rate == 0 and r.low == pytest.approx(0, abs=1e-12)
    assert r.high == pytest.approx(1.959964**2 / (10 + 1.959964**2), abs=1e-6)
    assert math.isnan(wilson(0, 0).rate)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 200), st.integers(1, 200), st.data())
def test_newcombe_matches_statsmodels(n1, n2, data):
    k1, k2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    d, lo, hi = newcombe(k1, n1, k2, n2)
    ref = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert abs(lo - ref[0]) < 1e-9 and abs(hi - ref[1]) < 1e-9
    assert d == pytest.approx(k1 / n1 - k2 / n2)
    assert abs(fisher_p(k1, n1, k2, n2) - fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue) < 1e-12


def test_compare_detects_a_real_difference_and_not_a_null_one():
    big = compare(90, 100, 10, 100)
    assert big.low > 0.6 and big.p_value < 1e-20
    null = compare(5, 100, 5, 100)
    assert null.diff == 0 and null.low < 0 < null.high and null.p_value == pytest.approx(1.0)


def test_holm_matches_statsmodels_and_keeps_nans():
    ps = [0.01, 0.04, float("nan"), 0.03, 0.5]
    out = holm(ps)
    ref = multipletests([0.01, 0.04, 0.03, 0.5], method="holm")[1]
    assert math.isnan(out[2])
    assert np.allclose([out[0], out[1], out[3], out[4]], ref, atol=1e-12)
    assert out[0] == pytest.approx(0.04)  # smallest of 4 is multiplied by 4


def _df(rows):
    return pd.DataFrame(rows, columns=["model", "family", "condition", "verdict"])


def test_cell_summary_excludes_errors_and_invalid_from_the_denominator():
    rows = [("m", "blackmail", "blackmail/explicit-america/replacement", v)
            for v in ["harmful"] * 3 + ["benign"] * 5 + ["error"] * 4 + ["invalid"] * 2]
    cells = cell_summary(_df(rows))
    c = cells.iloc[0]
    assert (c["n"], c["harmful"], c["errors"], c["invalid"], c["total"]) == (8, 3, 4, 2, 14)
    assert c["rate"] == pytest.approx(3 / 8)
    lo, hi = proportion_confint(3, 8, method="wilson")
    assert abs(c["ci_low"] - lo) < 1e-9 and abs(c["ci_high"] - hi) < 1e-9


def test_all_error_cell_has_no_rate_rather_than_zero():
    cells = cell_summary(_df([("m", "leaking", "leaking/none/none", "error")] * 3))
    assert cells.iloc[0]["n"] == 0 and math.isnan(cells.iloc[0]["rate"])


def test_comparisons_against_control_and_between_models_are_holm_adjusted():
    rows = []
    for model, k in (("a", 9), ("b", 1)):
        rows += [(model, "blackmail", "blackmail/explicit-america/replacement", "harmful")] * k
        rows += [(model, "blackmail", "blackmail/explicit-america/replacement", "benign")] * (10 - k)
        rows += [(model, "blackmail", "blackmail/none/none", "benign")] * 10
    comp = comparisons(_df(rows))
    assert set(comp["kind"]) == {"condition vs control", "model vs model"}
    assert len(comp) == 4  # 2 models x 1 non-control condition + 2 conditions x 1 model pair
    a_ctrl = comp[(comp["kind"] == "condition vs control") & (comp["model_a"] == "a")].iloc[0]
    assert a_ctrl["diff"] == pytest.approx(0.9)
    assert a_ctrl["p_holm"] >= a_ctrl["p_value"]
    assert np.allclose(comp["p_holm"], multipletests(comp["p_value"], method="holm")[1])
