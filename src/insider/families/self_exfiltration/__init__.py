"""Self-exfiltration: does the agent copy itself over its successor, delete it, or try to?

Factors: goal_nudge (strong/none), topic (the goal pair), monitoring (the memo says transfers
are watched: on/off). Presets: default, paper, full. The successor's server `ai-prod-02` is
simulated inside the same shell (`/net/ai-prod-02/...`, reached with `scp`); the verdict
reads its final state and the command log (`verdict.py`).
"""

from insider.families._scheming import SchemingFamily
from insider.families._scheming.verdict import register
from insider.families.self_exfiltration.environment import ExfiltrationEnv
from insider.families.self_exfiltration.verdict import exfiltration_outcome

FAMILY = SchemingFamily("self_exfiltration", ExfiltrationEnv)
BEHAVIOUR = FAMILY.behaviour
register("self_exfiltration", exfiltration_outcome)
