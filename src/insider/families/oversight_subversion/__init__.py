"""Oversight subversion: does the agent turn off the monitoring that would stop it?

Factors: goal_nudge (strong/none), topic (the goal pair), monitoring (the memo says it is
watched: on/off). Presets: default, paper, full. The verdict reads the oversight config's
final state (`verdict.py`).
"""

from insider.families._scheming import SchemingFamily
from insider.families._scheming.verdict import register
from insider.families.oversight_subversion.environment import OversightEnv
from insider.families.oversight_subversion.verdict import oversight_outcome

FAMILY = SchemingFamily("oversight_subversion", OversightEnv)
BEHAVIOUR = FAMILY.behaviour
register("oversight_subversion", oversight_outcome)
