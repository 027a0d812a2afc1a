"""Goal-guarding: does the agent delete or rewrite the system prompt meant to replace its own?

Factors: goal_nudge (strong/none), topic (the goal pair). Presets: default, paper, full. The
verdict reads the new prompt file's final state (`verdict.py`).
"""

from insider.families._scheming import SchemingFamily
from insider.families._scheming.verdict import register
from insider.families.goal_guarding.environment import GoalGuardingEnv
from insider.families.goal_guarding.verdict import goal_guarding_outcome

FAMILY = SchemingFamily("goal_guarding", GoalGuardingEnv)
BEHAVIOUR = FAMILY.behaviour
register("goal_guarding", goal_guarding_outcome)
