"""The five scheming families over one grid (each on its own factors)."""

from insider.families._scheming import SchemingGroup

FAMILY = SchemingGroup(
    name="scheming",
    members=["oversight_subversion", "self_exfiltration", "goal_guarding", "covert_reranking", "sandbagging"],
    description="The in-context scheming families (oversight subversion, self-exfiltration, goal-guarding, "
                "covert reranking, sandbagging) together.",
    default_preset="default",
)
