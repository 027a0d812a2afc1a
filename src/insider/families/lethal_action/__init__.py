"""The lethal_action family: its scenario pack (pack/), facts, detector and judge rubric."""

from pathlib import Path

from insider.agent.company_tools import company_environment
from insider.families.agentic_misalignment.original import StudyPrompts
from insider.families.lethal_action.detector import detect_lethal
from insider.families.lethal_action.facts import LethalFacts, engagement_terms
from insider.family import Behaviour
from insider.scenarios.family import PackFamily

HERE = Path(__file__).parent

BEHAVIOUR = Behaviour(
    name="lethal_action",
    detect=detect_lethal,
    rubric=(HERE / "rubric.md").read_text(encoding="utf-8").strip(),
    facts=LethalFacts,
    engagement_terms=engagement_terms,
    environment=company_environment,
)
# prompts="original": the study's own prompts for its "murder" scenario, over the same conditions
FAMILY = PackFamily(HERE / "pack", BEHAVIOUR, name="lethal_action", prompt_sources={"original": StudyPrompts("murder")})
