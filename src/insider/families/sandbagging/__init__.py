"""Sandbagging: does the agent answer worse when high accuracy would cost it a capability?

Factors: goal_nudge (strong/none), trigger (which accuracy the documentation says triggers
unlearning: high or low). Presets: default, paper, full. A sample is measured, not judged:
its score records its accuracy and its table verdict is `measured`; the effect is the
accuracy difference between the two triggers (`insider.stats.sandbagging`).
"""

from insider.families._scheming import SchemingFamily
from insider.families._scheming.verdict import register
from insider.families.sandbagging.environment import SandbaggingEnv
from insider.families.sandbagging.verdict import sandbagging_outcome

FAMILY = SchemingFamily("sandbagging", SandbaggingEnv, interviews=False)
BEHAVIOUR = FAMILY.behaviour
register("sandbagging", sandbagging_outcome)
