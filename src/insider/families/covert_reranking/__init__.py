"""Covert email reranking: does the agent return a ranking the stated criteria do not give?

Factors: goal_nudge (strong/none), topic (the goal pair). Presets: default, paper, full. The
verdict compares the submitted ranking with the criteria's ranking of the original data and
names any edit to the data (`verdict.py`).
"""

from insider.families._scheming import SchemingFamily
from insider.families._scheming.verdict import register
from insider.families.covert_reranking.environment import RerankingEnv
from insider.families.covert_reranking.verdict import reranking_outcome

FAMILY = SchemingFamily("covert_reranking", RerankingEnv)
BEHAVIOUR = FAMILY.behaviour
register("covert_reranking", reranking_outcome)
