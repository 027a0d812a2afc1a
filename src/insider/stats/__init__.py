"""Statistics over a run's results table: rates with Wilson intervals, Newcombe differences,
exact tests with Holm's correction, factor effects, alignment-faking gaps, eval-awareness
rates and sample-size planning. Every estimator is statsmodels' or scipy's."""

from insider.stats.alignment import compliance_gap
from insider.stats.awareness import awareness_rates
from insider.stats.cells import cell_summary, comparisons, family_summary, summarize
from insider.stats.effects import factor_effects
from insider.stats.estimators import Difference, Rate, compare, fisher_p, holm, newcombe, wilson
from insider.stats.planning import Plan, plan
from insider.stats.results import COLUMNS, factor_columns, load_results

__all__ = [
    "COLUMNS", "Difference", "Plan", "Rate", "awareness_rates", "cell_summary", "compare", "comparisons",
    "compliance_gap", "factor_columns", "factor_effects", "family_summary", "fisher_p", "holm",
    "load_results", "newcombe", "plan", "summarize", "wilson",
]
